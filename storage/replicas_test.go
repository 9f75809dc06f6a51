package storage_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// TestReplicasHeartbeat walks three replicas through beats, a silent one, a
// leave and the clean-up, counting the live ones at each step.
func TestReplicasHeartbeat(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewReplicas(db)
		t0 := time.Date(2026, 11, 30, 9, 0, 0, 0, time.FixedZone("CET", 3600))
		const ttl = 15 * time.Second
		r := func(id string) storage.Replica {
			return storage.Replica{ID: id, Host: "host", PID: 42, StartedAt: t0}
		}
		beat := func(id string, at time.Duration) {
			t.Helper()
			if err := st.Beat(ctx, r(id), t0.Add(at)); err != nil {
				t.Fatal(err)
			}
		}
		live := func(at time.Duration) int {
			t.Helper()
			n, err := st.Live(ctx, t0.Add(at-ttl))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		steps := []struct {
			name string
			do   func()
			at   time.Duration
			want int
		}{
			{"nobody yet", func() {}, 0, 0},
			{"three start", func() { beat("a", 0); beat("b", 0); beat("c", time.Second) }, time.Second, 3},
			{"a beat is an update, not a second row", func() { beat("a", 5*time.Second); beat("b", 5*time.Second); beat("c", 5*time.Second) }, 5 * time.Second, 3},
			{"c stops beating: still live within the TTL", func() { beat("a", 10*time.Second); beat("b", 10*time.Second) }, 20 * time.Second, 3},
			{"c's heartbeat expired", func() { beat("a", 15*time.Second); beat("b", 15*time.Second) }, 21 * time.Second, 2},
			{"b leaves", func() {
				if err := st.Leave(ctx, "b"); err != nil {
					t.Fatal(err)
				}
			}, 21 * time.Second, 1},
			{"c comes back (same id, e.g. after a network partition)", func() { beat("c", 22*time.Second) }, 22 * time.Second, 2},
		}
		for _, s := range steps {
			s.do()
			if got := live(s.at); got != s.want {
				t.Errorf("%s: %d live, want %d", s.name, got, s.want)
			}
		}
		n, err := st.Forget(ctx, t0.Add(20*time.Second))
		if err != nil || n != 1 {
			t.Fatalf("Forget = %d, %v; want a's row only (1)", n, err)
		}
		if got := live(22 * time.Second); got != 1 {
			t.Errorf("after Forget: %d live, want 1 (c)", got)
		}
	})
}

// TestReplicasConcurrentBeats: many processes beating at once (the upsert
// races on PostgreSQL) each keep one row.
func TestReplicasConcurrentBeats(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewReplicas(db)
		now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
		var wg sync.WaitGroup
		for i := range 10 {
			id := string(rune('a' + i))
			wg.Go(func() {
				for k := range 5 {
					if err := st.Beat(ctx, storage.Replica{ID: id, Host: "h", PID: i, StartedAt: now}, now.Add(time.Duration(k)*time.Second)); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		if n, err := st.Live(ctx, now.Add(4*time.Second)); err != nil || n != 10 {
			t.Fatalf("Live = %d, %v; want 10", n, err)
		}
	})
}
