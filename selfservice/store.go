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

	// UnsentEvents returns events whose notifications were not handed
	// over yet, oldest first: of request id, or of any request when id
	// is 0. Silent events count as handed over.
	UnsentEvents(ctx context.Context, id int64, limit int) ([]Event, error)
	// EventsSent records that the events' notifications are queued.
	EventsSent(ctx context.Context, ids []int64, at time.Time) error
	// AwaitingAutomation returns ids of approved requests with automation,
	// oldest first: their call is queued, or was lost with a process.
	AwaitingAutomation(ctx context.Context, limit int) ([]int64, error)
	// OverdueRequests returns open requests whose SLA passed before now and
	// that were not nudged yet.
	OverdueRequests(ctx context.Context, now time.Time, limit int) ([]*Request, error)
	// SLANudged records that a request's overdue alert is queued.
	SLANudged(ctx context.Context, id int64, at time.Time) error
}

// ApprovalOutcome is the result of one approval.
type ApprovalOutcome struct {
	Request      *Request // after the approval
	Count        int      // approvals so far
	Transitioned bool     // this approval moved the request to approved
}
