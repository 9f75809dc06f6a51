package bot_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/internal/fakeslack"
)

// click sends a block action on the button "t:click" with value.
func click(t *testing.T, srv *fakeslack.Server, value string) string {
	t.Helper()
	id, err := srv.SendInteraction(slack.InteractionCallback{
		Type: slack.InteractionTypeBlockActions,
		User: slack.User{ID: "U1"},
		ActionCallback: slack.ActionCallbacks{BlockActions: []*slack.BlockAction{
			{ActionID: "t:click", Value: value, Type: "button"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// counter counts calls and lets a test wait until it reaches n.
type counter struct {
	mu sync.Mutex
	n  int
	ch chan struct{}
}

func newCounter() *counter { return &counter{ch: make(chan struct{})} }

func (c *counter) inc() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	close(c.ch)
	c.ch = make(chan struct{})
}

func (c *counter) get() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

func (c *counter) wait(t *testing.T, n int) {
	t.Helper()
	ctx := waitCtx(t)
	for {
		c.mu.Lock()
		got, ch := c.n, c.ch
		c.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-ch:
		case <-ctx.Done():
			t.Fatalf("count = %d, want %d", got, n)
		}
	}
}

// TestClicksAckedWhileHandlersAreBusy: a block action's ack can carry
// nothing, so it is acked when queued, not when a worker is free.
func TestClicksAckedWhileHandlersAreBusy(t *testing.T) {
	srv := fakeslack.New()
	defer srv.Close()
	release := make(chan struct{})
	handled := newCounter()
	r := bot.NewRouter(nil)
	r.Action("t:", func(context.Context, *bot.Request) (*bot.Reply, error) {
		<-release
		handled.inc()
		return nil, nil
	})
	startRuntime(t, srv, r, func(c *bot.RuntimeConfig) { c.Workers, c.Queue = 1, 10 })
	var ids []string
	for i := range 3 {
		ids = append(ids, click(t, srv, fmt.Sprint(i)))
	}
	for _, id := range ids {
		if _, err := srv.WaitAck(waitCtx(t), id); err != nil {
			t.Fatalf("click %s not acked while the only worker is busy: %v", id, err)
		}
	}
	close(release)
	handled.wait(t, 3)
	for _, id := range ids {
		if n := srv.AckCount(id); n != 1 {
			t.Errorf("click %s acked %d times, want 1", id, n)
		}
	}
}

// TestDeferredWorkRunsOffTheWorkers: work deferred until after the ack (a
// DM to a rate-limited Slack, say) does not hold a worker, so the next
// envelopes are handled meanwhile; FollowUps bounds it.
func TestDeferredWorkRunsOffTheWorkers(t *testing.T) {
	srv := fakeslack.New()
	defer srv.Close()
	release := make(chan struct{})
	handled, deferredDone := newCounter(), newCounter()
	r := bot.NewRouter(nil)
	r.Action("t:", func(ctx context.Context, _ *bot.Request) (*bot.Reply, error) {
		handled.inc()
		return nil, bot.Defer(ctx, func(context.Context) error {
			<-release
			deferredDone.inc()
			return nil
		})
	})
	startRuntime(t, srv, r, func(c *bot.RuntimeConfig) { c.Workers, c.Queue, c.FollowUps = 1, 10, 2 })
	for i := range 4 {
		click(t, srv, fmt.Sprint(i))
	}
	// Two deferred runs fill the follow-up slots; the third handler runs,
	// then its worker waits for a slot, so the fourth waits in the queue.
	handled.wait(t, 3)
	time.Sleep(100 * time.Millisecond)
	if n := handled.get(); n != 3 {
		t.Fatalf("%d handlers ran with both follow-up slots taken, want 3", n)
	}
	close(release)
	handled.wait(t, 4)
	deferredDone.wait(t, 4)
}

// TestDisconnectsUnderLoadAckEachEnvelopeOnce sends commands and clicks
// while the bot's socket is replaced over and over. When Slack asks for the
// reconnect (refresh_requested, warning), every envelope is acked exactly
// once (acks of envelopes read from the old socket go out before it closes
// or on the next one) and handled exactly once. When the socket drops
// abruptly, the envelopes on the wire at that moment may be lost, but none
// is acked or handled twice and every later one is served.
func TestDisconnectsUnderLoadAckEachEnvelopeOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("disconnects under load take about 3 s: skipped with -short")
	}
	for _, tc := range []struct {
		name  string
		fault func(*fakeslack.Server)
		lossy bool
	}{
		{"refresh_requested", func(s *fakeslack.Server) { s.Disconnect("refresh_requested") }, false},
		{"warning", func(s *fakeslack.Server) { s.Disconnect("warning") }, false},
		{"abrupt close", (*fakeslack.Server).DropConnections, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := fakeslack.New()
			defer srv.Close()
			var handled sync.Map // envelope id → count
			count := func(reply *bot.Reply) bot.Handler {
				return func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
					n, _ := handled.LoadOrStore(req.EnvelopeID, new(atomic.Int32))
					n.(*atomic.Int32).Add(1)
					return reply, nil
				}
			}
			r := bot.NewRouter(nil)
			r.Command("/platform", "").Add(bot.Subcommand{Name: "ping", Run: count(bot.Say("pong"))})
			r.Action("t:", count(nil))
			startRuntime(t, srv, r, nil)

			cmd, err := fakeslack.PrepareSlashCommand(slack.SlashCommand{Command: "/platform", Text: "ping", UserID: "U1", ChannelID: "C1"})
			if err != nil {
				t.Fatal(err)
			}
			btn, err := fakeslack.PrepareInteraction(slack.InteractionCallback{Type: slack.InteractionTypeBlockActions, User: slack.User{ID: "U1"},
				ActionCallback: slack.ActionCallbacks{BlockActions: []*slack.BlockAction{{ActionID: "t:click", Type: "button"}}}})
			if err != nil {
				t.Fatal(err)
			}
			const n, every = 3000, 500
			ids := make([]string, 0, n)
			for i := range n {
				if i%every == every/2 {
					tc.fault(srv)
				}
				p := cmd
				if i%3 == 0 {
					p = btn
				}
				id, err := sendWhenConnected(t, srv, p)
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, id)
			}
			// Envelopes sent before an abrupt close may have been on the
			// wire, or acked into a dead socket; the ones after the last
			// one went to a socket that stays.
			lastFault := (n-1)/every*every + every/2
			mayBeLost := func(i int) bool { return tc.lossy && i < lastFault }
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			for i, id := range ids {
				if mayBeLost(i) {
					continue
				}
				if _, err := srv.WaitAck(ctx, id); err != nil {
					t.Fatalf("envelope %d (%s) never acked: %v (%d reconnects)", i, id, err, srv.ConnectionOpens()-1)
				}
			}
			time.Sleep(100 * time.Millisecond) // room for a second ack to show up
			lost := 0
			for i, id := range ids {
				acks, runs := srv.AckCount(id), int32(0)
				if v, ok := handled.Load(id); ok {
					runs = v.(*atomic.Int32).Load()
				}
				switch {
				case mayBeLost(i) && acks <= 1 && runs <= 1:
					if acks == 0 {
						lost++
					}
				case acks != 1 || runs != 1:
					t.Errorf("envelope %d (%s) acked %d times and handled %d times, want 1 and 1", i, id, acks, runs)
				}
			}
			if opens := srv.ConnectionOpens(); opens < 6 {
				t.Errorf("%d connections opened, want 6 (5 faults)", opens)
			}
			t.Logf("%d reconnects; %d envelopes not acked", srv.ConnectionOpens()-1, lost)
		})
	}
}

// sendWhenConnected sends p, waiting for a socket while the bot reconnects,
// as Slack holds envelopes for an app without a connection.
func sendWhenConnected(t *testing.T, srv *fakeslack.Server, p fakeslack.Prepared) (string, error) {
	for {
		id, err := srv.SendPrepared(p)
		if !errors.Is(err, fakeslack.ErrNoConnection) {
			return id, err
		}
		if err := srv.WaitConnections(waitCtx(t), 1); err != nil {
			return "", err
		}
	}
}

// TestAckBudgetCountsQueueTime: Slack's 3 s run from delivery, so a
// command that waited for a worker longer than the budget is acked empty
// as soon as a worker takes it, and its reply follows through response_url.
func TestAckBudgetCountsQueueTime(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out ack budgets, about 3 s: skipped with -short")
	}
	srv := fakeslack.New()
	defer srv.Close()
	release := make(chan struct{})
	r := bot.NewRouter(nil)
	r.Command("/platform", "").Add(
		bot.Subcommand{Name: "slow", Run: gate(release, "slow")},
		bot.Subcommand{Name: "fast", Run: func(context.Context, *bot.Request) (*bot.Reply, error) { return bot.Say("fast"), nil }},
	)
	r.Action("t:", func(context.Context, *bot.Request) (*bot.Reply, error) { return nil, nil })
	const budget = 100 * time.Millisecond
	startRuntime(t, srv, r, func(c *bot.RuntimeConfig) { c.Workers, c.AckBudget = 1, budget })
	slow, _ := srv.SendSlashCommand(slack.SlashCommand{Command: "/platform", Text: "slow", UserID: "U1", ChannelID: "C1"})
	fast, _ := srv.SendSlashCommand(slack.SlashCommand{Command: "/platform", Text: "fast", UserID: "U1", ChannelID: "C1"})
	// A click is acked when queued, after the fast command (same socket,
	// in order): once its ack is in, the fast command waits in the queue.
	if _, err := srv.WaitAck(waitCtx(t), click(t, srv, "x")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(budget + 50*time.Millisecond) // the fast command's budget is used up
	if ack, err := srv.WaitAck(waitCtx(t), slow); err != nil || ackText(ack) != "" {
		t.Fatalf("slow command: ack %s, %v; want an empty ack once its budget ran out", ack.Payload, err)
	}
	close(release)
	ack, err := srv.WaitAck(waitCtx(t), fast)
	if err != nil {
		t.Fatal(err)
	}
	if text := ackText(ack); text != "" {
		t.Errorf("ack of a command that waited past its budget = %q, want empty", text)
	}
	resp, err := srv.WaitResponses(waitCtx(t), fast, 1)
	if err != nil || !strings.Contains(string(resp[0]), "fast") {
		t.Fatalf("response_url posts = %s, %v; want the reply", resp, err)
	}
}
