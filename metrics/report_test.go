package metrics_test

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/platformbot/platformbot/metrics"
)

// fakeStore answers with canned per-range results; ranges are laid out as
// previous window, current window, then the buckets.
type fakeStore struct {
	delivery  func(sc metrics.Scope, n int) []metrics.DeliveryStats
	counts    func(n int) []int
	incidents func(n int) []metrics.IncidentStats
	users     map[string][]int // by first user ("" for everyone)
	ids       []string
	gotUsers  [][]string
}

func (f *fakeStore) DeliveryStats(_ context.Context, sc metrics.Scope, rs []metrics.Range) ([]metrics.DeliveryStats, error) {
	return f.delivery(sc, len(rs)), nil
}

func (f *fakeStore) DeployCounts(_ context.Context, _ metrics.Scope, rs []metrics.Range) ([]int, error) {
	return f.counts(len(rs)), nil
}

func (f *fakeStore) IncidentStats(_ context.Context, _ metrics.Scope, rs []metrics.Range) ([]metrics.IncidentStats, error) {
	return f.incidents(len(rs)), nil
}

func (f *fakeStore) ActiveUsers(_ context.Context, users []string, rs []metrics.Range) ([]int, error) {
	f.gotUsers = append(f.gotUsers, users)
	key := ""
	if len(users) > 0 {
		key = users[0]
	}
	out := make([]int, len(rs))
	copy(out, f.users[key])
	return out, nil
}

func (f *fakeStore) ActiveUserIDs(context.Context, metrics.Range) ([]string, error) {
	return f.ids, nil
}
func (f *fakeStore) KnownService(context.Context, string) (bool, error) { return true, nil }

type fakeDirectory map[string][]string

func (d fakeDirectory) Teams() []metrics.Team {
	return []metrics.Team{{ID: "payments", Name: "Payments"}, {ID: "search", Name: "Search"}}
}
func (d fakeDirectory) Members(_ context.Context, team string) ([]string, error) { return d[team], nil }
func (d fakeDirectory) TeamOf(context.Context, string) (string, error)           { return "", nil }

var reportNow = time.Date(2024, 5, 15, 12, 0, 0, 0, time.UTC)

func service(st *fakeStore) *metrics.Service {
	th, _ := metrics.ThresholdsFor(2023)
	return &metrics.Service{Store: st, Thresholds: th, Now: func() time.Time { return reportNow },
		Directory: fakeDirectory{"payments": {"U1", "U2"}, "search": {"U3"}}}
}

// deliveryFixture: previous window 7 successful of 7; current 14 of 16
// with 2 failed, 1 unplanned; lead median 2h (previous 4h); recovery 30m.
func deliveryFixture(_ metrics.Scope, n int) []metrics.DeliveryStats {
	out := make([]metrics.DeliveryStats, n)
	out[0] = metrics.DeliveryStats{Deployments: 7, Succeeded: 7, LeadTimeN: 7, LeadTime: 4 * 3600}
	out[1] = metrics.DeliveryStats{Deployments: 16, Succeeded: 14, Failed: 2, Unplanned: 1, NoCommitTime: 2,
		LeadTimeN: 12, LeadTime: 2 * 3600, Recovered: 1, Recovery: 1800, Unrecovered: 1}
	out[2] = metrics.DeliveryStats{Deployments: 3, Succeeded: 3, LeadTimeN: 3, LeadTime: 3600}
	return out
}

func TestDeliveryReport(t *testing.T) {
	st := &fakeStore{
		delivery: deliveryFixture,
		counts: func(n int) []int {
			out := make([]int, n)
			out[0], out[8], out[9], out[13] = 7, 5, 9, 0 // prev: 1 day; current: days 1 and 2
			return out
		},
		incidents: func(n int) []metrics.IncidentStats {
			out := make([]metrics.IncidentStats, n)
			out[1] = metrics.IncidentStats{Opened: 3, Resolved: 2, Restore: 5400, Unattributed: 1, NotDeploymentCaused: 1}
			return out
		},
	}
	r, err := service(st).Report(context.Background(), metrics.Query{Scope: metrics.Scope{Team: "payments"}, Days: 7, Sections: []string{metrics.SectionDelivery}})
	if err != nil {
		t.Fatal(err)
	}
	d := r.Delivery
	if r.ScopeName != "Payments" || r.Satisfaction != nil || len(r.Unavailable) != 0 {
		t.Fatalf("report = %+v", r)
	}
	// 14 in 7 days = 2/day (elite); previous 1/day → +100%.
	if d.Frequency.Value != 2 || d.Frequency.Prev != 1 || d.Frequency.Level != metrics.Elite || d.PerWeek != 14 {
		t.Errorf("frequency = %+v, per week %v", d.Frequency, d.PerWeek)
	}
	if pct, ok := d.Frequency.Change(); !ok || pct != 100 {
		t.Errorf("frequency change = %v, %v", pct, ok)
	}
	if d.DeploymentDays != 2 || d.PrevDeployDays != 1 {
		t.Errorf("deployment days %d (prev %d), want 2 (1)", d.DeploymentDays, d.PrevDeployDays)
	}
	// Bucket 0 had 3 successful deployments in one day; the others none.
	if d.Frequency.Series[0] != (metrics.Point{Has: true, Value: 3}) || d.Frequency.Series[1] != (metrics.Point{Has: true, Value: 0}) {
		t.Errorf("frequency series = %+v", d.Frequency.Series)
	}
	if d.LeadTime.Value != 7200 || d.LeadTime.Level != metrics.Elite || !d.LeadTime.PrevHas {
		t.Errorf("lead time = %+v", d.LeadTime)
	}
	if pct, _ := d.LeadTime.Change(); pct != -50 {
		t.Errorf("lead time change = %v, want -50", pct)
	}
	// Lead time series: bucket 0 has 1h, the rest no data.
	if d.LeadTime.Series[0] != (metrics.Point{Has: true, Value: 3600}) || d.LeadTime.Series[1].Has {
		t.Errorf("lead series = %+v", d.LeadTime.Series)
	}
	// 2 of 16 = 12.5% → medium; previous 0 of 7 → no percentage of nothing.
	if d.ChangeFailRate.Value != 0.125 || d.ChangeFailRate.Level != metrics.Medium {
		t.Errorf("cfr = %+v", d.ChangeFailRate)
	}
	if _, ok := d.ChangeFailRate.Change(); ok {
		t.Error("a change from 0% must not be a percentage")
	}
	if !d.Recovery.Has || d.Recovery.Value != 1800 || d.Recovery.Level != metrics.Elite || d.Recovery.PrevHas {
		t.Errorf("recovery = %+v", d.Recovery)
	}
	if !d.Restore.Has || d.Restore.Value != 5400 || d.Restore.Level != metrics.NoLevel || d.Unresolved != 1 {
		t.Errorf("restore = %+v, unresolved %d", d.Restore, d.Unresolved)
	}
	if d.Rework.Value != 1.0/16 {
		t.Errorf("rework = %+v", d.Rework)
	}
	want := metrics.Quality{Successful: 14, NoCommitTime: 2, Incidents: 3, Unattributed: 1, NotDeploymentCaused: 1}
	if diff := cmp.Diff(want, d.Quality); diff != "" {
		t.Errorf("quality mismatch (-want +got):\n%s", diff)
	}
}

func TestEmptyWindowsHaveNoData(t *testing.T) {
	zero := func(n int) []int { return make([]int, n) }
	for _, tc := range []struct {
		name     string
		delivery func(metrics.Scope, int) []metrics.DeliveryStats
		wantFreq metrics.Figure
	}{
		{
			name:     "nothing ever",
			delivery: func(_ metrics.Scope, n int) []metrics.DeliveryStats { return make([]metrics.DeliveryStats, n) },
		},
		{
			name: "deployed before, not now: a true zero",
			delivery: func(_ metrics.Scope, n int) []metrics.DeliveryStats {
				out := make([]metrics.DeliveryStats, n)
				out[0] = metrics.DeliveryStats{Deployments: 7, Succeeded: 7}
				return out
			},
			wantFreq: metrics.Figure{Has: true, Value: 0, PrevHas: true, Prev: 1, Level: metrics.Low},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := &fakeStore{delivery: tc.delivery, counts: zero,
				incidents: func(n int) []metrics.IncidentStats { return make([]metrics.IncidentStats, n) }}
			r, err := service(st).Report(context.Background(), metrics.Query{Days: 7, Sections: []string{metrics.SectionDelivery}})
			if err != nil {
				t.Fatal(err)
			}
			d := r.Delivery
			got := d.Frequency
			got.Series = nil
			if diff := cmp.Diff(tc.wantFreq, got); diff != "" {
				t.Errorf("frequency mismatch (-want +got):\n%s", diff)
			}
			for name, f := range map[string]metrics.Figure{"lead": d.LeadTime, "cfr": d.ChangeFailRate, "recovery": d.Recovery, "restore": d.Restore, "rework": d.Rework} {
				if f.Has || f.Level != metrics.NoLevel {
					t.Errorf("%s = %+v, want no data", name, f)
				}
			}
		})
	}
}

type failingSource struct{}

func (failingSource) SelfServiceFigures(context.Context, metrics.Window) (metrics.SelfServiceFigures, error) {
	return metrics.SelfServiceFigures{}, errors.New("boom")
}

type satSource struct{ calls []metrics.Window }

func (s *satSource) Satisfaction(_ context.Context, w metrics.Window) (metrics.SatisfactionFigures, error) {
	s.calls = append(s.calls, w)
	if len(s.calls) == 2 { // the current window
		return metrics.SatisfactionFigures{Survey: "pulse", HasData: true, Mean: 4.2, HasNPS: true, NPS: 30,
			Asked: 20, Responses: 15, ResponseRate: 0.75, HasPrevious: true, PreviousMean: 3.5}, nil
	}
	return metrics.SatisfactionFigures{}, nil
}

type ohSource struct{}

func (ohSource) OfficeHoursFigures(_ context.Context, w metrics.Window) (metrics.OfficeHoursFigures, error) {
	return metrics.OfficeHoursFigures{SlotsOffered: 10, Bookings: 4, FeedbackN: 2, FeedbackMean: 4.5}, nil
}

func TestPlatformSections(t *testing.T) {
	st := &fakeStore{users: map[string][]int{"": {3, 4}, "U1": {1, 2}}, ids: []string{"U1", "U2", "U3", "U9"}}
	sat := &satSource{}
	s := service(st)
	s.Satisfaction, s.SelfService, s.OfficeHours = sat, failingSource{}, ohSource{}
	sections := []string{metrics.SectionSatisfaction, metrics.SectionAdoption, metrics.SectionSelfService, metrics.SectionOfficeHours}

	org, err := s.Report(context.Background(), metrics.Query{Days: 30, Sections: sections})
	if err != nil {
		t.Fatal(err)
	}
	if m := org.Satisfaction.Mean; !m.Has || m.Value != 4.2 || m.Prev != 3.5 || len(m.Series) != 10 {
		t.Errorf("satisfaction mean = %+v", m)
	}
	if got := len(sat.calls); got != 12 {
		t.Errorf("satisfaction asked %d times, want 12 (previous, current, 10 buckets)", got)
	}
	a := org.Adoption
	if a.Users.Value != 4 || a.Users.Prev != 3 || a.Unassigned != 1 {
		t.Errorf("adoption = %+v", a)
	}
	wantTeams := []metrics.TeamCount{{Team: metrics.Team{ID: "payments", Name: "Payments"}, Users: 2}, {Team: metrics.Team{ID: "search", Name: "Search"}, Users: 1}}
	if diff := cmp.Diff(wantTeams, a.ByTeam); diff != "" {
		t.Errorf("by team mismatch (-want +got):\n%s", diff)
	}
	if org.Unavailable[metrics.SectionSelfService] == nil || org.SelfService != nil {
		t.Errorf("a failing source must make its section unavailable: %v", org.Unavailable)
	}
	oh := org.OfficeHours
	if oh.Bookings.Value != 4 || oh.Utilization != (metrics.Point{Has: true, Value: 0.4}) || oh.Feedback.Value != 4.5 {
		t.Errorf("office hours = %+v", oh)
	}

	team, err := s.Report(context.Background(), metrics.Query{Scope: metrics.Scope{Team: "payments"}, Days: 7, Sections: []string{metrics.SectionAdoption}})
	if err != nil {
		t.Fatal(err)
	}
	if team.Adoption.Users.Value != 2 || !cmp.Equal(st.gotUsers[len(st.gotUsers)-1], []string{"U1", "U2"}) {
		t.Errorf("team adoption = %+v (asked for %v)", team.Adoption.Users, st.gotUsers)
	}

	svc, err := s.Report(context.Background(), metrics.Query{Scope: metrics.Scope{Service: "checkout"}, Days: 7, Sections: sections})
	if err != nil {
		t.Fatal(err)
	}
	if svc.Satisfaction != nil || svc.Adoption != nil || svc.OfficeHours != nil {
		t.Error("platform sections are not measured per service")
	}
}

func TestNilSourcesHaveNoData(t *testing.T) {
	st := &fakeStore{users: map[string][]int{}}
	r, err := service(st).Report(context.Background(), metrics.Query{Days: 7, Sections: []string{
		metrics.SectionSatisfaction, metrics.SectionAdoption, metrics.SectionSelfService, metrics.SectionOfficeHours}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Unavailable) != 0 {
		t.Fatalf("unavailable: %v", r.Unavailable)
	}
	for name, f := range map[string]metrics.Figure{
		"satisfaction": r.Satisfaction.Mean, "adoption": r.Adoption.Users,
		"self-service": r.SelfService.Requests, "office hours": r.OfficeHours.Bookings,
	} {
		if f.Has {
			t.Errorf("%s = %+v, want no data", name, f)
		}
	}
}

func TestFigureChange(t *testing.T) {
	for _, tc := range []struct {
		f    metrics.Figure
		want float64
		ok   bool
	}{
		{metrics.Figure{Has: true, Value: 3, PrevHas: true, Prev: 2}, 50, true},
		{metrics.Figure{Has: true, Value: 1, PrevHas: true, Prev: 4}, -75, true},
		{metrics.Figure{Has: true, Value: 1, PrevHas: true, Prev: 0}, 0, false},
		{metrics.Figure{Has: true, Value: 1}, 0, false},
		{metrics.Figure{PrevHas: true, Prev: 1}, 0, false},
	} {
		got, ok := tc.f.Change()
		if ok != tc.ok || math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("%+v.Change() = %v, %v; want %v, %v", tc.f, got, ok, tc.want, tc.ok)
		}
	}
}

// TestDeliveryOverSpan: the value report's delivery over a span with
// buckets of 7 and 10 days: each bucket's frequency is per its own days.
func TestDeliveryOverSpan(t *testing.T) {
	from := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	buckets := []metrics.Range{{From: from, To: from.AddDate(0, 0, 7)}, {From: from.AddDate(0, 0, 7), To: from.AddDate(0, 0, 17)}}
	p, err := metrics.SpanPeriod(from, from.AddDate(0, 0, 17), time.UTC, buckets)
	if err != nil {
		t.Fatal(err)
	}
	store := &fakeStore{
		delivery: func(_ metrics.Scope, n int) []metrics.DeliveryStats {
			out := make([]metrics.DeliveryStats, n)
			out[0] = metrics.DeliveryStats{Deployments: 17, Succeeded: 17}
			out[1] = metrics.DeliveryStats{Deployments: 34, Succeeded: 34}
			out[2] = metrics.DeliveryStats{Deployments: 14, Succeeded: 14}
			out[3] = metrics.DeliveryStats{Deployments: 20, Succeeded: 20}
			return out
		},
		counts:    func(n int) []int { return make([]int, n) },
		incidents: func(n int) []metrics.IncidentStats { return make([]metrics.IncidentStats, n) },
	}
	th, _ := metrics.ThresholdsFor(2023)
	d, err := (&metrics.Service{Store: store, Thresholds: th}).Delivery(context.Background(), metrics.Scope{}, p)
	if err != nil {
		t.Fatal(err)
	}
	want := []metrics.Point{{Has: true, Value: 2}, {Has: true, Value: 2}}
	if diff := cmp.Diff(want, d.Frequency.Series); diff != "" || d.Frequency.Value != 2 || d.Frequency.Prev != 1 {
		t.Errorf("frequency %v/%v, series mismatch (-want +got):\n%s", d.Frequency.Value, d.Frequency.Prev, diff)
	}
}
