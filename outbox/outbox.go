// Package outbox is the table of pending sends: messages the bot has decided
// to post (survey DMs, reminders, results, digests) are first written to the
// database, each under a unique key, and then delivered by a Dispatcher.
//
// The guarantee: a send that is enqueued is delivered unless Slack refuses it
// for good, however often processes crash or restart; enqueueing the same
// key twice sends once; and a send is posted again only if a process died
// (or lost its database) after Slack accepted the post but before the row was
// marked sent — so at most the sends in flight at a crash may repeat, which
// is at most Workers per crashed process.
//
// Claims: a dispatcher claims a batch of due rows with a lease (state
// "claimed", claim token, lease expiry). On PostgreSQL the claim selects with
// FOR UPDATE SKIP LOCKED inside the transaction that marks the rows, so
// dispatchers of several replicas take disjoint batches without waiting on
// each other; on SQLite, which has one writer, the same transaction is
// atomic by itself. A lease that expires (its process died) makes the row
// claimable again.
package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
)

// States of a pending send.
const (
	Pending = "pending" // waiting to be claimed (after NotBefore)
	Claimed = "claimed" // a dispatcher holds it until LeaseUntil
	Sent    = "sent"    // Slack accepted it; TS is the message
	Failed  = "failed"  // Slack refused it for good, or attempts ran out
	Skipped = "skipped" // its Before hook or NotAfter said not to send
)

// Send is one message to deliver.
type Send struct {
	// Kind routes the send's hooks, e.g. "pulse".
	Kind string
	// Key is unique across all sends: enqueueing a key again is a no-op.
	// Build it from what makes the send unique, e.g. "pulse:<run>:<user>".
	Key string
	// Channel is a channel id, or a user id for a DM (chat.postMessage
	// posts into the app's DM with that user).
	Channel string
	Message bot.Message
	// NotBefore delays the send; NotAfter (if set) skips it once passed.
	NotBefore time.Time
	NotAfter  time.Time
}

// Record is a send as stored.
type Record struct {
	ID         int64
	Kind       string
	Key        string
	Channel    string
	Payload    []byte // the message as JSON
	State      string
	NotBefore  time.Time
	NotAfter   time.Time // zero: none
	ClaimToken string
	// LeaseUntil is when the claim expires and another dispatcher may take
	// the send over (set by the dispatcher that claimed it; zero if none).
	LeaseUntil time.Time
	Attempts   int
	LastError  string
	TS         string
}

// Store keeps pending sends; storage implements it for PostgreSQL and
// SQLite. Times are UTC.
type Store interface {
	// Enqueue inserts the records whose keys are new and returns how many.
	Enqueue(ctx context.Context, recs []Record, now time.Time) (int, error)
	// Claim marks up to limit due records (pending with NotBefore <= now,
	// or claimed with an expired lease) as claimed by owner until
	// now+lease, counting an attempt, and returns them with their claim
	// token. Concurrent claims never return the same record.
	Claim(ctx context.Context, owner string, limit int, now time.Time, lease time.Duration) ([]Record, error)
	// MarkSent records the message ts. It applies whoever holds the claim:
	// the message is out, so nobody may send it again.
	MarkSent(ctx context.Context, id int64, ts string, now time.Time) error
	// Retry puts a claimed record back to pending until notBefore.
	Retry(ctx context.Context, id int64, token string, notBefore time.Time, lastErr string) error
	// Postpone puts a claimed record back to pending until notBefore
	// without counting the attempt: Slack was rate limiting, which says
	// nothing about this send.
	Postpone(ctx context.Context, id int64, token string, notBefore time.Time, lastErr string) error
	// Finish ends a claimed record as Failed or Skipped.
	Finish(ctx context.Context, id int64, token, state, lastErr string, now time.Time) error
	// Release returns unstarted claimed records to pending at once,
	// without counting the attempt (a graceful shutdown).
	Release(ctx context.Context, ids []int64, token string) error
	// Purge deletes finished records created before t.
	Purge(ctx context.Context, before time.Time) (int64, error)
}

// payload is the stored form of a bot.Message.
type payload struct {
	Text   string       `json:"text"`
	Blocks slack.Blocks `json:"blocks"`
}

// encode turns a Send into a Record.
func encode(s Send) (Record, error) {
	if s.Kind == "" || s.Key == "" || s.Channel == "" {
		return Record{}, fmt.Errorf("outbox: a send needs a kind, a key and a channel (key %q)", s.Key)
	}
	b, err := json.Marshal(payload{Text: s.Message.Text, Blocks: slack.Blocks{BlockSet: s.Message.Blocks}})
	if err != nil {
		return Record{}, fmt.Errorf("outbox: encode %s: %w", s.Key, err)
	}
	return Record{
		Kind: s.Kind, Key: s.Key, Channel: s.Channel, Payload: b, State: Pending,
		NotBefore: s.NotBefore.UTC(), NotAfter: s.NotAfter.UTC(),
	}, nil
}

// decode turns a Record back into the Send it was made from.
func decode(r Record) (Send, error) {
	var p payload
	if err := json.Unmarshal(r.Payload, &p); err != nil {
		return Send{}, fmt.Errorf("outbox: decode %s: %w", r.Key, err)
	}
	return Send{
		Kind: r.Kind, Key: r.Key, Channel: r.Channel,
		Message:   bot.Message{Text: p.Text, Blocks: p.Blocks.BlockSet},
		NotBefore: r.NotBefore, NotAfter: r.NotAfter,
	}, nil
}
