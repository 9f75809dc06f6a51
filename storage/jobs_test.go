package storage_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

func TestJobClaimsOncePerOccurrence(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		occ := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
		var won atomic.Int32
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				ok, err := storage.NewJobClaims(db).Claim(ctx, "pulse:dx", occ)
				if err != nil {
					t.Error(err)
				}
				if ok {
					won.Add(1)
				}
			})
		}
		wg.Wait()
		if won.Load() != 1 {
			t.Fatalf("%d replicas won one occurrence, want 1", won.Load())
		}
		claims := storage.NewJobClaims(db)
		if ok, _ := claims.Claim(ctx, "pulse:dx", occ.Add(time.Hour)); !ok {
			t.Fatal("the next occurrence could not be claimed")
		}
		last, err := claims.LastOccurrence(ctx, "pulse:dx")
		if err != nil || !last.Equal(occ.Add(time.Hour)) {
			t.Fatalf("LastOccurrence = %v, %v", last, err)
		}
		if last, _ := claims.LastOccurrence(ctx, "never"); !last.IsZero() {
			t.Fatalf("LastOccurrence of an unknown job = %v", last)
		}
	})
}

func TestEventDedup(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		d := storage.NewEventDedup(db)
		for i, want := range []bool{true, false, false} {
			first, err := d.FirstSeen(context.Background(), "Ev123")
			if err != nil || first != want {
				t.Fatalf("call %d: FirstSeen = %v, %v; want %v", i, first, err, want)
			}
		}
	})
}
