package report

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/platformbot/platformbot/metrics"
)

// Period is the span a report covers: whole local days [From, To) in
// Location, compared with the period of the same number of days just
// before it [PrevFrom, From). A quarter that is not over yet ends at the
// start of today (ToDate): only complete days are reported.
type Period struct {
	// Name identifies the period in commands, the API and outbox keys:
	// "2026Q3", or "2026-07-01..2026-09-30" for a span of dates.
	Name     string
	From, To time.Time // local midnights; To is exclusive
	PrevFrom time.Time
	Location *time.Location
	Quarter  bool // Name is a calendar quarter
	ToDate   bool // the quarter is cut at today
}

// Days returns the number of days the period covers.
func (p Period) Days() int {
	n := 0
	for d := p.From; d.Before(p.To); d = d.AddDate(0, 0, 1) {
		n++
	}
	return n
}

// Last returns the period's last day (To is exclusive).
func (p Period) Last() time.Time { return p.To.AddDate(0, 0, -1) }

// Label describes the period for people, e.g. "Q3 2026 (1 Jul – 30 Sep 2026)".
func (p Period) Label() string {
	span := dateSpan(p.From, p.Last())
	if !p.Quarter {
		return span
	}
	q := fmt.Sprintf("Q%d %d", quarterOf(p.From), p.From.Year())
	if p.ToDate {
		q += " to date"
	}
	return q + " (" + span + ")"
}

// PrevLabel describes the comparison period, e.g. "31 Mar – 30 Jun 2026".
func (p Period) PrevLabel() string { return dateSpan(p.PrevFrom, p.From.AddDate(0, 0, -1)) }

func dateSpan(first, last time.Time) string {
	switch {
	case first.Year() != last.Year():
		return first.Format("2 Jan 2006") + " – " + last.Format("2 Jan 2006")
	case first.Month() != last.Month():
		return first.Format("2 Jan") + " – " + last.Format("2 Jan 2006")
	case first.Day() != last.Day():
		return fmt.Sprintf("%d–%s", first.Day(), last.Format("2 Jan 2006"))
	}
	return first.Format("2 Jan 2006")
}

// Weeks splits the period into the weeks the charts plot, counted from its
// first day; the days left over at the end (fewer than 4) join the last
// week, so that no point of a weekly chart stands for a day or two.
func (p Period) Weeks() []metrics.Range {
	var out []metrics.Range
	for d := p.From; d.Before(p.To); d = d.AddDate(0, 0, 7) {
		end := d.AddDate(0, 0, 7)
		if end.After(p.To) {
			end = p.To
		}
		out = append(out, metrics.Range{From: d.UTC(), To: end.UTC()})
	}
	if n := len(out); n > 1 && out[n-1].Days() < 4 {
		out[n-2].To = out[n-1].To
		out = out[:n-1]
	}
	return out
}

// metricsPeriod is the period in the metrics package's terms, with the
// weeks as its buckets.
func (p Period) metricsPeriod() (metrics.Period, error) {
	return metrics.SpanPeriod(p.From, p.To, p.Location, p.Weeks())
}

// current and previous are the period and its comparison as ranges.
func (p Period) current() metrics.Range { return metrics.Range{From: p.From.UTC(), To: p.To.UTC()} }
func (p Period) previous() metrics.Range {
	return metrics.Range{From: p.PrevFrom.UTC(), To: p.From.UTC()}
}

// periodErr returns e, which says why and with which data, worded in
// English by format and args.
func periodErr(e PeriodError, format string, args ...any) error {
	e.Msg = fmt.Sprintf(format, args...)
	return &e
}

// MaxDays bounds a span of dates: a year and a day.
const MaxDays = 367

var quarterRe = regexp.MustCompile(`(?i)^(?:(\d{4})-?q([1-4])|q([1-4])[ -]?(\d{4}))$`)

const dateLayout = "2006-01-02"

// ParsePeriod reads a period as people type it: "" or "last" (the last
// complete quarter), "this" (the current quarter to date), "2026Q3"
// ("2026-Q3", "Q3-2026" and "q3 2026" too), or "2026-07-01..2026-09-30"
// (both days included). now and loc decide what "last" means and which
// days are complete.
func ParsePeriod(s string, now time.Time, loc *time.Location) (Period, error) {
	if loc == nil {
		loc = time.UTC
	}
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "", "last", "last-quarter", "last quarter", "previous":
		y, q := quarterAt(now.In(loc))
		if q--; q == 0 {
			y, q = y-1, 4
		}
		return Quarter(y, q, now, loc)
	case "this", "this-quarter", "this quarter", "current":
		y, q := quarterAt(now.In(loc))
		return Quarter(y, q, now, loc)
	}
	if from, to, ok := strings.Cut(s, ".."); ok {
		return Dates(strings.TrimSpace(from), strings.TrimSpace(to), now, loc)
	}
	if m := quarterRe.FindStringSubmatch(s); m != nil {
		ys, qs := m[1], m[2]
		if ys == "" {
			ys, qs = m[4], m[3]
		}
		y, _ := strconv.Atoi(ys)
		q, _ := strconv.Atoi(qs)
		return Quarter(y, q, now, loc)
	}
	return Period{}, periodErr(PeriodError{Why: PeriodUnknown, Input: s}, "“%s” is not a period: use a quarter like 2026Q3, “last” (the last quarter), “this” (this quarter so far) or two dates like 2026-07-01..2026-09-30.", s)
}

// Quarter returns quarter q (1–4) of year y, cut at the start of today if
// it is not over yet.
func Quarter(y, q int, now time.Time, loc *time.Location) (Period, error) {
	if loc == nil {
		loc = time.UTC
	}
	if y < 2000 || y > 9999 || q < 1 || q > 4 {
		return Period{}, periodErr(PeriodError{Why: PeriodNoQuarter, Year: y, Quarter: q}, "there is no quarter %d of %d.", q, y)
	}
	from := time.Date(y, time.Month(3*(q-1)+1), 1, 0, 0, 0, 0, loc)
	p, err := span(from, from.AddDate(0, 3, 0), now, loc)
	if err != nil {
		return Period{}, err
	}
	p.Name, p.Quarter = fmt.Sprintf("%dQ%d", y, q), true
	return p, nil
}

// Dates returns the days from first to last (both included, YYYY-MM-DD).
func Dates(first, last string, now time.Time, loc *time.Location) (Period, error) {
	if loc == nil {
		loc = time.UTC
	}
	f, err1 := time.ParseInLocation(dateLayout, first, loc)
	l, err2 := time.ParseInLocation(dateLayout, last, loc)
	switch {
	case err1 != nil || err2 != nil:
		return Period{}, periodErr(PeriodError{Why: PeriodDateFormat}, "dates are written YYYY-MM-DD, like 2026-07-01..2026-09-30.")
	case l.Before(f):
		return Period{}, periodErr(PeriodError{Why: PeriodBackwards, First: first, Last: last}, "the period ends (%s) before it starts (%s).", last, first)
	case f.Year() < 2000:
		return Period{}, periodErr(PeriodError{Why: PeriodTooEarly}, "the period starts before the year 2000.")
	}
	to := l.AddDate(0, 0, 1)
	if days := int(to.Sub(f).Hours()/24 + 0.5); days > MaxDays {
		return Period{}, periodErr(PeriodError{Why: PeriodTooLong, First: first, Last: last, Days: days}, "a period has at most %d days; %s..%s has %d.", MaxDays, first, last, days)
	}
	p, err := span(f, to, now, loc)
	if err != nil {
		return Period{}, err
	}
	if p.ToDate {
		return Period{}, periodErr(PeriodError{Why: PeriodNotOver, First: first, Last: last}, "%s..%s does not end before today: a report covers complete days only.", first, last)
	}
	p.Name = first + ".." + last
	return p, nil
}

// span builds the period [from, to), cut at today's local midnight.
func span(from, to, now time.Time, loc *time.Location) (Period, error) {
	n := now.In(loc)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc)
	p := Period{From: from, To: to, Location: loc}
	if to.After(today) {
		if !from.Before(today) {
			return Period{}, periodErr(PeriodError{Why: PeriodNotStarted, From: from, Until: to.AddDate(0, 0, -1)}, "%s has no complete day yet: it starts %s.", dateSpan(from, to.AddDate(0, 0, -1)), from.Format("2 Jan 2006"))
		}
		p.To, p.ToDate = today, true
	}
	p.PrevFrom = p.From.AddDate(0, 0, -p.Days())
	return p, nil
}

func quarterAt(t time.Time) (year, q int) { return t.Year(), quarterOf(t) }

func quarterOf(t time.Time) int { return (int(t.Month())-1)/3 + 1 }
