package people

import (
	"context"
	"errors"
	"time"
)

// Source is how the directory asks Slack. bot adapts the Slack port to it;
// its calls are paced by the port's client-side rate limits.
type Source interface {
	// List lists the whole workspace (users.list with include_locale,
	// following the cursor), handing each page to page in order.
	List(ctx context.Context, page func([]Person) error) error
	// Lookup asks about one person (users.info). It returns an error
	// wrapping ErrNotFound when Slack does not know them.
	Lookup(ctx context.Context, id string) (Person, error)
	// GroupMembers returns the members of a user group (usergroups.users.list).
	GroupMembers(ctx context.Context, group string) ([]string, error)
	// ChannelMembers returns the members of a channel (conversations.members).
	ChannelMembers(ctx context.Context, channel string) ([]string, error)
}

// Store keeps the listing where every replica reads it: the database.
// Each person is stored with the time their data is as of, so that a
// listing taken before an event does not overwrite the event's newer data.
type Store interface {
	// ReplacePeople stores a listing of the whole workspace begun at
	// listedAt: everyone in it is saved unless their stored data is newer,
	// anyone stored as of before listedAt and not in it is removed, and
	// listedAt becomes the time ListedAt returns.
	ReplacePeople(ctx context.Context, people []Person, listedAt time.Time) error
	// SavePerson stores one person (an event, a users.info answer) as of
	// at, unless their stored data is newer.
	SavePerson(ctx context.Context, p Person, at time.Time) error
	// Person returns one stored person; ok is false when none is stored.
	Person(ctx context.Context, id string) (p Person, ok bool, err error)
	// EachPerson calls fn for every stored person, streaming rather than
	// building a slice: a replica starting cold reads the whole listing.
	EachPerson(ctx context.Context, fn func(Person)) error
	// ListedAt returns when the stored listing was begun (zero: never).
	ListedAt(ctx context.Context) (time.Time, error)
}

// Logger receives the directory's few log lines (listings, failures); the
// program adapts its logger to it. Fields are key/value pairs.
type Logger interface {
	Info(msg string, fields ...any)
	Warn(msg string, err error, fields ...any)
}

// nopLogger is the Logger of a directory given none.
type nopLogger struct{}

func (nopLogger) Info(string, ...any)        {}
func (nopLogger) Warn(string, error, ...any) {}

var (
	// ErrNotFound is returned for someone Slack does not know (or does not
	// show the bot: user_not_found, user_not_visible).
	ErrNotFound = errors.New("people: no such person")
	// ErrBusy is returned when the caller's deadline passes while Slack
	// has not yet answered (a lookup queued behind the rate limits, a
	// listing under way). It is not a failure: asking again later works,
	// so background senders put the work back without counting an attempt
	// (bot maps it to bot.ErrRateLimited).
	ErrBusy = errors.New("people: Slack has not answered yet")
	// errNoSource is returned when a directory without a Source would
	// have to ask Slack.
	errNoSource = errors.New("people: no Slack source to ask")
)
