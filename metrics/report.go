package metrics

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Report sections, in display order.
const (
	SectionDelivery     = "delivery"
	SectionSatisfaction = "satisfaction"
	SectionAdoption     = "adoption"
	SectionSelfService  = "self_service"
	SectionOfficeHours  = "office_hours"
)

// Sections lists every section in display order.
var Sections = []string{SectionDelivery, SectionSatisfaction, SectionAdoption, SectionSelfService, SectionOfficeHours}

// Point is one sparkline value; Has is false for a bucket without data.
type Point struct {
	Has   bool
	Value float64
}

// Figure is a headline number with what it is compared with. Has is false
// when there is no data: the figure must then read "no data", never 0.
type Figure struct {
	Has     bool
	Value   float64
	PrevHas bool
	Prev    float64 // the previous window (or, for satisfaction, the previous run)
	Series  []Point // the sparkline over the window's buckets
	Level   Level   // NoLevel when the metric has no published threshold
}

// Change returns the relative change against Prev in percent; ok is false
// when either side has no data or Prev is 0 (no percentage of nothing).
func (f Figure) Change() (pct float64, ok bool) {
	if !f.Has || !f.PrevHas || f.Prev == 0 {
		return 0, false
	}
	return (f.Value - f.Prev) / f.Prev * 100, true
}

// Report is everything a digest shows for one scope and window. Sections
// not asked for, or not meaningful for the scope, are nil.
type Report struct {
	Scope      Scope
	ScopeName  string // "Payments", "checkout" or "the organization"
	Period     Period
	Thresholds Thresholds

	Delivery     *Delivery
	Satisfaction *Satisfaction
	Adoption     *Adoption
	SelfService  *SelfService
	OfficeHours  *OfficeHours

	// Unavailable holds the sections that failed, by section name; they are
	// shown as unavailable and the error is logged by the caller.
	Unavailable map[string]error
}

// Query asks for a report.
type Query struct {
	Scope    Scope
	Days     int            // 7, 30 or 90
	Location *time.Location // window boundaries; nil: UTC
	Sections []string       // nil: all
	// At is when the report is made, for the window's end; zero means
	// now. A scheduled digest passes its occurrence, so that a late or
	// retried run reports the same window.
	At time.Time
	// Until, when set, is the last day of the window (its date in
	// Location): the report is as of the end of that day, so that a
	// figure can be reproduced later and checked against another tool. It
	// must be before today.
	Until time.Time
}

// reportTime is when q's report is made: the end of its Until day, At, or
// now.
func (s *Service) reportTime(q Query) (at time.Time, fixed bool, err error) {
	now := s.Now()
	if q.Until.IsZero() {
		if !q.At.IsZero() {
			return q.At, false, nil
		}
		return now, false, nil
	}
	loc := q.Location
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := q.Until.Date()
	end := time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	ny, nm, nd := now.In(loc).Date()
	if today := time.Date(ny, nm, nd, 0, 0, 0, 0, loc); end.After(today) {
		return time.Time{}, false, &UntilError{Until: q.Until, Today: today}
	}
	return end, true, nil
}

// Service computes reports. Sources other than Store may be nil: their
// sections then say "no data".
type Service struct {
	Store        Store
	Directory    Directory
	Satisfaction SatisfactionSource
	SelfService  SelfServiceSource
	OfficeHours  OfficeHoursSource
	Thresholds   Thresholds
	Now          func() time.Time
}

// Report computes the report for q.
func (s *Service) Report(ctx context.Context, q Query) (*Report, error) {
	at, fixed, err := s.reportTime(q)
	if err != nil {
		return nil, err
	}
	p, err := NewPeriod(at, q.Days, q.Location)
	if err != nil {
		return nil, err
	}
	p.Fixed = fixed
	r := &Report{Scope: q.Scope, ScopeName: s.scopeName(q.Scope), Period: p, Thresholds: s.Thresholds, Unavailable: map[string]error{}}
	sections := q.Sections
	if sections == nil {
		sections = Sections
	}
	for _, sec := range Sections {
		if !slices.Contains(sections, sec) {
			continue
		}
		if q.Scope.Service != "" && sec != SectionDelivery {
			continue // only delivery is measured per service
		}
		if err := s.section(ctx, r, sec); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			r.Unavailable[sec] = fmt.Errorf("metrics: %s section: %w", sec, err)
		}
	}
	return r, nil
}

func (s *Service) section(ctx context.Context, r *Report, sec string) error {
	var err error
	switch sec {
	case SectionDelivery:
		r.Delivery, err = s.delivery(ctx, r.Scope, r.Period)
	case SectionSatisfaction:
		r.Satisfaction, err = s.satisfaction(ctx, r.Scope, r.Period)
	case SectionAdoption:
		r.Adoption, err = s.adoption(ctx, r.Scope, r.Period)
	case SectionSelfService:
		r.SelfService, err = s.selfService(ctx, r.Scope, r.Period)
	case SectionOfficeHours:
		r.OfficeHours, err = s.officeHours(ctx, r.Scope, r.Period)
	}
	return err
}

func (s *Service) scopeName(sc Scope) string {
	switch {
	case sc.Service != "":
		return sc.Service
	case sc.Team != "":
		if s.Directory != nil {
			for _, t := range s.Directory.Teams() {
				if t.ID == sc.Team && t.Name != "" {
					return t.Name
				}
			}
		}
		return sc.Team
	}
	return "the organization"
}

// windowRanges returns the ranges most queries take: the previous window,
// the current window, then the sparkline buckets.
func windowRanges(p Period) []Range {
	return append([]Range{p.Previous, p.Current}, p.Buckets...)
}

// figure builds a Figure from per-range values laid out as windowRanges.
func figure(vals []Point) Figure {
	return Figure{
		PrevHas: vals[0].Has, Prev: vals[0].Value,
		Has: vals[1].Has, Value: vals[1].Value,
		Series: vals[2:],
	}
}

// points maps per-range results to points.
func points[T any](xs []T, f func(T) Point) []Point {
	out := make([]Point, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

func ratio(num, den int) Point {
	if den == 0 {
		return Point{}
	}
	return Point{true, float64(num) / float64(den)}
}

func seconds(v float64) time.Duration { return time.Duration(v * float64(time.Second)) }
