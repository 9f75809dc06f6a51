package bot

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limit is a client-side rate limit: PerMinute sustained calls with bursts of
// up to Burst. A PerMinute of zero or less disables the limit.
type Limit struct {
	PerMinute float64
	Burst     int
}

// PerChannelLimitKey is the APIConfig.Limits key of the per-channel
// chat.postMessage limit; Limits["chat.postMessage"] is the workspace-wide one.
const PerChannelLimitKey = "chat.postMessage/channel"

// DefaultLimit returns the built-in client-side limit of method, if any,
// so that a configured budget can keep its default burst.
func DefaultLimit(method string) (Limit, bool) {
	l, ok := defaultLimits[method]
	return l, ok
}

// defaultLimits follow Slack's published tiers (SLACK.md): going over them
// gets HTTP 429s, so we queue locally instead. The tiers are minimums
// ("20+/min"), so these are safe without being tuned per workspace. Bursts
// are small so that a fan-out is spread out rather than front-loaded.
// Methods not listed here are not limited client-side.
var defaultLimits = map[string]Limit{
	// Tier 2.
	"usergroups.users.list": {20, 2},
	"users.list":            {20, 2},
	"dnd.teamInfo":          {20, 2},
	// Tier 3.
	"chat.update":        {50, 3},
	"conversations.open": {50, 3},
	// Tier 4.
	"chat.postEphemeral":    {100, 5},
	"views.open":            {100, 5},
	"views.update":          {100, 5},
	"views.push":            {100, 5},
	"views.publish":         {100, 5},
	"users.info":            {100, 5},
	"conversations.members": {100, 5},
	// Uploads (files.uploadV2's steps).
	"files.getUploadURLExternal":   {100, 5},
	"files.completeUploadExternal": {100, 5},
	// chat.postMessage has its own rule: about 1/s per channel with short
	// bursts, and "several hundred per minute" per workspace.
	"chat.postMessage": {600, 20},
	PerChannelLimitKey: {60, 3},
}

// channelIdleSweep is how often idle per-channel limiters are looked for.
const channelIdleSweep = time.Minute

// limiters holds the client-side limiters and the per-method "blocked
// until" times set by Slack's Retry-After. Its clock is injectable so tests
// can check the spacing without sleeping.
type limiters struct {
	now func() time.Time

	mu        sync.Mutex
	methods   map[string]*rate.Limiter
	budgets   map[string]Limit // the workspace-wide limits before sharing
	replicas  int              // how many processes share the budgets
	channel   Limit            // template for per-channel chat.postMessage limiters
	channels  map[string]*rate.Limiter
	lastSweep time.Time
	blocked   map[string]time.Time
}

func newLimiters(overrides map[string]Limit, now func() time.Time) *limiters {
	l := &limiters{
		now:      now,
		methods:  map[string]*rate.Limiter{},
		budgets:  map[string]Limit{},
		replicas: 1,
		channels: map[string]*rate.Limiter{},
		blocked:  map[string]time.Time{},
	}
	merged := map[string]Limit{}
	for k, v := range defaultLimits {
		merged[k] = v
	}
	for k, v := range overrides {
		merged[k] = v
	}
	for method, lim := range merged {
		if method == PerChannelLimitKey {
			l.channel = lim
			continue
		}
		if lim.PerMinute > 0 {
			l.methods[method] = newLimiter(lim)
			l.budgets[method] = lim
		}
	}
	l.lastSweep = now()
	return l
}

func newLimiter(l Limit) *rate.Limiter {
	burst := max(l.Burst, 1)
	return rate.NewLimiter(rate.Limit(l.PerMinute/60), burst)
}

// share sizes every workspace-wide limiter to its budget divided by
// replicas (at least 1), because Slack counts a method's calls per
// workspace, not per connection: n processes each spending the whole
// budget would get 429s. Bursts are divided too, so that the replicas'
// bursts together stay within the budget's (unless there are more replicas
// than the burst: each keeps a burst of 1). Per-channel limits
// are not divided: a channel or DM is written by the process that posts
// to it. It reports whether the share changed.
func (l *limiters) share(replicas int) bool {
	replicas = max(replicas, 1)
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if replicas == l.replicas {
		return false
	}
	l.replicas = replicas
	for method, lim := range l.methods {
		b := l.budgets[method]
		lim.SetLimitAt(now, rate.Limit(b.PerMinute/60/float64(replicas)))
		lim.SetBurstAt(now, shareBurst(b.Burst, replicas))
	}
	return true
}

// shareBurst is one replica's part of a burst, rounded down so that the
// parts do not add up to more than the whole, but at least 1.
func shareBurst(burst, replicas int) int {
	return max(1, max(burst, 1)/max(replicas, 1))
}

// block makes every caller of method wait until d from now, because Slack
// said so (Retry-After): letting other callers through would only collect
// more 429s and prolong the penalty. A block is only ever extended. The
// method's limiter is also emptied as of the end of the block, so that
// calls resume at the sustained rate rather than with a burst of the
// tokens saved up meanwhile, into a limit that has only just reset.
func (l *limiters) block(method string, d time.Duration) {
	until := l.now().Add(d)
	l.mu.Lock()
	defer l.mu.Unlock()
	if !until.After(l.blocked[method]) {
		return
	}
	l.blocked[method] = until
	if lim := l.methods[method]; lim != nil {
		lim.ReserveN(until, lim.Burst())
	}
}

// blockedFor returns how long method is still blocked by a Retry-After.
func (l *limiters) blockedFor(method string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	until, ok := l.blocked[method]
	if !ok {
		return 0
	}
	if !until.After(now) {
		delete(l.blocked, method)
		return 0
	}
	return until.Sub(now)
}

// reserve takes a token from each limiter that applies to the call and
// returns how long to wait before making it, plus a function that gives the
// tokens back if the caller gives up. channel is only used for
// chat.postMessage.
func (l *limiters) reserve(method, channel string, now time.Time) (time.Duration, func()) {
	var lims []*rate.Limiter
	l.mu.Lock()
	if method == "chat.postMessage" && channel != "" {
		if cl := l.channelLimiter(channel, now); cl != nil {
			lims = append(lims, cl)
		}
	}
	if ml := l.methods[method]; ml != nil {
		lims = append(lims, ml)
	}
	l.mu.Unlock()

	var wait time.Duration
	res := make([]*rate.Reservation, 0, len(lims))
	for _, lim := range lims {
		r := lim.ReserveN(now, 1)
		res = append(res, r)
		wait = max(wait, r.DelayFrom(now))
	}
	return wait, func() {
		t := l.now()
		for _, r := range res {
			r.CancelAt(t)
		}
	}
}

// channelLimiter returns the limiter of one channel (or DM), creating it on
// first use. Limiters that have refilled to their burst are indistinguishable
// from new ones, so they are dropped once a minute: memory stays bounded by
// the channels posted to in the last minute or so. l.mu must be held.
func (l *limiters) channelLimiter(channel string, now time.Time) *rate.Limiter {
	if l.channel.PerMinute <= 0 {
		return nil
	}
	if now.Sub(l.lastSweep) >= channelIdleSweep {
		l.lastSweep = now
		for ch, lim := range l.channels {
			if lim.TokensAt(now) >= float64(lim.Burst()) {
				delete(l.channels, ch)
			}
		}
	}
	lim, ok := l.channels[channel]
	if !ok {
		lim = newLimiter(l.channel)
		l.channels[channel] = lim
	}
	return lim
}

// wait blocks until a call to method may be made: first until any
// Retry-After block has passed, then until the client-side limiters allow
// it. If the wait would outlast ctx's deadline it fails at once instead of
// holding the caller (and a token) for nothing; the error wraps both
// ErrRateLimited (so users are asked to retry) and context.DeadlineExceeded.
func (l *limiters) wait(ctx context.Context, method, channel string) error {
	for {
		now := l.now()
		if d := l.blockedFor(method, now); d > 0 {
			if err := sleepCtx(ctx, now, d); err != nil {
				return fmt.Errorf("blocked by Slack for another %s: %w: %w", d.Round(time.Millisecond), ErrRateLimited, err)
			}
			continue // the block may have been extended meanwhile
		}
		d, cancel := l.reserve(method, channel, now)
		if d <= 0 {
			return nil
		}
		if err := sleepCtx(ctx, now, d); err != nil {
			cancel()
			return fmt.Errorf("client-side limit needs %s: %w: %w", d.Round(time.Millisecond), ErrRateLimited, err)
		}
		if l.blockedFor(method, l.now()) <= 0 {
			return nil
		}
		// Slack answered another caller with a Retry-After while this
		// one waited for its turn: honour it too, then queue again.
	}
}

// errWaitPastDeadline is returned when a wait is known to outlast ctx.
var errWaitPastDeadline = fmt.Errorf("wait would exceed the deadline: %w", context.DeadlineExceeded)

// sleepCtx sleeps for d unless ctx ends first or is known to end before d
// has passed (then it returns at once rather than sleeping in vain).
func sleepCtx(ctx context.Context, now time.Time, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok && now.Add(d).After(dl) {
		return errWaitPastDeadline
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
