package selfservice

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Approve records user's approval of a pending request. Only the type's
// approvers may approve, never their own request. Two approvers clicking
// at once, or one clicking twice, cause exactly one transition: the loser
// gets a *StateError or an "already approved" message.
func (s *Service) Approve(ctx context.Context, id int64, user string) (ApprovalOutcome, error) {
	r, err := s.decidable(ctx, id, user)
	if err != nil {
		return ApprovalOutcome{}, err
	}
	out, err := s.Store.Approve(ctx, id, user, s.now())
	switch {
	case errors.Is(err, ErrAlreadyApproved):
		return ApprovalOutcome{}, ErrAlreadyApproved.Withf("You have already approved %s; it needs %d approvals.", r.Ref(), r.ApprovalsRequired)
	case err != nil:
		return ApprovalOutcome{}, s.stateErr(ctx, err)
	}
	s.followUp(ctx, id)
	return out, nil
}

// Reject turns a pending request down with a reason the requester reads.
func (s *Service) Reject(ctx context.Context, id int64, user, reason string) (*Request, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, FieldErrors{"reason": fieldError(ReasonWhyMissing, nil, "Tell the requester why.")}
	}
	if _, err := s.decidable(ctx, id, user); err != nil {
		return nil, err
	}
	return s.transition(ctx, id, Transition{From: []State{PendingApproval}, To: Rejected, Actor: user, Note: reason, Human: true})
}

// CanDecide returns a pending request if user may approve or reject it,
// else the refusal to show; the Reject button checks it before opening
// its reason modal.
func (s *Service) CanDecide(ctx context.Context, id int64, user string) (*Request, error) {
	return s.decidable(ctx, id, user)
}

// decidable loads a pending request and checks that user may decide it.
func (s *Service) decidable(ctx context.Context, id int64, user string) (*Request, error) {
	r, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.State != PendingApproval {
		return nil, &StateError{ID: id, Current: r.State, By: r.DecidedBy}
	}
	if r.Requester == user {
		return nil, forbidden("You can't decide your own request %s; another approver has to.", r.Ref())
	}
	ok, err := s.CanApprove(ctx, r, user)
	if err != nil {
		return nil, err
	}
	if !ok {
		only := &OnlyError{Action: "decide", Ref: r.Ref()}
		if p := s.policyOf(r); p.Kind == ApprovalUserGroup {
			only.Group = p.UserGroup
		}
		return nil, only
	}
	return r, nil
}

// Cancel withdraws a request; only its requester can, and only before it
// is approved.
func (s *Service) Cancel(ctx context.Context, id int64, user string) (*Request, error) {
	r, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.Requester != user {
		return nil, &OnlyError{User: r.Requester, Action: "cancel", Ref: r.Ref()}
	}
	// No note: the event names who cancelled, and a note would say it twice.
	return s.transition(ctx, id, Transition{From: []State{Submitted, PendingApproval}, To: Cancelled, Actor: user})
}

// Complete is a platform engineer marking an approved or in-progress
// request done (or failed) by hand: the way requests without automation
// are fulfilled, and the way out of a stuck automation.
func (s *Service) Complete(ctx context.Context, id int64, user string, to State, note string) (*Request, error) {
	if to != Done && to != Failed {
		return nil, fmt.Errorf("selfservice.Complete: bad target state %q", to)
	}
	r, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	admin, err := s.People.IsAdmin(ctx, user)
	if err != nil {
		return nil, err
	}
	if !admin {
		ok, err := s.CanApprove(ctx, r, user)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, forbidden("Only the platform team can mark %s %s.", r.Ref(), to)
		}
	}
	return s.transition(ctx, id, Transition{From: []State{Approved, InProgress}, To: to, Actor: user, Note: strings.TrimSpace(note), Human: true})
}

// StatusReport is what an automation reports back about a request it
// accepted (202): still in progress, done or failed, with an optional note
// for the requester.
type StatusReport struct {
	Status State
	Note   string
}

// CallbackToken returns the bearer token that may report on request id:
// its type's callback token, "" when the type has none (callbacks are then
// refused).
func (s *Service) CallbackToken(ctx context.Context, id int64) (string, error) {
	r, err := s.load(ctx, id)
	if err != nil {
		return "", err
	}
	t, ok := s.Catalog.Type(r.Type)
	if !ok || !t.Automation.Enabled() {
		return "", nil
	}
	return t.Automation.CallbackToken, nil
}

// ReportStatus applies an automation's report. Reporting the state the
// request is already in is a no-op, so callbacks may be retried.
func (s *Service) ReportStatus(ctx context.Context, id int64, rep StatusReport) (*Request, error) {
	if rep.Status != InProgress && rep.Status != Done && rep.Status != Failed {
		return nil, invalid("status must be in_progress, done or failed, not %q", rep.Status)
	}
	r, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.State == rep.Status {
		return r, nil
	}
	return s.transition(ctx, id, Transition{From: []State{Approved, InProgress}, To: rep.Status, Actor: ActorAutomation, Note: strings.TrimSpace(rep.Note)})
}

// Rate records the requester's answer to "How was this?" (1–5).
func (s *Service) Rate(ctx context.Context, id int64, user string, score int) error {
	if score < 1 || score > 5 {
		return invalid("Ratings go from 1 to 5.")
	}
	err := s.Store.Rate(ctx, id, user, score, s.now())
	switch {
	case errors.Is(err, ErrNotFound):
		return notFound(id)
	case errors.Is(err, ErrForbidden):
		return forbidden("Only the requester can rate %s.", Ref(id))
	}
	return err
}

// transition applies t and hands over what follows it.
func (s *Service) transition(ctx context.Context, id int64, t Transition) (*Request, error) {
	t.At = s.now()
	r, err := s.Store.Transition(ctx, id, t)
	if err != nil {
		return nil, s.stateErr(ctx, err)
	}
	s.followUp(ctx, id)
	return r, nil
}

// stateErr passes StateErrors and not-found through as user-facing errors
// and wraps anything else.
func (s *Service) stateErr(_ context.Context, err error) error {
	var se *StateError
	switch {
	case errors.As(err, &se):
		return se
	case errors.Is(err, ErrNotFound):
		return err
	}
	return fmt.Errorf("selfservice: %w", err)
}
