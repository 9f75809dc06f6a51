package selfservice

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/config"
)

// Messenger tells people about requests. The Slack handlers implement it;
// every method must be safe to call again for the same request (a delivery
// that failed half-way is retried).
type Messenger interface {
	// PostTriage posts r to the triage channel, for a decision or for a
	// manual fulfilment, and returns where the message is.
	PostTriage(ctx context.Context, r *Request) (channel, ts string, err error)
	// UpdateTriage re-renders r's triage message in r's current state.
	UpdateTriage(ctx context.Context, r *Request) error
	// Notify tells the requester about ev, a transition of r.
	Notify(ctx context.Context, r *Request, ev Event) error
	// Alert posts a new triage-channel message about r needing attention.
	Alert(ctx context.Context, r *Request, a Alert) error
}

// Alert says why the triage channel is alerted.
type Alert string

const (
	AlertFailed  Alert = "failed"  // the automation failed for good
	AlertOverdue Alert = "overdue" // the request passed its SLA
)

// Dispatcher does the work that follows a transition, after the Slack ack
// and outside the handler's time budget: it delivers audit events as
// notifications (the outbox) and calls automation webhooks of approved
// requests. Everything it does starts from the database, so a request
// approved just before a crash is picked up again by the next Pass (the
// scheduled job runs one every minute); claims with leases keep two passes,
// or two replicas, from doing the same work twice.
type Dispatcher struct {
	Service   *Service
	Messenger Messenger
	Webhooks  *Webhooks
	Log       zerolog.Logger
	// Workers bounds concurrent webhook calls. Default 4.
	Workers int

	init      sync.Once
	wake      chan struct{}
	sem       chan struct{}
	deliverMu sync.Mutex
	running   sync.WaitGroup
	base      context.Context
}

const (
	deliverLease       = 2 * time.Minute
	maxDeliveries      = 5 // attempts per event before it is given up
	maxAutomationRuns  = 3 // claims per request: bounds crash loops
	passBatch          = 50
	automationLeaseGap = 30 * time.Second
)

func (d *Dispatcher) setup() {
	d.init.Do(func() {
		d.wake = make(chan struct{}, 1)
		workers := d.Workers
		if workers <= 0 {
			workers = 4
		}
		d.sem = make(chan struct{}, workers)
		if d.base == nil {
			d.base = context.Background()
		}
	})
}

// Start runs passes whenever Wake is called, until ctx is done; stop
// cancels and waits for webhook calls in flight.
func (d *Dispatcher) Start(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	d.base = ctx
	d.setup()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case <-d.wake:
				d.guard("pass", func() { _ = d.Pass(ctx) })
			}
		}
	}()
	return func() { cancel(); <-done; d.running.Wait() }
}

// Wake asks for a pass soon; it never blocks.
func (d *Dispatcher) Wake() {
	d.setup()
	select {
	case d.wake <- struct{}{}:
	default: // a pass is already due
	}
}

// Wait waits for the webhook calls started by earlier passes (for tests and
// shutdown).
func (d *Dispatcher) Wait() { d.running.Wait() }

// Pass delivers pending notifications and starts the webhook calls that
// are due, without waiting for them.
func (d *Dispatcher) Pass(ctx context.Context) error {
	d.setup()
	return errors.Join(d.Deliver(ctx), d.startDue(ctx))
}

func (d *Dispatcher) now() time.Time { return d.Service.now() }

// guard runs fn, logging a panic instead of dying with it.
func (d *Dispatcher) guard(what string, fn func()) {
	defer func() {
		if v := recover(); v != nil {
			d.Log.Error().Str("component", "selfservice").Str("work", what).
				Interface("panic", v).Bytes("stack", debug.Stack()).Msg("dispatcher panicked")
		}
	}()
	fn()
}

// Deliver sends the notifications of undelivered events, oldest first.
// One delivery pass runs at a time in a process; claims guard the rest.
func (d *Dispatcher) Deliver(ctx context.Context) error {
	d.deliverMu.Lock()
	defer d.deliverMu.Unlock()
	store := d.Service.Store
	for {
		now := d.now()
		evs, err := store.PendingEvents(ctx, now, maxDeliveries, passBatch)
		if err != nil {
			return fmt.Errorf("selfservice: pending events: %w", err)
		}
		for _, ev := range evs {
			ok, err := store.ClaimEvent(ctx, ev.ID, now, now.Add(deliverLease))
			if err != nil || !ok {
				continue
			}
			if err := d.deliver(ctx, ev); err != nil {
				// The lease runs out and a later pass tries again.
				d.Log.Warn().Err(err).Str("request", Ref(ev.RequestID)).Int64("event", ev.ID).Msg("notification failed; will retry")
				continue
			}
			if err := store.DeliveredEvent(ctx, ev.ID, d.now()); err != nil {
				return fmt.Errorf("selfservice: mark event %d delivered: %w", ev.ID, err)
			}
		}
		if len(evs) < passBatch {
			return nil
		}
	}
}

// deliver sends what one event calls for. Each step is idempotent: the
// triage message is posted once (its ts is stored) and otherwise updated to
// the request's current state.
func (d *Dispatcher) deliver(ctx context.Context, ev Event) error {
	store := d.Service.Store
	r, err := store.Request(ctx, ev.RequestID)
	if err != nil {
		return err
	}
	switch {
	case r.TriageTS == "" && needsTriage(r):
		ch, ts, err := d.Messenger.PostTriage(ctx, r)
		if err != nil {
			return fmt.Errorf("post triage: %w", err)
		}
		if err := store.SetTriageMessage(ctx, r.ID, ch, ts); err != nil {
			return err
		}
		r.TriageChannel, r.TriageTS = ch, ts
	case r.TriageTS != "":
		if err := d.Messenger.UpdateTriage(ctx, r); err != nil {
			return fmt.Errorf("update triage: %w", err)
		}
	}
	if ev.Kind != EventTransition {
		return nil
	}
	if ev.To == Failed && !byPerson(ev) {
		if err := d.Messenger.Alert(ctx, r, AlertFailed); err != nil {
			return fmt.Errorf("alert: %w", err)
		}
	}
	return d.Messenger.Notify(ctx, r, ev)
}

// byPerson reports whether a person (not platformbot or an automation)
// caused ev: people who mark a request failed need no alert about it.
func byPerson(ev Event) bool { return ev.Actor != "" && ev.Actor != ActorAutomation }

// needsTriage reports whether r waits for a platform engineer: a decision,
// or a manual fulfilment because no automation does it.
func needsTriage(r *Request) bool {
	return r.State == PendingApproval || (r.State == Approved && !r.HasAutomation)
}

// startDue claims due automations and calls their webhooks in the
// background, at most Workers at a time; the rest wait for the next pass.
func (d *Dispatcher) startDue(ctx context.Context) error {
	store := d.Service.Store
	now := d.now()
	ids, err := store.DueAutomations(ctx, now, passBatch)
	if err != nil {
		return fmt.Errorf("selfservice: due automations: %w", err)
	}
	for _, id := range ids {
		select {
		case d.sem <- struct{}{}:
		default:
			return nil // all workers busy; each wakes a pass when it ends
		}
		hook, lease, err := d.hookOf(ctx, id)
		if err != nil {
			<-d.sem
			return fmt.Errorf("selfservice: automation of %s: %w", Ref(id), err)
		}
		runs, ok, err := store.ClaimAutomation(ctx, id, now, now.Add(lease))
		if err != nil || !ok {
			<-d.sem
			if err != nil {
				return fmt.Errorf("selfservice: claim automation %s: %w", Ref(id), err)
			}
			continue
		}
		d.running.Add(1)
		go func() {
			defer d.running.Done()
			defer func() { <-d.sem; d.Wake() }()
			ctx, cancel := context.WithTimeout(d.base, lease)
			defer cancel()
			d.guard("automation "+Ref(id), func() { d.automate(ctx, id, hook, runs) })
		}()
	}
	return nil
}

// hookOf returns the webhook of a request's type (nil when the type or
// its automation was removed from the catalog) and how long a claim on it
// must last to cover every attempt and backoff.
func (d *Dispatcher) hookOf(ctx context.Context, id int64) (*Hook, time.Duration, error) {
	r, err := d.Service.Store.Request(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	t, ok := d.Service.Catalog.Type(r.Type)
	if !ok || !t.Automation.Enabled() {
		return nil, time.Minute, nil
	}
	h := HookOf(t.Automation)
	lease := automationLeaseGap
	for i := range h.Attempts {
		lease += h.Timeout + min(time.Minute, h.Backoff<<i)
	}
	return &h, lease, nil
}

// HookOf fills in the defaults of a type's automation.
func HookOf(a config.Automation) Hook {
	h := Hook{URL: a.URL, Secret: a.Secret(), Timeout: a.Timeout.D(), Attempts: a.Attempts, Backoff: a.Backoff.D()}
	if h.Timeout <= 0 {
		h.Timeout = config.DefaultAutomationTimeout
	}
	if h.Attempts <= 0 {
		h.Attempts = config.DefaultAutomationAttempts
	}
	if h.Backoff <= 0 {
		h.Backoff = config.DefaultAutomationBackoff
	}
	return h
}

// automate calls r's webhook and moves r on: 2xx → done, 202 → in
// progress (the automation reports back), final failure → failed.
func (d *Dispatcher) automate(ctx context.Context, id int64, hook *Hook, runs int) {
	log := d.Log.With().Str("request", Ref(id)).Logger()
	svc := d.Service
	r, err := svc.Store.Request(ctx, id)
	if err != nil || r.State != Approved {
		return
	}
	tr := Transition{From: []State{Approved}, Actor: ActorAutomation}
	switch {
	case hook == nil:
		tr.To, tr.Note = Failed, "its automation is no longer configured"
	case runs > maxAutomationRuns:
		tr.To, tr.Note = Failed, fmt.Sprintf("the automation did not complete in %d tries", maxAutomationRuns)
	default:
		tr.To, tr.Note = d.call(ctx, r, *hook)
		if d.base.Err() != nil {
			// Shutting down: the call was cut short, not failed. The lease
			// runs out and the next process calls again, same idempotency key.
			log.Info().Msg("automation interrupted by shutdown; it will be retried")
			return
		}
	}
	if _, err := svc.transition(context.WithoutCancel(ctx), id, tr); err != nil {
		var se *StateError
		if !errors.As(err, &se) { // a StateError means a callback or a person got there first
			log.Error().Err(err).Msg("automation result not recorded; the call will be repeated with the same idempotency key")
		}
		return
	}
	log.Info().Str("state", string(tr.To)).Msg("automation finished")
}

// call makes the webhook call and returns the state it leads to.
func (d *Dispatcher) call(ctx context.Context, r *Request, h Hook) (State, string) {
	approvers, err := d.Service.Store.Approvers(ctx, r.ID)
	if err != nil {
		return Failed, "could not load approvers: " + err.Error()
	}
	body, err := Body(NewPayload(r, approvers))
	if err != nil {
		return Failed, "could not encode the webhook body: " + err.Error()
	}
	res, err := d.Webhooks.Call(ctx, h, Delivery{Ref: r.Ref(), Key: IdempotencyKey(r), Body: body})
	switch {
	case err != nil:
		d.Log.Warn().Err(err).Str("request", r.Ref()).Int("attempts", res.Attempts).Msg("automation webhook failed")
		return Failed, "automation failed: " + err.Error()
	case res.Accepted:
		return InProgress, "the automation accepted the request and will report back"
	}
	return Done, "fulfilled automatically"
}

// NudgeOverdue alerts the triage channel once about each open request that
// passed its SLA. The claim comes first so that two runs never both post;
// a post that fails is released and tried on the next run.
func (d *Dispatcher) NudgeOverdue(ctx context.Context) error {
	store := d.Service.Store
	now := d.now()
	rs, err := store.OverdueRequests(ctx, now, passBatch)
	if err != nil {
		return fmt.Errorf("selfservice: overdue requests: %w", err)
	}
	var errs []error
	for _, r := range rs {
		ok, err := store.ClaimSLANudge(ctx, r.ID, now)
		if err != nil || !ok {
			errs = append(errs, err)
			continue
		}
		if err := d.Messenger.Alert(ctx, r, AlertOverdue); err != nil {
			errs = append(errs, fmt.Errorf("nudge %s: %w", r.Ref(), err), store.ReleaseSLANudge(ctx, r.ID))
		}
	}
	return errors.Join(errs...)
}
