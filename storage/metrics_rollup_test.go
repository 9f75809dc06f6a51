package storage_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/platformbot/platformbot/metrics"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// history generates random deployments, incidents, commits and bot
// activity over the 200 days before now, and changes to what it already
// sent: re-posts that move a deployment to another day, environment,
// status, team or service; incidents resolved later, attributed by a
// deployment that arrives later, or naming a deployment that arrives
// later; commit times learned from pushes.
type history struct {
	rng       *rand.Rand
	now       time.Time
	berlin    *time.Location
	deps      []metrics.Deployment
	incs      []metrics.Incident
	nextDep   int
	nextInc   int
	services  [][2]string // service, team
	futureIDs []string    // deployment ids incidents named before they arrived
}

func newHistory(seed uint64, now time.Time) *history {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	return &history{
		rng: rand.New(rand.NewPCG(seed, 99)), now: now, berlin: berlin,
		services: [][2]string{{"checkout", "payments"}, {"cart", "payments"}, {"search-api", "search"}, {"orphan", ""}},
	}
}

// instant is a random time in the history; a third of them fall on or
// next to a local midnight in Berlin or a 15-minute boundary, where a
// wrong bucket would show.
func (h *history) instant() time.Time {
	t := h.now.Add(-time.Duration(h.rng.Int64N(int64(200 * 24 * time.Hour)))).Truncate(time.Second)
	switch h.rng.IntN(9) {
	case 0:
		l := t.In(h.berlin)
		t = time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, h.berlin).UTC()
	case 1:
		l := t.In(h.berlin)
		t = time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, h.berlin).UTC().Add(-time.Second)
	case 2:
		t = t.Truncate(15 * time.Minute)
	}
	return t
}

// duration is a random lead, recovery or restore time, often one of a few
// values, so that medians meet ties.
func (h *history) duration(max time.Duration) time.Duration {
	if h.rng.IntN(3) == 0 {
		return []time.Duration{time.Hour, 2 * time.Hour, 90 * time.Minute}[h.rng.IntN(3)]
	}
	return time.Duration(h.rng.Int64N(int64(max))).Truncate(time.Second)
}

func (h *history) deployment(id string) metrics.Deployment {
	st := h.services[h.rng.IntN(len(h.services))]
	fin := h.instant()
	d := metrics.Deployment{ID: id, Source: "api", Service: st[0], Team: st[1], Environment: "production",
		Status: metrics.StatusSuccess, CommitSHA: "sha-" + id, StartedAt: fin.Add(-5 * time.Minute), FinishedAt: fin,
		Unplanned: h.rng.IntN(10) == 0}
	switch h.rng.IntN(10) {
	case 0, 1:
		d.Environment = "staging"
	case 2:
		d.Environment = "prod-eu"
	}
	if h.rng.IntN(6) == 0 {
		d.Status = metrics.StatusFailure
	}
	if h.rng.IntN(5) != 0 {
		d.CommitAt = fin.Add(-h.duration(5 * 24 * time.Hour))
	}
	return d
}

func (h *history) incident(id string) metrics.Incident {
	st := h.services[h.rng.IntN(len(h.services))]
	opened := h.instant()
	in := metrics.Incident{ID: id, Source: "api", Service: st[0], Team: st[1], Title: "incident " + id, OpenedAt: opened}
	switch h.rng.IntN(10) {
	case 0, 1:
		if len(h.deps) > 0 {
			in.DeploymentID = h.deps[h.rng.IntN(len(h.deps))].ID
		}
	case 2:
		in.DeploymentID = fmt.Sprintf("d%d", h.nextDep+5+h.rng.IntN(20)) // arrives later, or never
		h.futureIDs = append(h.futureIDs, in.DeploymentID)
	case 3:
		in.NotDeploymentCaused = true
	}
	if h.rng.IntN(3) != 0 {
		if r := opened.Add(h.duration(3 * 24 * time.Hour)); r.Before(h.now) {
			in.ResolvedAt = r
		}
	}
	return in
}

// batch returns the next ingest: new records and changes to old ones.
func (h *history) batch(size int) metrics.Batch {
	var b metrics.Batch
	for range size {
		switch r := h.rng.IntN(20); {
		case r < 11 || len(h.deps) == 0:
			d := h.deployment(fmt.Sprintf("d%d", h.nextDep))
			h.nextDep++
			h.deps = append(h.deps, d)
			b.Deployments = append(b.Deployments, d)
		case r < 14:
			b.Deployments = append(b.Deployments, h.repost())
		case r < 17:
			in := h.incident(fmt.Sprintf("i%d", h.nextInc))
			h.nextInc++
			h.incs = append(h.incs, in)
			b.Incidents = append(b.Incidents, in)
		case r < 19 && len(h.incs) > 0:
			// An incident sent again, now resolved (or with its
			// resolution kept, as PagerDuty redeliveries do).
			i := h.rng.IntN(len(h.incs))
			in := h.incs[i]
			if in.ResolvedAt.IsZero() {
				in.ResolvedAt = in.OpenedAt.Add(h.duration(2 * 24 * time.Hour))
			} else if h.rng.IntN(2) == 0 {
				in.ResolvedAt, in.KeepResolution = time.Time{}, true
			}
			h.incs[i] = in
			b.Incidents = append(b.Incidents, in)
		default:
			d := h.deps[h.rng.IntN(len(h.deps))]
			if d.CommitAt.IsZero() {
				b.Commits = append(b.Commits, metrics.Commit{SHA: d.CommitSHA, At: d.FinishedAt.Add(-h.duration(24 * time.Hour))})
			}
		}
	}
	return b
}

// repost changes one field of a deployment sent before.
func (h *history) repost() metrics.Deployment {
	i := h.rng.IntN(len(h.deps))
	d := h.deps[i]
	switch h.rng.IntN(6) {
	case 0:
		fin := h.instant()
		d.FinishedAt, d.StartedAt = fin, fin.Add(-5*time.Minute)
		d.CommitAt = time.Time{}
	case 1:
		d.Environment = map[string]string{"production": "staging", "staging": "production", "prod-eu": "production"}[d.Environment]
	case 2:
		d.Status = map[string]string{metrics.StatusSuccess: metrics.StatusFailure, metrics.StatusFailure: metrics.StatusSuccess}[d.Status]
	case 3:
		st := h.services[h.rng.IntN(len(h.services))]
		d.Service, d.Team = st[0], st[1]
	case 4:
		d.Unplanned = !d.Unplanned
	default:
		d.CommitAt = d.FinishedAt.Add(-h.duration(24 * time.Hour))
	}
	h.deps[i] = d
	return d
}

// activity is bot use on Berlin days by users U00–U29.
func (h *history) activity(n int) []metrics.Activity {
	var acts []metrics.Activity
	for range n {
		l := h.instant().In(h.berlin)
		day := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, h.berlin).UTC()
		acts = append(acts, metrics.Activity{Day: day, UserID: fmt.Sprintf("U%02d", h.rng.IntN(30))})
	}
	return acts
}

// testDirectory puts U00–U09 in payments and U10–U19 in search.
type testDirectory struct{}

func (testDirectory) Teams() []metrics.Team {
	return []metrics.Team{{ID: "payments", Name: "Payments"}, {ID: "search", Name: "Search"}}
}

func (testDirectory) Members(_ context.Context, team string) ([]string, error) {
	first := map[string]int{"payments": 0, "search": 10}[team]
	var out []string
	for i := range 10 {
		out = append(out, fmt.Sprintf("U%02d", first+i))
	}
	return out, nil
}

func (testDirectory) TeamOf(_ context.Context, user string) (string, error) { return "", nil }

func rollupTestStore(db *storage.DB, now time.Time) *storage.Metrics {
	return storage.NewMetrics(db, storage.MetricsOptions{
		AttributionWindow: 24 * time.Hour, ProductionEnvironments: []string{"production", "prod-eu"},
		Now: func() time.Time { return now },
	})
}

var sameZone = cmp.Comparer(func(a, b *time.Location) bool { return a.String() == b.String() })

// testZones are the zones digests are compared in: UTC, and offsets of a
// whole hour east and west with their DST, and of half an hour.
var testZones = []string{"UTC", "Europe/Berlin", "Asia/Kolkata", "America/New_York"}

// compareDigests computes the digests (delivery and adoption) of every
// scope and window, in zones, from both stores and fails on any
// difference.
func compareDigests(t *testing.T, rollups, raw metrics.Store, h *history, zones ...string) {
	t.Helper()
	ctx := context.Background()
	th, _ := metrics.ThresholdsFor(2024)
	svc := func(st metrics.Store) *metrics.Service {
		return &metrics.Service{Store: st, Directory: testDirectory{}, Thresholds: th, Now: func() time.Time { return h.now }}
	}
	scopes := []metrics.Scope{{}, {Team: "payments"}, {Team: "search"}}
	for _, st := range h.services {
		scopes = append(scopes, metrics.Scope{Service: st[0]})
	}
	for _, zone := range zones {
		loc, _ := time.LoadLocation(zone)
		for _, days := range []int{7, 90} {
			for _, back := range []int{0, 75} {
				for _, sc := range scopes {
					q := metrics.Query{Scope: sc, Days: days, Location: loc, At: h.now.AddDate(0, 0, -back),
						Sections: []string{metrics.SectionDelivery, metrics.SectionAdoption}}
					want, err := svc(raw).Report(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					got, err := svc(rollups).Report(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					if len(want.Unavailable)+len(got.Unavailable) > 0 {
						t.Fatalf("unavailable: raw %v, rollups %v", want.Unavailable, got.Unavailable)
					}
					if diff := cmp.Diff(want, got, sameZone); diff != "" {
						t.Fatalf("%s %dd at -%dd %+v: rollup digest differs from raw (-raw +rollups):\n%s", zone, days, back, sc, diff)
					}
				}
			}
		}
	}
}

// compareRanges asks both stores about random ranges, slot-aligned or not,
// of any length.
func compareRanges(t *testing.T, rollups, raw metrics.Store, h *history) {
	t.Helper()
	ctx := context.Background()
	var ranges []metrics.Range
	for range 12 {
		from := h.instant()
		if h.rng.IntN(4) != 0 {
			from = from.Truncate(15 * time.Minute)
		}
		to := from.Add(time.Duration(h.rng.Int64N(int64(60 * 24 * time.Hour)))).Truncate(15 * time.Minute)
		ranges = append(ranges, metrics.Range{From: from, To: to})
	}
	ranges = append(ranges, metrics.Range{From: h.now.AddDate(-1, 0, 0), To: h.now.AddDate(0, 0, 1).Truncate(24 * time.Hour)})
	// Calendar days in Kolkata (a layer of adjacent ranges cut at 18:30),
	// with an empty and an inverted range among them.
	kolkata, _ := time.LoadLocation("Asia/Kolkata")
	start := h.instant().In(kolkata)
	var days []metrics.Range
	for d := range 20 {
		from := time.Date(start.Year(), start.Month(), start.Day()+d, 0, 0, 0, 0, kolkata)
		days = append(days, metrics.Range{From: from, To: from.AddDate(0, 0, 1)})
	}
	days = append(days, metrics.Range{From: days[3].From, To: days[3].From}, metrics.Range{From: days[5].To, To: days[2].From})
	for _, sc := range []metrics.Scope{{}, {Team: "search"}, {Service: "cart"}} {
		want, err := raw.DeployCounts(ctx, sc, days)
		if err != nil {
			t.Fatal(err)
		}
		got, err := rollups.DeployCounts(ctx, sc, days)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("%+v: DeployCounts over Kolkata days (-raw +rollups):\n%s", sc, diff)
		}
	}
	for _, sc := range []metrics.Scope{{}, {Team: "payments"}, {Service: "orphan"}} {
		for _, rs := range [][]metrics.Range{ranges[len(ranges)-1:], ranges} {
			want, err := raw.DeliveryStats(ctx, sc, rs)
			if err != nil {
				t.Fatal(err)
			}
			got, err := rollups.DeliveryStats(ctx, sc, rs)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("%+v %v: DeliveryStats (-raw +rollups):\n%s", sc, rs, diff)
			}
			wantI, _ := raw.IncidentStats(ctx, sc, rs)
			gotI, err := rollups.IncidentStats(ctx, sc, rs)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wantI, gotI); diff != "" {
				t.Fatalf("%+v %v: IncidentStats (-raw +rollups):\n%s", sc, rs, diff)
			}
		}
	}
}

// TestRollupsMatchRaw ingests random history in rounds, with re-posts,
// late attribution, late resolutions and late commit times, and after
// each round compares every digest computed from the rollups with the
// same digest computed from the raw tables; at the end, rollups rebuilt
// from the raw tables must equal the ones kept incrementally, byte for
// byte.
func TestRollupsMatchRaw(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		h := newHistory(seed, time.Date(2024, 11, 20, 9, 30, 0, 0, time.UTC))
		s := rollupTestStore(db, h.now)
		if err := s.EnsureRollups(ctx); err != nil {
			t.Fatal(err)
		}
		raw := rollupTestStore(db, h.now)
		raw.UseRawQueries()
		for round := range 5 {
			for range 4 {
				ingest(t, s, h.batch(60))
			}
			for _, in := range h.incs[:min(3, len(h.incs))] {
				if _, err := s.CloseIncident(ctx, in.ID, in.OpenedAt.Add(time.Duration(round+1)*time.Hour)); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.RecordActivity(ctx, h.activity(80)); err != nil {
				t.Fatal(err)
			}
			// Odd rounds read every median in two steps (histograms, then
			// the bins that hold it), even rounds only busy days' (none
			// here).
			s.SetInlineLimit(map[bool]int{true: 0, false: 2048}[round%2 == 1])
			compareDigests(t, s, raw, h, testZones[round%len(testZones)])
			compareRanges(t, s, raw, h)
		}
		// Deployments that incidents named before they arrived.
		var late []metrics.Deployment
		for _, id := range h.futureIDs {
			late = append(late, h.deployment(id))
		}
		ingest(t, s, metrics.Batch{Deployments: late})
		for _, limit := range []int{0, 2048} {
			s.SetInlineLimit(limit)
			compareDigests(t, s, raw, h, testZones...)
		}

		kept, err := storage.DumpRollups(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.RebuildRollups(ctx); err != nil {
			t.Fatal(err)
		}
		rebuilt, err := storage.DumpRollups(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if len(kept) < 100 {
			t.Fatalf("only %d rollup rows: the test data is too thin", len(kept))
		}
		if diff := cmp.Diff(rebuilt, kept); diff != "" {
			t.Errorf("incremental rollups differ from rebuilt ones (-rebuilt +kept):\n%s", diff)
		}
	})
}

// TestRollupsFollowProductionEnvironments checks that a store whose
// production environments differ from the rollups' reads the raw tables
// until EnsureRollups has rebuilt them for its settings.
func TestRollupsFollowProductionEnvironments(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		h := newHistory(3, time.Date(2024, 11, 20, 9, 30, 0, 0, time.UTC))
		s := rollupTestStore(db, h.now)
		if err := s.EnsureRollups(ctx); err != nil {
			t.Fatal(err)
		}
		ingest(t, s, h.batch(300))
		narrow := storage.NewMetrics(db, storage.MetricsOptions{AttributionWindow: 24 * time.Hour, ProductionEnvironments: []string{"production"},
			Now: func() time.Time { return h.now }})
		if ok, err := narrow.RollupsReady(ctx); ok || err != nil {
			t.Fatalf("rollups of other environments ready = %v, %v", ok, err)
		}
		raw := storage.NewMetrics(db, storage.MetricsOptions{AttributionWindow: 24 * time.Hour, ProductionEnvironments: []string{"production"},
			Now: func() time.Time { return h.now }})
		raw.UseRawQueries()
		compareDigests(t, narrow, raw, h, "Europe/Berlin") // from the raw tables
		if err := narrow.EnsureRollups(ctx); err != nil {
			t.Fatal(err)
		}
		if ok, err := narrow.RollupsReady(ctx); !ok || err != nil {
			t.Fatalf("after EnsureRollups: ready = %v, %v", ok, err)
		}
		compareDigests(t, narrow, raw, h, testZones...)
		ids, err := narrow.ActiveUserIDs(ctx, metrics.Range{From: h.now.AddDate(-1, 0, 0), To: h.now})
		if err != nil || !slices.IsSorted(ids) {
			t.Errorf("ActiveUserIDs = %v, %v", ids, err)
		}
	})
}
