package outbox

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/rs/zerolog"
)

// maxBackoff caps the delay between retries of one send.
const maxBackoff = 10 * time.Minute

// recordTimeout is how long recording a send's outcome may take beyond
// SendTimeout.
const recordTimeout = 10 * time.Second

// process delivers one claimed send. It runs on a context detached from
// the dispatcher's, bounded by SendTimeout, so that a shutdown lets the
// post finish and records its outcome rather than abandoning it half-way.
// The outcome is recorded on a context of its own (rec): a post that
// used up SendTimeout waiting for its turn must still be marked sent, or
// it would be sent again once its lease expires.
func (d *Dispatcher) process(r Record) {
	ctx, cancel := context.WithTimeout(context.Background(), d.opt.SendTimeout)
	defer cancel()
	rec, recCancel := context.WithTimeout(context.Background(), d.opt.SendTimeout+recordTimeout)
	defer recCancel()
	log := d.opt.Log.With().Int64("send", r.ID).Str("kind", r.Kind).Str("key", r.Key).Logger()
	defer func() {
		if v := recover(); v != nil {
			log.Error().Interface("panic", v).Msg("outbox: send panicked")
			d.retry(rec, log, r, fmt.Errorf("panic: %v", v))
		}
	}()
	s := r.send()
	if !s.NotAfter.IsZero() && !d.opt.Clock.Now().Before(s.NotAfter) {
		d.finish(rec, log, r, Skipped, "expired")
		return
	}
	h, ok := d.handler(r.Kind)
	if !ok {
		// A replica of an older release (a rolling deploy) may claim a
		// kind it does not know: hand it back for one that does.
		d.hold(rec, log, r, d.opt.Clock.Now().Add(unknownKindDelay), fmt.Errorf("no handler for kind %q here", r.Kind))
		return
	}
	r.handler = h
	if s.After != "" && !d.follow(ctx, rec, log, r, &s) {
		return
	}
	if until, why := d.guardHolds(ctx, s); !until.IsZero() {
		d.hold(rec, log, r, until, why)
		return
	}
	if !d.before(ctx, rec, log, r, s, h) {
		return
	}
	if !d.leaseHolds(r) {
		// Queued behind a slow batch (a rate-limited Slack): delivering
		// now could outlast the lease, and another replica that took the
		// send over would deliver it too. Hand it back instead.
		log.Debug().Time("lease_until", r.LeaseUntil).Msg("outbox: lease ends too soon to deliver; handing the send back")
		d.release([]Record{r})
		return
	}
	ref, err := h.Deliver(ctx, s)
	if err != nil {
		d.failed(rec, log, r, err)
		return
	}
	d.delivered(rec, log, r, s, h, ref)
}

// delivered records a delivered send and tells its kind.
func (d *Dispatcher) delivered(rec context.Context, log zerolog.Logger, r Record, s Send, h Handler, ref string) {
	d.markSent(rec, log, r, ref)
	d.sends.WithLabelValues(r.Kind, Sent).Inc()
	d.releaseFollowers(rec, log, r)
	if h.Sent != nil {
		if err := h.Sent(rec, s, ref); err != nil {
			log.Warn().Err(err).Msg("outbox: sent hook failed")
		}
	}
}

// unknownKindDelay is how long a send of a kind this process cannot
// deliver waits before it is claimed again.
const unknownKindDelay = time.Minute

// followDelay is how often a send waiting for the send it follows looks
// again; the first send's outcome also makes its followers due at once.
const followDelay = 2 * time.Second

// releaseFollowers makes the sends that follow r due now that r is done,
// and wakes the dispatcher for them.
func (d *Dispatcher) releaseFollowers(ctx context.Context, log zerolog.Logger, r Record) {
	if !r.Followed {
		return
	}
	if err := d.opt.Store.DueFollowers(ctx, r.Key, d.opt.Clock.Now().UTC()); err != nil {
		log.Warn().Err(err).Msg("outbox: could not release the sends that follow; they look again in a moment")
		return
	}
	d.Wake()
}

// follow checks the send s comes after: delivered, its ref goes into
// s.AfterRef and s may go; not yet, s is held without using an attempt;
// failed, skipped or gone, s is skipped. It reports whether s may go; when
// not, it has recorded why on rec.
func (d *Dispatcher) follow(ctx, rec context.Context, log zerolog.Logger, r Record, s *Send) bool {
	first, found, err := d.opt.Store.Find(ctx, s.After)
	switch {
	case err != nil:
		d.retry(rec, log, r, fmt.Errorf("reading the send it follows: %w", err))
	case !found:
		d.finish(rec, log, r, Skipped, fmt.Sprintf("the send it follows (%s) does not exist", s.After))
	case first.State == Sent:
		s.AfterRef = first.Ref
		return true
	case first.State == Failed || first.State == Skipped:
		d.finish(rec, log, r, Skipped, fmt.Sprintf("the send it follows (%s) was %s", s.After, first.State))
	default:
		d.hold(rec, log, r, d.opt.Clock.Now().Add(followDelay), fmt.Errorf("waiting for %s", s.After))
		d.recheck(rec, log, s.After)
	}
	return false
}

// recheck closes the race between a follower's hold and the outcome of the
// send it follows, which may have released its followers just before the
// hold was recorded: if that send is done now, release them again.
func (d *Dispatcher) recheck(ctx context.Context, log zerolog.Logger, key string) {
	first, found, err := d.opt.Store.Find(ctx, key)
	if err != nil || !found || first.State == Pending || first.State == Claimed {
		return
	}
	d.releaseFollowers(ctx, log, Record{Key: key, Followed: true})
}

// failed records what a failed delivery (or Before hook) asked for.
func (d *Dispatcher) failed(ctx context.Context, log zerolog.Logger, r Record, err error) {
	if until, ok := heldUntil(err); ok {
		d.hold(ctx, log, r, until, err)
		return
	}
	switch {
	case IsPermanent(err):
		d.finish(ctx, log, r, Failed, err.Error())
	case errors.Is(err, ErrRateLimited):
		d.postpone(ctx, log, r, err)
	default:
		d.retry(ctx, log, r, err)
	}
}

// leaseHolds reports whether r's claim outlasts a post started now: the
// wait for the post's turn is bounded by SendTimeout from the start of
// process, which is earlier than now, and the request that follows takes
// well under a second unless Slack is in trouble (bot.API lets a request
// already sent finish rather than cut it off, which would repeat it).
func (d *Dispatcher) leaseHolds(r Record) bool {
	return r.LeaseUntil.IsZero() || !d.opt.Clock.Now().Add(d.opt.SendTimeout).After(r.LeaseUntil)
}

// before runs the kind's Before hook on ctx and reports whether to post;
// when not, it has recorded why on rec.
func (d *Dispatcher) before(ctx, rec context.Context, log zerolog.Logger, r Record, s Send, h Handler) bool {
	if h.Before == nil {
		return true
	}
	ok, reason, err := h.Before(ctx, s)
	switch {
	case err != nil: // a Hold, a users.info still waiting for its turn…
		d.failed(rec, log, r, fmt.Errorf("before hook: %w", err))
		return false
	case !ok:
		d.finish(rec, log, r, Skipped, reason)
		return false
	}
	return true
}

// markSent records the ref, retrying until rec ends (SendTimeout plus
// recordTimeout): a send that was delivered but that stays unmarked would
// be sent again once its lease expires. A database that is cut off for a
// few seconds (a failover, a restarted proxy) must not cost a duplicate
// of every send in flight, and while it is unreachable no other replica
// can claim the send either.
func (d *Dispatcher) markSent(ctx context.Context, log zerolog.Logger, r Record, ref string) {
	var err error
	wait := 100 * time.Millisecond
retries:
	for {
		if err = d.opt.Store.MarkSent(ctx, r.ID, ref, d.opt.Clock.Now().UTC()); err == nil {
			return
		}
		select {
		case <-ctx.Done():
			break retries
		case <-time.After(wait):
		}
		wait = min(2*wait, markSentMaxWait)
	}
	log.Error().Err(err).Str("ref", ref).Msg("outbox: delivered but could not mark as sent; it may be sent again when its lease expires")
}

// markSentMaxWait caps the pause between attempts to mark a send sent, so
// that the mark lands soon after the database is back, before another
// replica may take over the send whose lease ran out meanwhile.
const markSentMaxWait = 500 * time.Millisecond

// retry puts the send back for later with exponential backoff, or fails it
// once its attempts are used up.
func (d *Dispatcher) retry(ctx context.Context, log zerolog.Logger, r Record, cause error) {
	maxAttempts, backoff := r.handler.limits(r.send(), d.opt.MaxAttempts, d.opt.Backoff)
	if r.Attempts >= maxAttempts {
		d.finish(ctx, log, r, Failed, fmt.Sprintf("gave up after %d attempts: %v", r.Attempts, cause))
		return
	}
	wait := backoff << min(max(r.Attempts-1, 0), 16)
	if wait <= 0 || wait > maxBackoff {
		wait = maxBackoff
	}
	log.Warn().Err(cause).Int("attempt", r.Attempts).Dur("retry_in", wait).Msg("outbox: send failed; will retry")
	d.sends.WithLabelValues(r.Kind, "retried").Inc()
	if err := d.opt.Store.Retry(ctx, r.ID, r.ClaimToken, d.opt.Clock.Now().UTC().Add(wait), truncate(cause.Error())); err != nil {
		log.Warn().Err(err).Msg("outbox: could not schedule the retry; it resumes when its lease expires")
	}
}

// rateLimitedDelay is how long a send that rate limits held back
// waits before it is claimed again (plus up to as much jitter, so that
// the sends held back together are not claimed together).
const rateLimitedDelay = time.Second

// postpone puts a send that rate limits held back in line again
// soon, without counting the attempt: in a 429 storm every send is held
// back, and none may run out of attempts for it (it would be lost). The
// wait for a turn, not this delay, is what honours Slack's Retry-After.
func (d *Dispatcher) postpone(ctx context.Context, log zerolog.Logger, r Record, cause error) {
	wait := rateLimitedDelay + rand.N(rateLimitedDelay)
	log.Debug().Err(cause).Dur("retry_in", wait).Msg("outbox: rate limited; will retry")
	d.sends.WithLabelValues(r.Kind, "rate_limited").Inc()
	if err := d.opt.Store.Postpone(ctx, r.ID, r.ClaimToken, d.opt.Clock.Now().UTC().Add(wait), truncate(cause.Error())); err != nil {
		log.Warn().Err(err).Msg("outbox: could not postpone the send; it resumes when its lease expires")
	}
}

// hold puts a send back until until without counting the attempt.
func (d *Dispatcher) hold(ctx context.Context, log zerolog.Logger, r Record, until time.Time, cause error) {
	log.Debug().Err(cause).Time("until", until).Msg("outbox: send held")
	d.sends.WithLabelValues(r.Kind, "held").Inc()
	if err := d.opt.Store.Postpone(ctx, r.ID, r.ClaimToken, until.UTC(), truncate(cause.Error())); err != nil {
		log.Warn().Err(err).Msg("outbox: could not hold the send; it resumes when its lease expires")
	}
}

func (d *Dispatcher) finish(ctx context.Context, log zerolog.Logger, r Record, state, reason string) {
	if state == Failed {
		log.Error().Str("reason", reason).Msg("outbox: send failed for good")
	} else {
		log.Debug().Str("reason", reason).Msg("outbox: send skipped")
	}
	d.sends.WithLabelValues(r.Kind, state).Inc()
	if err := d.opt.Store.Finish(ctx, r.ID, r.ClaimToken, state, truncate(reason), d.opt.Clock.Now().UTC()); err != nil {
		log.Warn().Err(err).Msg("outbox: could not record the outcome; it is retried when its lease expires")
		return
	}
	d.releaseFollowers(ctx, log, r)
	if state == Failed && r.handler.Failed != nil {
		if err := r.handler.Failed(ctx, r.send(), reason); err != nil {
			log.Warn().Err(err).Msg("outbox: failed hook failed")
		}
	}
}

func truncate(s string) string {
	if len(s) > 500 {
		return s[:497] + "..."
	}
	return s
}
