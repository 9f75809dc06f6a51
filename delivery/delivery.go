// Package delivery decides when a message the bot sends on its own
// initiative (a survey invitation or reminder, a feedback request, an
// idea's status) may reach a person: inside their working hours, in their
// own time zone, and not while they have paused notifications (Slack's Do
// Not Disturb). Replies to something the person just did are not its
// business: they go at once.
//
// A Gate answers two questions. When a send is queued: how long must it
// wait for the person's working hours (NotBefore)? When it is about to go:
// is the person in Do Not Disturb right now, and until when (HeldUntil)?
// The outbox asks both for the kinds it guards (outbox.Dispatcher.Guard),
// so a held send keeps its place, its order and the rate-limit pacing of
// the sends that are due.
//
// Plan turns one scheduled occurrence into a time per person ("send at
// 10:00 local"): the sends spread over the zones, the run stays one run.
//
// The package knows nothing of Slack: the zone comes from the people
// directory (users.list), Do Not Disturb from a DNDSource (bot adapts
// dnd.teamInfo to it).
package delivery

import (
	"context"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/platformbot/platformbot/people"
	"github.com/platformbot/platformbot/workhours"
)

// Directory gives the person a send is for; people.Directory implements it.
type Directory interface {
	Person(ctx context.Context, id string) (people.Person, error)
}

// Quiet is a span in which a person does not want to be disturbed: a
// snooze, or their scheduled Do Not Disturb hours. Zero: none known.
type Quiet struct {
	From, Until time.Time
}

// covers reports whether t falls in the span.
func (q Quiet) covers(t time.Time) bool {
	return !q.Until.IsZero() && !t.Before(q.From) && t.Before(q.Until)
}

// DNDSource tells who is in Do Not Disturb (Slack's dnd.teamInfo, at most
// DNDBatch users a call). A user missing from the answer has none.
type DNDSource interface {
	TeamDND(ctx context.Context, users []string) (map[string][]Quiet, error)
}

// DNDAnswer is what Slack said of someone's Do Not Disturb, and when.
type DNDAnswer struct {
	Quiet []Quiet
	At    time.Time
}

// DNDStore shares the answers between replicas: a dnd_updated_user event
// reaches one replica, and a dnd.teamInfo call (Tier 2) is worth paying
// once for all of them.
type DNDStore interface {
	SaveDND(ctx context.Context, answers map[string]DNDAnswer) error
	// LoadDND returns the stored answers about users learned at or after
	// since.
	LoadDND(ctx context.Context, users []string, since time.Time) (map[string]DNDAnswer, error)
}

// DNDBatch is how many users one dnd.teamInfo call asks about.
const DNDBatch = 50

// Defaults of Options.
const (
	DefaultDNDTTL = 30 * time.Minute
	// dndTimeout bounds how long one prefetch waits for a turn in Slack's
	// budget (a request under way is not cut short): Do Not Disturb is a
	// courtesy, and the dispatcher claims its next batch only after the
	// prefetch, so each wait stalls the fan-out. dnd.teamInfo answers for
	// about 1,000 people a minute (20 calls of 50); a larger fan-out goes
	// on at its own pace, and those whose lookup found no room in the
	// budget are sent without it. (At 2 s, a 10,000-person fan-out over
	// zones ran at half the allowed rate: BenchmarkFanoutZones.)
	dndTimeout = 250 * time.Millisecond
)

// Options configure a Gate.
type Options struct {
	// Hours are the working hours in each person's zone (default
	// workhours.Default: 09:00–17:00, Monday to Friday).
	Hours workhours.Window
	// Zone is used for a person whose time zone is empty or unknown here,
	// or who cannot be looked up (default UTC).
	Zone *time.Location
	// People gives each person's zone; nil: everyone is in Zone.
	People Directory
	// DND is asked when RespectDND is set.
	DND        DNDSource
	RespectDND bool
	// Shared, if set, shares what each replica learns of Do Not Disturb
	// with the others; nil: each replica knows only its own answers.
	Shared DNDStore
	// DNDTTL is how long an answer about someone's Do Not Disturb is reused
	// (default 30 minutes): dnd.teamInfo is a Tier 2 method.
	DNDTTL time.Duration
	Clock  clockwork.Clock // nil: the real clock
	// Log receives the gate's few log lines (a person in the default zone,
	// a failed Do Not Disturb lookup), as key/value fields; nil: none.
	Log func(msg string, fields ...any)
}

// Gate decides when a self-initiated send may reach a person.
type Gate struct {
	opt Options

	mu     sync.Mutex
	dnd    map[string]DNDAnswer // user → what Slack said, and when
	logged map[string]string    // user → the day (in Zone) their zone fallback was last logged
	// unchecked counts the people sent to without a Do Not Disturb
	// lookup since it was last logged (once a minute at most).
	unchecked int
	lastWarn  time.Time
}

// New returns a Gate.
func New(opt Options) *Gate {
	if opt.Hours == (workhours.Window{}) {
		opt.Hours = workhours.Default()
	}
	if opt.Zone == nil {
		opt.Zone = time.UTC
	}
	if opt.DNDTTL <= 0 {
		opt.DNDTTL = DefaultDNDTTL
	}
	if opt.Clock == nil {
		opt.Clock = clockwork.NewRealClock()
	}
	if opt.Log == nil {
		opt.Log = func(string, ...any) {}
	}
	if opt.DND == nil {
		opt.RespectDND = false
	}
	return &Gate{opt: opt, dnd: map[string]DNDAnswer{}, logged: map[string]string{}}
}

// Hours returns the gate's working hours.
func (g *Gate) Hours() workhours.Window { return g.opt.Hours }

// Zone returns the person's time zone: their Slack zone when this binary
// knows it, else the configured default, logged once per person and day.
// It never fails: a send in the default zone beats no send.
func (g *Gate) Zone(ctx context.Context, user string) *time.Location {
	var p people.Person
	var err error
	if g.opt.People != nil {
		p, err = g.opt.People.Person(ctx, user)
	}
	if err == nil && p.TZ != "" {
		if loc, ok := people.LoadZone(p.TZ); ok {
			return loc
		}
	}
	if g.opt.People != nil {
		g.logFallback(user, p.TZ, err)
	}
	return g.opt.Zone
}

// logFallback logs that user gets the default zone, once per day.
func (g *Gate) logFallback(user, tz string, err error) {
	day := g.opt.Clock.Now().In(g.opt.Zone).Format(time.DateOnly)
	g.mu.Lock()
	seen := g.logged[user] == day
	g.logged[user] = day
	g.mu.Unlock()
	if seen {
		return
	}
	fields := []any{"user", user, "tz", tz, "zone", g.opt.Zone.String()}
	if err != nil {
		fields = append(fields, "error", err.Error())
	}
	g.opt.Log("delivery: time zone unknown, using the default zone", fields...)
}

// NotBefore returns when a send queued at now may reach user at the
// earliest: now inside their working hours, else the next start of them.
func (g *Gate) NotBefore(ctx context.Context, user string, now time.Time) time.Time {
	return g.opt.Hours.Next(now, g.Zone(ctx, user))
}

// Prefetch asks Slack about the Do Not Disturb of the users it has no
// fresh answer for, DNDBatch users a call, so that the sends of one batch
// cost one call rather than one each. With a shared store it first reads
// what the other replicas learned about all of them (one query), and
// shares Slack's answers. Failures are logged: the sends then go without
// it.
func (g *Gate) Prefetch(ctx context.Context, users []string) {
	if !g.opt.RespectDND {
		return
	}
	g.prefetch(ctx, users, true)
}

// prefetch is Prefetch; shared says whether to read the store for users
// this replica already has a fresh answer about (a batch does; a single
// send asks only about a person it knows nothing fresh of).
func (g *Gate) prefetch(ctx context.Context, users []string, shared bool) {
	now := g.opt.Clock.Now()
	missing := g.stale(users, now)
	if g.opt.Shared != nil && (shared || len(missing) > 0) {
		ask := missing
		if shared {
			ask = users
		}
		stored, err := g.opt.Shared.LoadDND(ctx, ask, now.Add(-g.opt.DNDTTL))
		if err != nil {
			g.opt.Log("delivery: reading the shared Do Not Disturb statuses failed", "error", err.Error())
		}
		g.mu.Lock()
		for u, a := range stored {
			if a.At.After(g.dnd[u].At) {
				g.dnd[u] = a
			}
		}
		g.mu.Unlock()
		missing = g.stale(missing, now)
	}
	ctx, cancel := context.WithTimeout(ctx, dndTimeout)
	defer cancel()
	for len(missing) > 0 {
		n := min(len(missing), DNDBatch)
		batch := missing[:n]
		missing = missing[n:]
		got, err := g.opt.DND.TeamDND(ctx, batch)
		if err != nil {
			// Remember "none" for the rest, so that each of their sends
			// does not ask again (not shared: it is not Slack's answer).
			batch, missing, got = append(batch, missing...), nil, nil
		}
		answers := make(map[string]DNDAnswer, len(batch))
		g.mu.Lock()
		for _, u := range batch {
			answers[u] = DNDAnswer{Quiet: got[u], At: now}
			g.dnd[u] = answers[u]
		}
		if err != nil {
			g.unchecked += len(batch)
			if now.Sub(g.lastWarn) >= time.Minute {
				g.opt.Log("delivery: Do Not Disturb not looked up (Slack's budget for dnd.teamInfo, or an error); sending without it",
					"users", g.unchecked, "error", err.Error())
				g.unchecked, g.lastWarn = 0, now
			}
		}
		g.mu.Unlock()
		if err == nil {
			g.share(context.WithoutCancel(ctx), answers)
		}
	}
}

// stale returns the users (once each) this replica has no answer about
// younger than DNDTTL.
func (g *Gate) stale(users []string, now time.Time) []string {
	var out []string
	seen := map[string]bool{}
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, u := range users {
		if e, ok := g.dnd[u]; (!ok || now.Sub(e.At) >= g.opt.DNDTTL) && !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	return out
}

// share stores answers for the other replicas; a failure costs them a
// lookup of their own, so it is only logged.
func (g *Gate) share(ctx context.Context, answers map[string]DNDAnswer) {
	if g.opt.Shared == nil || len(answers) == 0 {
		return
	}
	if err := g.opt.Shared.SaveDND(ctx, answers); err != nil {
		g.opt.Log("delivery: sharing Do Not Disturb statuses failed", "users", len(answers), "error", err.Error())
	}
}

// HeldUntil reports whether a send to user must wait at now because they
// are in Do Not Disturb, and until when: the end of their quiet time, or
// the next start of their working hours after it if it ends after hours.
func (g *Gate) HeldUntil(ctx context.Context, user string, now time.Time) (time.Time, bool) {
	if !g.opt.RespectDND {
		return time.Time{}, false
	}
	g.prefetch(ctx, []string{user}, false)
	g.mu.Lock()
	quiet := g.dnd[user].Quiet
	g.mu.Unlock()
	until, held := now, false
	// Spans can chain (a snooze that ends inside the DND hours).
	for range len(quiet) + 1 {
		moved := false
		for _, q := range quiet {
			if q.covers(until) {
				until, held, moved = q.Until, true, true
			}
		}
		if !moved {
			break
		}
	}
	if !held {
		return time.Time{}, false
	}
	return g.opt.Hours.Next(until, g.Zone(ctx, user)), true
}

// Learn records what Slack said of user's Do Not Disturb in a
// dnd_updated_user event: it counts as a fresh answer, so the sends to
// them need no dnd.teamInfo call for DNDTTL. Each event reaches one
// replica; the shared store tells the others at their next batch.
func (g *Gate) Learn(ctx context.Context, user string, quiet []Quiet) {
	a := DNDAnswer{Quiet: quiet, At: g.opt.Clock.Now()}
	g.mu.Lock()
	g.dnd[user] = a
	g.mu.Unlock()
	g.share(ctx, map[string]DNDAnswer{user: a})
}
