package ideas

import (
	"context"
	"time"
)

// Store keeps ideas and votes; storage implements it for PostgreSQL and
// SQLite. Times are UTC. The rules that must hold under concurrent clicks
// are the store's: one vote per person and idea (a unique key), a vote
// count that equals the votes, and no vote landing on an idea that a
// concurrent merge or decision closed.
type Store interface {
	// Create stores a new idea (Status Open, Version 1) and returns it
	// with its id.
	Create(ctx context.Context, i Idea) (Idea, error)
	// Idea returns one idea, or ErrNotFound.
	Idea(ctx context.Context, id int64) (Idea, error)
	// AddVote records v, once per person: it reports whether the vote is
	// new, and returns the idea as it stands after it (a new vote bumps
	// Version). ErrNotFound; a *ClosedError when the idea takes no votes.
	AddVote(ctx context.Context, id int64, v Vote) (Idea, bool, error)
	// RemoveVote takes a person's vote back and reports whether there was
	// one; otherwise like AddVote.
	RemoveVote(ctx context.Context, id int64, user string, at time.Time) (Idea, bool, error)
	// SetStatus applies c and reports whether it changed anything. When
	// it did and the new status is Decided, it also returns the voters,
	// read in the same transaction as the change (so a vote is either in
	// the list or refused). A merged idea is a *ClosedError.
	SetStatus(ctx context.Context, id int64, c Change) (Idea, []string, bool, error)
	// Merge moves dup's votes to into (a person who voted for both keeps
	// one vote), closes dup as Merged and points ideas merged into dup at
	// into; ErrNotFound, or a *ClosedError when dup is merged already or
	// into is merged or decided.
	Merge(ctx context.Context, dup, into int64, by string, at time.Time) (MergeResult, error)
	// SetMessage records the idea's board message and returns the idea.
	SetMessage(ctx context.Context, id int64, channel, ts string) (Idea, error)
	// List returns the ideas that match f.
	List(ctx context.Context, f Filter) ([]Idea, error)
	// Asks returns, for each idea, who asked by team: its voters counted
	// by team (team "" for people in no team) and the teams of its author
	// and of the authors of ideas merged into it.
	Asks(ctx context.Context, ids []int64) (map[int64][]Ask, error)
	// Voted returns which of the ideas user voted for.
	Voted(ctx context.Context, user string, ids []int64) (map[int64]bool, error)
	// Unposted returns ideas that still take votes, have no board message
	// and were created before t.
	Unposted(ctx context.Context, before time.Time) ([]Idea, error)
}

// Change is a status change by an admin.
type Change struct {
	Status Status
	Reason string
	By     string
	At     time.Time
}

// MergeResult is what Merge did.
type MergeResult struct {
	Dup, Into Idea
	// Moved counts the votes that moved: dup's voters who had not voted
	// for into already.
	Moved int
}

// Filter selects ideas for a list.
type Filter struct {
	Statuses []Status // none: every status but Merged
	Person   string   // only ideas this user submitted or voted for
	Newest   bool     // newest first (else oldest first)
	Limit    int      // 0: all
}

// Ask is one team's part in an idea: its voters' votes, and whether the
// idea's author (or the author of an idea merged into it) is in it.
type Ask struct {
	Team   string // "" for votes of people in no team
	Votes  int
	Author bool
}

// Notifier queues what the board sends. Implementations render and
// enqueue idempotently, so that calling twice sends once.
type Notifier interface {
	// Post queues the idea's board message (once per idea).
	Post(ctx context.Context, i Idea) error
	// Refresh queues an update of the idea's board message to the state
	// of version i.Version; it does nothing while the idea is not posted
	// (the post catches up when it is).
	Refresh(ctx context.Context, i Idea) error
	// StatusChanged queues a note in the idea's thread and, for a decided
	// status, one DM per voter (once per idea, status and voter).
	StatusChanged(ctx context.Context, i Idea, voters []string) error
}

// Team is a configured team and how many people are in it.
type Team struct {
	ID   string
	Name string
	Size int // 0 when unknown
}

// Teams says who is in which team; the handlers implement it from the
// configured teams and their Slack user groups.
type Teams interface {
	// TeamOf returns the user's team, "" for none (or when it cannot be
	// told right now: the vote then counts without a team).
	TeamOf(ctx context.Context, user string) string
	// All returns the configured teams with their sizes.
	All(ctx context.Context) []Team
}
