package selfservice

import (
	"context"
	"time"
)

// Store keeps requests, their audit trail and approvals. Implementations
// make every state change an atomic conditional update (… WHERE state IN
// From) that writes its audit event in the same transaction, and return
// *StateError when no row matched, so that concurrent clicks cause exactly
// one transition.
type Store interface {
	// CreateRequest inserts r (setting r.ID) with its first events.
	CreateRequest(ctx context.Context, r *Request, events []Event) error
	Request(ctx context.Context, id int64) (*Request, error)
	// Events returns a request's audit trail, oldest first.
	Events(ctx context.Context, id int64) ([]Event, error)
	// Approvers returns who approved a request, in order.
	Approvers(ctx context.Context, id int64) ([]string, error)
	Transition(ctx context.Context, id int64, t Transition) (*Request, error)
	// Approve records one approval of a pending request and, if it is the
	// required-th, moves the request to approved, all in one transaction.
	// It returns ErrAlreadyApproved for a second approval by the same
	// approver and *StateError when the request is no longer pending.
	Approve(ctx context.Context, id int64, approver string, at time.Time) (ApprovalOutcome, error)
	// RequestsBy returns a requester's latest requests, newest first.
	RequestsBy(ctx context.Context, requester string, limit int) ([]*Request, error)
	// OpenRequests returns open requests, oldest first, of the given types
	// (all types when types is nil).
	OpenRequests(ctx context.Context, types []string, limit int) ([]*Request, error)
	SetTriageMessage(ctx context.Context, id int64, channel, ts string) error
	// Rate records the requester's 1–5 answer on a done request.
	Rate(ctx context.Context, id int64, requester string, score int, at time.Time) error

	Outbox
	AutomationQueue
	// OverdueRequests returns open requests whose SLA passed before now and
	// that were not nudged yet.
	OverdueRequests(ctx context.Context, now time.Time, limit int) ([]*Request, error)
	// ClaimSLANudge marks a request nudged; false if another run did first.
	ClaimSLANudge(ctx context.Context, id int64, at time.Time) (bool, error)
	// ReleaseSLANudge undoes a claim whose nudge could not be posted.
	ReleaseSLANudge(ctx context.Context, id int64) error
}

// ApprovalOutcome is the result of one approval.
type ApprovalOutcome struct {
	Request      *Request // after the approval
	Count        int      // approvals so far
	Transitioned bool     // this approval moved the request to approved
}

// Outbox is the delivery queue of audit events: the notifications of a
// transition are sent after it committed, and a crash between the two
// loses nothing because undelivered events are found again.
type Outbox interface {
	// PendingEvents returns undelivered events that are not leased at now
	// and have been tried fewer than maxAttempts times, oldest first.
	PendingEvents(ctx context.Context, now time.Time, maxAttempts, limit int) ([]Event, error)
	// ClaimEvent leases an event until leaseUntil; false if it is
	// delivered or leased by someone else.
	ClaimEvent(ctx context.Context, id int64, now, leaseUntil time.Time) (bool, error)
	// DeliveredEvent marks a claimed event delivered.
	DeliveredEvent(ctx context.Context, id int64, at time.Time) error
}

// AutomationQueue finds approved requests whose webhook has not completed.
type AutomationQueue interface {
	// DueAutomations returns ids of approved requests with automation whose
	// lease is free at now, oldest first.
	DueAutomations(ctx context.Context, now time.Time, limit int) ([]int64, error)
	// ClaimAutomation leases a due request until leaseUntil and counts the
	// run; ok is false if it is not due (any more).
	ClaimAutomation(ctx context.Context, id int64, now, leaseUntil time.Time) (runs int, ok bool, err error)
}
