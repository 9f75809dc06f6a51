package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/platformbot/platformbot/metrics"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// at parses "2024-01-09 10:00" as UTC.
func at(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

var fixtureNow = at("2024-02-01 00:00")

// newMetrics returns the store with its rollups ready (built on the empty
// database), so that reports read them.
func newMetrics(t testing.TB, db *storage.DB) *storage.Metrics {
	t.Helper()
	s := storage.NewMetrics(db, storage.MetricsOptions{
		AttributionWindow:      24 * time.Hour,
		ProductionEnvironments: []string{"production"},
		Now:                    func() time.Time { return fixtureNow },
	})
	if err := s.EnsureRollups(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func ingest(t *testing.T, s *storage.Metrics, b metrics.Batch) metrics.IngestResult {
	t.Helper()
	res, err := s.Ingest(context.Background(), b)
	if err != nil {
		t.Fatalf("Ingest: %v", err)
	}
	return res
}

// dep returns a production deployment of checkout (team payments) that
// finished at fin, with a commit lead before it (0: no commit time).
func dep(id, fin string, lead time.Duration, status string) metrics.Deployment {
	d := metrics.Deployment{
		ID: id, Source: "api", Service: "checkout", Team: "payments", Environment: "production",
		Status: status, CommitSHA: "sha-" + id, FinishedAt: at(fin), StartedAt: at(fin).Add(-10 * time.Minute),
	}
	if lead > 0 {
		d.CommitAt = d.FinishedAt.Add(-lead)
	}
	return d
}

func inc(id, opened, resolved, deployment string) metrics.Incident {
	in := metrics.Incident{ID: id, Source: "api", Service: "checkout", Team: "payments", Title: "incident " + id,
		OpenedAt: at(opened), DeploymentID: deployment}
	if resolved != "" {
		in.ResolvedAt = at(resolved)
	}
	return in
}

// fixture is hand-computed in TestDeliveryStats. R0 = [1 Jan, 8 Jan),
// R1 = [8 Jan, 15 Jan).
func fixture() metrics.Batch {
	d5 := dep("d5", "2024-01-12 10:00", 10*time.Hour, "success")
	d5.Unplanned = true
	staging := dep("d7", "2024-01-09 11:00", time.Hour, "success")
	staging.Environment = "staging"
	search := dep("d9", "2024-01-09 10:00", time.Hour, "success")
	search.Service, search.Team = "search-api", "search"
	excluded := inc("i5", "2024-01-10 09:00", "2024-01-10 10:00", "")
	excluded.NotDeploymentCaused = true
	return metrics.Batch{
		Deployments: []metrics.Deployment{
			dep("d1", "2024-01-08 00:00", 2*time.Hour, "success"), // exactly on R1's start: in R1
			dep("d2", "2024-01-09 10:00", 4*time.Hour, "success"),
			dep("d3", "2024-01-10 10:00", 0, "success"), // no commit time
			dep("d4", "2024-01-11 10:00", time.Hour, "failure"),
			d5,
			dep("d6", "2024-01-15 00:00", time.Hour, "success"), // exactly on R1's end: not in R1
			staging,
			dep("d8", "2024-01-07 23:59", time.Hour, "success"), // R0
			search,
			dep("d10", "2024-01-13 10:00", 6*time.Hour, "success"),
		},
		Incidents: []metrics.Incident{
			inc("i1", "2024-01-09 12:00", "2024-01-09 15:00", ""),   // → d2 by window (staging d7 is later but not production)
			inc("i2", "2024-01-12 11:00", "2024-01-12 12:00", "d4"), // named deployment
			inc("i3", "2024-01-13 08:00", "", ""),                   // → d5 (22 h before), unresolved
			inc("i4", "2024-01-14 12:00", "2024-01-14 13:00", ""),   // d10 finished 26 h before: outside the window
			excluded, // not deployment-caused
			inc("i6", "2024-01-11 09:00", "", "ghost"), // names an unknown deployment
		},
	}
}

// queryModes are the ways a store answers reports: from the rollups, and
// from the raw tables with either form of median. The hand-computed
// figures must come out of each.
var queryModes = []struct {
	name string
	set  func(*storage.Metrics)
}{
	{"rollups", func(*storage.Metrics) {}},
	{"raw", (*storage.Metrics).UseRawQueries},
	{"raw portable medians", func(s *storage.Metrics) { s.UseRawQueries(); s.UsePortableMedians() }},
}

// setMode puts s in a query mode and checks that rollups are read exactly
// when the mode says so.
func setMode(t *testing.T, s *storage.Metrics, mode string, set func(*storage.Metrics)) {
	t.Helper()
	set(s)
	ready, err := s.RollupsReady(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if ready != (mode == "rollups") {
		t.Fatalf("mode %s: rollups ready = %v", mode, ready)
	}
}

var (
	r0 = metrics.Range{From: at("2024-01-01 00:00"), To: at("2024-01-08 00:00")}
	r1 = metrics.Range{From: at("2024-01-08 00:00"), To: at("2024-01-15 00:00")}
	// empty is a range with no data at all.
	empty = metrics.Range{From: at("2023-06-01 00:00"), To: at("2023-06-08 00:00")}
)

func TestDeliveryStats(t *testing.T) {
	payments := []metrics.DeliveryStats{
		// R0: d8 only.
		{Deployments: 1, Succeeded: 1, LeadTimeN: 1, LeadTime: 3600},
		// R1: d1 d2 d3 d4 d5 d10. Failed: d4 (status), d2 (i1), d5 (i3).
		// Lead times 2h 4h 6h 10h → median (4h+6h)/2 = 5h. Recovered: d2
		// (15:00−10:00 = 5h) and d4 (12 Jan 12:00 − 11 Jan 10:00 = 26h) →
		// median 15.5h. d5's incident is open.
		{Deployments: 6, Succeeded: 5, Failed: 3, Unplanned: 1, NoCommitTime: 1, LeadTimeN: 4, LeadTime: 5 * 3600,
			Recovered: 2, Recovery: 15.5 * 3600, Unrecovered: 1},
		{},
	}
	org := []metrics.DeliveryStats{
		payments[0],
		// + d9 (1h lead): lead times 1h 2h 4h 6h 10h → median 4h.
		{Deployments: 7, Succeeded: 6, Failed: 3, Unplanned: 1, NoCommitTime: 1, LeadTimeN: 5, LeadTime: 4 * 3600,
			Recovered: 2, Recovery: 15.5 * 3600, Unrecovered: 1},
		{},
	}
	for _, mode := range queryModes {
		t.Run(mode.name, func(t *testing.T) {
			storagetest.Each(t, func(t *testing.T, db *storage.DB) {
				s := newMetrics(t, db)
				setMode(t, s, mode.name, mode.set)
				ingest(t, s, fixture())
				ctx := context.Background()
				for _, tc := range []struct {
					name  string
					scope metrics.Scope
					want  []metrics.DeliveryStats
				}{
					{"team", metrics.Scope{Team: "payments"}, payments},
					{"service", metrics.Scope{Service: "checkout"}, payments},
					{"org", metrics.Scope{}, org},
					{"other team", metrics.Scope{Team: "nobody"}, []metrics.DeliveryStats{{}, {}, {}}},
				} {
					got, err := s.DeliveryStats(ctx, tc.scope, []metrics.Range{r0, r1, empty})
					if err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(tc.want, got); diff != "" {
						t.Errorf("%s %s: DeliveryStats mismatch (-want +got):\n%s", mode.name, tc.name, diff)
					}
				}
			})
		})
	}
}

func TestIncidentStats(t *testing.T) {
	// R1: i1..i6 opened. Resolved i1 (3h), i2 (1h), i4 (1h), i5 (1h) →
	// median of 1h 1h 1h 3h = 1h. i4 unattributed, i5 excluded, i6 names
	// a deployment never ingested.
	want := []metrics.IncidentStats{
		{},
		{Opened: 6, Resolved: 4, Restore: 3600, Unattributed: 1, NotDeploymentCaused: 1, UnknownDeployment: 1},
	}
	for _, mode := range queryModes {
		t.Run(mode.name, func(t *testing.T) {
			storagetest.Each(t, func(t *testing.T, db *storage.DB) {
				s := newMetrics(t, db)
				setMode(t, s, mode.name, mode.set)
				ingest(t, s, fixture())
				got, err := s.IncidentStats(context.Background(), metrics.Scope{Team: "payments"}, []metrics.Range{r0, r1})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s: IncidentStats mismatch (-want +got):\n%s", mode.name, diff)
				}
				// Resolving i3 later (the same id again) recovers d5 after 24h:
				// recoveries 5h, 24h, 26h → median 24h; restore adds 2h.
				ingest(t, s, metrics.Batch{Incidents: []metrics.Incident{inc("i3", "2024-01-13 08:00", "2024-01-13 10:00", "")}})
				st, err := s.DeliveryStats(context.Background(), metrics.Scope{Team: "payments"}, []metrics.Range{r1})
				if err != nil {
					t.Fatal(err)
				}
				if st[0].Recovered != 3 || st[0].Recovery != 24*3600 || st[0].Unrecovered != 0 {
					t.Errorf("after resolving i3: recovered %d, median %v s, unrecovered %d; want 3, 86400, 0", st[0].Recovered, st[0].Recovery, st[0].Unrecovered)
				}
				is, _ := s.IncidentStats(context.Background(), metrics.Scope{Team: "payments"}, []metrics.Range{r1})
				// 1h 1h 1h 2h 3h → 1h.
				if is[0].Resolved != 5 || is[0].Restore != 3600 {
					t.Errorf("after resolving i3: resolved %d, restore %v; want 5, 3600", is[0].Resolved, is[0].Restore)
				}
			})
		})
	}
}

func TestDeployCountsPerDay(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newMetrics(t, db)
		ingest(t, s, fixture())
		var days []metrics.Range
		for d := at("2024-01-08 00:00"); d.Before(r1.To); d = d.AddDate(0, 0, 1) {
			days = append(days, metrics.Range{From: d, To: d.AddDate(0, 0, 1)})
		}
		got, err := s.DeployCounts(context.Background(), metrics.Scope{Team: "payments"}, days)
		if err != nil {
			t.Fatal(err)
		}
		// Successful production: d1 (8th), d2 (9th), d3 (10th), d5 (12th), d10 (13th); d4 failed on the 11th.
		if diff := cmp.Diff([]int{1, 1, 1, 0, 1, 1, 0}, got); diff != "" {
			t.Errorf("DeployCounts mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestIngestIsIdempotent(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newMetrics(t, db)
		ingest(t, s, fixture())
		// The same ids again, d3 now with a commit time and d4 now a success.
		again := fixture()
		again.Deployments[2].CommitAt = again.Deployments[2].FinishedAt.Add(-8 * time.Hour)
		again.Deployments[3].Status = metrics.StatusSuccess
		ingest(t, s, again)
		st, err := s.DeliveryStats(context.Background(), metrics.Scope{Team: "payments"}, []metrics.Range{r1})
		if err != nil {
			t.Fatal(err)
		}
		// Still 6 deployments; d4 still failing through its incident i2;
		// lead times 1h 2h 4h 6h 8h 10h → (4h+6h)/2.
		want := metrics.DeliveryStats{Deployments: 6, Succeeded: 6, Failed: 3, Unplanned: 1, LeadTimeN: 6, LeadTime: 5 * 3600,
			Recovered: 2, Recovery: 15.5 * 3600, Unrecovered: 1}
		if diff := cmp.Diff(want, st[0]); diff != "" {
			t.Errorf("mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestAttributionFollowsLateDeployments(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newMetrics(t, db)
		ctx := context.Background()
		// The incident arrives first: nothing to blame yet.
		ingest(t, s, metrics.Batch{Incidents: []metrics.Incident{inc("i1", "2024-01-10 12:00", "2024-01-10 14:00", "")}})
		stats := func() metrics.IncidentStats {
			is, err := s.IncidentStats(ctx, metrics.Scope{}, []metrics.Range{r1})
			if err != nil {
				t.Fatal(err)
			}
			return is[0]
		}
		if got := stats().Unattributed; got != 1 {
			t.Fatalf("unattributed = %d, want 1", got)
		}
		// A deployment 3h before the incident arrives: it is blamed.
		ingest(t, s, metrics.Batch{Deployments: []metrics.Deployment{dep("a", "2024-01-10 09:00", time.Hour, "success")}})
		if got := stats().Unattributed; got != 0 {
			t.Fatalf("after deployment a: unattributed = %d, want 0", got)
		}
		failed := func() (int, float64) {
			st, err := s.DeliveryStats(ctx, metrics.Scope{}, []metrics.Range{r1})
			if err != nil {
				t.Fatal(err)
			}
			return st[0].Failed, st[0].Recovery
		}
		if n, rec := failed(); n != 1 || rec != 5*3600 {
			t.Fatalf("after a: failed %d, recovery %v; want 1, 5h", n, rec)
		}
		// A later one, 1h before, is the latest: the blame moves to it.
		ingest(t, s, metrics.Batch{Deployments: []metrics.Deployment{dep("b", "2024-01-10 11:00", time.Hour, "success")}})
		if n, rec := failed(); n != 1 || rec != 3*3600 {
			t.Fatalf("after b: failed %d, recovery %v; want 1 (b only), 3h", n, rec)
		}
		// A deployment after the incident opened changes nothing.
		ingest(t, s, metrics.Batch{Deployments: []metrics.Deployment{dep("c", "2024-01-10 12:30", time.Hour, "success")}})
		if n, _ := failed(); n != 1 {
			t.Fatalf("after c: failed %d, want 1", n)
		}
		// Moving b to staging hands the blame back to a.
		b := dep("b", "2024-01-10 11:00", time.Hour, "success")
		b.Environment = "staging"
		ingest(t, s, metrics.Batch{Deployments: []metrics.Deployment{b}})
		if n, rec := failed(); n != 1 || rec != 5*3600 {
			t.Fatalf("after b moved: failed %d, recovery %v; want 1 (a), 5h", n, rec)
		}
	})
}

func TestEnsureAttributionRedoesOnWindowChange(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := newMetrics(t, db)
		if err := s.EnsureAttribution(ctx); err != nil {
			t.Fatal(err)
		}
		ingest(t, s, fixture())
		wider := storage.NewMetrics(db, storage.MetricsOptions{AttributionWindow: 48 * time.Hour, ProductionEnvironments: []string{"production"}})
		if err := wider.EnsureAttribution(ctx); err != nil {
			t.Fatal(err)
		}
		// With 48h, i4 (26h after d10) is blamed on d10.
		is, err := wider.IncidentStats(ctx, metrics.Scope{}, []metrics.Range{r1})
		if err != nil {
			t.Fatal(err)
		}
		st, err := wider.DeliveryStats(ctx, metrics.Scope{}, []metrics.Range{r1})
		if err != nil {
			t.Fatal(err)
		}
		if is[0].Unattributed != 0 || st[0].Failed != 4 {
			t.Errorf("after widening: unattributed %d, failed %d; want 0, 4", is[0].Unattributed, st[0].Failed)
		}
		// Narrowing back restores the first attribution.
		if err := s.EnsureAttribution(ctx); err != nil {
			t.Fatal(err)
		}
		is, _ = s.IncidentStats(ctx, metrics.Scope{}, []metrics.Range{r1})
		if is[0].Unattributed != 1 {
			t.Errorf("after narrowing: unattributed %d, want 1", is[0].Unattributed)
		}
	})
}

func TestCommitTimesFromPushes(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newMetrics(t, db)
		ctx := context.Background()
		early := dep("gh-1", "2024-01-09 10:00", 0, "success")
		late := dep("gh-2", "2024-01-10 10:00", 0, "success")
		// The push of gh-1's sha came before its deployment; gh-2's after.
		ingest(t, s, metrics.Batch{Commits: []metrics.Commit{{SHA: early.CommitSHA, At: at("2024-01-09 07:00")}}})
		ingest(t, s, metrics.Batch{Deployments: []metrics.Deployment{early, late}})
		ingest(t, s, metrics.Batch{Commits: []metrics.Commit{{SHA: late.CommitSHA, At: at("2024-01-10 09:00")}}})
		st, err := s.DeliveryStats(ctx, metrics.Scope{}, []metrics.Range{r1})
		if err != nil {
			t.Fatal(err)
		}
		// 3h and 1h → 2h.
		if st[0].LeadTimeN != 2 || st[0].LeadTime != 2*3600 || st[0].NoCommitTime != 0 {
			t.Errorf("lead n %d, median %v, no commit %d; want 2, 7200, 0", st[0].LeadTimeN, st[0].LeadTime, st[0].NoCommitTime)
		}
	})
}

func TestWebhookDeliveriesRunOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newMetrics(t, db)
		b := metrics.Batch{
			Delivery:  &metrics.WebhookDelivery{Source: "pagerduty", ID: "w-1"},
			Incidents: []metrics.Incident{inc("pd:1", "2024-01-09 12:00", "2024-01-09 13:00", "")},
		}
		if res := ingest(t, s, b); res.Duplicate || res.Incidents != 1 {
			t.Fatalf("first delivery: %+v", res)
		}
		b.Incidents[0].Title = "changed"
		if res := ingest(t, s, b); !res.Duplicate {
			t.Fatalf("second delivery: %+v, want Duplicate", res)
		}
		// A redelivered "triggered" (no resolution) must not reopen it.
		trig := inc("pd:1", "2024-01-09 12:00", "", "")
		trig.KeepResolution = true
		ingest(t, s, metrics.Batch{Delivery: &metrics.WebhookDelivery{Source: "pagerduty", ID: "w-0"}, Incidents: []metrics.Incident{trig}})
		is, err := s.IncidentStats(context.Background(), metrics.Scope{}, []metrics.Range{r1})
		if err != nil {
			t.Fatal(err)
		}
		if is[0].Opened != 1 || is[0].Resolved != 1 {
			t.Errorf("opened %d resolved %d, want 1 1", is[0].Opened, is[0].Resolved)
		}
	})
}

func TestActivity(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newMetrics(t, db)
		ctx := context.Background()
		day := func(d string) time.Time { return at(d + " 00:00") }
		acts := []metrics.Activity{
			{Day: day("2024-01-08"), UserID: "U1"}, {Day: day("2024-01-08"), UserID: "U2"},
			{Day: day("2024-01-09"), UserID: "U1"}, {Day: day("2024-01-15"), UserID: "U3"},
			{Day: day("2024-01-02"), UserID: "U4"},
		}
		if err := s.RecordActivity(ctx, acts); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordActivity(ctx, acts[:2]); err != nil { // again: no duplicates, no error
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name  string
			users []string
			want  []int
		}{
			{"everyone", nil, []int{1, 2}},
			{"some", []string{"U2", "U3", "U4"}, []int{1, 1}},
			{"nobody", []string{}, []int{0, 0}},
		} {
			got, err := s.ActiveUsers(ctx, tc.users, []metrics.Range{r0, r1})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s: ActiveUsers mismatch (-want +got):\n%s", tc.name, diff)
			}
		}
		ids, err := s.ActiveUserIDs(ctx, r1)
		if err != nil || !cmp.Equal(ids, []string{"U1", "U2"}) {
			t.Errorf("ActiveUserIDs = %v, %v", ids, err)
		}
	})
}

func TestKnownService(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newMetrics(t, db)
		ingest(t, s, fixture())
		for name, want := range map[string]bool{"checkout": true, "search-api": true, "nope": false} {
			if got, err := s.KnownService(context.Background(), name); got != want || err != nil {
				t.Errorf("KnownService(%q) = %v, %v", name, got, err)
			}
		}
	})
}

// TestOddIDs ingests ids, shas and services that an array literal would
// have to quote (PostgreSQL passes the ingest's id lists as arrays).
func TestOddIDs(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newMetrics(t, db)
		ctx := context.Background()
		const odd = `a"b\c,{d} NULL`
		in := inc("i1", "2024-01-10 12:00", "2024-01-10 14:00", "")
		in.Service = odd
		named := inc(odd+"-i2", "2024-01-10 12:00", "", odd)
		named.Service = odd
		ingest(t, s, metrics.Batch{Incidents: []metrics.Incident{in, named}})
		d := dep(odd, "2024-01-10 09:00", 0, "success")
		d.Service = odd
		ingest(t, s, metrics.Batch{Commits: []metrics.Commit{{SHA: d.CommitSHA, At: at("2024-01-10 08:00")}}})
		// d2's push comes after it.
		d2 := dep(odd+"-2", "2024-01-10 08:00", 0, "success")
		d2.Service, d2.CommitSHA = odd, odd
		ingest(t, s, metrics.Batch{Deployments: []metrics.Deployment{d, d2}})
		ingest(t, s, metrics.Batch{Commits: []metrics.Commit{{SHA: odd, At: at("2024-01-10 06:00")}}})
		st, err := s.DeliveryStats(ctx, metrics.Scope{Service: odd}, []metrics.Range{r1})
		if err != nil {
			t.Fatal(err)
		}
		is, err := s.IncidentStats(ctx, metrics.Scope{Service: odd}, []metrics.Range{r1})
		if err != nil {
			t.Fatal(err)
		}
		// i1 is blamed on d (the latest) by time, i2 on it by name; the
		// pushes gave lead times of 1h and 2h.
		if st[0].Failed != 1 || st[0].LeadTimeN != 2 || st[0].LeadTime != 5400 || is[0].Unattributed != 0 || is[0].UnknownDeployment != 0 {
			t.Errorf("failed %d, lead n %d, lead %v, unattributed %d, unknown %d; want 1, 2, 5400, 0, 0",
				st[0].Failed, st[0].LeadTimeN, st[0].LeadTime, is[0].Unattributed, is[0].UnknownDeployment)
		}
	})
}
