// Package workhours decides when a message the bot sends on its own
// initiative may reach a person: within their working hours, in their own
// time zone. A send that falls outside is held until the next start of
// their working hours, never dropped and never sent at 03:00.
//
// Times of day are wall-clock times in the person's zone, so a hold across
// a daylight-saving change lands on the right local hour.
package workhours

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Window is a working day's hours and the days that are working days.
type Window struct {
	Start, End Clock // local wall-clock times; Start < End
	Days       [7]bool
}

// Clock is a time of day in minutes after midnight.
type Clock int

// ParseClock reads "09:00".
func ParseClock(s string) (Clock, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("workhours: %q is not a time of day like 09:00", s)
	}
	return Clock(t.Hour()*60 + t.Minute()), nil
}

func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// Default is 09:00–17:00, Monday to Friday.
func Default() Window {
	return Window{Start: 9 * 60, End: 17 * 60, Days: [7]bool{time.Monday: true, time.Tuesday: true, time.Wednesday: true, time.Thursday: true, time.Friday: true}}
}

// ErrEmpty is returned for a window without working days or hours.
var ErrEmpty = errors.New("workhours: the window has no working time")

// Validate reports a window that could never admit a send.
func (w Window) Validate() error {
	if w.Start < 0 || w.End > 24*60 || w.Start >= w.End {
		return fmt.Errorf("workhours: %s–%s is not a span within one day", w.Start, w.End)
	}
	for _, d := range w.Days {
		if d {
			return nil
		}
	}
	return ErrEmpty
}

// at returns the wall-clock time c on the local date of day in loc.
func at(day time.Time, c Clock, loc *time.Location) time.Time {
	y, m, d := day.In(loc).Date()
	return time.Date(y, m, d, int(c)/60, int(c)%60, 0, 0, loc)
}

// Contains reports whether t falls within the working hours in loc.
func (w Window) Contains(t time.Time, loc *time.Location) bool {
	local := t.In(loc)
	return w.Days[local.Weekday()] && !t.Before(at(t, w.Start, loc)) && t.Before(at(t, w.End, loc))
}

// Next returns t if it falls within the working hours in loc, else the
// next start of the working hours after t. A window that fails Validate
// returns t: better a send at an odd hour than none.
func (w Window) Next(t time.Time, loc *time.Location) time.Time {
	if w.Validate() != nil {
		return t
	}
	if w.Contains(t, loc) {
		return t
	}
	local := t.In(loc)
	for i := range 8 {
		day := time.Date(local.Year(), local.Month(), local.Day()+i, 12, 0, 0, 0, loc)
		if !w.Days[day.Weekday()] {
			continue
		}
		if start := at(day, w.Start, loc); start.After(t) {
			return start
		}
	}
	return t // unreachable for a valid window
}

// At returns when a send planned for the occurrence t should reach a
// person in loc at the local time of day c ("send at 10:00 local"): c on
// the local date of t if that is a working day and still ahead; else t
// itself if t is within working hours (today's 10:00 has passed, but it is
// a decent hour); else c on the next working day. Never before t.
func (w Window) At(t time.Time, c Clock, loc *time.Location) time.Time {
	if w.Validate() != nil {
		return t
	}
	local := t.In(loc)
	for i := range 8 {
		day := time.Date(local.Year(), local.Month(), local.Day()+i, 12, 0, 0, 0, loc)
		if !w.Days[day.Weekday()] {
			continue
		}
		if target := at(day, c, loc); !target.Before(t) {
			return target
		}
		if i == 0 && w.Contains(t, loc) {
			return t
		}
	}
	return t // unreachable for a valid window
}
