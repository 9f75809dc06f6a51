package people

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestDirectoryAsksTheListingNotEachPerson: a survey's audience is checked
// against one users.list listing; a lookup under way when the listing
// arrives gives way to it, and only someone missing from the listing costs
// a users.info call (the fake knows UNEW as an active person).
func TestDirectoryAsksTheListingNotEachPerson(t *testing.T) {
	d, s, _, _ := newTestDirectory(t)
	s.holdInfo = make(chan struct{}) // users.info never answers in time
	askAll(t, d, map[string]bool{"UHUMAN": true, "UBOT": false, "UGONE": false, "USLACKBOT": false})
	close(s.holdInfo)
	askAll(t, d, map[string]bool{"UHUMAN": true, "UNEW": true})
	lists, lookups := s.counts()
	if lists != 1 || !slices.Equal(lookups, []string{"UNEW"}) {
		t.Errorf("users.list ×%d, users.info for %v; want one listing and UNEW alone", lists, lookups)
	}
}

// TestDirectoryDoesNotWaitForASlowListing: in a large workspace the first
// listing takes minutes; meanwhile people are looked up one by one, so a
// small survey goes out at once. Once listed, nobody is looked up.
func TestDirectoryDoesNotWaitForASlowListing(t *testing.T) {
	d, s, _, _ := newTestDirectory(t)
	s.holdList = make(chan struct{})
	askAll(t, d, map[string]bool{"UHUMAN": true, "UBOT": false})
	if _, lookups := s.counts(); len(lookups) != 2 {
		t.Fatalf("users.info for %v; want both looked up while the listing loads", lookups)
	}
	close(s.holdList)
	settle(t, d)
	askAll(t, d, map[string]bool{"UHUMAN": true, "UGONE": false})
	if lists, lookups := s.counts(); lists != 1 || len(lookups) != 2 {
		t.Errorf("users.list ×%d, users.info for %v; want one listing and no lookup once listed", lists, lookups)
	}
}

// TestDirectoryFallsBackWhenTheListingFails: with users.list failing,
// people are looked up alone (and the answers cached), and the listing is
// not tried again for a minute (it is a Tier 2 method).
func TestDirectoryFallsBackWhenTheListingFails(t *testing.T) {
	d, s, _, clock := newTestDirectory(t)
	s.fail["List"] = errors.New("missing_scope")
	askAll(t, d, map[string]bool{"UHUMAN": true})
	settle(t, d)
	askAll(t, d, map[string]bool{"UHUMAN": true, "UBOT": false})
	if lists, lookups := s.counts(); lists != 1 || !slices.Equal(lookups, []string{"UHUMAN", "UBOT"}) {
		t.Fatalf("users.list ×%d, users.info for %v; want one failed listing, then each person once", lists, lookups)
	}
	s.set(func(s *fakeSource) {
		delete(s.fail, "List")
		s.holdInfo = make(chan struct{}) // only the listing can answer now
	})
	clock.Advance(checkEvery)
	askAll(t, d, map[string]bool{"UHUMAN": true, "UGONE": false})
	if lists, lookups := s.counts(); lists != 2 || len(lookups) != 2 {
		t.Errorf("users.list ×%d, users.info for %v; want the listing again after a minute", lists, lookups)
	}
}

// TestDirectoryWaitingIsBusy: a send whose deadline passes while neither
// the listing nor its lookup has answered gets ErrBusy (the outbox then
// postpones it without using an attempt); the listing goes on without it
// and answers everyone waiting, with one call.
func TestDirectoryWaitingIsBusy(t *testing.T) {
	d, s, _, _ := newTestDirectory(t)
	s.holdList, s.holdInfo = make(chan struct{}), make(chan struct{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := d.CanBeAsked(ctx, "UHUMAN"); !errors.Is(err, ErrBusy) {
		t.Fatalf("CanBeAsked while waiting = %v, want ErrBusy", err)
	}
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() { askAll(t, d, map[string]bool{"UHUMAN": true, "UBOT": false}) })
	}
	close(s.holdList)
	wg.Wait()
	if lists, lookups := s.counts(); lists != 1 || len(lookups) != 0 {
		t.Errorf("users.list ×%d, users.info for %v; want one listing shared by all", lists, lookups)
	}
}

// TestDirectoryRefreshKeepsTheOldListingMeanwhile: the scheduled refresh
// lists again; until it is stored the old listing answers, so a long
// fan-out does not stall; then the new one does.
func TestDirectoryRefreshKeepsTheOldListingMeanwhile(t *testing.T) {
	d, s, st, clock := newTestDirectory(t)
	ctx := context.Background()
	if err := d.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	s.set(func(s *fakeSource) {
		s.holdInfo = make(chan struct{})
		s.holdList = make(chan struct{})
		s.roster = []Person{{ID: "UHUMAN", Deleted: true}} // deactivated since
	})
	clock.Advance(time.Hour) // the cache is stale: the stored listing answers
	done := make(chan error, 1)
	go func() { done <- d.Refresh(ctx) }()
	askAll(t, d, map[string]bool{"UHUMAN": true})
	close(s.holdList)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	askAll(t, d, map[string]bool{"UHUMAN": false})
	if p, ok, _ := st.Person(ctx, "UGONE"); ok {
		t.Errorf("UGONE is still stored (%+v) though the new listing lacks them", p)
	}
	if lists, lookups := s.counts(); lists != 2 || len(lookups) != 0 {
		t.Errorf("users.list ×%d, users.info for %v; want two listings", lists, lookups)
	}
}

// TestDirectoryColdStartReadsTheStoredListing: a replica starting after
// another stored the listing reads it (one pass over the store) and asks
// Slack nothing.
func TestDirectoryColdStartReadsTheStoredListing(t *testing.T) {
	src, clock := newFakeSource(), newTestClock()
	st := &countingStore{MemStore: NewMemStore()}
	if err := st.ReplacePeople(context.Background(), src.roster, clock.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	d := New(Options{Source: src, Store: st, Now: clock.Now})
	t.Cleanup(d.Close)
	d.Start()
	settle(t, d)
	askAll(t, d, map[string]bool{"UHUMAN": true, "UBOT": false, "UGONE": false, "USLACKBOT": false})
	p, err := d.Person(context.Background(), "UHUMAN")
	if err != nil || p.Locale != "de-DE" || p.Location().String() != "Europe/Berlin" {
		t.Errorf("Person(UHUMAN) = %+v, %v; want the stored profile", p, err)
	}
	lists, lookups := src.counts()
	reads, eachs := st.counts()
	if lists != 0 || len(lookups) != 0 || eachs != 1 || reads != 0 {
		t.Errorf("users.list ×%d, users.info for %v, store: %d passes, %d single reads; want one pass and nothing else",
			lists, lookups, eachs, reads)
	}
}

// TestDirectoryReplicasFollowTheListing: two replicas share a store; one
// refreshes, the other reads the newer listing at its next check, and
// with a claim only one of them lists on demand.
func TestDirectoryReplicasFollowTheListing(t *testing.T) {
	src, clock := newFakeSource(), newTestClock()
	st := &countingStore{MemStore: NewMemStore()}
	var mu sync.Mutex
	claimed := map[time.Time]bool{}
	claim := func(_ context.Context, at time.Time) (bool, error) {
		mu.Lock()
		defer mu.Unlock()
		won := !claimed[at]
		claimed[at] = true
		return won, nil
	}
	a := New(Options{Source: src, Store: st, Now: clock.Now, Claim: claim})
	b := New(Options{Source: src, Store: st, Now: clock.Now, Claim: claim})
	t.Cleanup(a.Close)
	t.Cleanup(b.Close)
	var wg sync.WaitGroup
	for _, d := range []*Directory{a, b} {
		wg.Go(func() { askAll(t, d, map[string]bool{"UHUMAN": true, "UGONE": false}) })
	}
	wg.Wait()
	settle(t, a)
	settle(t, b)
	if lists, _ := src.counts(); lists != 1 {
		t.Fatalf("users.list ×%d, want one listing for both replicas (claimed)", lists)
	}

	src.set(func(s *fakeSource) { s.roster[0].Deleted = true })
	clock.Advance(time.Hour)
	if err := a.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, eachsBefore := st.counts()
	b.Start() // a check is due: the newer listing is read
	settle(t, b)
	if _, eachs := st.counts(); eachs != eachsBefore+1 {
		t.Errorf("replica b read the stored listing %d times, want once more", eachs-eachsBefore)
	}
	askAll(t, b, map[string]bool{"UHUMAN": false})
}

// TestDirectoryEvents: user_change and team_join update the stored listing
// for every replica; an event during a listing is newer than the listing
// and survives it; the locale events lack is kept.
func TestDirectoryEvents(t *testing.T) {
	d, s, st, clock := newTestDirectory(t)
	ctx := context.Background()
	s.holdList = make(chan struct{})
	done := make(chan error, 1)
	go func() { done <- d.Refresh(ctx) }()
	for lists, _ := s.counts(); lists == 0; lists, _ = s.counts() {
		time.Sleep(time.Millisecond)
	}
	clock.Advance(time.Second)
	if err := d.Update(ctx, Person{ID: "UGONE", Name: "back"}); err != nil { // reactivated
		t.Fatal(err)
	}
	if err := d.Update(ctx, Person{ID: "UJOINED", Name: "joined", TZ: "Asia/Kolkata"}); err != nil {
		t.Fatal(err)
	}
	close(s.holdList)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	askAll(t, d, map[string]bool{"UGONE": true, "UJOINED": true, "UHUMAN": true})
	stored, ok, err := st.Person(ctx, "UGONE")
	if err != nil || !ok || stored.Deleted {
		t.Errorf("stored UGONE = %+v, %v, %v; want the event's reactivation, not the older listing", stored, ok, err)
	}
	if err := d.Update(ctx, Person{ID: "UHUMAN", Name: "human2", Deleted: true}); err != nil {
		t.Fatal(err)
	}
	askAll(t, d, map[string]bool{"UHUMAN": false})
	other := New(Options{Source: s, Store: st, Now: clock.Now}) // another replica
	t.Cleanup(other.Close)
	p, err := other.Person(ctx, "UHUMAN")
	if err != nil || p.Name != "human2" || !p.Deleted || p.Locale != "de-DE" {
		t.Errorf("other replica: Person(UHUMAN) = %+v, %v; want the event's profile and the listed locale", p, err)
	}
	if _, lookups := s.counts(); len(lookups) != 0 {
		t.Errorf("users.info for %v; want none", lookups)
	}
}

// TestWaitListing: a caller about to plan many people waits for the
// listing (started by the wait), then Known answers from it without a
// call; a wait that ends first returns its context's error.
func TestWaitListing(t *testing.T) {
	d, s, _, _ := newTestDirectory(t)
	s.holdList = make(chan struct{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := d.WaitListing(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitListing with users.list held: %v, want the deadline", err)
	}
	if _, ok := d.Known("UHUMAN"); ok {
		t.Fatal("Known answers before any listing")
	}
	close(s.holdList)
	if err := d.WaitListing(context.Background()); err != nil {
		t.Fatal(err)
	}
	p, ok := d.Known("UHUMAN")
	if !ok || p.TZ != "Europe/Berlin" {
		t.Errorf("Known(UHUMAN) = %+v, %v; want the listed profile", p, ok)
	}
	if _, ok := d.Known("UNEW"); ok {
		t.Error("Known(UNEW) answers for someone not listed")
	}
	if lists, lookups := s.counts(); lists != 1 || len(lookups) != 0 {
		t.Errorf("users.list ×%d, users.info for %v; want one listing and no lookup", lists, lookups)
	}
}
