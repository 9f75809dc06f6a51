package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/internal/fakeslack"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/outbox/slacksend"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

const fanout = 2000

// slackAPI returns the real Slack port against the fake, with a budget high
// enough that the test measures the dispatcher, not the pacing.
func slackAPI(srv *fakeslack.Server) *bot.API {
	return bot.NewAPI(bot.APIConfig{
		BotToken: fakeslack.BotToken, APIURL: srv.APIURL(), Log: zerolog.Nop(),
		Limits: map[string]bot.Limit{"chat.postMessage": {PerMinute: 600000, Burst: 100}},
	})
}

func enqueueFanout(t *testing.T, d *outbox.Dispatcher) []string {
	t.Helper()
	users := make([]string, fanout)
	sends := make([]outbox.Send, fanout)
	for i := range users {
		users[i] = fmt.Sprintf("U%06d", i)
		sends[i] = send("pulse:1:"+users[i], users[i])
	}
	if _, err := d.Enqueue(context.Background(), sends...); err != nil {
		t.Fatal(err)
	}
	return users
}

// dmsPerUser counts the fake's DMs per user.
func dmsPerUser(srv *fakeslack.Server) map[string]int {
	n := map[string]int{}
	for _, m := range srv.Messages("") {
		n[m.Channel]++
	}
	return n
}

func waitMessages(t *testing.T, srv *fakeslack.Server, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := srv.WaitMessages(ctx, "", n); err != nil {
		t.Fatalf("waiting for %d messages: %v (have %d)", n, err, len(srv.Messages("")))
	}
}

// TestRestartMidFanoutSendsEachDMOnce stops a process half-way through a
// 2,000-user fan-out (its dispatcher is cancelled, as on SIGTERM) and
// starts another on the same database: every user gets exactly one DM.
func TestRestartMidFanoutSendsEachDMOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("a 2,000-user fan-out, about 5 s: skipped with -short")
	}
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		srv := fakeslack.New()
		defer srv.Close()
		st := storage.NewOutboxStore(db)
		first, err := postDispatcher(outbox.Options{Store: st, Log: zerolog.Nop(), Owner: "first"}, slackAPI(srv), outbox.Handler{})
		if err != nil {
			t.Fatal(err)
		}
		users := enqueueFanout(t, first)
		ctx, stop := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { first.Run(ctx); close(done) }()
		waitMessages(t, srv, fanout/2)
		stop()
		<-done
		halfway := len(srv.Messages(""))
		if halfway >= fanout {
			t.Fatalf("the first process sent all %d DMs before it was stopped; the test proves nothing", halfway)
		}

		second, err := postDispatcher(outbox.Options{Store: st, Log: zerolog.Nop(), Owner: "second"}, slackAPI(srv), outbox.Handler{})
		if err != nil {
			t.Fatal(err)
		}
		if err := second.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		got := dmsPerUser(srv)
		for _, u := range users {
			if got[u] != 1 {
				t.Errorf("%s got %d DMs, want exactly 1", u, got[u])
			}
		}
		t.Logf("stopped after %d of %d DMs; the restart sent the rest, each once", halfway, fanout)
	})
}

// kill simulates SIGKILL of a process: after it, every goroutine of the
// process stops at its next contact with the outside world, and nothing it
// does reaches the database.
type kill struct {
	dead     atomic.Bool
	inFlight atomic.Int32 // sends posted, or posting, but never recorded
	hold     chan struct{}
}

var errDead = errors.New("process killed")

// freeze parks a goroutine of the dead process until the test ends.
func (k *kill) freeze() error {
	k.inFlight.Add(1)
	<-k.hold
	return errDead
}

// deadStore is the store as the killed process sees it.
type deadStore struct {
	outbox.Store
	k *kill
}

func (s deadStore) Claim(ctx context.Context, owner string, n int, now time.Time, lease time.Duration) ([]outbox.Record, error) {
	if s.k.dead.Load() {
		return nil, errDead
	}
	return s.Store.Claim(ctx, owner, n, now, lease)
}

// MarkSent after the kill: the post reached Slack, the record never will.
func (s deadStore) MarkSent(ctx context.Context, id int64, ts string, now time.Time) error {
	if s.k.dead.Load() {
		return s.k.freeze()
	}
	return s.Store.MarkSent(ctx, id, ts, now)
}

func (s deadStore) Release(ctx context.Context, ids []int64, token string) error {
	if s.k.dead.Load() {
		return errDead
	}
	return s.Store.Release(ctx, ids, token)
}

// killablePoster posts through the real port; a post on the wire at the
// kill still reaches Slack, but its process never learns the outcome.
type killablePoster struct {
	slacksend.Poster
	k *kill
}

func (p killablePoster) PostMessage(ctx context.Context, channel string, msg bot.Message) (string, error) {
	ts, err := p.Poster.PostMessage(ctx, channel, msg)
	if p.k.dead.Load() {
		return "", p.k.freeze()
	}
	return ts, err
}

// TestKilledMidFanoutRepeatsAtMostTheInFlightSends kills a process (no
// graceful release, no further writes) in the middle of a fan-out while its
// posts are on the wire, then lets another process take over once the
// claims' lease has expired: every user gets a DM, and only sends that were
// in flight at the kill are repeated.
func TestKilledMidFanoutRepeatsAtMostTheInFlightSends(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		srv := fakeslack.New()
		defer srv.Close()
		clock := clockwork.NewFakeClockAt(start)
		st := storage.NewOutboxStore(db)
		k := &kill{hold: make(chan struct{})}
		const workers = 4
		victim, err := postDispatcher(outbox.Options{Store: deadStore{st, k}, Log: zerolog.Nop(),
			Clock: clock, Owner: "victim", Workers: workers, Lease: time.Minute, SendTimeout: 30 * time.Second}, killablePoster{slackAPI(srv), k}, outbox.Handler{})
		if err != nil {
			t.Fatal(err)
		}
		users := enqueueFanout(t, victim)
		ctx, stop := context.WithCancel(context.Background())
		var victimDone sync.WaitGroup
		victimDone.Go(func() { victim.Run(ctx) })
		waitMessages(t, srv, fanout/2)
		k.dead.Store(true)
		// Let the posts that were on the wire land.
		deadline := time.Now().Add(10 * time.Second)
		for k.inFlight.Load() < workers && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		killedAt := len(srv.Messages(""))

		clock.Advance(2 * time.Minute) // the victim's leases expire
		heir, err := postDispatcher(outbox.Options{Store: st, Log: zerolog.Nop(), Clock: clock, Owner: "heir"}, slackAPI(srv), outbox.Handler{})
		if err != nil {
			t.Fatal(err)
		}
		if err := heir.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		got := dmsPerUser(srv)
		repeated := 0
		for _, u := range users {
			switch n := got[u]; {
			case n == 0:
				t.Errorf("%s got no DM", u)
			case n > 1:
				repeated += n - 1
			}
		}
		if inFlight := int(k.inFlight.Load()); repeated > inFlight || inFlight > workers {
			t.Errorf("%d DMs repeated, %d posts in flight at the kill (at most %d workers): only in-flight sends may repeat", repeated, inFlight, workers)
		}
		t.Logf("killed after %d DMs with %d posts in flight; %d repeated after the takeover", killedAt, k.inFlight.Load(), repeated)
		close(k.hold)
		stop()
		victimDone.Wait()
	})
}
