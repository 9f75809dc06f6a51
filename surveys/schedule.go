package surveys

import (
	"time"

	"github.com/robfig/cron/v3"

	"github.com/platformbot/platformbot/internal/cronspec"
)

// JobName is the stable name of a survey's start job: it keys the lock
// that runs an occurrence once across replicas.
func JobName(surveyID string) string { return "pulse:" + surveyID }

// schedule parses the survey's cron in its zone; nil without a cron.
func (s Survey) schedule() cron.Schedule {
	if s.Cron == "" {
		return nil
	}
	sched, err := cronspec.Parse(s.Cron, s.location())
	if err != nil {
		return nil
	}
	return sched
}

func (s Survey) location() *time.Location {
	if s.Location == nil {
		return time.UTC
	}
	return s.Location
}

// InWeek reports whether t falls in a week the survey runs in: every
// EveryWeeks-th week, counted in the survey's zone from the week of Anchor.
func (s Survey) InWeek(t time.Time) bool {
	if s.EveryWeeks <= 1 {
		return true
	}
	loc := s.location()
	t = t.In(loc)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	anchor := time.Date(s.Anchor.Year(), s.Anchor.Month(), s.Anchor.Day(), 0, 0, 0, 0, time.UTC)
	// Weeks start on Monday: move both days back to their Monday.
	day = day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	anchor = anchor.AddDate(0, 0, -((int(anchor.Weekday()) + 6) % 7))
	weeks := int(day.Sub(anchor).Hours()/24) / 7
	return ((weeks%s.EveryWeeks)+s.EveryWeeks)%s.EveryWeeks == 0
}

// NextRun returns the survey's next scheduled start after t, honouring
// EveryWeeks; false when it has no schedule.
func (s Survey) NextRun(after time.Time) (time.Time, bool) {
	sched := s.schedule()
	if sched == nil {
		return time.Time{}, false
	}
	t := after
	for range 2000 { // a year of hourly occurrences, or 52 × every_weeks weeks
		t = sched.Next(t)
		if t.IsZero() {
			return time.Time{}, false
		}
		if s.InWeek(t) {
			return t, true
		}
	}
	return time.Time{}, false
}

// Occurrence returns the scheduled time a job firing at now belongs to: the
// cron time within a minute of now. Replicas whose clocks differ by a few
// seconds thus agree on it, which keys the run and makes starting
// idempotent. Without a matching cron time it is now to the minute.
func (s Survey) Occurrence(now time.Time) time.Time {
	if sched := s.schedule(); sched != nil {
		if t := sched.Next(now.Add(-time.Minute)); !t.IsZero() && !t.After(now.Add(time.Minute)) {
			return t.UTC()
		}
	}
	return now.UTC().Truncate(time.Minute)
}
