package main

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jonboulle/clockwork"
	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/storage"
)

// memReplicas is an in-memory replicaStore; dead replicas' beats fail, as
// a killed process's would never arrive.
type memReplicas struct {
	mu    sync.Mutex
	seen  map[string]time.Time
	dead  map[string]bool
	down  bool // the database is unreachable
	beats chan string
}

func newMemReplicas() *memReplicas {
	return &memReplicas{seen: map[string]time.Time{}, dead: map[string]bool{}, beats: make(chan string, 100)}
}

var errDown = errors.New("database down")

func (s *memReplicas) Beat(_ context.Context, r storage.Replica, now time.Time) error {
	s.mu.Lock()
	defer func() { s.mu.Unlock(); s.beats <- r.ID }()
	if s.down || s.dead[r.ID] {
		return errDown
	}
	s.seen[r.ID] = now
	return nil
}

func (s *memReplicas) Live(_ context.Context, since time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, t := range s.seen {
		if !t.Before(since) {
			n++
		}
	}
	return n, nil
}

func (s *memReplicas) Leave(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.seen, id)
	return nil
}

func (s *memReplicas) Forget(context.Context, time.Time) (int64, error) { return 0, nil }

func (s *memReplicas) set(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f()
}

// shares records the shares a replica applied.
type shares struct {
	mu   sync.Mutex
	n    int
	seen []int
}

func (s *shares) apply(n int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n == s.n {
		return false
	}
	s.n = n
	s.seen = append(s.seen, n)
	return true
}

func (s *shares) get() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.seen...)
}

// TestReplicaBudgetFollowsLiveReplicas runs three replicas' heartbeats on
// one fake clock: shares grow as replicas start, shrink back once a killed
// one's heartbeat expires (and at once when one stops cleanly), and stay as
// they are while the database is unreachable.
func TestReplicaBudgetFollowsLiveReplicas(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	clk := clockwork.NewFakeClockAt(testStart)
	store := newMemReplicas()
	newBudget := func(id string) (*replicaBudget, *shares) {
		s := &shares{n: 1}
		b := &replicaBudget{store: store, self: storage.Replica{ID: id}, clock: clk, share: s.apply, log: zerolog.Nop()}
		return b, s
	}
	tick := func(d time.Duration, beats int) {
		t.Helper()
		clk.Advance(d)
		for range beats {
			select {
			case <-store.beats:
			case <-ctx.Done():
				t.Fatal("heartbeat did not run")
			}
		}
		time.Sleep(10 * time.Millisecond) // let the beat apply its share
	}
	a, sa := newBudget("a")
	b, sb := newBudget("b")
	a.Start()
	b.Start()
	defer a.Stop()
	tick(0, 2)
	if err := clk.BlockUntilContext(ctx, 2); err != nil { // both tickers
		t.Fatal(err)
	}
	tick(heartbeatEvery, 2) // a sees b now
	store.set(func() { store.dead["b"] = true })
	for range 3 {
		tick(heartbeatEvery, 2) // b's last beat is still within the TTL
	}
	if diff := cmp.Diff([]int{2}, sa.get()); diff != "" {
		t.Errorf("a's shares while b's heartbeat is fresh, mismatch (-want +got):\n%s", diff)
	}
	tick(heartbeatEvery, 2) // b's heartbeat expired
	if err := b.Stop(); err != nil {
		t.Fatal(err)
	}
	c, sc := newBudget("c")
	c.Start()
	tick(0, 1)
	if err := clk.BlockUntilContext(ctx, 2); err != nil {
		t.Fatal(err)
	}
	tick(heartbeatEvery, 2) // a sees c
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	tick(heartbeatEvery, 1) // c left: a has the whole budget at once
	store.set(func() { store.down = true })
	tick(heartbeatEvery, 1) // unreachable: a keeps its share
	for _, tc := range []struct {
		name string
		got  *shares
		want []int
	}{
		{"a", sa, []int{2, 1, 2, 1}},
		{"b (started second)", sb, []int{2}},
		{"c (started while a was alone)", sc, []int{2}},
	} {
		if diff := cmp.Diff(tc.want, tc.got.get()); diff != "" {
			t.Errorf("%s: shares mismatch (-want +got):\n%s", tc.name, diff)
		}
	}
}

// TestReplicaBudgetLeavesOnStop: a stopped replica's row is gone, and Stop
// without Start does nothing.
func TestReplicaBudgetLeavesOnStop(t *testing.T) {
	store := newMemReplicas()
	b := &replicaBudget{store: store, self: storage.Replica{ID: "a"}, clock: clockwork.NewFakeClock(), share: func(int) bool { return false }, log: zerolog.Nop()}
	if err := b.Stop(); err != nil {
		t.Fatal(err)
	}
	b.Start()
	b.Start() // idempotent
	if n, _ := store.Live(context.Background(), time.Time{}); n != 1 {
		t.Fatalf("%d rows after Start, want 1", n)
	}
	if err := b.Stop(); err != nil {
		t.Fatal(err)
	}
	if n, _ := store.Live(context.Background(), time.Time{}); n != 0 {
		t.Fatalf("%d rows after Stop, want 0", n)
	}
}

func TestAPILimits(t *testing.T) {
	got := apiLimits(map[string]float64{"chat.postMessage": 1200, "users.info": 300, "team.info": 30})
	want := map[string]bot.Limit{
		"chat.postMessage": {PerMinute: 1200, Burst: 20}, // the built-in burst
		"users.info":       {PerMinute: 300, Burst: 5},
		"team.info":        {PerMinute: 30, Burst: 1}, // not built in: a second's worth
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("limits mismatch (-want +got):\n%s", diff)
	}
	if apiLimits(nil) != nil {
		t.Error("no configured limits should keep the defaults (nil)")
	}
}
