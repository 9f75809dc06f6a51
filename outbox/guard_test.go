package outbox_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// hoursGuard is a hand-written outbox.Guard: "ULATE" may be reached from
// opens on, "UDND" is in Do Not Disturb until quietUntil.
type hoursGuard struct {
	opens, quietUntil time.Time
	mu                sync.Mutex
	prefetched        [][]string
}

func (g *hoursGuard) NotBefore(_ context.Context, to string, now time.Time) time.Time {
	if to == "ULATE" && now.Before(g.opens) {
		return g.opens
	}
	return now
}

func (g *hoursGuard) HeldUntil(_ context.Context, to string, now time.Time) (time.Time, bool) {
	if to == "UDND" && now.Before(g.quietUntil) {
		return g.quietUntil, true
	}
	return time.Time{}, false
}

func (g *hoursGuard) Prefetch(_ context.Context, to []string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.prefetched = append(g.prefetched, to)
}

// TestGuard: a guarded send outside its recipient's hours is stored with
// the next allowed time, one whose recipient is in Do Not Disturb is held
// until its end without using an attempt (however often it is held), the
// others go at once, in order, and an unguarded kind is not asked.
func TestGuard(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		clock := clockwork.NewFakeClockAt(start)
		p := &poster{}
		d, st := newDispatcher(t, db, p, clock, outbox.Handler{InOrder: true})
		d.Handle("reply", outbox.Handler{Deliver: func(context.Context, outbox.Send) (string, error) { return "r", nil }})
		g := &hoursGuard{opens: start.Add(3 * time.Hour), quietUntil: start.Add(10 * time.Hour)}
		d.Guard(g, "test")
		reply := send("reply", "ULATE")
		reply.Kind = "reply"
		if _, err := d.Enqueue(ctx, send("late", "ULATE"), send("dnd", "UDND"), send("ok-1", "UOK"), send("ok-2", "UOK"), reply); err != nil {
			t.Fatal(err)
		}
		late, _, err := st.Find(ctx, "late")
		if err != nil || !late.NotBefore.Equal(g.opens) {
			t.Fatalf("late: NotBefore %s (%v), want %s", late.NotBefore, err, g.opens)
		}
		for range 7 { // held seven times: more than MaxAttempts (3)
			if err := d.Drain(ctx); err != nil {
				t.Fatal(err)
			}
			clock.Advance(time.Hour)
		}
		// Now start+7h: "late" went at start+3h, "dnd" still waits.
		for key, want := range map[string]string{"late": outbox.Sent, "dnd": outbox.Pending, "ok-1": outbox.Sent, "ok-2": outbox.Sent, "reply": outbox.Sent} {
			r, _, err := st.Find(ctx, key)
			if err != nil || r.State != want {
				t.Errorf("%s: state %s (%v), want %s", key, r.State, err, want)
			}
		}
		dnd, _, _ := st.Find(ctx, "dnd")
		if !dnd.NotBefore.Equal(g.quietUntil) {
			t.Errorf("dnd held until %s, want %s", dnd.NotBefore, g.quietUntil)
		}
		clock.Advance(3 * time.Hour)
		if err := d.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if dnd, _, _ = st.Find(ctx, "dnd"); dnd.State != outbox.Sent {
			t.Errorf("dnd: state %s after the quiet time, want sent (attempts %d)", dnd.State, dnd.Attempts)
		}
		if p.posts["UOK"] != 2 || p.posts["UDND"] != 1 || p.posts["ULATE"] != 1 {
			t.Errorf("posts %v, want UOK×2, UDND×1, ULATE×1 (the reply is not posted through p)", p.posts)
		}
		if len(g.prefetched) == 0 {
			t.Error("the guard was never asked to prefetch a batch")
		}
	})
}
