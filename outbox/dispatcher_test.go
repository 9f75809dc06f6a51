package outbox_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jonboulle/clockwork"
	"github.com/rs/zerolog"
	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/outbox/slacksend"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// poster is a hand-written slacksend.Poster: post decides each call's outcome.
type poster struct {
	mu    sync.Mutex
	posts map[string]int // channel → posts that succeeded
	post  func(channel string, n int) error
}

func (p *poster) PostMessage(_ context.Context, channel string, msg bot.Message) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.posts == nil {
		p.posts = map[string]int{}
	}
	if p.post != nil {
		if err := p.post(channel, p.posts[channel]); err != nil {
			return "", err
		}
	}
	p.posts[channel]++
	return fmt.Sprintf("ts-%s-%d", channel, p.posts[channel]), nil
}

// newDispatcher returns a dispatcher whose kind "test" posts through p,
// with h's hooks.
func newDispatcher(t *testing.T, db *storage.DB, p slacksend.Poster, clock clockwork.Clock, h outbox.Handler) (*outbox.Dispatcher, *storage.OutboxStore) {
	t.Helper()
	st := storage.NewOutboxStore(db)
	d, err := outbox.New(outbox.Options{Store: st, Log: zerolog.Nop(), Clock: clock, Backoff: time.Minute, MaxAttempts: 3})
	if err != nil {
		t.Fatal(err)
	}
	h.Deliver = slacksend.Posts(p)
	d.Handle("test", h)
	return d, st
}

// postDispatcher returns a dispatcher of opt whose kind "test" posts
// through p, with h's hooks.
func postDispatcher(opt outbox.Options, p slacksend.Poster, h outbox.Handler) (*outbox.Dispatcher, error) {
	d, err := outbox.New(opt)
	if err != nil {
		return nil, err
	}
	h.Deliver = slacksend.Posts(p)
	d.Handle("test", h)
	return d, nil
}

func send(key, channel string) outbox.Send {
	s, err := slacksend.NewPost("test", key, channel, bot.Message{
		Text: "hello", Blocks: []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*hello*", false, false), nil, nil)},
	})
	if err != nil {
		panic(err)
	}
	return s
}

// TestDispatcherOutcomes drives one send to each outcome and checks both
// the table and the hooks.
func TestDispatcherOutcomes(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		clock := clockwork.NewFakeClockAt(start)
		p := &poster{post: func(channel string, n int) error {
			switch channel {
			case "UGONE":
				return fmt.Errorf("slack chat.postMessage: %w", slack.SlackErrorResponse{Err: "channel_not_found"})
			case "UFLAKY":
				if n == 0 && clock.Now().Before(start.Add(time.Minute)) {
					return fmt.Errorf("slack chat.postMessage: %w after 4 attempts", bot.ErrUnavailable)
				}
			case "UDOWN":
				return fmt.Errorf("slack chat.postMessage: %w", bot.ErrUnavailable)
			}
			return nil
		}}
		var mu sync.Mutex
		sentTS := map[string]string{}
		var sawBlocks int
		d, st := newDispatcher(t, db, p, clock, outbox.Handler{
			Before: func(_ context.Context, s outbox.Send) (bool, string, error) {
				mu.Lock()
				defer mu.Unlock()
				var post slacksend.Post
				if err := s.Decode(&post); err != nil {
					return false, "", err
				}
				sawBlocks += len(post.Blocks.BlockSet)
				return s.To != "UBOT", "a bot", nil
			},
			Sent: func(_ context.Context, s outbox.Send, ts string) error {
				mu.Lock()
				defer mu.Unlock()
				sentTS[s.Key] = ts
				return nil
			},
		})
		expired := send("late", "ULATE")
		expired.NotAfter = start.Add(-time.Second)
		sends := []outbox.Send{send("ok", "UOK"), send("bot", "UBOT"), send("gone", "UGONE"), send("flaky", "UFLAKY"), send("down", "UDOWN"), expired}
		if n, err := d.Enqueue(ctx, append(sends, send("ok", "UOK"))...); err != nil || n != len(sends) {
			t.Fatalf("Enqueue = %d, %v; want %d new", n, err, len(sends))
		}
		for range 4 { // each pass is one attempt of whatever is due
			if err := d.Drain(ctx); err != nil {
				t.Fatal(err)
			}
			clock.Advance(10 * time.Minute)
		}
		want := map[string]string{"ok": outbox.Sent, "bot": outbox.Skipped, "gone": outbox.Failed, "flaky": outbox.Sent, "down": outbox.Failed, "late": outbox.Skipped}
		got := map[string]string{}
		for key := range want {
			r, err := st.OutboxRecord(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			got[key] = r.State
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("states mismatch (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(map[string]string{"ok": "ts-UOK-1", "flaky": "ts-UFLAKY-1"}, sentTS); diff != "" {
			t.Errorf("Sent hook mismatch (-want +got):\n%s", diff)
		}
		if down, _ := st.OutboxRecord(ctx, "down"); down.Attempts != 3 {
			t.Errorf("down made %d attempts, want MaxAttempts = 3", down.Attempts)
		}
		if sawBlocks == 0 {
			t.Error("the Before hook saw no blocks: the message did not round-trip through the table")
		}
	})
}

// TestDispatcherRunWakesOnEnqueueAndStopsGracefully checks the background
// loop: an enqueue is delivered without waiting for the poll, and Stop
// returns with nothing left claimed.
func TestDispatcherRunWakesOnEnqueueAndStopsGracefully(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		p := &poster{}
		st := storage.NewOutboxStore(db)
		d, err := outbox.New(outbox.Options{Store: st, Log: zerolog.Nop(), Poll: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		d.Handle("test", outbox.Handler{Deliver: slacksend.Posts(p)})
		d.Start()
		d.Start() // idempotent
		if _, err := d.Enqueue(ctx, send("a", "UA"), send("b", "UB")); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			counts, _ := st.OutboxCounts(ctx, "test")
			if counts[outbox.Sent] == 2 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("not delivered after an enqueue woke the dispatcher: %v", counts)
			}
			time.Sleep(10 * time.Millisecond)
		}
		if err := d.Stop(); err != nil {
			t.Fatal(err)
		}
		if counts, _ := st.OutboxCounts(ctx, "test"); counts[outbox.Claimed] != 0 {
			t.Errorf("claimed after Stop: %v", counts)
		}
	})
}

func TestNewRejectsBadOptions(t *testing.T) {
	for name, opt := range map[string]outbox.Options{
		"no store":         {},
		"timeout too long": {Store: &storage.OutboxStore{}, Lease: time.Minute, SendTimeout: time.Minute},
	} {
		if _, err := outbox.New(opt); err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
	if _, err := outbox.New(outbox.Options{Store: &storage.OutboxStore{}}); err != nil {
		t.Errorf("defaults: %v", err)
	}
}

// TestDispatcherRateLimitedIsNotAFailure: a send that Slack's rate limits
// hold back more often than MaxAttempts is retried soon, without using up
// its attempts, and goes out once Slack lets it; a real failure still
// counts.
// drainHeldBack enqueues a send under key and drains it 7 times, 3 s apart
// (under the minute of a failure's Backoff), failing if a held-back send is
// ever due again at once (a tight loop); it returns the row at the end.
func drainHeldBack(t *testing.T, d *outbox.Dispatcher, st *storage.OutboxStore, clock *clockwork.FakeClock, key string) outbox.Record {
	t.Helper()
	ctx := context.Background()
	if _, err := d.Enqueue(ctx, send(key, "U"+strings.ToUpper(key))); err != nil {
		t.Fatal(err)
	}
	for range 7 {
		if err := d.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		r, _ := st.OutboxRecord(ctx, key)
		if r.State == outbox.Pending && !r.NotBefore.After(clock.Now()) {
			t.Fatalf("a held-back send is due again at once (%s): a tight loop", r.NotBefore)
		}
		clock.Advance(3 * time.Second)
	}
	r, err := st.OutboxRecord(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestDispatcherBeforeRateLimitedIsNotAFailure: a Before hook that could
// not make its own Slack call in time (users.info waiting for its turn)
// postpones the send like a rate-limited post, without using an attempt.
func TestDispatcherBeforeRateLimitedIsNotAFailure(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		clock := clockwork.NewFakeClockAt(start)
		p := &poster{post: func(string, int) error { return nil }}
		held := 0
		d, st := newDispatcher(t, db, p, clock, outbox.Handler{Before: func(context.Context, outbox.Send) (bool, string, error) {
			if held < 6 { // twice MaxAttempts
				held++
				return false, "", slacksend.Classify(fmt.Errorf("users.info: %w", bot.ErrRateLimited))
			}
			return true, "", nil
		}})
		r := drainHeldBack(t, d, st, clock, "lookup")
		if r.State != outbox.Sent || r.Attempts != 1 || held != 6 {
			t.Errorf("after 6 held-back tries: %s with %d attempts counted (%d tries); want sent, 1", r.State, r.Attempts, held)
		}
	})
}

func TestDispatcherRateLimitedIsNotAFailure(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		clock := clockwork.NewFakeClockAt(start)
		limited := 0
		p := &poster{post: func(channel string, n int) error {
			if limited < 6 { // twice MaxAttempts
				limited++
				return fmt.Errorf("slack chat.postMessage: %w after 4 attempts", bot.ErrRateLimited)
			}
			return nil
		}}
		d, st := newDispatcher(t, db, p, clock, outbox.Handler{})
		r := drainHeldBack(t, d, st, clock, "storm")
		if r.State != outbox.Sent || r.Attempts != 1 || limited != 6 {
			t.Errorf("after 6 rate-limited tries: %s with %d attempts counted (%d tries); want sent, 1", r.State, r.Attempts, limited)
		}
	})
}

// TestDispatcherHoldsAndUnknownKinds: a deliverer's Hold puts the send back
// until the time it names without using an attempt, and a kind this
// process has no handler for (an older replica in a rolling deploy) is
// left for another, also without using an attempt.
func TestDispatcherHoldsAndUnknownKinds(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		clock := clockwork.NewFakeClockAt(start)
		st := storage.NewOutboxStore(db)
		d, err := outbox.New(outbox.Options{Store: st, Log: zerolog.Nop(), Clock: clock})
		if err != nil {
			t.Fatal(err)
		}
		until := start.Add(7 * time.Hour)
		delivered := 0
		d.Handle("held", outbox.Handler{Deliver: func(context.Context, outbox.Send) (string, error) {
			if clock.Now().Before(until) {
				return "", outbox.Hold(until, fmt.Errorf("outside working hours"))
			}
			delivered++
			return "ref-1", nil
		}})
		held, _ := outbox.NewSend("held", "held:1", "U1", map[string]string{"a": "b"})
		unknown, _ := outbox.NewSend("from-the-future", "future:1", "U1", nil)
		if _, err := d.Enqueue(ctx, held, unknown); err != nil {
			t.Fatal(err)
		}
		if err := d.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		for key, wantAt := range map[string]time.Time{"held:1": until, "future:1": start.Add(time.Minute)} {
			r, _ := st.OutboxRecord(ctx, key)
			if r.State != outbox.Pending || !r.NotBefore.Equal(wantAt) || r.Attempts != 0 {
				t.Errorf("%s: %s until %s with %d attempts; want pending until %s with 0", key, r.State, r.NotBefore, r.Attempts, wantAt)
			}
		}
		clock.Advance(7 * time.Hour)
		if err := d.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if r, _ := st.OutboxRecord(ctx, "held:1"); r.State != outbox.Sent || r.Ref != "ref-1" || delivered != 1 {
			t.Errorf("after the hold: %s ref %q, %d deliveries; want sent ref-1 once", r.State, r.Ref, delivered)
		}
	})
}

// TestDispatcherKindLimitsAndFailedHook: a kind's own MaxAttempts apply,
// and its Failed hook hears once, with the reason, when a send is given up.
func TestDispatcherKindLimitsAndFailedHook(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		clock := clockwork.NewFakeClockAt(start)
		st := storage.NewOutboxStore(db)
		d, err := outbox.New(outbox.Options{Store: st, Log: zerolog.Nop(), Clock: clock, MaxAttempts: 6})
		if err != nil {
			t.Fatal(err)
		}
		calls := 0
		var failed []string
		d.Handle("hook", outbox.Handler{MaxAttempts: 2, Backoff: time.Second,
			Deliver: func(context.Context, outbox.Send) (string, error) { calls++; return "", fmt.Errorf("502 Bad Gateway") },
			Failed: func(_ context.Context, s outbox.Send, reason string) error {
				failed = append(failed, s.Key+": "+reason)
				return nil
			},
		})
		s, _ := outbox.NewSend("hook", "hook:1", "flags", nil)
		if _, err := d.Enqueue(ctx, s); err != nil {
			t.Fatal(err)
		}
		for range 4 {
			if err := d.Drain(ctx); err != nil {
				t.Fatal(err)
			}
			clock.Advance(time.Minute)
		}
		r, _ := st.OutboxRecord(ctx, "hook:1")
		want := []string{"hook:1: gave up after 2 attempts: 502 Bad Gateway"}
		if r.State != outbox.Failed || calls != 2 || !cmp.Equal(failed, want) {
			t.Errorf("%s after %d calls, Failed hook %q; want failed after 2, %q", r.State, calls, failed, want)
		}
	})
}

// TestDispatcherFollows: a send that follows another waits for it, gets
// its ref, and is skipped when it fails; a chain enqueued together can
// never lose its second half to a crash in between.
func TestDispatcherFollows(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		clock := clockwork.NewFakeClockAt(start)
		st := storage.NewOutboxStore(db)
		d, err := outbox.New(outbox.Options{Store: st, Log: zerolog.Nop(), Clock: clock, MaxAttempts: 1})
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		threadOf := map[string]string{}
		d.Handle("msg", outbox.Handler{Deliver: func(_ context.Context, s outbox.Send) (string, error) {
			if s.To == "CGONE" {
				return "", outbox.Permanent(fmt.Errorf("channel_not_found"))
			}
			return "ts-" + s.Key, nil
		}})
		d.Handle("chart", outbox.Handler{Deliver: func(_ context.Context, s outbox.Send) (string, error) {
			mu.Lock()
			defer mu.Unlock()
			threadOf[s.Key] = s.AfterRef
			return "F" + s.Key, nil
		}})
		post := func(key, to string, notBefore time.Time) outbox.Send {
			s, _ := outbox.NewSend("msg", key, to, nil)
			s.NotBefore = notBefore
			return s
		}
		chart := func(key, after string) outbox.Send {
			s, _ := outbox.NewSend("chart", key, "", nil)
			s.After = after
			return s
		}
		if _, err := d.Enqueue(ctx,
			chart("c1", "r1"), post("r1", "C1", time.Time{}), // the chart first: it must still wait
			post("r2", "CGONE", time.Time{}), chart("c2", "r2"),
			post("r3", "C1", start.Add(time.Hour)), chart("c3", "r3"),
			chart("c4", "nowhere"),
		); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if err := d.Drain(ctx); err != nil {
				t.Fatal(err)
			}
			clock.Advance(3 * time.Second)
		}
		want := map[string]string{"c1": outbox.Sent, "c2": outbox.Skipped, "c3": outbox.Pending, "c4": outbox.Skipped}
		for key, state := range want {
			r, _ := st.OutboxRecord(ctx, key)
			if r.State != state || r.Attempts > 1 {
				t.Errorf("%s: %s after %d attempts, want %s", key, r.State, r.Attempts, state)
			}
		}
		clock.Advance(time.Hour)
		for range 2 {
			if err := d.Drain(ctx); err != nil {
				t.Fatal(err)
			}
			clock.Advance(3 * time.Second)
		}
		if diff := cmp.Diff(map[string]string{"c1": "ts-r1", "c3": "ts-r3"}, threadOf); diff != "" {
			t.Errorf("AfterRef mismatch (-want +got):\n%s", diff)
		}
	})
}

// TestDispatcherSendLimits: a kind's Limits give each send its own
// attempts (here per recipient, as each automation hook has its own),
// falling back to the kind's.
func TestDispatcherSendLimits(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		clock := clockwork.NewFakeClockAt(start)
		st := storage.NewOutboxStore(db)
		d, err := outbox.New(outbox.Options{Store: st, Log: zerolog.Nop(), Clock: clock, MaxAttempts: 6})
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		calls := map[string]int{}
		d.Handle("hook", outbox.Handler{MaxAttempts: 3, Backoff: time.Second,
			Deliver: func(_ context.Context, s outbox.Send) (string, error) {
				mu.Lock()
				defer mu.Unlock()
				calls[s.To]++
				return "", fmt.Errorf("503")
			},
			Limits: func(s outbox.Send) (int, time.Duration) {
				if s.To == "once" {
					return 1, 0
				}
				return 0, 0
			},
		})
		for _, to := range []string{"once", "default"} {
			s, _ := outbox.NewSend("hook", "hook:"+to, to, nil)
			if _, err := d.Enqueue(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		for range 6 {
			if err := d.Drain(ctx); err != nil {
				t.Fatal(err)
			}
			clock.Advance(time.Minute)
		}
		if want := map[string]int{"once": 1, "default": 3}; !cmp.Equal(calls, want) {
			t.Errorf("calls %v, want %v", calls, want)
		}
	})
}

// TestDispatcherInOrder: sends of an InOrder kind to one recipient are
// delivered one after another in the order they were queued, while sends
// to other recipients, and of other kinds, go in parallel.
func TestDispatcherInOrder(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewOutboxStore(db)
		d, err := outbox.New(outbox.Options{Store: st, Log: zerolog.Nop(), Workers: 8})
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		got := map[string][]string{}
		inFlight, most := map[string]int{}, map[string]int{}
		deliver := func(_ context.Context, s outbox.Send) (string, error) {
			mu.Lock()
			inFlight[s.To]++
			most[s.To] = max(most[s.To], inFlight[s.To])
			mu.Unlock()
			time.Sleep(5 * time.Millisecond)
			mu.Lock()
			inFlight[s.To]--
			got[s.To] = append(got[s.To], s.Key)
			mu.Unlock()
			return "ok", nil
		}
		d.Handle("dm", outbox.Handler{Deliver: deliver, InOrder: true})
		d.Handle("call", outbox.Handler{Deliver: deliver})
		var sends []outbox.Send
		for i := range 5 {
			for _, to := range []string{"U1", "U2"} {
				s, _ := outbox.NewSend("dm", fmt.Sprintf("dm:%s:%d", to, i), to, nil)
				sends = append(sends, s)
			}
			s, _ := outbox.NewSend("call", fmt.Sprintf("call:%d", i), "hook", nil)
			sends = append(sends, s)
		}
		if _, err := d.Enqueue(ctx, sends...); err != nil {
			t.Fatal(err)
		}
		if err := d.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		for _, to := range []string{"U1", "U2"} {
			want := []string{"dm:" + to + ":0", "dm:" + to + ":1", "dm:" + to + ":2", "dm:" + to + ":3", "dm:" + to + ":4"}
			if diff := cmp.Diff(want, got[to]); diff != "" || most[to] != 1 {
				t.Errorf("%s: at most %d at once, order mismatch (-want +got):\n%s", to, most[to], diff)
			}
		}
		if len(got["hook"]) != 5 || most["hook"] < 2 {
			t.Errorf("calls: %d delivered, at most %d at once; want 5, in parallel", len(got["hook"]), most["hook"])
		}
	})
}

// TestDispatcherManual: a manual dispatcher sends nothing until Drain,
// whatever Start and StartOnEnqueue say.
func TestDispatcherManual(t *testing.T) {
	db := storagetest.SQLite(t)
	ctx := context.Background()
	st := storage.NewOutboxStore(db)
	p := &poster{}
	d, err := postDispatcher(outbox.Options{Store: st, Log: zerolog.Nop(), Manual: true, StartOnEnqueue: true, Poll: time.Millisecond}, p, outbox.Handler{})
	if err != nil {
		t.Fatal(err)
	}
	d.Start()
	defer d.Stop()
	if _, err := d.Enqueue(ctx, send("m", "UM")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if counts, _ := st.OutboxCounts(ctx, "test"); counts[outbox.Pending] != 1 {
		t.Fatalf("before Drain: %v, want the send pending", counts)
	}
	if err := d.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if counts, _ := st.OutboxCounts(ctx, "test"); counts[outbox.Sent] != 1 {
		t.Errorf("after Drain: %v, want it sent", counts)
	}
}
