package previews

import (
	"context"
	"time"
)

// State is a person's place in a preview.
type State string

// Participant states.
const (
	Active     State = "active"     // has a seat
	Waitlisted State = "waitlisted" // waits for one, in order
	Left       State = "left"
)

// AutomationState is how far the preview's automation got for a person.
type AutomationState string

// Automation states. A join call is Pending until the receiver answered
// (Enabled) or the outbox gave up (Failed); a leave call is Leaving until
// it is Disabled (or Failed).
const (
	AutomationNone     AutomationState = ""
	AutomationPending  AutomationState = "pending"
	AutomationEnabled  AutomationState = "enabled"
	AutomationFailed   AutomationState = "failed"
	AutomationLeaving  AutomationState = "leaving"
	AutomationDisabled AutomationState = "disabled"
)

// Action is what an automation call asks for.
type Action string

// Automation actions.
const (
	Join  Action = "join"
	Leave Action = "leave"
)

// Participant is one person's row in a preview.
type Participant struct {
	PreviewID string
	UserID    string
	State     State
	Team      string // team id at the first join ("" for none)
	// Generation counts the person's joins; sends about one join (its
	// automation call, its promotion DM) are keyed by it.
	Generation int
	// Queue orders the waitlist (lower first); Position is 1 for the next
	// person to get a seat (set by the queries that say so).
	Queue    int64
	Position int
	// FirstJoinedAt is the first join ever, FirstActiveAt the first seat;
	// JoinedAt and ActiveSince are this generation's.
	FirstJoinedAt time.Time
	FirstActiveAt time.Time
	JoinedAt      time.Time
	ActiveSince   time.Time
	LeftAt        time.Time
	Automation    AutomationState
	// Seq is the preview's change counter when the automation state was
	// last set: automation calls carry it so receivers can order them.
	Seq int64
	// NoticeOwed is set while a promotion DM is owed.
	NoticeOwed bool
}

// Change is the outcome of a join, leave or rebalance.
type Change struct {
	Participant Participant // the person who joined or left
	Before      State       // their state before ("" if new)
	Already     bool        // nothing changed: they were in already
	// Promoted are the people who got a seat from the waitlist.
	Promoted []Participant
}

// JoinRequest is a join as the store carries it out.
type JoinRequest struct {
	PreviewID string
	UserID    string
	Team      string
	// Automation sets a pending automation call on everyone who gets a seat.
	Automation bool
	At         time.Time
}

// Counts are a preview's seats.
type Counts struct {
	Active, Waitlisted, Left int
}

// Ask is one row of the feedback ledger: who was asked at which point, and
// whether they answered. It holds no answer and no answer time, so that
// nothing joins it to the answers of an anonymous preview.
type Ask struct {
	PreviewID string
	PointID   string
	UserID    string
	AskedAt   time.Time
	ClosesAt  time.Time
	RemindAt  time.Time // zero: no reminder
	Invited   bool      // the DM is queued
	Delivered bool
	Reminded  bool
	Answered  bool
}

// IsOpenAt reports whether the ask takes answers at t.
func (a Ask) IsOpenAt(t time.Time) bool { return t.Before(a.ClosesAt) }

// Response is one person's answers at one point. Token is random and ties
// the answers together without naming anyone; only the person's DM carries
// it. UserID and At are set only for previews that are not anonymous.
type Response struct {
	PreviewID string
	PointID   string
	Token     string
	UserID    string
	At        time.Time
	Answers   []Answer
}

// StoredAnswer is one stored answer, for results.
type StoredAnswer struct {
	PointID    string
	QuestionID string
	ResponseID string
	Value      int
	Text       string
	UserID     string    // "" when anonymous
	At         time.Time // zero when anonymous
}

// PreviewStore keeps previews.
type PreviewStore interface {
	// SavePreview writes a configured preview, inserting or updating it.
	SavePreview(ctx context.Context, p Preview) error
	// CreatePreview inserts a new preview; ErrDuplicate if the id is taken.
	CreatePreview(ctx context.Context, p Preview) error
	Preview(ctx context.Context, id string) (Preview, error)
	// Previews returns every preview, newest start first.
	Previews(ctx context.Context) ([]Preview, error)
	Counts(ctx context.Context) (map[string]Counts, error)
}

// SeatStore keeps participants. Every change of seats is serialised per
// preview by the database (not by this process), so that joins racing for
// the last seat give it to exactly one person.
type SeatStore interface {
	// Join gives the person a seat, or a place on the waitlist when the
	// preview is full or others wait already. Joining again while in
	// changes nothing (Already).
	Join(ctx context.Context, req JoinRequest) (Change, error)
	// Leave takes the person out (ErrNotIn if they are not in) and gives
	// free seats to the waitlist in order.
	Leave(ctx context.Context, previewID, userID string, automation bool, at time.Time) (Change, error)
	// Rebalance gives free seats to the waitlist in order (after the cap
	// was raised).
	Rebalance(ctx context.Context, previewID string, automation bool, at time.Time) (Change, error)
	Participant(ctx context.Context, previewID, userID string) (Participant, error)
	Participants(ctx context.Context, previewID string) ([]Participant, error)
	// Memberships returns the user's active and waitlisted rows.
	Memberships(ctx context.Context, userID string) ([]Participant, error)
	// SetAutomation moves the automation state of one generation from one
	// of from to to, and reports whether it did.
	SetAutomation(ctx context.Context, previewID, userID string, generation int, from []AutomationState, to AutomationState) (bool, error)
	// OwedSends returns rows with a pending automation call or an owed
	// promotion DM, changed since since.
	OwedSends(ctx context.Context, previewID string, since time.Time) ([]Participant, error)
	ClearNotice(ctx context.Context, previewID, userID string, generation int) error
}

// FeedbackStore keeps the feedback ledger and answers.
type FeedbackStore interface {
	// DueAfter returns active participants whose seat began before
	// activeBefore and who have no ask for the point yet.
	DueAfter(ctx context.Context, previewID, pointID string, activeBefore time.Time) ([]string, error)
	// ActiveAt returns the participants who had a seat at t.
	ActiveAt(ctx context.Context, previewID, pointID string, t time.Time) ([]string, error)
	// CreateAsks inserts asks; ones that exist are left alone.
	CreateAsks(ctx context.Context, asks []Ask) error
	// Uninvited returns asks whose DM is not queued yet.
	Uninvited(ctx context.Context, previewID string) ([]Ask, error)
	MarkInvited(ctx context.Context, asks []Ask) error
	// DueReminders returns invited, unanswered, open asks whose reminder
	// is due at now and not sent.
	DueReminders(ctx context.Context, previewID string, now time.Time) ([]Ask, error)
	MarkReminded(ctx context.Context, asks []Ask) error
	Ask(ctx context.Context, previewID, pointID, userID string) (Ask, error)
	MarkDelivered(ctx context.Context, previewID, pointID, userID string) error
	// MarkAnswered flips answered from false to true: ErrNotFound if there
	// is no such ask, ErrAnswered if it was answered.
	MarkAnswered(ctx context.Context, previewID, pointID, userID string) error
	UnmarkAnswered(ctx context.Context, previewID, pointID, userID string) error
	// SaveResponse writes answers; with merge, the token must have answers
	// already (else ErrNotFound) and the questions given are replaced. It
	// fails with ErrFeedbackClosed once the preview's feedback is closed.
	SaveResponse(ctx context.Context, r Response, merge bool) error
	ResponseAnswers(ctx context.Context, previewID, token string) ([]Answer, error)
	Answers(ctx context.Context, previewID string) ([]StoredAnswer, error)
	// AskCounts returns how many asks were delivered and answered.
	AskCounts(ctx context.Context, previewID string) (asked, answered int, err error)
	// LastClose returns the latest ClosesAt of the preview's asks.
	LastClose(ctx context.Context, previewID string) (time.Time, error)
	// CloseFeedback marks the feedback closed and, for anonymous
	// previews, rewrites the answers in random order with new ids, so that
	// neither row order nor transaction ids tell when people answered. It
	// reports whether this caller closed it.
	CloseFeedback(ctx context.Context, previewID string, anonymous bool) (bool, error)
}

// Store is everything the previews need from the database.
type Store interface {
	PreviewStore
	SeatStore
	FeedbackStore
}

// Directory resolves team user groups; the Slack port implements it.
type Directory interface {
	UserGroupMembers(ctx context.Context, groupID string) ([]string, error)
}

// Notifier queues what previews send. Implementations render the messages
// and enqueue them for delivery under keys made from what makes each send
// unique, so that calling twice sends once.
type Notifier interface {
	// Announce posts the announcement to the preview's channel once per
	// day (day is YYYY-MM-DD) and reports whether it was new.
	Announce(ctx context.Context, p Preview, day string) (bool, error)
	// Promoted tells a person they got a seat from the waitlist.
	Promoted(ctx context.Context, p Preview, part Participant) error
	// Automation calls the preview's automation for one participant.
	Automation(ctx context.Context, p Preview, part Participant, action Action) error
	// AskFeedback sends the feedback DMs of one point (or the reminders).
	AskFeedback(ctx context.Context, p Preview, asks []Ask, reminder bool) error
}
