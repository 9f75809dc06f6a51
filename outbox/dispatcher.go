package outbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

// Deliverer carries out one send and returns a reference to what it made
// (a message ts, a file id). Its errors say what to do next: Permanent
// fails the send, ErrRateLimited and Hold put it back without counting an
// attempt, anything else is retried with backoff. A deliverer that talks
// to a rate-limited API (Slack) waits for its turn itself: the dispatcher
// only bounds how many sends wait at once.
type Deliverer func(ctx context.Context, s Send) (ref string, err error)

// Handler is what the dispatcher does with one kind of send: deliver it,
// and let the feature that owns the kind take part.
type Handler struct {
	Deliver Deliverer
	// Before runs right before a send is delivered. Returning false skips
	// it for good (reason is recorded); an error retries it later (a Hold
	// puts it back until then).
	Before func(ctx context.Context, s Send) (ok bool, reason string, err error)
	// Sent runs once the send is recorded as sent, with the deliverer's ref
	// (e.g. to update the message later). Its errors are logged.
	Sent func(ctx context.Context, s Send, ref string) error
	// Failed runs once the send has failed for good (refused, or out of
	// attempts), with the reason, so the feature can tell someone. Its
	// errors are logged.
	Failed func(ctx context.Context, s Send, reason string) error
	// MaxAttempts and Backoff override the dispatcher's for this kind
	// (zero: the dispatcher's), e.g. an automation webhook's own limits.
	MaxAttempts int
	Backoff     time.Duration
	// InOrder delivers the sends of this kind to one recipient one after
	// another, in the order they were queued (among those one claim
	// takes), so that a person reads a request's DMs, or a channel its
	// post and the post's updates, in order. Kinds that share recipients
	// and whose order matters all set it; a fan-out to many recipients
	// is as parallel as without it.
	InOrder bool
	// Limits, if set, gives one send's own limits (zero values: the
	// kind's), for kinds whose sends differ: each request type's
	// automation has its configured attempts and backoff.
	Limits func(s Send) (maxAttempts int, backoff time.Duration)
}

// limits returns the attempts and first backoff that apply to s.
func (h Handler) limits(s Send, maxAttempts int, backoff time.Duration) (int, time.Duration) {
	if h.MaxAttempts > 0 {
		maxAttempts = h.MaxAttempts
	}
	if h.Backoff > 0 {
		backoff = h.Backoff
	}
	if h.Limits != nil {
		n, b := h.Limits(s)
		if n > 0 {
			maxAttempts = n
		}
		if b > 0 {
			backoff = b
		}
	}
	return maxAttempts, backoff
}

// Options configure a Dispatcher. Zero values get the defaults.
type Options struct {
	Store Store
	Log   zerolog.Logger
	Clock clockwork.Clock // timestamps and leases; nil: the real clock
	// Owner names this process in claimed_by; default host:pid:random.
	Owner string
	// Workers bounds the sends in flight (default 8); Batch is how many
	// sends one claim takes (default 50). A claimed send that waited so
	// long behind a rate-limited Slack that its delivery could outlast the
	// lease is handed back rather than delivered (see leaseHolds).
	Workers int
	Batch   int
	// Lease is how long a claim lasts before another dispatcher may take
	// the send over (default 5m). SendTimeout bounds one send, hooks
	// included (default 1m), and must be well under Lease.
	Lease       time.Duration
	SendTimeout time.Duration
	// Poll is how often the table is checked when nothing woke the
	// dispatcher: for sends of other replicas, retries and expired leases
	// (default 2s, real time).
	Poll time.Duration
	// MaxAttempts ends a send as failed after this many temporary failures
	// (default 6); Backoff is the first retry delay, doubled each time up
	// to 10 minutes (default 15s).
	MaxAttempts int
	Backoff     time.Duration
	Registry    prometheus.Registerer // nil: no metrics
	// StartOnEnqueue starts the background loop (Start) on the first
	// Enqueue, for processes that start it lazily; otherwise call Start,
	// Run or Drain.
	StartOnEnqueue bool
	// Manual makes Start (and StartOnEnqueue) do nothing: sends go out
	// only when Drain is called. The console drains between the lines it
	// reads, so what it prints comes in the order it was decided.
	Manual bool
}

// Dispatcher delivers pending sends.
type Dispatcher struct {
	opt   Options
	sends *prometheus.CounterVec
	wake  chan struct{}

	mu    sync.Mutex
	kinds map[string]Handler
	// guard holds the sends of the guarded kinds (see Guard).
	guards map[string]Guard
	cancel context.CancelFunc
	done   chan struct{}
}

// New returns a stopped dispatcher.
func New(opt Options) (*Dispatcher, error) {
	if opt.Store == nil {
		return nil, errors.New("outbox.New: Store is required")
	}
	if opt.Clock == nil {
		opt.Clock = clockwork.NewRealClock()
	}
	if opt.Owner == "" {
		host, _ := os.Hostname()
		opt.Owner = fmt.Sprintf("%s:%d:%s", host, os.Getpid(), randomHex(4))
	}
	setDefault(&opt.Workers, 8)
	setDefault(&opt.Batch, 50)
	setDefault(&opt.MaxAttempts, 6)
	setDefault(&opt.Lease, 5*time.Minute)
	setDefault(&opt.SendTimeout, time.Minute)
	setDefault(&opt.Poll, 2*time.Second)
	setDefault(&opt.Backoff, 15*time.Second)
	if opt.SendTimeout >= opt.Lease {
		return nil, fmt.Errorf("outbox.New: SendTimeout (%s) must be shorter than Lease (%s)", opt.SendTimeout, opt.Lease)
	}
	d := &Dispatcher{opt: opt, wake: make(chan struct{}, 1), kinds: map[string]Handler{}}
	d.sends = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "platformbot_outbox_sends_total", Help: "Pending sends finished, by kind and outcome (sent, failed, skipped, retried, rate_limited, held).",
	}, []string{"kind", "outcome"})
	if opt.Registry != nil {
		if err := opt.Registry.Register(d.sends); err != nil {
			return nil, fmt.Errorf("outbox.New: %w", err)
		}
	}
	return d, nil
}

func setDefault[T int | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// Handle registers how sends of a kind are delivered. Call it while
// wiring; a kind registered twice is a wiring bug and panics.
func (d *Dispatcher) Handle(kind string, h Handler) {
	if h.Deliver == nil {
		panic(fmt.Sprintf("outbox: kind %q has no deliverer", kind))
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, dup := d.kinds[kind]; dup {
		panic(fmt.Sprintf("outbox: kind %q registered twice", kind))
	}
	d.kinds[kind] = h
}

func (d *Dispatcher) handler(kind string) (Handler, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	h, ok := d.kinds[kind]
	return h, ok
}

// Enqueue stores sends (keys already known are ignored) and wakes the
// dispatcher. It returns how many were new.
func (d *Dispatcher) Enqueue(ctx context.Context, sends ...Send) (int, error) {
	now := d.opt.Clock.Now().UTC()
	recs := make([]Record, 0, len(sends))
	followed := map[string]bool{}
	for _, s := range sends {
		if s.After != "" {
			followed[s.After] = true
		}
	}
	for _, s := range sends {
		if s.NotBefore.IsZero() {
			s.NotBefore = now
		}
		if s.Kind == "" || s.Key == "" {
			return 0, fmt.Errorf("outbox: a send needs a kind and a key (key %q)", s.Key)
		}
		d.guardEnqueue(ctx, &s)
		recs = append(recs, Record{
			Kind: s.Kind, Key: s.Key, To: s.To, Payload: s.Payload, State: Pending,
			NotBefore: s.NotBefore.UTC(), NotAfter: s.NotAfter.UTC(), After: s.After, Followed: followed[s.Key],
		})
	}
	n, err := d.opt.Store.Enqueue(ctx, recs, now)
	if err != nil {
		return n, fmt.Errorf("outbox: enqueue: %w", err)
	}
	if d.opt.StartOnEnqueue {
		d.Start()
	}
	d.Wake()
	return n, nil
}

// Wake makes a running dispatcher look for work now.
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Start runs the dispatcher in the background until Stop; calling it again
// while it runs does nothing.
func (d *Dispatcher) Start() {
	if d.opt.Manual {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel, d.done = cancel, make(chan struct{})
	go func(done chan struct{}) {
		defer close(done)
		d.Run(ctx)
	}(d.done)
}

// Stop stops a dispatcher started with Start and waits for its in-flight
// sends to finish.
func (d *Dispatcher) Stop() error {
	d.mu.Lock()
	cancel, done := d.cancel, d.done
	d.cancel, d.done = nil, nil
	d.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
	return nil
}

// Run delivers sends until ctx is done. Then it claims nothing more,
// returns the claimed sends no worker has started to pending (so another
// process takes them at once), and waits for the sends in flight, each
// bounded by SendTimeout.
func (d *Dispatcher) Run(ctx context.Context) {
	jobs := make(chan []Record)
	var workers sync.WaitGroup
	for range d.opt.Workers {
		workers.Go(func() {
			for run := range jobs {
				d.processRun(ctx, run)
			}
		})
	}
	defer workers.Wait()
	defer close(jobs)
	for ctx.Err() == nil {
		recs, err := d.claim(ctx)
		if err != nil && ctx.Err() == nil {
			d.opt.Log.Warn().Err(err).Msg("outbox: claim failed")
		}
		if len(recs) == 0 {
			d.idle(ctx)
			continue
		}
		runs := d.runs(recs)
		for i, run := range runs {
			select {
			case jobs <- run:
			case <-ctx.Done():
				var rest []Record
				for _, run := range runs[i:] {
					rest = append(rest, run...)
				}
				d.release(rest)
				return
			}
		}
	}
}

// processRun delivers a run of sends one after another; once ctx is done
// it hands the rest back.
func (d *Dispatcher) processRun(ctx context.Context, run []Record) {
	for i, r := range run {
		if i > 0 && ctx.Err() != nil {
			d.release(run[i:])
			return
		}
		d.process(r)
	}
}

// runs splits a claimed batch into what one worker delivers: the sends of
// InOrder kinds to one recipient form one run, in the order they were
// queued; every other send is a run of its own.
func (d *Dispatcher) runs(recs []Record) [][]Record {
	out := make([][]Record, 0, len(recs))
	ordered := map[string]int{} // recipient → index in out
	for _, r := range recs {
		if h, ok := d.handler(r.Kind); ok && h.InOrder {
			if i, seen := ordered[r.To]; seen {
				out[i] = append(out[i], r)
				continue
			}
			ordered[r.To] = len(out)
		}
		out = append(out, []Record{r})
	}
	return out
}

// Drain delivers every send that is due now and returns when none is left
// (sends retried later are not waited for). Tests and one-shot tools use it.
func (d *Dispatcher) Drain(ctx context.Context) error {
	for ctx.Err() == nil {
		recs, err := d.claim(ctx)
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return nil
		}
		var wg sync.WaitGroup
		sem := make(chan struct{}, d.opt.Workers)
		for _, run := range d.runs(recs) {
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				d.processRun(ctx, run)
			})
		}
		wg.Wait()
	}
	return ctx.Err()
}

// claim takes a batch of due sends, noting when each lease ends.
func (d *Dispatcher) claim(ctx context.Context) ([]Record, error) {
	now := d.opt.Clock.Now().UTC()
	recs, err := d.opt.Store.Claim(ctx, d.opt.Owner, d.opt.Batch, now, d.opt.Lease)
	for i := range recs {
		recs[i].LeaseUntil = now.Add(d.opt.Lease)
	}
	d.prefetch(ctx, recs)
	return recs, err
}

func (d *Dispatcher) idle(ctx context.Context) {
	t := time.NewTimer(d.opt.Poll)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-d.wake:
	case <-t.C:
	}
}

// release hands unstarted claims back; it must work after ctx ended.
func (d *Dispatcher) release(recs []Record) {
	if len(recs) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ids := make([]int64, len(recs))
	for i, r := range recs {
		ids[i] = r.ID
	}
	if err := d.opt.Store.Release(ctx, ids, recs[0].ClaimToken); err != nil {
		d.opt.Log.Warn().Err(err).Int("sends", len(ids)).Msg("outbox: release failed; the sends resume when their lease expires")
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
