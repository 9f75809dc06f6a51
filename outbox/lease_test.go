package outbox_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// countingStore counts claims.
type countingStore struct {
	outbox.Store
	claims atomic.Int32
}

func (s *countingStore) Claim(ctx context.Context, owner string, limit int, now time.Time, lease time.Duration) ([]outbox.Record, error) {
	recs, err := s.Store.Claim(ctx, owner, limit, now, lease)
	if len(recs) > 0 {
		s.claims.Add(1)
	}
	return recs, err
}

// TestDispatcherHandsBackSendsWhoseLeaseEndsTooSoon: a send that waited in
// the dispatcher (behind a rate-limited batch) until its lease is about to
// end is not posted — another replica may take it over at the end of the
// lease and post it too — but handed back, without counting an attempt,
// and posted on a later claim.
func TestDispatcherHandsBackSendsWhoseLeaseEndsTooSoon(t *testing.T) {
	const lease, sendTimeout = 10 * time.Second, 4 * time.Second
	for _, tc := range []struct {
		name       string
		waited     time.Duration // between the claim and the post
		wantClaims int32
	}{
		{"post ends within the lease", 6 * time.Second, 1},
		{"post could outlast the lease", 6*time.Second + time.Millisecond, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storagetest.Each(t, func(t *testing.T, db *storage.DB) {
				ctx := context.Background()
				clock := clockwork.NewFakeClockAt(start)
				st := &countingStore{Store: storage.NewOutboxStore(db)}
				p := &poster{}
				var waited atomic.Bool
				d, err := postDispatcher(outbox.Options{Store: st, Log: zerolog.Nop(), Clock: clock, Lease: lease, SendTimeout: sendTimeout}, p,
					outbox.Handler{Before: func(context.Context, outbox.Send) (bool, string, error) {
						if !waited.Swap(true) {
							clock.Advance(tc.waited)
						}
						return true, "", nil
					}})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := d.Enqueue(ctx, send("k", "U1")); err != nil {
					t.Fatal(err)
				}
				if err := d.Drain(ctx); err != nil {
					t.Fatal(err)
				}
				r, err := storage.NewOutboxStore(db).OutboxRecord(ctx, "k")
				if err != nil {
					t.Fatal(err)
				}
				if r.State != outbox.Sent || r.Attempts != 1 || p.posts["U1"] != 1 {
					t.Errorf("state %s, %d attempts, %d posts; want sent, 1, 1", r.State, r.Attempts, p.posts["U1"])
				}
				if got := st.claims.Load(); got != tc.wantClaims {
					t.Errorf("%d claims, want %d", got, tc.wantClaims)
				}
			})
		})
	}
}

// slowPoster's post succeeds just as its context ends, like a post that
// waited its whole SendTimeout for its turn.
type slowPoster struct{ posts atomic.Int32 }

func (p *slowPoster) PostMessage(ctx context.Context, _ string, _ bot.Message) (string, error) {
	<-ctx.Done()
	p.posts.Add(1)
	return "1.000001", nil
}

// TestDispatcherMarksASlowPostSent: a post that used up the whole
// SendTimeout is still recorded as sent (on a context of its own), so it
// is not posted again when its lease expires.
func TestDispatcherMarksASlowPostSent(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewOutboxStore(db)
		p := &slowPoster{}
		d, err := postDispatcher(outbox.Options{Store: st, Log: zerolog.Nop(), Lease: time.Second, SendTimeout: 100 * time.Millisecond}, p, outbox.Handler{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Enqueue(ctx, send("slow", "U1")); err != nil {
			t.Fatal(err)
		}
		if err := d.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		r, err := st.OutboxRecord(ctx, "slow")
		if err != nil {
			t.Fatal(err)
		}
		if r.State != outbox.Sent || r.Ref != "1.000001" || p.posts.Load() != 1 {
			t.Errorf("state %s, ts %q after %d posts; want sent, 1.000001, 1", r.State, r.Ref, p.posts.Load())
		}
	})
}
