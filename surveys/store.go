package surveys

import (
	"context"
	"time"
)

// State is a run's state: open while it takes answers, closed after.
type State string

// Run states.
const (
	Open   State = "open"
	Closed State = "closed"
)

// Run is one sending of a survey: its audience is asked once, reminded
// once, and its answers are reported together.
type Run struct {
	ID       int64
	SurveyID string
	// Occurrence makes starting idempotent: "cron:<time>" for scheduled
	// runs (so replicas and retried jobs start one run), "manual:<random>"
	// for /pulse send.
	Occurrence string
	Snapshot
	State     State
	StartedBy string // user id, or "schedule"
	StartedAt time.Time
	// ClosesAt is when the last person's window ends; each person has
	// their own (ClosesFor), as long as the survey's window from when
	// they were asked. RemindAt is the first reminder due.
	ClosesAt time.Time
	RemindAt time.Time // zero: no reminder
	ClosedAt time.Time
	// Invited, Reminded and ResultsPosted record which once-only steps are
	// done; each is claimed atomically so that a step runs once.
	Invited       bool
	Reminded      bool
	ResultsPosted bool
	Audience      int // participants when the run started
}

// IsOpenAt reports whether the run takes answers at t.
func (r Run) IsOpenAt(t time.Time) bool { return r.State == Open && t.Before(r.ClosesAt) }

// Participant is one row of the participation ledger: who was asked and
// whether they answered. It deliberately holds no answer, no response token
// and no answer time, so that nothing joins it to the answers.
type Participant struct {
	RunID     int64
	UserID    string
	Team      string // team id when the team is large enough to report
	Delivered bool   // the invitation DM went out
	Excluded  bool   // a bot or deactivated account, skipped at send time
	Answered  bool
	Channel   string // the DM channel (D…), once known from an interaction
	TS        string // the invitation message, for chat.update
	// AskedAt is when the person's window opens: the run's planned time
	// for them, moved to the send when it went much later (zero: the
	// run's start).
	AskedAt time.Time
}

// Response is one person's answers to one run. Token is random and ties the
// answers together without naming anyone; only the person's DM (the Change
// button) carries it. UserID is set only for non-anonymous surveys.
type Response struct {
	RunID   int64
	Token   string
	Team    string
	UserID  string
	Answers []Answer
}

// SaveMode says how a Response is written.
type SaveMode int

// Save modes.
const (
	// SaveNew writes a new response.
	SaveNew SaveMode = iota
	// SaveMerge replaces the answers to the questions given and keeps the
	// others ("Answer the rest").
	SaveMerge
	// SaveReplace replaces all answers of the response ("Change").
	SaveReplace
)

// Cell is one count of a tally: how many answered Value to Question among
// the responses of Team.
type Cell struct {
	Team     string
	Question string
	Value    int
}

// Comment is a free-text answer; UserID only for non-anonymous surveys.
type Comment struct {
	QuestionID string
	Text       string
	UserID     string
}

// Tally is everything reporting needs about a run, aggregated by the store.
type Tally struct {
	Asked       int            // delivered, not excluded
	AskedByTeam map[string]int // team "" = no (reportable) team
	Responses   int
	ByTeam      map[string]int // responses per team
	Counts      map[Cell]int
	Comments    []Comment // in random order
}

// RunStore keeps runs.
type RunStore interface {
	// CreateRun stores a run and its participants at once. It returns the
	// existing run with ErrDuplicateRun for a known occurrence, and the open
	// run with ErrRunOpen when the survey has one.
	CreateRun(ctx context.Context, run Run, people []Participant) (Run, error)
	Run(ctx context.Context, id int64) (Run, error)
	// LatestRun returns the survey's most recently started run.
	LatestRun(ctx context.Context, surveyID string) (Run, error)
	// PreviousRun returns the closed run of the same survey started before run.
	PreviousRun(ctx context.Context, run Run) (Run, error)
	// PendingRuns returns runs with work left: open ones, and closed ones
	// whose results are not posted yet.
	PendingRuns(ctx context.Context) ([]Run, error)
	// OpenRuns returns every open run.
	OpenRuns(ctx context.Context) ([]Run, error)
	MarkInvited(ctx context.Context, runID int64) error
	// MarkReminded records that the reminder was queued.
	MarkReminded(ctx context.Context, runID int64) error
	// CloseRun closes an open run and reports whether this caller closed
	// it. For anonymous runs it also rewrites the answers in one
	// transaction, in random order, with the teams FoldTeams names merged
	// into team "" (see docs/surveys.md#pulse-surveys, Guarantees).
	CloseRun(ctx context.Context, runID int64, at time.Time) (bool, error)
	MarkResultsPosted(ctx context.Context, runID int64) error
}

// LedgerStore keeps the participation ledger.
type LedgerStore interface {
	Participant(ctx context.Context, runID int64, userID string) (Participant, error)
	// Invitees returns the participants still to be invited (not
	// excluded).
	Invitees(ctx context.Context, runID int64) ([]Participant, error)
	// Unanswered returns the participants, not excluded, who have not
	// answered (asked already or still to be).
	Unanswered(ctx context.Context, runID int64) ([]Participant, error)
	MarkDelivered(ctx context.Context, runID int64, userID, ts string) error
	// MoveWindow opens a participant's window at askedAt, and keeps the
	// open run open until at least closesAt.
	MoveWindow(ctx context.Context, runID int64, userID string, askedAt, closesAt time.Time) error
	SetChannel(ctx context.Context, runID int64, userID, channel string) error
	Exclude(ctx context.Context, runID int64, userID string) error
	// MarkAnswered flips answered from false to true: ErrNotFound if the
	// user is not a participant, ErrAnswered if they answered already.
	MarkAnswered(ctx context.Context, runID int64, userID string) (Participant, error)
	UnmarkAnswered(ctx context.Context, runID int64, userID string) error
	// Waiting returns the open runs (closing after now) the user was
	// asked in and has not answered.
	Waiting(ctx context.Context, userID string, now time.Time) ([]Run, error)
}

// AnswerStore keeps answers.
type AnswerStore interface {
	// SaveResponse writes a response; for SaveMerge and SaveReplace the
	// token must already have answers in the run (else ErrNotFound). It
	// fails with ErrRunClosed once the run is closed, even if the caller
	// checked before: closing and answering are serialised.
	SaveResponse(ctx context.Context, r Response, mode SaveMode) error
	// Answers returns the answers of one response.
	Answers(ctx context.Context, runID int64, token string) ([]Answer, error)
	Tally(ctx context.Context, runID int64) (Tally, error)
}

// Store is everything the surveys need from the database.
type Store interface {
	RunStore
	LedgerStore
	AnswerStore
}

// Directory resolves audiences; the Slack port implements it.
type Directory interface {
	UserGroupMembers(ctx context.Context, groupID string) ([]string, error)
	ChannelMembers(ctx context.Context, channelID string) ([]string, error)
	// IsActiveHuman reports whether a user can be asked: not a bot, not
	// deactivated.
	IsActiveHuman(ctx context.Context, userID string) (bool, error)
}

// Notifier queues what the surveys send. Implementations render the
// messages and enqueue them for delivery, idempotently per run and user,
// so that calling twice sends once.
type Notifier interface {
	// Invite and Remind queue one DM per invitee, to go at its At and
	// not after its Closes.
	Invite(ctx context.Context, run Run, invitees []Invitee) error
	Remind(ctx context.Context, run Run, invitees []Invitee) error
	PublishResults(ctx context.Context, res Results) error
}
