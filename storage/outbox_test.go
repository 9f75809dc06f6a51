package storage_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

var obT0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func obRecords(keys ...string) []outbox.Record {
	out := make([]outbox.Record, len(keys))
	for i, k := range keys {
		out[i] = outbox.Record{Kind: "test", Key: k, To: "U" + k, Payload: []byte(`{"text":"hi"}`), NotBefore: obT0}
	}
	return out
}

func obKeys(recs []outbox.Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r.Key)
	}
	sort.Strings(out)
	return out
}

func TestOutboxEnqueueIsIdempotentPerKey(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewOutboxStore(db)
		for _, tc := range []struct {
			keys []string
			want int
		}{
			{[]string{"a", "b", "c"}, 3},
			{[]string{"a", "b", "c", "d"}, 1},
			{[]string{"d"}, 0},
		} {
			n, err := st.Enqueue(ctx, obRecords(tc.keys...), obT0)
			if err != nil || n != tc.want {
				t.Fatalf("Enqueue(%v) = %d, %v; want %d", tc.keys, n, err, tc.want)
			}
		}
		counts, err := st.OutboxCounts(ctx, "test")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(map[string]int{outbox.Pending: 4}, counts); diff != "" {
			t.Errorf("counts mismatch (-want +got):\n%s", diff)
		}
	})
}

// TestOutboxClaimLifecycle walks records through every transition the
// dispatcher uses, including a lease that expires because its owner died.
func TestOutboxClaimLifecycle(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewOutboxStore(db)
		recs := obRecords("a", "b", "c", "later")
		recs[3].NotBefore = obT0.Add(time.Hour)
		if _, err := st.Enqueue(ctx, recs, obT0); err != nil {
			t.Fatal(err)
		}
		lease := 5 * time.Minute

		first, err := st.Claim(ctx, "one", 2, obT0, lease)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"a", "b"}, obKeys(first)); diff != "" {
			t.Fatalf("first claim mismatch (-want +got):\n%s", diff)
		}
		if first[0].Attempts != 1 || first[0].State != outbox.Claimed || first[0].ClaimToken == "" {
			t.Errorf("claimed record = %+v, want attempt 1, claimed, a token", first[0])
		}
		second, _ := st.Claim(ctx, "two", 10, obT0, lease)
		if diff := cmp.Diff([]string{"c"}, obKeys(second)); diff != "" {
			t.Fatalf("second claim mismatch (-want +got): %s", diff)
		}

		// a is sent; b fails for now; c's owner dies holding it.
		if err := st.MarkSent(ctx, first[0].ID, "1700000000.000100", obT0); err != nil {
			t.Fatal(err)
		}
		if err := st.Retry(ctx, first[1].ID, first[1].ClaimToken, obT0.Add(time.Minute), "slack down"); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Claim(ctx, "one", 10, obT0.Add(30*time.Second), lease); len(got) != 0 {
			t.Fatalf("claim before any retry or lease is due = %v, want none", obKeys(got))
		}
		due, _ := st.Claim(ctx, "one", 10, obT0.Add(lease+time.Hour), lease)
		if diff := cmp.Diff([]string{"b", "c", "later"}, obKeys(due)); diff != "" {
			t.Fatalf("claim after retry, expired lease and not_before mismatch (-want +got):\n%s", diff)
		}
		for _, r := range due {
			switch r.Key {
			case "b":
				if r.Attempts != 2 || r.LastError != "slack down" {
					t.Errorf("retried b = %+v, want attempt 2 with the last error", r)
				}
				if err := st.Finish(ctx, r.ID, r.ClaimToken, outbox.Failed, "channel_not_found", obT0); err != nil {
					t.Fatal(err)
				}
			case "c":
				// The dead owner's token no longer applies.
				if err := st.Finish(ctx, r.ID, second[0].ClaimToken, outbox.Skipped, "stale", obT0); err != nil {
					t.Fatal(err)
				}
				if err := st.Release(ctx, []int64{r.ID}, r.ClaimToken); err != nil {
					t.Fatal(err)
				}
			case "later":
				if err := st.Finish(ctx, r.ID, r.ClaimToken, outbox.Skipped, "run closed", obT0); err != nil {
					t.Fatal(err)
				}
			}
		}
		c, err := st.OutboxRecord(ctx, "c")
		if err != nil {
			t.Fatal(err)
		}
		if c.State != outbox.Pending || c.Attempts != 1 {
			t.Errorf("released c = %s attempt %d, want pending with its one real attempt", c.State, c.Attempts)
		}
		a, _ := st.OutboxRecord(ctx, "a")
		if a.State != outbox.Sent || a.Ref != "1700000000.000100" {
			t.Errorf("a = %s %q, want sent with its ts", a.State, a.Ref)
		}
		counts, _ := st.OutboxCounts(ctx, "")
		want := map[string]int{outbox.Sent: 1, outbox.Failed: 1, outbox.Pending: 1, outbox.Skipped: 1}
		if diff := cmp.Diff(want, counts); diff != "" {
			t.Errorf("counts mismatch (-want +got):\n%s", diff)
		}
		n, err := st.Purge(ctx, obT0.Add(time.Second))
		if err != nil || n != 3 {
			t.Errorf("Purge = %d, %v; want the 3 finished records", n, err)
		}
	})
}

// TestOutboxConcurrentClaimsAreDisjoint claims from several goroutines at
// once (on PostgreSQL, over several connections with SKIP LOCKED) and
// checks that no record is handed out twice.
func TestOutboxConcurrentClaimsAreDisjoint(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewOutboxStore(db)
		var keys []string
		for i := range 600 {
			keys = append(keys, fmt.Sprintf("k%04d", i))
		}
		if _, err := st.Enqueue(ctx, obRecords(keys...), obT0); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		seen := map[string]int{}
		var wg sync.WaitGroup
		for w := range 6 {
			wg.Go(func() {
				for {
					got, err := st.Claim(ctx, fmt.Sprint("w", w), 25, obT0, time.Minute)
					if err != nil {
						t.Error(err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, r := range got {
						seen[r.Key]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(seen) != len(keys) {
			t.Errorf("claimed %d distinct records, want %d", len(seen), len(keys))
		}
		for k, n := range seen {
			if n != 1 {
				t.Errorf("record %s claimed %d times", k, n)
			}
		}
	})
}

// TestOutboxPostponeKeepsAttempts: a send postponed because Slack was rate
// limiting is due again at notBefore with its attempt not counted.
func TestOutboxPostponeKeepsAttempts(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewOutboxStore(db)
		if _, err := st.Enqueue(ctx, obRecords("a"), obT0); err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			now := obT0.Add(time.Duration(i) * time.Minute)
			got, err := st.Claim(ctx, "one", 10, now, time.Minute)
			if err != nil || len(got) != 1 {
				t.Fatalf("claim %d = %v, %v; want a", i, obKeys(got), err)
			}
			if got[0].Attempts != 1 {
				t.Fatalf("claim %d counts %d attempts, want 1: postponing counted them", i, got[0].Attempts)
			}
			if err := st.Postpone(ctx, got[0].ID, got[0].ClaimToken, now.Add(2*time.Second), "rate limited"); err != nil {
				t.Fatal(err)
			}
			if early, _ := st.Claim(ctx, "one", 10, now.Add(time.Second), time.Minute); len(early) != 0 {
				t.Fatal("a postponed send was claimed before its notBefore")
			}
		}
		r, _ := st.OutboxRecord(ctx, "a")
		if r.State != outbox.Pending || r.LastError != "rate limited" {
			t.Errorf("a = %s %q, want pending with the last error", r.State, r.LastError)
		}
	})
}

// TestOutboxWaiting counts the pending sends under a key prefix that are
// due only later: not those due now, not those of another prefix (a key
// that extends the prefix's number is another run), not sent ones.
func TestOutboxWaiting(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewOutboxStore(db)
		recs := obRecords("pulse:1:UA", "pulse:1:UB", "pulse:1:UC", "pulse:12:UD", "pulse-remind:1:UE")
		for i := range recs {
			recs[i].NotBefore = obT0.Add(time.Hour) // held
		}
		recs[0].NotBefore = obT0 // due now
		if _, err := st.Enqueue(ctx, recs, obT0); err != nil {
			t.Fatal(err)
		}
		n, err := st.Waiting(ctx, "pulse:1:", obT0)
		if err != nil || n != 2 {
			t.Fatalf("Waiting(pulse:1:) = %d, %v; want 2 (UB, UC)", n, err)
		}
		if n, _ := st.Waiting(ctx, "pulse:1:", obT0.Add(time.Hour)); n != 0 {
			t.Errorf("Waiting once all are due = %d, want 0", n)
		}
		held := obRecords("idea:7:UF", "preview:3:UG")
		held[0].Kind, held[1].Kind = "ideas.decision", "previews.feedback"
		held[0].NotBefore, held[1].NotBefore = obT0.Add(time.Hour), obT0.Add(time.Hour)
		if _, err := st.Enqueue(ctx, held, obT0); err != nil {
			t.Fatal(err)
		}
		if n, err := st.WaitingKinds(ctx, []string{"ideas.decision", "test"}, obT0); err != nil || n != 5 {
			t.Errorf("WaitingKinds(ideas.decision, test) = %d, %v; want 5 (UB, UC, UD, UE, UF)", n, err)
		}
		if n, err := st.WaitingKinds(ctx, nil, obT0); err != nil || n != 0 {
			t.Errorf("WaitingKinds() = %d, %v; want 0", n, err)
		}
	})
}
