// Package selfservice is the self-service request domain: the catalog of
// things developers can ask for, form validation, the request lifecycle
// with its audit trail, approvals, and the automation calls that fulfil
// requests with no human step. It knows nothing of Slack, SQL or HTTP:
// handlers talk to people and queue messages and calls in the outbox
// (Notifier), the storage package implements Store.
package selfservice

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// State is where a request is in its lifecycle.
type State string

// The lifecycle: submitted → pending_approval → approved → in_progress →
// done, or rejected, failed, or cancelled by the requester before approval.
const (
	Submitted       State = "submitted"
	PendingApproval State = "pending_approval"
	Approved        State = "approved"
	InProgress      State = "in_progress"
	Done            State = "done"
	Rejected        State = "rejected"
	Failed          State = "failed"
	Cancelled       State = "cancelled"
)

// OpenStates are the states of requests that still need something to happen.
var OpenStates = []State{Submitted, PendingApproval, Approved, InProgress}

// Open reports whether the request still needs something to happen.
func (s State) Open() bool { return slices.Contains(OpenStates, s) }

// Label is the state in words, for people.
func (s State) Label() string {
	switch s {
	case PendingApproval:
		return "waiting for approval"
	case InProgress:
		return "in progress"
	}
	return string(s)
}

// transitions lists, for each state, the states it may move to. Every
// change of state goes through Store.Transition, which applies it only if
// the request is still in one of the From states.
var transitions = map[State][]State{
	Submitted:       {PendingApproval, Approved, Cancelled},
	PendingApproval: {Approved, Rejected, Cancelled},
	Approved:        {InProgress, Done, Failed},
	InProgress:      {Done, Failed},
}

// CanMove reports whether the lifecycle allows from → to.
func CanMove(from, to State) bool { return slices.Contains(transitions[from], to) }

// Request is one self-service request. Its fields, title and minutes are
// snapshots taken at submission, so that changing the catalog later does
// not rewrite history or the figures.
type Request struct {
	ID        int64
	Type      string // catalog id
	TypeTitle string
	Requester string // Slack user id
	Team      string // team id from config, "" if unknown (see People.TeamOf)
	State     State
	Fields    []FieldValue
	// Exception is set when a non-standard option was picked: such a
	// request always needs approval.
	Exception         bool
	NeedsApproval     bool
	ApprovalsRequired int
	Approvals         int
	HasAutomation     bool
	// HumanStep is set once a person approved, rejected, or fulfilled the
	// request by hand: such requests do not count as time saved.
	HumanStep     bool
	ManualMinutes int

	CreatedAt time.Time
	UpdatedAt time.Time
	DecidedAt time.Time // approved or rejected; zero if not yet
	DecidedBy string
	DoneAt    time.Time
	ClosedAt  time.Time // done, rejected, failed or cancelled
	SLADueAt  time.Time // zero: no SLA
	Note      string    // the last reason given (rejection, failure, automation)

	TriageChannel string
	TriageTS      string
	Rating        int // 1–5, 0 when not rated
}

// Ref is the request's human id, e.g. REQ-42.
func (r *Request) Ref() string { return Ref(r.ID) }

// Ref formats a request id for people.
func Ref(id int64) string { return "REQ-" + strconv.FormatInt(id, 10) }

// ParseRef reads REQ-42, req-42, #42 or 42.
func ParseRef(s string) (int64, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimPrefix(t, "#")
	if len(t) > 4 && strings.EqualFold(t[:4], "REQ-") {
		t = t[4:]
	}
	id, err := strconv.ParseInt(t, 10, 64)
	if err != nil || id <= 0 {
		return 0, invalid("%s is not a request id; they look like REQ-42.", quoteInput(s))
	}
	return id, nil
}

// Overdue reports whether an open request has passed its SLA at now.
func (r *Request) Overdue(now time.Time) bool {
	return r.State.Open() && !r.SLADueAt.IsZero() && !now.Before(r.SLADueAt)
}

// EventKind says what an audit event records.
type EventKind string

const (
	// EventTransition is a change of state.
	EventTransition EventKind = "transition"
	// EventApproval is one approval that did not (yet) reach the number
	// required; the state stays pending_approval.
	EventApproval EventKind = "approval"
)

// Event is one row of a request's audit trail: who did what, when. It is
// written in the transaction of its change, so a change is never without
// its event; the notifications an event calls for (DM, triage message) are
// handed to the Notifier after the commit and the event marked sent, and
// HandOver finds the events a crash left unsent.
type Event struct {
	ID        int64
	RequestID int64
	Kind      EventKind
	At        time.Time
	Actor     string // Slack user id; "" for platformbot, "automation" for the webhook
	From, To  State
	Note      string
	// Silent events are recorded as already sent (the submission itself:
	// the requester is told by the next event).
	Silent bool
}

// ActorAutomation is the actor of transitions reported by a webhook.
const ActorAutomation = "automation"

// NoteByHand is the note of a request a person marked done or failed by
// hand (Service.Complete): a marker rather than words, so that each reader
// gets it in their own language.
const NoteByHand = "by hand"

// ByHand reports whether note is NoteByHand, or the English words stored
// in its place before it existed ("marked done by hand").
func ByHand(note string) bool {
	switch note {
	case NoteByHand, "marked done by hand", "marked failed by hand":
		return true
	}
	return false
}

// Transition is a change of state requested from the store. The store
// applies it atomically only if the request is in one of From, and writes
// the audit event in the same transaction.
type Transition struct {
	From  []State
	To    State
	Actor string
	Note  string
	At    time.Time
	// Human marks a step taken by a person (approval, rejection, manual
	// fulfilment): the request then no longer counts as "no human step".
	Human bool
}
