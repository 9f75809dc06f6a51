package people

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestDirectoryPersonCache: a miss asks the store, then Slack (storing the
// answer); a hit asks nobody; a stale entry is read again from the store,
// not from Slack; "unknown" is remembered for a minute.
func TestDirectoryPersonCache(t *testing.T) {
	d, s, st, clock := newTestDirectory(t)
	ctx := context.Background()
	if _, ok := d.Fresh("UNEW"); ok {
		t.Fatal("Fresh(UNEW) before any lookup")
	}
	for range 3 {
		p, err := d.Person(ctx, "UNEW")
		if err != nil || p.Name != "new" {
			t.Fatalf("Person(UNEW) = %+v, %v", p, err)
		}
	}
	_, lookups := s.counts()
	reads, _ := st.counts()
	if !slices.Equal(lookups, []string{"UNEW"}) || reads != 1 {
		t.Fatalf("users.info for %v, %d store reads; want one of each", lookups, reads)
	}
	if _, ok, _ := st.MemStore.Person(ctx, "UNEW"); !ok {
		t.Error("the looked-up person was not stored for the other replicas")
	}
	if p, ok := d.Fresh("UNEW"); !ok || p.Name != "new" {
		t.Errorf("Fresh(UNEW) = %+v, %v after the lookup", p, ok)
	}
	clock.Advance(defaultFresh)
	if _, ok := d.Fresh("UNEW"); ok {
		t.Error("Fresh(UNEW) answered a stale entry")
	}
	if _, err := d.Person(ctx, "UNEW"); err != nil {
		t.Fatal(err)
	}
	_, lookups = s.counts()
	if reads, _ := st.counts(); len(lookups) != 1 || reads != 2 {
		t.Errorf("stale entry: users.info ×%d, store reads ×%d; want it read again from the store only", len(lookups), reads)
	}

	for range 2 {
		if _, err := d.Person(ctx, "UNOBODY"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Person(UNOBODY) = %v, want ErrNotFound", err)
		}
	}
	if ok, err := d.CanBeAsked(ctx, "UNOBODY"); ok || err != nil {
		t.Errorf("CanBeAsked(UNOBODY) = %v, %v; want false: Slack does not know them", ok, err)
	}
	clock.Advance(missingFresh)
	_, _ = d.Person(ctx, "UNOBODY")
	if _, lookups := s.counts(); slices.Index(lookups, "UNOBODY") < 0 || len(lookups) != 3 {
		t.Errorf("users.info for %v; want UNOBODY asked once a minute", lookups)
	}
}

// TestDirectoryStaleBeatsNothing: when the store and Slack fail, a person
// known before still answers.
func TestDirectoryStaleBeatsNothing(t *testing.T) {
	src, clock := newFakeSource(), newTestClock()
	st := &failingStore{MemStore: NewMemStore()}
	d := New(Options{Source: src, Store: st, Now: clock.Now})
	t.Cleanup(d.Close)
	ctx := context.Background()
	if _, err := d.Person(ctx, "UNEW"); err != nil {
		t.Fatal(err)
	}
	st.fail.Store(true)
	src.set(func(s *fakeSource) { s.fail["Lookup"] = errors.New("slack down") })
	clock.Advance(time.Hour)
	if p, err := d.Person(ctx, "UNEW"); err != nil || p.Name != "new" {
		t.Errorf("Person(UNEW) with everything down = %+v, %v; want the known profile", p, err)
	}
	if _, err := d.Person(ctx, "UHUMAN"); err == nil {
		t.Error("Person(UHUMAN), never known, with everything down: want an error")
	}
}

// TestDirectoryConcurrentMissesShareOneCall: N callers missing the same
// person (or group) at once make one Slack call.
func TestDirectoryConcurrentMissesShareOneCall(t *testing.T) {
	d, s, _, _ := newTestDirectory(t)
	s.groups["SDEVS"] = []string{"U1", "U2"}
	s.holdInfo = make(chan struct{})
	const n = 20
	var entered, wg sync.WaitGroup
	entered.Add(2 * n)
	for range n {
		wg.Go(func() {
			entered.Done()
			if p, err := d.Person(context.Background(), "UNEW"); err != nil || p.ID != "UNEW" {
				t.Errorf("Person = %+v, %v", p, err)
			}
		})
		wg.Go(func() {
			entered.Done()
			if in, err := d.InGroup(context.Background(), "SDEVS", "U2"); err != nil || !in {
				t.Errorf("InGroup = %v, %v", in, err)
			}
		})
	}
	entered.Wait()
	time.Sleep(50 * time.Millisecond) // let every caller reach the shared call
	close(s.holdInfo)
	wg.Wait()
	_, lookups := s.counts()
	s.mu.Lock()
	groupCalls := s.groupCalls
	s.mu.Unlock()
	if len(lookups) != 1 || groupCalls != 1 {
		t.Errorf("users.info ×%d, usergroups.users.list ×%d for %d concurrent callers each; want 1 and 1", len(lookups), groupCalls, n)
	}
}

// TestDirectoryMembers: members are cached for MembersFresh, the last
// known answer when Slack fails, and an error when none is known.
func TestDirectoryMembers(t *testing.T) {
	d, s, _, clock := newTestDirectory(t)
	ctx := context.Background()
	s.groups["SDEVS"] = []string{"U1", "U2"}
	s.channels["CENG"] = []string{"U3"}
	for range 2 {
		if in, err := d.InGroup(ctx, "SDEVS", "U1"); !in || err != nil {
			t.Fatalf("InGroup(SDEVS, U1) = %v, %v", in, err)
		}
	}
	if got, err := d.ChannelMembers(ctx, "CENG"); err != nil || !slices.Equal(got, []string{"U3"}) {
		t.Errorf("ChannelMembers = %v, %v", got, err)
	}
	s.set(func(s *fakeSource) { s.fail["GroupMembers"] = errors.New("slack down") })
	clock.Advance(defaultMembersFresh)
	if got, err := d.GroupMembers(ctx, "SDEVS"); err != nil || !slices.Equal(got, []string{"U1", "U2"}) {
		t.Errorf("GroupMembers with Slack down = %v, %v; want the last known", got, err)
	}
	if _, err := d.InGroup(ctx, "SOTHER", "U1"); err == nil {
		t.Error("InGroup of a group never fetched, with Slack down: want an error")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.groupCalls != 3 {
		t.Errorf("usergroups.users.list ×%d, want 3 (one cached, one stale refresh, one unknown)", s.groupCalls)
	}
}

func TestDirectoryTeams(t *testing.T) {
	src, clock := newFakeSource(), newTestClock()
	src.groups["SDBA"] = []string{"U1", "U2", "U4"}
	teams := []Team{{ID: "dba", Name: "DBAs", UserGroup: "SDBA"}, {ID: "web", Name: "Web", Users: []string{"U1", "U3"}}}
	d := New(Options{Source: src, Now: clock.Now, Teams: teams})
	t.Cleanup(d.Close)
	ctx := context.Background()
	for user, want := range map[string]string{"U1": "web", "U2": "dba", "U3": "web", "U9": ""} {
		if got, err := d.TeamOf(ctx, user); got != want || err != nil {
			t.Errorf("TeamOf(%s) = %q, %v; want %q (explicit users win over groups)", user, got, err, want)
		}
	}
	got, err := d.TeamMembers(ctx, "dba")
	if diff := cmp.Diff([]string{"U1", "U2", "U4"}, got); diff != "" || err != nil {
		t.Errorf("TeamMembers(dba) mismatch (-want +got), err %v:\n%s", err, diff)
	}
	if m, err := d.TeamMembers(ctx, "nope"); m != nil || err != nil {
		t.Errorf("TeamMembers(nope) = %v, %v; want nothing", m, err)
	}
	if tm, ok := d.Team("web"); !ok || tm.Name != "Web" {
		t.Errorf("Team(web) = %+v, %v", tm, ok)
	}

	down := New(Options{Source: src, Now: clock.Now, Teams: teams})
	t.Cleanup(down.Close)
	src.set(func(s *fakeSource) { s.fail["GroupMembers"] = errors.New("slack down") })
	if got, err := down.TeamOf(ctx, "U2"); got != "" || err == nil {
		t.Errorf("TeamOf(U2) with Slack down = %q, %v; want no team and the error", got, err)
	}
	if got, err := down.TeamOf(ctx, "U3"); got != "web" || err != nil {
		t.Errorf("TeamOf(U3) with Slack down = %q, %v; listed users need no Slack", got, err)
	}
}

func TestPerson(t *testing.T) {
	for _, tc := range []struct {
		name   string
		p      Person
		zone   string
		offset int
		asked  bool
		called string
	}{
		{"zone", Person{ID: "U1", Name: "ada", RealName: "Ada L", TZ: "Europe/Berlin"}, "Europe/Berlin", 3600, true, "Ada L"},
		{"unknown zone: its offset", Person{ID: "U2", Name: "bob", TZ: "Mars/Olympus", TZOffset: -7200}, "Mars/Olympus", -7200, true, "bob"},
		{"nothing: UTC", Person{ID: "U3"}, "UTC", 0, true, "U3"},
		{"bot", Person{ID: "B1", IsBot: true}, "UTC", 0, false, "B1"},
		{"deactivated", Person{ID: "U4", Deleted: true}, "UTC", 0, false, "U4"},
		{"slackbot", Person{ID: "USLACKBOT"}, "UTC", 0, false, "USLACKBOT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			loc := tc.p.Location()
			_, off := time.Date(2026, 1, 15, 12, 0, 0, 0, loc).Zone()
			if loc.String() != tc.zone || off != tc.offset {
				t.Errorf("Location() = %s (offset %d), want %s (%d)", loc, off, tc.zone, tc.offset)
			}
			if tc.p.CanBeAsked() != tc.asked || tc.p.DisplayName() != tc.called {
				t.Errorf("CanBeAsked() = %v, DisplayName() = %q; want %v, %q", tc.p.CanBeAsked(), tc.p.DisplayName(), tc.asked, tc.called)
			}
		})
	}
}
