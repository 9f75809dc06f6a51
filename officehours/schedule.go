package officehours

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Schedule is the office-hours timetable: who hosts when, in their own time
// zone, and the rules of how far ahead and how late slots can be booked.
// Its methods are pure: the same schedule and instant give the same slots.
type Schedule struct {
	SlotLength time.Duration
	Horizon    time.Duration // slots must start before now+Horizon
	MinNotice  time.Duration // slots must start at or after now+MinNotice
	Blackouts  []DateRange   // days off for every host, in each host's zone
	Hosts      []HostSchedule
}

// HostSchedule is one host's weekly windows in their time zone.
type HostSchedule struct {
	User      string
	Location  *time.Location
	Windows   []Window
	Blackouts []DateRange // this host's days off
}

// Window is a weekly period in the host's zone: on Day, from Start to End
// minutes after local midnight (End exclusive).
type Window struct {
	Day        time.Weekday
	Start, End int
}

// DateRange is an inclusive range of calendar days. Only the year, month
// and day of From and To count; they are read in the host's zone.
type DateRange struct{ From, To time.Time }

func dayNumber(y int, m time.Month, d int) int { return y*10000 + int(m)*100 + d }

func (r DateRange) contains(y int, m time.Month, d int) bool {
	n := dayNumber(y, m, d)
	return dayNumber(r.From.Date()) <= n && n <= dayNumber(r.To.Date())
}

// Host returns the schedule of host.
func (s *Schedule) Host(user string) (HostSchedule, bool) {
	for _, h := range s.Hosts {
		if h.User == user {
			return h, true
		}
	}
	return HostSchedule{}, false
}

// IsHost reports whether user hosts office hours.
func (s *Schedule) IsHost(user string) bool {
	_, ok := s.Host(user)
	return ok
}

// Slots returns every slot of every host starting in [from, to), blackout
// days removed, sorted by start and then host. Booking rules (notice,
// horizon) are not applied: metrics use this to count slots offered.
func (s *Schedule) Slots(from, to time.Time) []Slot {
	var out []Slot
	for _, h := range s.Hosts {
		out = append(out, s.hostSlots(h, from, to)...)
	}
	slices.SortFunc(out, func(a, b Slot) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.Host, b.Host)
	})
	return out
}

// Bookable returns the slots that may be booked at now: starting no sooner
// than MinNotice and before Horizon from now.
func (s *Schedule) Bookable(now time.Time) []Slot {
	return s.Slots(now.Add(s.MinNotice), now.Add(s.Horizon))
}

// Find returns host's slot starting at start, or ErrNoSuchSlot.
func (s *Schedule) Find(host string, start time.Time) (Slot, error) {
	h, ok := s.Host(host)
	if !ok {
		return Slot{}, ErrNoSuchSlot
	}
	for _, sl := range s.hostSlots(h, start, start.Add(time.Second)) {
		if sl.Start.Equal(start) {
			return sl, nil
		}
	}
	return Slot{}, ErrNoSuchSlot
}

// CheckBookable returns the slot if it exists and may be booked at now.
func (s *Schedule) CheckBookable(host string, start, now time.Time) (Slot, error) {
	sl, err := s.Find(host, start)
	if err != nil {
		return Slot{}, err
	}
	switch {
	case !sl.Start.After(now):
		return Slot{}, ErrStarted
	case sl.Start.Before(now.Add(s.MinNotice)):
		return Slot{}, ErrTooSoon.Withf("That slot starts too soon: slots must be booked at least %s ahead.", humanDuration(s.MinNotice))
	case !sl.Start.Before(now.Add(s.Horizon)):
		return Slot{}, ErrTooFar.Withf("That slot is too far ahead: slots can be booked up to %s ahead.", humanDuration(s.Horizon))
	}
	return sl, nil
}

// hostSlots generates h's slots starting in [from, to). Each window is cut
// into slots on the host's wall clock (14:00, 14:30, …), so a 14:00 window
// stays at 14:00 local on both sides of a daylight-saving change. A local
// start time that does not exist that day (skipped by a spring-forward
// change) yields no slot; one that occurs twice (fall-back) means its first
// occurrence. A slot lasts SlotLength of real time.
func (s *Schedule) hostSlots(h HostSchedule, from, to time.Time) []Slot {
	if s.SlotLength <= 0 || !from.Before(to) {
		return nil
	}
	step := int(s.SlotLength / time.Minute)
	loc := h.Location
	if loc == nil {
		loc = time.UTC
	}
	// Civil days from the day before from to the day after to, in the
	// host's zone, walked in UTC where every day has 24 hours.
	fy, fm, fd := from.In(loc).Date()
	ty, tm, td := to.In(loc).Date()
	last := time.Date(ty, tm, td+1, 0, 0, 0, 0, time.UTC)
	var out []Slot
	for day := time.Date(fy, fm, fd-1, 0, 0, 0, 0, time.UTC); !day.After(last); day = day.AddDate(0, 0, 1) {
		y, m, d := day.Date()
		if s.blackedOut(h, y, m, d) {
			continue
		}
		for _, w := range h.Windows {
			if w.Day != day.Weekday() {
				continue
			}
			for min := w.Start; min+step <= w.End; min += step {
				start, ok := localInstant(y, m, d, min, loc)
				if !ok || start.Before(from) || !start.Before(to) {
					continue
				}
				out = append(out, Slot{Host: h.User, Start: start.UTC(), End: start.Add(s.SlotLength).UTC()})
			}
		}
	}
	slices.SortFunc(out, func(a, b Slot) int { return a.Start.Compare(b.Start) })
	return slices.CompactFunc(out, func(a, b Slot) bool { return a.Start.Equal(b.Start) })
}

func (s *Schedule) blackedOut(h HostSchedule, y int, m time.Month, d int) bool {
	for _, r := range s.Blackouts {
		if r.contains(y, m, d) {
			return true
		}
	}
	for _, r := range h.Blackouts {
		if r.contains(y, m, d) {
			return true
		}
	}
	return false
}

// localInstant returns the instant when the wall clock in loc shows
// minute (after midnight) on the given day. ok is false when that time is
// skipped by a daylight-saving change; when it occurs twice, the first
// occurrence is returned.
func localInstant(y int, m time.Month, d, minute int, loc *time.Location) (time.Time, bool) {
	hh, mm := minute/60, minute%60
	t := time.Date(y, m, d, hh, mm, 0, 0, loc)
	if !sameWallClock(t, d, hh, mm) {
		return time.Time{}, false // in a spring-forward gap: Go moved it
	}
	// time.Date may pick either occurrence of a repeated time. If an offset
	// in effect a few hours earlier also yields the same wall clock, that
	// earlier instant is the first occurrence.
	_, off := t.Zone()
	_, before := t.Add(-6 * time.Hour).Zone()
	if before > off {
		if earlier := t.Add(-time.Duration(before-off) * time.Second); sameWallClock(earlier, d, hh, mm) {
			return earlier, true
		}
	}
	return t, true
}

func sameWallClock(t time.Time, d, hh, mm int) bool {
	th, tm, _ := t.Clock()
	return th == hh && tm == mm && t.Day() == d
}

// WeekOf returns the Monday-to-Monday week containing t in loc, as UTC
// instants. The weekly booking limit counts bookings in this range.
func WeekOf(t time.Time, loc *time.Location) (from, to time.Time) {
	lt := t.In(loc)
	back := (int(lt.Weekday()) + 6) % 7 // days since Monday
	y, m, d := lt.Date()
	from = time.Date(y, m, d-back, 0, 0, 0, 0, loc)
	to = time.Date(y, m, d-back+7, 0, 0, 0, 0, loc)
	return from.UTC(), to.UTC()
}

// humanDuration renders a rule's duration for people: "14 days", "2h",
// "1h30m", "45 minutes".
func humanDuration(d time.Duration) string {
	d = d.Round(time.Minute)
	const day = 24 * time.Hour
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case d == day:
		return "1 day"
	case d > day && d%day == 0:
		return strconv.Itoa(int(d/day)) + " days"
	case h > 0 && m > 0:
		return fmt.Sprintf("%dh%02dm", h, m)
	case h > 0:
		return strconv.Itoa(h) + "h"
	case m == 1:
		return "1 minute"
	}
	return strconv.Itoa(m) + " minutes"
}
