package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// TestOutboxBacklog: due sends (pending or claimed) are counted from their
// NotBefore, sends due later are counted apart, finished ones not at all.
func TestOutboxBacklog(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewOutboxStore(db)
		now := obT0.Add(time.Hour)

		empty, err := st.Backlog(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(storage.OutboxBacklog{}, empty); diff != "" {
			t.Errorf("empty backlog mismatch (-want +got):\n%s", diff)
		}

		recs := obRecords("old", "older", "sent", "later")
		recs[0].NotBefore = now.Add(-10 * time.Minute)
		recs[1].NotBefore = now.Add(-20 * time.Minute)
		recs[2].NotBefore = now.Add(-30 * time.Minute)
		recs[3].NotBefore = now.Add(24 * time.Hour)
		if _, err := st.Enqueue(ctx, recs, obT0); err != nil {
			t.Fatal(err)
		}
		// The three due ones are claimed and "sent" goes out: the two others
		// stay due while claimed.
		claimed, err := st.Claim(ctx, "test", 10, now, time.Minute)
		if err != nil || len(claimed) != 3 {
			t.Fatalf("Claim = %d records, %v", len(claimed), err)
		}
		for _, r := range claimed {
			if r.Key == "sent" {
				if err := st.MarkSent(ctx, r.ID, "1.2", now); err != nil {
					t.Fatal(err)
				}
			}
		}
		got, err := st.Backlog(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		want := storage.OutboxBacklog{Due: 2, Scheduled: 1, OldestDue: now.Add(-20 * time.Minute)}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("backlog mismatch (-want +got):\n%s", diff)
		}
		if c, _ := st.OutboxCounts(ctx, ""); c[outbox.Sent] != 1 {
			t.Errorf("counts = %v, want one sent", c)
		}
	})
}
