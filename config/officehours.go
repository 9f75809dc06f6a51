package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// OfficeHours configures office hours: who hosts them, when, and the booking
// rules. An empty hosts list turns the feature off (the command says so).
// See docs/officehours.md#office-hours for the reference and an example.
type OfficeHours struct {
	// SlotLength is the length of one booking; windows are cut into slots
	// of this length from their start. Default 30m.
	SlotLength Duration `yaml:"slot_length"`
	// Horizon is how far ahead slots can be booked. Default 14d.
	Horizon Duration `yaml:"horizon"`
	// MinNotice is how long before its start a slot can still be booked.
	// 0 allows booking up to the start.
	MinNotice Duration `yaml:"min_notice"`
	// MaxPerWeek caps the active bookings one person holds in a week
	// (Monday to Sunday in the top-level timezone). 0 means no limit.
	MaxPerWeek int `yaml:"max_per_week"`
	// TopicRequired makes the booking form's topic field mandatory.
	TopicRequired bool `yaml:"topic_required"`
	// ReminderBefore is when the reminder DM goes out. Default 15m.
	ReminderBefore Duration `yaml:"reminder_before"`
	// FeedbackAfter delays the "how helpful was this?" DM after a slot
	// ends. 0 asks as soon as it ends.
	FeedbackAfter Duration `yaml:"feedback_after"`
	// BlackoutDates are days without office hours for every host, as
	// "2026-12-24" or an inclusive range "2026-12-24..2027-01-01", read in
	// each host's own time zone.
	BlackoutDates []string `yaml:"blackout_dates"`
	// Hosts hold the office hours.
	Hosts []OfficeHoursHost `yaml:"hosts"`
}

// OfficeHoursHost is one platform engineer's weekly office hours.
type OfficeHoursHost struct {
	User          string              `yaml:"user"`     // Slack user id
	Timezone      string              `yaml:"timezone"` // IANA zone of the windows; default: top-level timezone
	Windows       []OfficeHoursWindow `yaml:"windows"`
	BlackoutDates []string            `yaml:"blackout_dates"` // this host's days off, same syntax as above
}

// OfficeHoursWindow is a weekly time range, in the host's time zone, on the
// listed weekdays. Start and End are "HH:MM" (24 h); End is exclusive.
type OfficeHoursWindow struct {
	Days  []string `yaml:"days"` // mon, tue, … sun
	Start string   `yaml:"start"`
	End   string   `yaml:"end"`
}

// Office-hours defaults applied by validation when a key is absent or 0.
const (
	DefaultSlotLength     = 30 * time.Minute
	DefaultHorizon        = 14 * 24 * time.Hour
	DefaultReminderBefore = 15 * time.Minute
)

// DateRange is an inclusive range of calendar dates (civil dates, no zone).
type DateRange struct{ From, To time.Time }

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// ParseWeekday reads "mon", "Monday", "TUE"… as a weekday.
func ParseWeekday(s string) (time.Weekday, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) < 3 {
		return 0, false
	}
	d, ok := weekdays[s[:3]]
	if !ok || (len(s) > 3 && !strings.EqualFold(d.String(), s)) {
		return 0, false
	}
	return d, true
}

// ParseClock reads "HH:MM" (24 h) as minutes after midnight. "24:00" is
// accepted as the end of the day.
func ParseClock(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	h, errH := strconv.Atoi(s[:2])
	m, errM := strconv.Atoi(s[3:])
	if errH != nil || errM != nil || s[0] == '+' || s[0] == '-' || s[3] == '+' || s[3] == '-' {
		return 0, false
	}
	if h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

// ParseDateRange reads "2026-12-24" or "2026-12-24..2027-01-01".
func ParseDateRange(s string) (DateRange, error) {
	from, to, isRange := strings.Cut(strings.TrimSpace(s), "..")
	a, err := time.Parse(time.DateOnly, strings.TrimSpace(from))
	if err != nil {
		return DateRange{}, fmt.Errorf("%q is not a date like 2026-12-24 or a range like 2026-12-24..2027-01-01", s)
	}
	b := a
	if isRange {
		if b, err = time.Parse(time.DateOnly, strings.TrimSpace(to)); err != nil {
			return DateRange{}, fmt.Errorf("%q is not a date like 2026-12-24 or a range like 2026-12-24..2027-01-01", s)
		}
		if b.Before(a) {
			return DateRange{}, fmt.Errorf("%q ends before it starts", s)
		}
	}
	return DateRange{From: a, To: b}, nil
}

func (o *OfficeHours) validate(v *validator, path string) {
	if o.SlotLength == 0 {
		o.SlotLength = Duration(DefaultSlotLength)
	}
	if o.Horizon == 0 {
		o.Horizon = Duration(DefaultHorizon)
	}
	if o.ReminderBefore == 0 {
		o.ReminderBefore = Duration(DefaultReminderBefore)
	}
	if d := o.SlotLength.D(); d < 5*time.Minute || d > 8*time.Hour || d%time.Minute != 0 {
		v.add(path+".slot_length", "must be whole minutes between 5m and 8h, got %s", d)
	}
	if o.Horizon.D() < 24*time.Hour || o.Horizon.D() > 366*24*time.Hour {
		v.add(path+".horizon", "must be between 1d and 366d, got %s", o.Horizon.D())
	}
	for key, d := range map[string]Duration{"min_notice": o.MinNotice, "reminder_before": o.ReminderBefore, "feedback_after": o.FeedbackAfter} {
		if d < 0 || d.D() > 7*24*time.Hour {
			v.add(path+"."+key, "must be between 0 and 7d, got %s", d.D())
		}
	}
	if o.MinNotice.D() >= o.Horizon.D() {
		v.add(path+".min_notice", "must be shorter than the horizon (%s), or nothing can be booked", o.Horizon.D())
	}
	if o.MaxPerWeek < 0 {
		v.add(path+".max_per_week", "must be 0 (no limit) or more, got %d", o.MaxPerWeek)
	}
	validateBlackouts(v, path+".blackout_dates", o.BlackoutDates)
	seen := map[string]bool{}
	for i, h := range o.Hosts {
		p := fmt.Sprintf("%s.hosts[%d]", path, i)
		v.userID(p+".user", h.User)
		if seen[h.User] {
			v.add(p+".user", "host %s is listed twice; give one host several windows instead", h.User)
		}
		seen[h.User] = true
		v.timezone(p+".timezone", h.Timezone)
		validateBlackouts(v, p+".blackout_dates", h.BlackoutDates)
		if len(h.Windows) == 0 {
			v.add(p+".windows", "a host needs at least one window, e.g. {days: [tue, thu], start: \"14:00\", end: \"16:00\"}")
		}
		for j, w := range h.Windows {
			w.validate(v, fmt.Sprintf("%s.windows[%d]", p, j), o.SlotLength.D())
		}
	}
}

func (w OfficeHoursWindow) validate(v *validator, path string, slot time.Duration) {
	if len(w.Days) == 0 {
		v.add(path+".days", "list the weekdays, e.g. [tue, thu]")
	}
	for k, d := range w.Days {
		if _, ok := ParseWeekday(d); !ok {
			v.add(fmt.Sprintf("%s.days[%d]", path, k), "%q is not a weekday (mon, tue, wed, thu, fri, sat, sun)", d)
		}
	}
	start, okS := ParseClock(w.Start)
	if !okS || start == 24*60 {
		v.add(path+".start", "%q is not a time like \"14:00\"", w.Start)
	}
	end, okE := ParseClock(w.End)
	if !okE {
		v.add(path+".end", "%q is not a time like \"16:00\"", w.End)
	}
	if okS && okE && time.Duration(end-start)*time.Minute < slot {
		v.add(path+".end", "the window %s–%s is shorter than one slot (%s)", w.Start, w.End, slot)
	}
}

func validateBlackouts(v *validator, path string, dates []string) {
	for i, s := range dates {
		if _, err := ParseDateRange(s); err != nil {
			v.add(fmt.Sprintf("%s[%d]", path, i), "%v", err)
		}
	}
}

// Weekdays returns the window's days; call it on a validated config.
func (w OfficeHoursWindow) Weekdays() []time.Weekday {
	var out []time.Weekday
	for _, d := range w.Days {
		if wd, ok := ParseWeekday(d); ok {
			out = append(out, wd)
		}
	}
	return out
}

// Minutes returns the window's start and end as minutes after midnight;
// call it on a validated config.
func (w OfficeHoursWindow) Minutes() (start, end int) {
	start, _ = ParseClock(w.Start)
	end, _ = ParseClock(w.End)
	return start, end
}

// Location returns the host's time zone, def when none is set; call it on
// a validated config.
func (h OfficeHoursHost) Location(def *time.Location) *time.Location {
	if h.Timezone == "" {
		return def
	}
	if loc, err := time.LoadLocation(h.Timezone); err == nil {
		return loc
	}
	return def
}

// Blackouts returns the parsed blackout ranges of a validated list.
func Blackouts(dates []string) []DateRange {
	var out []DateRange
	for _, s := range dates {
		if r, err := ParseDateRange(s); err == nil {
			out = append(out, r)
		}
	}
	return out
}
