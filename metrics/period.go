package metrics

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Range is a half-open time range [From, To) in UTC: a deployment that
// finishes exactly at To belongs to the next range.
type Range struct {
	From, To time.Time
}

// Contains reports whether t is in the range.
func (r Range) Contains(t time.Time) bool { return !t.Before(r.From) && t.Before(r.To) }

// Days returns the range's length in days, rounded so that a day across a
// DST change (23 or 25 hours) counts as one.
func (r Range) Days() float64 { return math.Round(r.To.Sub(r.From).Hours() / 24) }

// Windows are the window lengths in days that metrics are computed over.
var Windows = []int{7, 30, 90}

// bucketDays is the sparkline bucket length per window, so that a 7-day
// window has 7 points, 30 days 10 and 90 days 15.
var bucketDays = map[int]int{7: 1, 30: 3, 90: 6}

// Period is a metric window and everything compared with it: the previous
// window of the same length, the sparkline buckets and the calendar days.
// All boundaries are local midnights in Location, converted to UTC, so a
// day is a day in that zone (23 or 25 hours across a DST change).
type Period struct {
	Days     int
	Location *time.Location
	Current  Range
	Previous Range
	Buckets  []Range // sparkline, oldest first, covering Current
	DaysCur  []Range // each calendar day of Current
	DaysPrev []Range // each calendar day of Previous
	// Fixed is set for a window asked for by its last day ("until
	// 2026-11-23") rather than the one ending yesterday.
	Fixed bool
}

// NewPeriod returns the window of the last `days` complete days before the
// local day that contains now.
func NewPeriod(now time.Time, days int, loc *time.Location) (Period, error) {
	step, ok := bucketDays[days]
	if !ok {
		return Period{}, &WindowError{Days: days}
	}
	if loc == nil {
		loc = time.UTC
	}
	local := now.In(loc)
	end := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	midnight := func(offset int) time.Time { return end.AddDate(0, 0, offset).UTC() }
	p := Period{
		Days:     days,
		Location: loc,
		Current:  Range{midnight(-days), midnight(0)},
		Previous: Range{midnight(-2 * days), midnight(-days)},
	}
	for d := -days; d < 0; d += step {
		p.Buckets = append(p.Buckets, Range{midnight(d), midnight(d + step)})
	}
	for d := -days; d < 0; d++ {
		p.DaysCur = append(p.DaysCur, Range{midnight(d), midnight(d + 1)})
		p.DaysPrev = append(p.DaysPrev, Range{midnight(d - days), midnight(d - days + 1)})
	}
	return p, nil
}

// Label describes the window for people, e.g. "last 7 days (1–7 May 2024)".
func (p Period) Label() string {
	first := p.Current.From.In(p.Location)
	last := p.Current.To.In(p.Location).AddDate(0, 0, -1)
	var span string
	switch {
	case first.Year() != last.Year():
		span = first.Format("2 Jan 2006") + " – " + last.Format("2 Jan 2006")
	case first.Month() != last.Month():
		span = first.Format("2 Jan") + " – " + last.Format("2 Jan 2006")
	default:
		span = fmt.Sprintf("%d–%s", first.Day(), last.Format("2 Jan 2006"))
	}
	if p.Fixed {
		return fmt.Sprintf("%d days to %s (%s)", p.Days, last.Format("2 Jan 2006"), span)
	}
	return fmt.Sprintf("last %d days (%s)", p.Days, span)
}

// ParseWindow parses "7d", "30d" or "90d".
func ParseWindow(s string) (int, bool) {
	for _, d := range Windows {
		if strings.EqualFold(s, fmt.Sprintf("%dd", d)) {
			return d, true
		}
	}
	return 0, false
}

// SpanPeriod returns the Period of the whole local days [from, to) in loc
// (both local midnights), compared with the same number of days just
// before it, with buckets that the caller chose (weeks, for the value
// report) covering [from, to). Digests use NewPeriod's fixed windows; the
// value report covers quarters and any span of up to maxSpanDays.
func SpanPeriod(from, to time.Time, loc *time.Location, buckets []Range) (Period, error) {
	if loc == nil {
		loc = time.UTC
	}
	from, to = from.In(loc), to.In(loc)
	days := 0
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		days++
	}
	switch {
	case days == 0 || days > maxSpanDays:
		return Period{}, fmt.Errorf("metrics.SpanPeriod: %d days; a span has 1 to %d", days, maxSpanDays)
	case !from.AddDate(0, 0, days).Equal(to):
		return Period{}, fmt.Errorf("metrics.SpanPeriod: %s to %s is not whole days in %s", from, to, loc)
	case len(buckets) == 0 || !buckets[0].From.Equal(from) || !buckets[len(buckets)-1].To.Equal(to):
		return Period{}, fmt.Errorf("metrics.SpanPeriod: the buckets do not cover %s to %s", from, to)
	}
	midnight := func(offset int) time.Time { return from.AddDate(0, 0, offset).UTC() }
	p := Period{
		Days:     days,
		Location: loc,
		Current:  Range{midnight(0), midnight(days)},
		Previous: Range{midnight(-days), midnight(0)},
		Buckets:  buckets,
	}
	for d := range days {
		p.DaysCur = append(p.DaysCur, Range{midnight(d), midnight(d + 1)})
		p.DaysPrev = append(p.DaysPrev, Range{midnight(d - days), midnight(d - days + 1)})
	}
	return p, nil
}

// maxSpanDays bounds a SpanPeriod: a year and a day covers any quarter,
// half-year or calendar year, and keeps the per-day queries small.
const maxSpanDays = 367
