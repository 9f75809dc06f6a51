package report

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strconv"

	"github.com/platformbot/platformbot/metrics"
)

// weekRanges returns the ranges most sources are asked for, in one call:
// the previous period, the period, its weeks, then the previous period's
// weeks (for the previous weekly mean). Adjacent ranges share one
// statement in storage, so this is three scans.
func weekRanges(p Period) (ranges []metrics.Range, cur, prev int) {
	weeks := p.Weeks()
	prevWeeks := Period{From: p.PrevFrom, To: p.From, Location: p.Location}.Weeks()
	ranges = append([]metrics.Range{p.previous(), p.current()}, weeks...)
	return append(ranges, prevWeeks...), len(weeks), len(prevWeeks)
}

// series returns the weekly points (no values unless known) and their mean.
func series(weeks []metrics.Range, vals []int, known bool) ([]Point, float64) {
	pts := make([]Point, len(weeks))
	sum := 0
	for i, w := range weeks {
		pts[i].Start = w.From
		if known {
			pts[i].Value = num(float64(vals[i]))
		}
		sum += vals[i]
	}
	if len(vals) == 0 {
		return pts, 0
	}
	return pts, float64(sum) / float64(len(vals))
}

func mean(xs []int) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := 0
	for _, x := range xs {
		s += x
	}
	return float64(s) / float64(len(xs))
}

func (s *Service) adoption(ctx context.Context, r *Report) error {
	if s.Activity == nil {
		r.Adoption = &Adoption{}
		return nil
	}
	ranges, nw, _ := weekRanges(r.Period)
	counts, err := s.Activity.ActiveUsers(ctx, nil, ranges)
	if err != nil {
		return err
	}
	known := counts[0]+counts[1] > 0
	weeks, wau := series(ranges[2:2+nw], counts[2:2+nw], known)
	a := &Adoption{
		WeeklyActive: fig(Users, Higher, known, wau, counts[0] > 0, mean(counts[2+nw:])),
		ActiveUsers:  fig(Users, Higher, known, float64(counts[1]), counts[0] > 0, float64(counts[0])),
		Weeks:        weeks,
	}
	if a.Items, err = s.items(ctx, ranges, nw); err != nil {
		return err
	}
	r.Adoption = a
	return nil
}

// items is each catalog item's use, most used first. Items of the
// configured catalog are listed even when nobody used them: that an item
// is not adopted is worth seeing.
func (s *Service) items(ctx context.Context, ranges []metrics.Range, nw int) ([]ItemAdoption, error) {
	if s.Catalog == nil {
		return nil, nil
	}
	usage, err := s.Catalog.CatalogUsage(ctx, ranges)
	if err != nil {
		return nil, err
	}
	known := len(usage) > 0
	titles := map[string]string{}
	var ids []string
	for _, it := range s.Items {
		titles[it.ID] = it.Title
		ids = append(ids, it.ID)
	}
	for id := range usage {
		if _, ok := titles[id]; !ok {
			titles[id] = id // an item since removed from the catalog
			ids = append(ids, id)
		}
	}
	out := make([]ItemAdoption, 0, len(ids))
	for _, id := range ids {
		u := usage[id]
		if u == nil {
			u = make([]ItemUsage, len(ranges))
		}
		users := func(xs []ItemUsage) []int {
			out := make([]int, len(xs))
			for i, x := range xs {
				out[i] = x.Users
			}
			return out
		}
		weekly := users(u[2 : 2+nw])
		pts, wau := series(ranges[2:2+nw], weekly, known)
		prevHas := known && anyUse(usage, 0)
		out = append(out, ItemAdoption{
			ID: id, Title: titles[id], Weeks: pts,
			WeeklyActive: fig(Users, Higher, known, wau, prevHas, mean(users(u[2+nw:]))),
			Users:        fig(Users, Higher, known, float64(u[1].Users), prevHas, float64(u[0].Users)),
			Requests:     fig(Count, Higher, known, float64(u[1].Requests), prevHas, float64(u[0].Requests)),
		})
	}
	slices.SortStableFunc(out, func(a, b ItemAdoption) int {
		return cmp.Or(cmp.Compare(val(b.Users), val(a.Users)), cmp.Compare(val(b.Requests), val(a.Requests)), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// anyUse reports whether any item was requested in range i: before the
// catalog was in use, the previous period has no data rather than zeros.
func anyUse(usage map[string][]ItemUsage, i int) bool {
	for _, u := range usage {
		if u[i].Requests > 0 {
			return true
		}
	}
	return false
}

func val(f Figure) float64 {
	if f.Value == nil {
		return -1
	}
	return *f.Value
}

func (s *Service) selfService(ctx context.Context, r *Report) error {
	if s.SelfService == nil {
		r.SelfService = &SelfService{}
		return nil
	}
	p := r.Period
	prev, err := s.SelfService.SelfServiceFigures(ctx, metrics.Window{From: p.PrevFrom.UTC(), To: p.From.UTC()})
	if err != nil {
		return err
	}
	cur, err := s.SelfService.SelfServiceFigures(ctx, metrics.Window{From: p.From.UTC(), To: p.To.UTC()})
	if err != nil {
		return err
	}
	known, prevKnown := prev.Requests+cur.Requests > 0, prev.Requests > 0
	ss := &SelfService{
		Requests:     fig(Count, Higher, known, float64(cur.Requests), prevKnown, float64(prev.Requests)),
		Rate:         fig(Ratio, Higher, cur.Requests > 0, rate(cur.NoHumanStep, cur.Requests), prevKnown, rate(prev.NoHumanStep, prev.Requests)),
		Fulfilled:    fig(Count, Higher, known, float64(cur.Fulfilled), prevKnown, float64(prev.Fulfilled)),
		MedianFulfil: fig(Seconds, Lower, cur.Fulfilled > 0, cur.MedianTimeToFulfil.Seconds(), prev.Fulfilled > 0, prev.MedianTimeToFulfil.Seconds()),
		MinutesSaved: fig(Minutes, Higher, known, float64(cur.MinutesSaved), prevKnown, float64(prev.MinutesSaved)),
	}
	ss.ROI = s.roi(ss.MinutesSaved)
	r.SelfService = ss
	return nil
}

// roi values the minutes saved at the hourly cost.
func (s *Service) roi(saved Figure) ROI {
	out := ROI{HourlyCost: s.HourlyCost, Currency: s.Currency, Value: Figure{Unit: Money, Better: Higher}}
	if s.HourlyCost <= 0 {
		return out
	}
	cost := strconv.FormatFloat(s.HourlyCost, 'f', -1, 64)
	out.Formula = "minutes saved ÷ 60 × " + cost + " " + s.Currency + "/h"
	money := func(min *float64) *float64 {
		if min == nil {
			return nil
		}
		return num(math.Round(*min/60*s.HourlyCost*100) / 100)
	}
	out.Value.Value, out.Value.Previous = money(saved.Value), money(saved.Previous)
	return out
}

func rate(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

func (s *Service) delivery(ctx context.Context, r *Report) error {
	if s.Delivery == nil {
		return nil
	}
	mp, err := r.Period.metricsPeriod()
	if err != nil {
		return err
	}
	d, err := s.Delivery.Delivery(ctx, metrics.Scope{}, mp)
	if err != nil {
		return err
	}
	conv := func(f metrics.Figure, u Unit, b Better) Figure {
		out := fig(u, b, f.Has, f.Value, f.PrevHas, f.Prev)
		out.Level = string(f.Level)
		return out
	}
	days := float64(mp.Days)
	out := &Delivery{
		ReportYear: s.Thresholds.Year, Source: s.Thresholds.Source,
		Frequency:      conv(d.Frequency, PerDay, Higher),
		Deployments:    fig(Count, "", d.Frequency.Has, float64(d.Deployments), d.Frequency.PrevHas, math.Round(d.Frequency.Prev*days)),
		LeadTime:       conv(d.LeadTime, Seconds, Lower),
		ChangeFailRate: conv(d.ChangeFailRate, Ratio, Lower),
		Recovery:       conv(d.Recovery, Seconds, Lower),
		Restore:        conv(d.Restore, Seconds, Lower),
		Rework:         conv(d.Rework, Ratio, Lower),
		NoCommitTime:   d.Quality.NoCommitTime,
	}
	for i, w := range mp.Buckets {
		dp, lp := Point{Start: w.From}, Point{Start: w.From}
		if pt := d.Frequency.Series[i]; pt.Has {
			dp.Value = num(pt.Value * 7)
		}
		if pt := d.LeadTime.Series[i]; pt.Has {
			lp.Value = num(pt.Value)
		}
		out.DeployWeeks, out.LeadTimeWeeks = append(out.DeployWeeks, dp), append(out.LeadTimeWeeks, lp)
	}
	r.Delivery = out
	return nil
}

func (s *Service) satisfaction(ctx context.Context, r *Report) error {
	if s.Rounds == nil {
		r.Satisfaction = &Satisfaction{}
		return nil
	}
	p := r.Period
	all, err := s.Rounds.SatisfactionRounds(ctx, metrics.Window{From: p.PrevFrom.UTC(), To: p.To.UTC()})
	if err != nil {
		return err
	}
	out := &Satisfaction{Mean: Figure{Unit: Score, Better: Higher}, NPS: Figure{Unit: NPS, Better: Higher}}
	var before []Round
	for _, rd := range all {
		if rd.ClosedAt.Before(p.From) {
			before = append(before, rd)
		} else {
			out.Rounds = append(out.Rounds, rd)
		}
	}
	latest := func(rs []Round, ok func(Round) bool) (Round, bool) {
		for i := len(rs) - 1; i >= 0; i-- {
			if ok(rs[i]) {
				return rs[i], true
			}
		}
		return Round{}, false
	}
	hasMean, hasNPS := func(r Round) bool { return r.HasMean }, func(r Round) bool { return r.HasNPS }
	if rd, ok := latest(out.Rounds, hasMean); ok {
		out.Mean.Value = num(rd.Mean)
	}
	if rd, ok := latest(before, hasMean); ok {
		out.Mean.Previous = num(rd.Mean)
	}
	if rd, ok := latest(out.Rounds, hasNPS); ok {
		out.NPS.Value = num(rd.NPS)
	}
	if rd, ok := latest(before, hasNPS); ok {
		out.NPS.Previous = num(rd.NPS)
	}
	r.Satisfaction = out
	return nil
}

func (s *Service) officeHours(ctx context.Context, r *Report) error {
	if s.OfficeHours == nil {
		r.OfficeHours = &OfficeHours{}
		return nil
	}
	p := r.Period
	prev, err := s.OfficeHours.OfficeHoursFigures(ctx, metrics.Window{From: p.PrevFrom.UTC(), To: p.From.UTC()})
	if err != nil {
		return err
	}
	cur, err := s.OfficeHours.OfficeHoursFigures(ctx, metrics.Window{From: p.From.UTC(), To: p.To.UTC()})
	if err != nil {
		return err
	}
	has := func(f metrics.OfficeHoursFigures) bool { return f.SlotsOffered+f.Bookings > 0 }
	known, prevKnown := has(prev) || has(cur), has(prev)
	r.OfficeHours = &OfficeHours{
		Bookings:    fig(Count, Higher, known, float64(cur.Bookings), prevKnown, float64(prev.Bookings)),
		Utilization: fig(Ratio, Higher, cur.SlotsOffered > 0, rate(cur.Bookings, cur.SlotsOffered), prev.SlotsOffered > 0, rate(prev.Bookings, prev.SlotsOffered)),
		NoShows:     fig(Count, Lower, known, float64(cur.NoShows), prevKnown, float64(prev.NoShows)),
		Rating:      fig(Score, Higher, cur.FeedbackN > 0, cur.FeedbackMean, prev.FeedbackN > 0, prev.FeedbackMean),
		Ratings:     cur.FeedbackN,
	}
	return nil
}

func (s *Service) previews(ctx context.Context, r *Report) error {
	out := &Previews{}
	if s.Previews != nil {
		ps, err := s.Previews.PreviewSummaries(ctx, r.Period.From.UTC(), r.Period.To.UTC())
		if err != nil {
			return err
		}
		out.Programs = ps
	}
	r.Previews = out
	return nil
}

// DefaultTopIdeas is how many ideas the report lists unless configured.
const DefaultTopIdeas = 5

func (s *Service) ideas(ctx context.Context, r *Report) error {
	out := &Ideas{}
	if s.Ideas != nil {
		top, err := s.Ideas.TopIdeas(ctx, cmp.Or(s.TopIdeas, DefaultTopIdeas))
		if err != nil {
			return err
		}
		out.Top = top
	}
	r.Ideas = out
	return nil
}
