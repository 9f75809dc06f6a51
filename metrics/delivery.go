package metrics

import (
	"context"
	"fmt"
)

// Delivery holds the DORA metrics of a window. Every count refers to
// production deployments that finished in the window, or incidents that
// opened in it.
type Delivery struct {
	// Frequency is successful production deployments per day.
	Frequency      Figure
	Deployments    int // successful production deployments
	PerWeek        float64
	DeploymentDays int // calendar days with at least one
	PrevDeployDays int
	Days           int

	// LeadTime is the median seconds from commit to finished, over
	// successful deployments with a commit time.
	LeadTime  Figure
	LeadTimeN int

	// ChangeFailRate is the share of production deployments that failed or
	// caused an incident.
	ChangeFailRate Figure
	Failed, Total  int

	// Recovery is the failed deployment recovery time: the median seconds
	// from a failing deployment's finish to the resolution of its last
	// incident.
	Recovery    Figure
	Recovered   int
	Unrecovered int

	// Restore is the time to restore service: the median seconds from an
	// incident's opening to its resolution.
	Restore    Figure
	Resolved   int
	Unresolved int

	// Rework is the share of production deployments that were unplanned.
	Rework    Figure
	Unplanned int

	Quality Quality
}

// Quality counts what weakens the figures, for the data-quality line.
type Quality struct {
	Successful          int // successful production deployments
	NoCommitTime        int // of which without a commit time
	Incidents           int // incidents opened in the window
	Unattributed        int // of which blamed on no deployment
	NotDeploymentCaused int // of which outside our changes
	UnknownDeployment   int // of which naming a deployment never ingested
}

// Delivery computes the delivery section over a period the caller made
// (SpanPeriod: a quarter for the value report) rather than one of the
// digest windows.
func (s *Service) Delivery(ctx context.Context, sc Scope, p Period) (*Delivery, error) {
	return s.delivery(ctx, sc, p)
}

func (s *Service) delivery(ctx context.Context, sc Scope, p Period) (*Delivery, error) {
	ranges := windowRanges(p)
	figs, err := s.deliveryFigures(ctx, sc, ranges, append(append([]Range(nil), p.DaysPrev...), p.DaysCur...))
	if err != nil {
		return nil, err
	}
	st, inc, counts := figs.Stats, figs.Incidents, figs.Deploys
	if len(st) != len(ranges) || len(inc) != len(ranges) || len(counts) != 2*p.Days {
		return nil, fmt.Errorf("metrics: store returned %d/%d/%d results for %d ranges", len(st), len(inc), len(counts), len(ranges))
	}
	d := &Delivery{Days: p.Days, Deployments: st[1].Succeeded, Failed: st[1].Failed, Total: st[1].Deployments}
	d.PrevDeployDays, d.DeploymentDays = nonZero(counts[:p.Days]), nonZero(counts[p.Days:])
	d.Frequency = s.frequency(st, p)
	d.PerWeek = d.Frequency.Value * 7

	d.LeadTime = figure(points(st, func(x DeliveryStats) Point { return Point{x.LeadTimeN > 0, x.LeadTime} }))
	d.LeadTimeN = st[1].LeadTimeN
	if d.LeadTime.Has {
		d.LeadTime.Level = s.Thresholds.LeadTimeLevel(seconds(d.LeadTime.Value))
	}

	d.ChangeFailRate = figure(points(st, func(x DeliveryStats) Point { return ratio(x.Failed, x.Deployments) }))
	if d.ChangeFailRate.Has {
		d.ChangeFailRate.Level = s.Thresholds.ChangeFailLevel(d.ChangeFailRate.Value)
	}

	d.Recovery = figure(points(st, func(x DeliveryStats) Point { return Point{x.Recovered > 0, x.Recovery} }))
	d.Recovered, d.Unrecovered = st[1].Recovered, st[1].Unrecovered
	if d.Recovery.Has {
		d.Recovery.Level = s.Thresholds.RecoveryLevel(seconds(d.Recovery.Value))
	}

	d.Restore = figure(points(inc, func(x IncidentStats) Point { return Point{x.Resolved > 0, x.Restore} }))
	d.Resolved, d.Unresolved = inc[1].Resolved, inc[1].Opened-inc[1].Resolved

	d.Rework = figure(points(st, func(x DeliveryStats) Point { return ratio(x.Unplanned, x.Deployments) }))
	d.Unplanned = st[1].Unplanned

	d.Quality = Quality{
		Successful: st[1].Succeeded, NoCommitTime: st[1].NoCommitTime,
		Incidents: inc[1].Opened, Unattributed: inc[1].Unattributed,
		NotDeploymentCaused: inc[1].NotDeploymentCaused, UnknownDeployment: inc[1].UnknownDeployment,
	}
	return d, nil
}

// deliveryFigures reads the delivery figures at once when the store can,
// else with one call per kind.
func (s *Service) deliveryFigures(ctx context.Context, sc Scope, ranges, days []Range) (DeliveryFigures, error) {
	if r, ok := s.Store.(DeliveryReader); ok {
		return r.DeliveryFigures(ctx, sc, ranges, days)
	}
	var f DeliveryFigures
	var err error
	if f.Stats, err = s.Store.DeliveryStats(ctx, sc, ranges); err != nil {
		return f, err
	}
	if f.Incidents, err = s.Store.IncidentStats(ctx, sc, ranges); err != nil {
		return f, err
	}
	f.Deploys, err = s.Store.DeployCounts(ctx, sc, days)
	return f, err
}

// frequency is successful production deployments per day. A scope with no
// production deployment in either window has no data; one that deployed
// before but not now has a true zero.
func (s *Service) frequency(st []DeliveryStats, p Period) Figure {
	known := st[0].Deployments+st[1].Deployments > 0
	days := float64(p.Days)
	f := Figure{
		Has: known, Value: float64(st[1].Succeeded) / days,
		PrevHas: st[0].Deployments > 0, Prev: float64(st[0].Succeeded) / days,
	}
	for i, b := range st[2:] {
		f.Series = append(f.Series, Point{known, float64(b.Succeeded) / p.Buckets[i].Days()})
	}
	if f.Has {
		f.Level = s.Thresholds.FrequencyLevel(f.Value)
	}
	return f
}

func nonZero(xs []int) int {
	n := 0
	for _, x := range xs {
		if x > 0 {
			n++
		}
	}
	return n
}
