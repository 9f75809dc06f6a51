package handlers

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/bot"
)

// listingSlack counts the directory's calls and can hold users.list or
// users.info until the test lets them go.
type listingSlack struct {
	*fakeSlack
	mu       sync.Mutex
	lists    int
	lookups  []string      // users.info calls answered
	holdList chan struct{} // users.list waits for it when set
	holdInfo chan struct{} // users.info waits for it when set
}

func (s *listingSlack) held(hold *chan struct{}) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *hold
}

func (s *listingSlack) Users(ctx context.Context) ([]bot.User, error) {
	s.mu.Lock()
	s.lists++
	s.mu.Unlock()
	if err := wait(ctx, s.held(&s.holdList)); err != nil {
		return nil, err
	}
	return s.fakeSlack.Users(ctx)
}

func (s *listingSlack) UserInfo(ctx context.Context, id string) (bot.User, error) {
	if err := wait(ctx, s.held(&s.holdInfo)); err != nil {
		return bot.User{}, err
	}
	s.mu.Lock()
	s.lookups = append(s.lookups, id)
	s.mu.Unlock()
	return s.fakeSlack.UserInfo(ctx, id)
}

func wait(ctx context.Context, hold <-chan struct{}) error {
	if hold == nil {
		return nil
	}
	select {
	case <-hold:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *listingSlack) counts() (lists int, lookups []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lists, append([]string(nil), s.lookups...)
}

func newListingDirectory(t *testing.T) (*pulseDirectory, *listingSlack, *time.Time) {
	t.Helper()
	f := newFakeSlack()
	f.roster = []bot.User{{ID: "UHUMAN"}, {ID: "UBOT", IsBot: true}, {ID: "UGONE", Deleted: true}, {ID: "USLACKBOT"}}
	f.bots["UBOT"] = true // for users.info too
	s := &listingSlack{fakeSlack: f}
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	d := newPulseDirectory(s, zerolog.Nop())
	d.now = func() time.Time { return now }
	return d, s, &now
}

func askAll(t *testing.T, d *pulseDirectory, want map[string]bool) {
	t.Helper()
	for id, w := range want {
		got, err := d.IsActiveHuman(context.Background(), id)
		if err != nil || got != w {
			t.Errorf("IsActiveHuman(%s) = %v, %v; want %v", id, got, err, w)
		}
	}
}

// TestDirectoryAsksTheListingNotEachPerson: a survey's audience is checked
// against one users.list listing; a lookup under way when the listing
// arrives gives way to it, and only someone missing from the listing costs
// a users.info call (the fake knows UNEW as an active person).
func TestDirectoryAsksTheListingNotEachPerson(t *testing.T) {
	d, s, _ := newListingDirectory(t)
	s.holdInfo = make(chan struct{}) // users.info never answers in time
	askAll(t, d, map[string]bool{"UHUMAN": true, "UBOT": false, "UGONE": false, "USLACKBOT": false})
	close(s.holdInfo)
	askAll(t, d, map[string]bool{"UHUMAN": true, "UNEW": true})
	lists, lookups := s.counts()
	if lists != 1 || len(lookups) != 1 || lookups[0] != "UNEW" {
		t.Errorf("users.list ×%d, users.info for %v; want one listing and UNEW alone", lists, lookups)
	}
}

// TestDirectoryDoesNotWaitForASlowListing: in a large workspace the first
// listing takes minutes; meanwhile people are looked up one by one, so a
// small survey goes out at once. Once listed, nobody is looked up.
func TestDirectoryDoesNotWaitForASlowListing(t *testing.T) {
	d, s, _ := newListingDirectory(t)
	s.holdList = make(chan struct{})
	askAll(t, d, map[string]bool{"UHUMAN": true, "UBOT": false})
	if _, lookups := s.counts(); len(lookups) != 2 {
		t.Fatalf("users.info for %v; want both looked up while the listing loads", lookups)
	}
	close(s.holdList)
	waitListing(t, d)
	askAll(t, d, map[string]bool{"UHUMAN": true, "UGONE": false})
	if lists, lookups := s.counts(); lists != 1 || len(lookups) != 2 {
		t.Errorf("users.list ×%d, users.info for %v; want one listing and no lookup once listed", lists, lookups)
	}
}

// TestDirectoryFallsBackWhenTheListingFails: with users.list failing,
// everyone is looked up alone, and the listing is not tried again for a
// minute (it is a Tier 2 method).
func TestDirectoryFallsBackWhenTheListingFails(t *testing.T) {
	d, s, now := newListingDirectory(t)
	s.failing("Users", errors.New("missing_scope"))
	askAll(t, d, map[string]bool{"UHUMAN": true})
	waitListing(t, d)
	askAll(t, d, map[string]bool{"UHUMAN": true, "UBOT": false})
	if lists, lookups := s.counts(); lists != 1 || len(lookups) != 3 {
		t.Fatalf("users.list ×%d, users.info for %v; want one failed listing, then each person", lists, lookups)
	}
	s.failing("Users", nil)
	*now = now.Add(rosterRetry)
	s.mu.Lock()
	s.holdInfo = make(chan struct{}) // only the listing can answer now
	s.mu.Unlock()
	askAll(t, d, map[string]bool{"UHUMAN": true, "UGONE": false})
	if lists, lookups := s.counts(); lists != 2 || len(lookups) != 3 {
		t.Errorf("users.list ×%d, users.info for %v; want the listing again after a minute", lists, lookups)
	}
}

// TestDirectoryWaitingIsRateLimited: a send whose deadline passes while
// neither the listing nor its lookup has answered is held back as rate
// limited (the outbox then postpones it without using an attempt); the
// listing goes on without it.
func TestDirectoryWaitingIsRateLimited(t *testing.T) {
	d, s, _ := newListingDirectory(t)
	s.holdList, s.holdInfo = make(chan struct{}), make(chan struct{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := d.IsActiveHuman(ctx, "UHUMAN"); !errors.Is(err, bot.ErrRateLimited) {
		t.Fatalf("IsActiveHuman while waiting = %v, want bot.ErrRateLimited", err)
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

// TestDirectoryRefreshesInTheBackground: after rosterTTL the old listing
// answers while a new one loads, so a long fan-out does not stall.
func TestDirectoryRefreshesInTheBackground(t *testing.T) {
	d, s, now := newListingDirectory(t)
	s.holdInfo = make(chan struct{})
	askAll(t, d, map[string]bool{"UHUMAN": true})
	s.mu.Lock()
	s.holdList = make(chan struct{})
	s.mu.Unlock()
	s.fakeSlack.mu.Lock()
	s.roster = []bot.User{{ID: "UHUMAN", Deleted: true}} // deactivated since
	s.fakeSlack.mu.Unlock()
	*now = now.Add(rosterTTL)
	askAll(t, d, map[string]bool{"UHUMAN": true}) // the old listing, at once
	close(s.holdList)
	deadline := time.Now().Add(5 * time.Second)
	for {
		if active, _ := d.IsActiveHuman(context.Background(), "UHUMAN"); !active {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the new listing never replaced the old one")
		}
		time.Sleep(time.Millisecond)
	}
	if lists, lookups := s.counts(); lists != 2 || len(lookups) != 0 {
		t.Errorf("users.list ×%d, users.info for %v; want two listings", lists, lookups)
	}
}

// waitListing waits for the listing under way to end.
func waitListing(t *testing.T, d *pulseDirectory) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		d.mu.Lock()
		done := d.listing == nil && (d.active != nil || !d.failed.IsZero())
		d.mu.Unlock()
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the listing never ended")
		}
		time.Sleep(time.Millisecond)
	}
}
