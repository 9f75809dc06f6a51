// Package outbox is the table of pending sends: every side effect the bot
// decides on outside a user's request (survey DMs and reminders, office-hours
// reminders, digests, self-service notifications, automation webhooks, file
// uploads) is first written to the database, each under a unique key, and
// then delivered by a Dispatcher through the deliverer registered for its
// kind.
//
// The guarantee: a send that is enqueued is delivered unless its deliverer
// refuses it for good, however often processes crash or restart;
// enqueueing the same key twice sends once; and a send is delivered again
// only if a process died (or lost its database) after the deliverer
// succeeded but before the row was marked sent — so at most the sends in
// flight at a crash may repeat, which is at most Workers per crashed
// process.
//
// Claims: a dispatcher claims a batch of due rows with a lease (state
// "claimed", claim token, lease expiry). On PostgreSQL the claim selects with
// FOR UPDATE SKIP LOCKED inside the transaction that marks the rows, so
// dispatchers of several replicas take disjoint batches without waiting on
// each other; on SQLite, which has one writer, the same transaction is
// atomic by itself. A lease that expires (its process died) makes the row
// claimable again.
//
// The package knows nothing of Slack or HTTP: a payload is JSON that only
// the kind's deliverer reads (see outbox/slacksend for Slack messages).
package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// States of a pending send.
const (
	Pending = "pending" // waiting to be claimed (after NotBefore)
	Claimed = "claimed" // a dispatcher holds it until LeaseUntil
	Sent    = "sent"    // delivered; Ref says what it made (a message ts…)
	Failed  = "failed"  // refused for good, or attempts ran out
	Skipped = "skipped" // its Before hook or NotAfter said not to send
)

// Send is one side effect to deliver.
type Send struct {
	// Kind selects the Handler that delivers the send, e.g. "pulse".
	Kind string
	// Key is unique across all sends: enqueueing a key again is a no-op.
	// Build it from what makes the send unique, e.g. "pulse:<run>:<user>".
	Key string
	// To names the recipient for hooks and logs: a channel or user id, a
	// webhook's name. Never a secret.
	To string
	// Payload is what the kind's deliverer needs, as JSON.
	Payload json.RawMessage
	// NotBefore delays the send; NotAfter (if set) skips it once passed.
	NotBefore time.Time
	NotAfter  time.Time
	// After names the key of a send that must be delivered first (a
	// report's charts follow its message): this one waits for it, is
	// skipped if it fails, and is delivered with its ref in AfterRef (the
	// message ts to thread under). Enqueue both together, so that neither
	// can exist without the other.
	After    string
	AfterRef string
}

// NewSend returns a send of kind to to whose payload is v as JSON.
func NewSend(kind, key, to string, v any) (Send, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return Send{}, fmt.Errorf("outbox: encode %s: %w", key, err)
	}
	return Send{Kind: kind, Key: key, To: to, Payload: b}, nil
}

// Decode reads the payload of s into v.
func (s Send) Decode(v any) error {
	if err := json.Unmarshal(s.Payload, v); err != nil {
		return Permanent(fmt.Errorf("outbox: decode %s: %w", s.Key, err))
	}
	return nil
}

// Record is a send as stored.
type Record struct {
	ID         int64
	Kind       string
	Key        string
	To         string
	Payload    []byte
	State      string
	NotBefore  time.Time
	NotAfter   time.Time // zero: none
	ClaimToken string
	// LeaseUntil is when the claim expires and another dispatcher may take
	// the send over (set by the dispatcher that claimed it; zero if none).
	LeaseUntil time.Time
	Attempts   int
	LastError  string
	// Ref is what the deliverer returned: a message ts, a file id…
	Ref string
	// After is the key of the send this one follows ("" if none);
	// Followed says that other sends follow this one.
	After    string
	Followed bool

	handler Handler // set while a dispatcher processes the record
}

func (r Record) send() Send {
	return Send{Kind: r.Kind, Key: r.Key, To: r.To, Payload: r.Payload, NotBefore: r.NotBefore, NotAfter: r.NotAfter, After: r.After}
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
	// MarkSent records the deliverer's ref. It applies whoever holds the
	// claim: the send is out, so nobody may send it again.
	MarkSent(ctx context.Context, id int64, ref string, now time.Time) error
	// Retry puts a claimed record back to pending until notBefore.
	Retry(ctx context.Context, id int64, token string, notBefore time.Time, lastErr string) error
	// Postpone puts a claimed record back to pending until notBefore
	// without counting the attempt: the delay said nothing about this send
	// (rate limits, a hold until working hours).
	Postpone(ctx context.Context, id int64, token string, notBefore time.Time, lastErr string) error
	// Finish ends a claimed record as Failed or Skipped.
	Finish(ctx context.Context, id int64, token, state, lastErr string, now time.Time) error
	// Release returns unstarted claimed records to pending at once,
	// without counting the attempt (a graceful shutdown).
	Release(ctx context.Context, ids []int64, token string) error
	// Purge deletes finished records created before t.
	Purge(ctx context.Context, before time.Time) (int64, error)
	// Find returns the record with a key, and whether there is one.
	Find(ctx context.Context, key string) (Record, bool, error)
	// DueFollowers makes the pending records that follow the send with
	// key due at now (it has just been sent, failed or skipped).
	DueFollowers(ctx context.Context, key string, now time.Time) error
}

// ErrRateLimited tells the dispatcher that the receiving side's rate limits
// held a send back: it is tried again in a second or two without counting
// an attempt (in a 429 storm every send is held back, and none may run out
// of attempts for it). Deliverers wrap it.
var ErrRateLimited = errors.New("outbox: rate limited")

// Permanent marks err as a refusal that retrying cannot fix (a channel that
// does not exist, a 4xx from a webhook): the send fails at once.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// Hold asks the dispatcher to put the send back until until without
// counting an attempt: the send is fine, only not now (outside the
// recipient's working hours, a webhook's Retry-After).
func Hold(until time.Time, reason error) error { return holdError{until: until, err: reason} }

type holdError struct {
	until time.Time
	err   error
}

func (e holdError) Error() string {
	return fmt.Sprintf("held until %s: %v", e.until.UTC().Format(time.RFC3339), e.err)
}
func (e holdError) Unwrap() error { return e.err }

func heldUntil(err error) (time.Time, bool) {
	var h holdError
	if errors.As(err, &h) {
		return h.until, true
	}
	return time.Time{}, false
}
