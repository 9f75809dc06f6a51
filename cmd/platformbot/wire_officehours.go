package main

import (
	"context"
	"errors"
	"time"

	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/handlers/home"
	hofficehours "github.com/platformbot/platformbot/handlers/officehours"
	"github.com/platformbot/platformbot/i18n"
	"github.com/platformbot/platformbot/officehours"
	"github.com/platformbot/platformbot/schedule"
	"github.com/platformbot/platformbot/storage"
)

// wireOfficeHours registers /officehours, its buttons and forms, the App
// Home section, its kinds of DM and the job that queues reminders and
// feedback questions.
func (m *Main) wireOfficeHours(ctx context.Context) error {
	oh := hofficehours.New(m.Slack, m.Log)
	oh.Outbox, oh.Languages = m.Outbox, m.Language
	rules := officeHoursRules(m.Config)
	svc := &officehours.Service{
		Schedule: officeHoursSchedule(m.Config),
		Rules:    rules,
		Store:    m.officeHoursStore(),
		Notifier: oh.Notifier(rules.ReminderBefore),
		Clock:    m.Clock,
		TeamOf:   hofficehours.TeamOf(m.People, m.Log),
		OnNotifyError: func(_ context.Context, err error) {
			m.Log.Warn().Err(err).Msg("office hours: message not queued (the change itself is saved)")
		},
	}
	oh.Service = svc
	oh.Refresh = m.Home.Publish
	oh.Register(m.Router, m.Config.Slack.Commands.OfficeHours)
	m.Home.Add(home.Section{Name: "Office hours", NameID: i18n.OfficeHoursHomeTitle, Order: 20, Render: oh.HomeSection})
	return m.Scheduler.Add(schedule.Job{Name: "officehours-followups", Every: time.Minute, Run: svc.RunDue})
}

// officeHoursStore returns the office-hours store; it is also the
// metrics.OfficeHoursSource for digests.
func (m *Main) officeHoursStore() *storage.OfficeHoursStore {
	return storage.NewOfficeHoursStore(m.DB, officeHoursSchedule(m.Config))
}

// officeHoursSchedule turns the validated config into the domain's
// timetable.
func officeHoursSchedule(cfg *config.Config) *officehours.Schedule {
	oh := cfg.OfficeHours
	s := &officehours.Schedule{
		SlotLength: oh.SlotLength.D(), Horizon: oh.Horizon.D(), MinNotice: oh.MinNotice.D(),
		Blackouts: officeHoursDates(oh.BlackoutDates),
	}
	for _, h := range oh.Hosts {
		hs := officehours.HostSchedule{User: h.User, Location: h.Location(cfg.Location()), Blackouts: officeHoursDates(h.BlackoutDates)}
		for _, w := range h.Windows {
			start, end := w.Minutes()
			for _, d := range w.Weekdays() {
				hs.Windows = append(hs.Windows, officehours.Window{Day: d, Start: start, End: end})
			}
		}
		s.Hosts = append(s.Hosts, hs)
	}
	return s
}

func officeHoursDates(dates []string) []officehours.DateRange {
	var out []officehours.DateRange
	for _, r := range config.Blackouts(dates) {
		out = append(out, officehours.DateRange{From: r.From, To: r.To})
	}
	return out
}

func officeHoursRules(cfg *config.Config) officehours.Rules {
	oh := cfg.OfficeHours
	return officehours.Rules{
		MaxPerWeek: oh.MaxPerWeek, WeekZone: cfg.Location(), TopicRequired: oh.TopicRequired,
		ReminderBefore: oh.ReminderBefore.D(), FeedbackAfter: oh.FeedbackAfter.D(),
	}
}

// seedOfficeHours adds sample data for `console --demo`: an upcoming
// booking of the console user with each host, and a past session
// with feedback so that metrics have something to show. Running it again
// adds nothing (an existing booking, or the slot's unique constraint).
func (m *Main) seedOfficeHours(ctx context.Context) error {
	sched := officeHoursSchedule(m.Config)
	if len(sched.Hosts) == 0 {
		return nil
	}
	store := m.officeHoursStore()
	const user = "UCONSOLE"
	team := hofficehours.TeamOf(m.People, m.Log)(ctx, user) // as a real booking gets it
	now := m.Clock.Now().UTC()
	upcoming, err := store.Upcoming(ctx, user, now)
	if err != nil || len(upcoming) > 0 {
		return err
	}
	var seeds []officehours.Booking
	seen := map[string]bool{}
	for _, sl := range sched.Bookable(now) { // the first slot of each host
		if !seen[sl.Host] {
			seen[sl.Host] = true
			seeds = append(seeds, officehours.Booking{Kind: officehours.KindBooking, Slot: sl, Booker: user, Team: team,
				Topic: "Demo: our CI pipeline got slow since the runner upgrade", CreatedAt: now})
		}
	}
	if past := sched.Slots(now.AddDate(0, 0, -14), now.Add(-time.Hour)); len(past) > 0 {
		last := past[len(past)-1]
		seeds = append(seeds, officehours.Booking{Kind: officehours.KindBooking, Slot: last, Booker: user, Team: team,
			Topic: "Demo: preview environments for feature branches", CreatedAt: last.Start.AddDate(0, 0, -2),
			BookerRemindedAt: last.Start, HostRemindedAt: last.Start, FeedbackAskedAt: last.End,
			FeedbackScore: 5, FeedbackComment: "Very helpful, thanks!", FeedbackAt: last.End})
	}
	for _, b := range seeds {
		if _, err := store.Book(ctx, b, officehours.Limit{}); err != nil && !errors.Is(err, officehours.ErrSlotTaken) {
			return err
		}
	}
	return nil
}
