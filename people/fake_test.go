package people

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeSource is Slack for the directory: a roster for users.list and
// users.info, user groups and channels, call counts, and holds that keep
// a call waiting until the test lets it go.
type fakeSource struct {
	mu       sync.Mutex
	roster   []Person
	extra    map[string]Person // known to users.info only (joined since the listing)
	groups   map[string][]string
	channels map[string][]string
	fail     map[string]error // method → error

	lists, groupCalls int
	lookups           []string      // users.info calls answered
	holdList          chan struct{} // users.list waits for it when set
	holdInfo          chan struct{} // users.info waits for it when set
	infoStarted       chan string   // told when a users.info call starts, if set
}

func newFakeSource() *fakeSource {
	return &fakeSource{
		roster: []Person{
			{ID: "UHUMAN", Name: "human", TZ: "Europe/Berlin", Locale: "de-DE"},
			{ID: "UBOT", IsBot: true}, {ID: "UGONE", Deleted: true}, {ID: "USLACKBOT"},
		},
		extra:    map[string]Person{"UNEW": {ID: "UNEW", Name: "new"}},
		groups:   map[string][]string{},
		channels: map[string][]string{},
		fail:     map[string]error{},
	}
}

func (s *fakeSource) set(f func(s *fakeSource)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

func (s *fakeSource) hold(h *chan struct{}) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *h
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

func (s *fakeSource) List(ctx context.Context, page func([]Person) error) error {
	s.mu.Lock()
	s.lists++
	s.mu.Unlock()
	if err := wait(ctx, s.hold(&s.holdList)); err != nil {
		return err
	}
	s.mu.Lock()
	err, roster := s.fail["List"], slices.Clone(s.roster)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	for len(roster) > 0 { // pages of two
		n := min(2, len(roster))
		if err := page(roster[:n]); err != nil {
			return err
		}
		roster = roster[n:]
	}
	return nil
}

func (s *fakeSource) Lookup(ctx context.Context, id string) (Person, error) {
	s.mu.Lock()
	started := s.infoStarted
	s.mu.Unlock()
	if started != nil {
		started <- id
	}
	if err := wait(ctx, s.hold(&s.holdInfo)); err != nil {
		return Person{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.fail["Lookup"]; err != nil {
		return Person{}, err
	}
	s.lookups = append(s.lookups, id)
	for _, p := range s.roster {
		if p.ID == id {
			return p, nil
		}
	}
	if p, ok := s.extra[id]; ok {
		return p, nil
	}
	return Person{}, ErrNotFound
}

func (s *fakeSource) GroupMembers(ctx context.Context, group string) ([]string, error) {
	s.mu.Lock()
	s.groupCalls++
	s.mu.Unlock()
	if err := wait(ctx, s.hold(&s.holdInfo)); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.fail["GroupMembers"]; err != nil {
		return nil, err
	}
	m, ok := s.groups[group]
	if !ok {
		return nil, ErrNotFound
	}
	return slices.Clone(m), nil
}

func (s *fakeSource) ChannelMembers(_ context.Context, channel string) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.channels[channel]), nil
}

func (s *fakeSource) counts() (lists int, lookups []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lists, slices.Clone(s.lookups)
}

// countingStore counts the reads of a MemStore.
type countingStore struct {
	*MemStore
	mu           sync.Mutex
	reads, eachs int
}

func (s *countingStore) Person(ctx context.Context, id string) (Person, bool, error) {
	s.mu.Lock()
	s.reads++
	s.mu.Unlock()
	return s.MemStore.Person(ctx, id)
}

func (s *countingStore) EachPerson(ctx context.Context, fn func(Person)) error {
	s.mu.Lock()
	s.eachs++
	s.mu.Unlock()
	return s.MemStore.EachPerson(ctx, fn)
}

func (s *countingStore) counts() (reads, eachs int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reads, s.eachs
}

// failingStore is a MemStore that fails every read when told to.
type failingStore struct {
	*MemStore
	fail atomic.Bool
}

var errDBDown = errors.New("database down")

func (s *failingStore) Person(ctx context.Context, id string) (Person, bool, error) {
	if s.fail.Load() {
		return Person{}, false, errDBDown
	}
	return s.MemStore.Person(ctx, id)
}

func (s *failingStore) ListedAt(ctx context.Context) (time.Time, error) {
	if s.fail.Load() {
		return time.Time{}, errDBDown
	}
	return s.MemStore.ListedAt(ctx)
}

// testClock is a settable clock.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock {
	return &testClock{now: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newTestDirectory returns a directory on a fake Slack and a fresh store.
func newTestDirectory(t *testing.T) (*Directory, *fakeSource, *countingStore, *testClock) {
	t.Helper()
	src, st, clock := newFakeSource(), &countingStore{MemStore: NewMemStore()}, newTestClock()
	d := New(Options{Source: src, Store: st, Now: clock.Now})
	t.Cleanup(d.Close)
	return d, src, st, clock
}

// settle waits until no look at the listing is under way.
func settle(t *testing.T, d *Directory) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		d.mu.Lock()
		done := d.syncing == nil
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

func askAll(t *testing.T, d *Directory, want map[string]bool) {
	t.Helper()
	for id, w := range want {
		got, err := d.CanBeAsked(context.Background(), id)
		if err != nil || got != w {
			t.Errorf("CanBeAsked(%s) = %v, %v; want %v", id, got, err, w)
		}
	}
}
