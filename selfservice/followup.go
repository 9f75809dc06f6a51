package selfservice

import (
	"context"
	"errors"
	"fmt"
)

// Notifier queues what follows a change of a request: the triage message
// and its updates, the requester's DMs, alerts to the triage channel and
// the automation call. The handlers implement it by rendering each message
// and enqueueing it in the outbox, which delivers it once, retries it and
// survives restarts. Every method must be idempotent for the same
// arguments: a hand-over that failed half-way is repeated.
type Notifier interface {
	// PostTriage queues r's triage message (once per request).
	PostTriage(ctx context.Context, r *Request) error
	// UpdateTriage queues a re-render of r's triage message after ev.
	UpdateTriage(ctx context.Context, r *Request, ev Event) error
	// Notify queues the requester's DM about ev, a transition of r.
	Notify(ctx context.Context, r *Request, ev Event) error
	// Alert queues a triage-channel message about r needing attention
	// (once per request and alert).
	Alert(ctx context.Context, r *Request, a Alert) error
	// Automate queues r's automation call (once per request). Its answer
	// comes back through Automated or AutomationFailed.
	Automate(ctx context.Context, r *Request, c Call) error
}

// Alert says why the triage channel is alerted.
type Alert string

const (
	AlertFailed  Alert = "failed"  // the automation failed for good
	AlertOverdue Alert = "overdue" // the request passed its SLA
)

// Call is one automation call: the hook to call, the key that makes the
// receiver act once whatever the retries, and the body.
type Call struct {
	Hook    string
	Key     string
	Payload Payload
}

// handOverBatch bounds the work of one HandOver or NudgeOverdue run.
const handOverBatch = 50

// followUp hands over what follows a change of request id. The change
// stands whatever happens here: a failure is reported and HandOver, run
// every minute, tries again.
func (s *Service) followUp(ctx context.Context, id int64) {
	if s.Notifier == nil {
		return
	}
	if err := s.handOverRequest(ctx, id); err != nil && s.OnNotifyError != nil {
		s.OnNotifyError(ctx, err)
	}
}

// HandOver queues what a previous process (or a failed follow-up) left
// behind: notifications of events that were never handed over, and the
// automation of approved requests. It is the body of a job that runs every
// minute; queueing is idempotent, so overlapping runs send nothing twice.
func (s *Service) HandOver(ctx context.Context) error {
	evs, err := s.Store.UnsentEvents(ctx, 0, handOverBatch)
	if err != nil {
		return fmt.Errorf("selfservice: unsent events: %w", err)
	}
	var errs []error
	done := map[int64]bool{}
	for _, ev := range evs {
		if !done[ev.RequestID] {
			done[ev.RequestID] = true
			errs = append(errs, s.handOverRequest(ctx, ev.RequestID))
		}
	}
	ids, err := s.Store.AwaitingAutomation(ctx, handOverBatch)
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("selfservice: awaiting automation: %w", err))...)
	}
	for _, id := range ids {
		if !done[id] { // handOverRequest queued its automation already
			errs = append(errs, s.handOverAutomation(ctx, id))
		}
	}
	return errors.Join(errs...)
}

// handOverRequest queues the notifications of request id's unsent events,
// oldest first, marks those that were queued, and queues the automation
// of an approved request.
func (s *Service) handOverRequest(ctx context.Context, id int64) error {
	r, err := s.load(ctx, id)
	if err != nil {
		return err
	}
	evs, err := s.Store.UnsentEvents(ctx, id, handOverBatch)
	if err != nil {
		return fmt.Errorf("selfservice: unsent events of %s: %w", Ref(id), err)
	}
	var sent []int64
	var failed error
	for _, ev := range evs {
		if failed = s.handOverEvent(ctx, r, ev); failed != nil {
			failed = fmt.Errorf("selfservice: notifications of %s: %w", r.Ref(), failed)
			break
		}
		sent = append(sent, ev.ID)
	}
	if len(sent) > 0 {
		if err := s.Store.EventsSent(ctx, sent, s.now()); err != nil {
			return errors.Join(failed, fmt.Errorf("selfservice: mark events of %s handed over: %w", r.Ref(), err))
		}
	}
	if failed != nil {
		return failed
	}
	return s.automate(ctx, r)
}

// handOverEvent queues what one event calls for. A request that waits for
// a platform engineer (a decision, or fulfilment by hand) has a triage
// message: posted by its submission, updated by every later event.
func (s *Service) handOverEvent(ctx context.Context, r *Request, ev Event) error {
	if hasTriage(r) {
		var err error
		if ev.From == Submitted {
			err = s.Notifier.PostTriage(ctx, r)
		} else {
			err = s.Notifier.UpdateTriage(ctx, r, ev)
		}
		if err != nil {
			return err
		}
	}
	if ev.Kind != EventTransition {
		return nil
	}
	if ev.To == Failed && !byPerson(ev) {
		if err := s.Notifier.Alert(ctx, r, AlertFailed); err != nil {
			return err
		}
	}
	return s.Notifier.Notify(ctx, r, ev)
}

// hasTriage reports whether r has, or gets, a triage message: it waits
// for approval or for a person to fulfil it.
func hasTriage(r *Request) bool { return r.NeedsApproval || !r.HasAutomation }

// byPerson reports whether a person (not platformbot or an automation)
// caused ev: people who mark a request failed need no alert about it.
func byPerson(ev Event) bool { return ev.Actor != "" && ev.Actor != ActorAutomation }

func (s *Service) handOverAutomation(ctx context.Context, id int64) error {
	r, err := s.load(ctx, id)
	if err != nil {
		return err
	}
	return s.automate(ctx, r)
}

// automate queues the automation call of an approved request. A request
// whose type (or its automation) left the catalog fails, with a note.
func (s *Service) automate(ctx context.Context, r *Request) error {
	if r.State != Approved || !r.HasAutomation {
		return nil
	}
	t, ok := s.Catalog.Type(r.Type)
	if !ok || !t.Automation.Enabled() {
		_, err := s.transition(ctx, r.ID, Transition{From: []State{Approved}, To: Failed, Actor: ActorAutomation,
			Note: "its automation is no longer configured"})
		return ignoreStateError(err)
	}
	approvers, err := s.Store.Approvers(ctx, r.ID)
	if err != nil {
		return fmt.Errorf("selfservice: approvers of %s: %w", r.Ref(), err)
	}
	c := Call{Hook: t.Automation.Hook, Key: IdempotencyKey(r), Payload: NewPayload(r, approvers)}
	if err := s.Notifier.Automate(ctx, r, c); err != nil {
		return fmt.Errorf("selfservice: queue the automation of %s: %w", r.Ref(), err)
	}
	return nil
}

// ShouldAutomate reports, right before a queued automation call is made,
// whether the request still waits for it: a person may have marked it
// done or failed meanwhile, or an earlier attempt's answer was recorded.
func (s *Service) ShouldAutomate(ctx context.Context, id int64) (bool, string, error) {
	r, err := s.Store.Request(ctx, id)
	switch {
	case errors.Is(err, ErrNotFound):
		return false, "request not found", nil
	case err != nil:
		return false, "", err
	case r.State != Approved:
		return false, r.Ref() + " is " + string(r.State), nil
	}
	return true, "", nil
}

// Automated records the automation's answer to its call: done, or in
// progress when it accepted the request and reports back later. A request
// that a callback or a person moved on meanwhile stays as it is.
func (s *Service) Automated(ctx context.Context, id int64, accepted bool) error {
	t := Transition{From: []State{Approved}, To: Done, Actor: ActorAutomation, Note: "fulfilled automatically"}
	if accepted {
		t.To, t.Note = InProgress, "the automation accepted the request and will report back"
	}
	_, err := s.transition(ctx, id, t)
	return ignoreStateError(err)
}

// AutomationFailed records that the automation call failed for good (a
// refusal, or its attempts ran out); the requester and the triage channel
// are told.
func (s *Service) AutomationFailed(ctx context.Context, id int64, reason string) error {
	_, err := s.transition(ctx, id, Transition{From: []State{Approved}, To: Failed, Actor: ActorAutomation,
		Note: "automation failed: " + reason})
	return ignoreStateError(err)
}

// ignoreStateError drops a *StateError: someone else moved the request on
// first, which is an answer, not a failure.
func ignoreStateError(err error) error {
	var se *StateError
	if errors.As(err, &se) {
		return nil
	}
	return err
}

// NudgeOverdue alerts the triage channel once about each open request that
// passed its SLA: the alert is queued (under a key of its own, so a repeat
// is a no-op), then the request is marked nudged. It is the body of a
// scheduled job.
func (s *Service) NudgeOverdue(ctx context.Context) error {
	now := s.now()
	rs, err := s.Store.OverdueRequests(ctx, now, handOverBatch)
	if err != nil {
		return fmt.Errorf("selfservice: overdue requests: %w", err)
	}
	var errs []error
	for _, r := range rs {
		if err := s.Notifier.Alert(ctx, r, AlertOverdue); err != nil {
			errs = append(errs, fmt.Errorf("selfservice: nudge %s: %w", r.Ref(), err))
			continue
		}
		errs = append(errs, s.Store.SLANudged(ctx, r.ID, now))
	}
	return errors.Join(errs...)
}
