// Package reporttest gives tests of the value report a service with fixed,
// hand-made sources: the report of Q3 2026 (1 July – 30 September) and its
// comparison period (31 March – 30 June), computed on 5 October 2026.
package reporttest

import (
	"context"
	"errors"
	"time"

	"github.com/platformbot/platformbot/metrics"
	"github.com/platformbot/platformbot/report"
)

// Now is when the fixture's reports are made: Monday 5 October 2026,
// 09:00 UTC, so "last quarter" is 2026Q3.
var Now = time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC)

// Service returns a report service over the fixture's sources. With
// empty set, every source answers "nothing happened": the report of a
// new installation.
func Service(empty bool) *report.Service {
	th, _ := metrics.ThresholdsFor(2024)
	f := &fixture{empty: empty}
	return &report.Service{
		Delivery: f, Activity: f, Catalog: f, SelfService: f, OfficeHours: f, Rounds: f,
		Previews: f, Ideas: f,
		Items:      []report.Item{{ID: "new-repo", Title: "New repository"}, {ID: "db-access", Title: "Database access"}, {ID: "preview-env", Title: "Preview environment"}},
		Thresholds: th, HourlyCost: 95, Currency: "EUR", Location: time.UTC,
		Now: func() time.Time { return Now },
	}
}

// Failing returns a service whose delivery source fails, to show that one
// failing section does not fail the report.
func Failing() *report.Service {
	s := Service(false)
	s.Delivery = failing{}
	return s
}

type failing struct{}

func (failing) Delivery(context.Context, metrics.Scope, metrics.Period) (*metrics.Delivery, error) {
	return nil, errors.New("database is down")
}

type fixture struct{ empty bool }

// isCurrent reports whether a range starts in the report's quarter.
func isCurrent(r metrics.Range) bool {
	return !r.From.Before(time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC))
}

func (f *fixture) Delivery(_ context.Context, _ metrics.Scope, p metrics.Period) (*metrics.Delivery, error) {
	d := &metrics.Delivery{Days: p.Days}
	if f.empty {
		for range p.Buckets {
			d.Frequency.Series = append(d.Frequency.Series, metrics.Point{})
			d.LeadTime.Series = append(d.LeadTime.Series, metrics.Point{})
		}
		return d, nil
	}
	d.Deployments = 460
	d.Frequency = metrics.Figure{Has: true, Value: 460.0 / float64(p.Days), PrevHas: true, Prev: 368.0 / float64(p.Days), Level: metrics.High}
	d.LeadTime = metrics.Figure{Has: true, Value: 5.5 * 3600, PrevHas: true, Prev: 7 * 3600, Level: metrics.Elite}
	d.ChangeFailRate = metrics.Figure{Has: true, Value: 0.08, PrevHas: true, Prev: 0.11, Level: metrics.High}
	d.Recovery = metrics.Figure{Has: true, Value: 2.5 * 3600, PrevHas: true, Prev: 2 * 3600, Level: metrics.High}
	d.Restore = metrics.Figure{Has: true, Value: 1.75 * 3600, PrevHas: false}
	d.Rework = metrics.Figure{Has: true, Value: 0.03, PrevHas: true, Prev: 0.03}
	d.Quality.NoCommitTime = 12
	for i := range p.Buckets {
		d.Frequency.Series = append(d.Frequency.Series, metrics.Point{Has: true, Value: float64(3 + i%4)})
		lead := metrics.Point{Has: i != 4, Value: float64(4+i%3) * 3600}
		d.LeadTime.Series = append(d.LeadTime.Series, lead)
	}
	return d, nil
}

func (f *fixture) ActiveUsers(_ context.Context, _ []string, ranges []metrics.Range) ([]int, error) {
	out := make([]int, len(ranges))
	if f.empty {
		return out, nil
	}
	for i, r := range ranges {
		switch {
		case i == 0:
			out[i] = 140
		case i == 1:
			out[i] = 182
		case isCurrent(r):
			out[i] = 60 + 3*i
		default:
			out[i] = 48 + i%3
		}
	}
	return out, nil
}

func (f *fixture) CatalogUsage(_ context.Context, ranges []metrics.Range) (map[string][]report.ItemUsage, error) {
	if f.empty {
		return nil, nil
	}
	out := map[string][]report.ItemUsage{}
	for _, id := range []string{"new-repo", "db-access", "retired-item"} {
		out[id] = make([]report.ItemUsage, len(ranges))
	}
	for i, r := range ranges {
		switch {
		case i == 0:
			out["new-repo"][i] = report.ItemUsage{Users: 30, Requests: 41}
			out["db-access"][i] = report.ItemUsage{Users: 12, Requests: 15}
			out["retired-item"][i] = report.ItemUsage{Users: 2, Requests: 2}
		case i == 1:
			out["new-repo"][i] = report.ItemUsage{Users: 44, Requests: 63}
			out["db-access"][i] = report.ItemUsage{Users: 21, Requests: 30}
		case isCurrent(r):
			out["new-repo"][i] = report.ItemUsage{Users: 3 + i%4, Requests: 5}
			out["db-access"][i] = report.ItemUsage{Users: 1 + i%2, Requests: 2}
		default:
			out["new-repo"][i] = report.ItemUsage{Users: 2 + i%3, Requests: 3}
			out["db-access"][i] = report.ItemUsage{Users: 1, Requests: 1}
		}
	}
	return out, nil
}

func (f *fixture) SelfServiceFigures(_ context.Context, w metrics.Window) (metrics.SelfServiceFigures, error) {
	if f.empty {
		return metrics.SelfServiceFigures{}, nil
	}
	if isCurrent(metrics.Range{From: w.From}) {
		return metrics.SelfServiceFigures{Requests: 93, NoHumanStep: 70, Fulfilled: 88, MedianTimeToFulfil: 12 * time.Minute, MinutesSaved: 2450}, nil
	}
	return metrics.SelfServiceFigures{Requests: 58, NoHumanStep: 35, Fulfilled: 55, MedianTimeToFulfil: 40 * time.Minute, MinutesSaved: 1320}, nil
}

func (f *fixture) OfficeHoursFigures(_ context.Context, w metrics.Window) (metrics.OfficeHoursFigures, error) {
	if f.empty {
		return metrics.OfficeHoursFigures{}, nil
	}
	if isCurrent(metrics.Range{From: w.From}) {
		return metrics.OfficeHoursFigures{SlotsOffered: 96, Bookings: 61, NoShows: 3, FeedbackN: 40, FeedbackMean: 4.6}, nil
	}
	return metrics.OfficeHoursFigures{SlotsOffered: 96, Bookings: 44, NoShows: 5, FeedbackN: 25, FeedbackMean: 4.4}, nil
}

func (f *fixture) SatisfactionRounds(_ context.Context, w metrics.Window) ([]report.Round, error) {
	if f.empty {
		return nil, nil
	}
	all := []report.Round{
		{Survey: "Platform pulse", ClosedAt: time.Date(2026, 6, 12, 17, 0, 0, 0, time.UTC), HasMean: true, Mean: 3.4, HasNPS: true, NPS: 12, Responses: 41, Asked: 80, ResponseRate: 41.0 / 80},
		{Survey: "Platform pulse", ClosedAt: time.Date(2026, 7, 10, 17, 0, 0, 0, time.UTC), HasMean: true, Mean: 3.6, HasNPS: true, NPS: 18, Responses: 44, Asked: 82, ResponseRate: 44.0 / 82},
		{Survey: "Platform pulse", ClosedAt: time.Date(2026, 8, 7, 17, 0, 0, 0, time.UTC), Responses: 3, Asked: 80, ResponseRate: 3.0 / 80},
		{Survey: "Platform pulse", ClosedAt: time.Date(2026, 9, 4, 17, 0, 0, 0, time.UTC), HasMean: true, Mean: 3.9, HasNPS: true, NPS: 27, Responses: 52, Asked: 85, ResponseRate: 52.0 / 85},
	}
	var out []report.Round
	for _, r := range all {
		if !r.ClosedAt.Before(w.From) && r.ClosedAt.Before(w.To) {
			out = append(out, r)
		}
	}
	return out, nil
}

func (f *fixture) PreviewSummaries(context.Context, time.Time, time.Time) ([]report.PreviewSummary, error) {
	if f.empty {
		return nil, nil
	}
	return []report.PreviewSummary{
		{Name: "Faster CI runners", Participants: 34, Active: 29, RatingMean: 4.4, RatingCount: 21},
		{Name: "Ephemeral <preview> envs", Participants: 12, Active: 4, RatingMean: 0, RatingCount: 0},
	}, nil
}

func (f *fixture) TopIdeas(_ context.Context, limit int) ([]report.IdeaSummary, error) {
	if f.empty {
		return nil, nil
	}
	all := []report.IdeaSummary{
		{Ref: "IDEA-7", Title: "Self-service Kafka topics", Status: "planned", Votes: 31, Teams: []string{"Payments", "Search"}},
		{Ref: "IDEA-3", Title: "Faster *preview* builds & caches", Status: "in progress", Votes: 22, Teams: []string{"Checkout"}},
		{Ref: "IDEA-12", Title: "GPU runners", Status: "under review", Votes: 9, Teams: nil},
	}
	return all[:min(limit, len(all))], nil
}
