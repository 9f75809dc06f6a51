package outbox

import (
	"context"
	"fmt"
	"time"
)

// Guard decides when a send the bot makes on its own initiative may reach
// its recipient (To): inside their working hours, not while they are in Do
// Not Disturb. delivery.Gate implements it.
type Guard interface {
	// NotBefore is the earliest time a send queued at now may reach to.
	NotBefore(ctx context.Context, to string, now time.Time) time.Time
	// HeldUntil reports whether to must not be disturbed at now, and until
	// when.
	HeldUntil(ctx context.Context, to string, now time.Time) (time.Time, bool)
}

// prefetcher is an optional part of a Guard: it learns about the
// recipients of a claimed batch at once (one dnd.teamInfo call for fifty
// people rather than fifty calls).
type prefetcher interface {
	Prefetch(ctx context.Context, to []string)
}

// Guard makes the sends of kinds wait for g: at Enqueue their NotBefore
// moves to the recipient's next allowed time, and right before delivery a
// send whose recipient is held is put back until then, without counting an
// attempt. Only kinds the bot sends on its own initiative (invitations,
// reminders, feedback requests) are guarded; replies go at once. Call it
// while wiring; a kind has one guard, the last given.
func (d *Dispatcher) Guard(g Guard, kinds ...string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.guards == nil {
		d.guards = map[string]Guard{}
	}
	for _, k := range kinds {
		d.guards[k] = g
	}
}

func (d *Dispatcher) guardFor(kind string) Guard {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.guards[kind]
}

// guardEnqueue moves the NotBefore of guarded sends to their recipient's
// next allowed time, so that a held send is stored as such and survives a
// restart.
func (d *Dispatcher) guardEnqueue(ctx context.Context, s *Send) {
	g := d.guardFor(s.Kind)
	if g == nil || s.To == "" {
		return
	}
	if nb := g.NotBefore(ctx, s.To, s.NotBefore); nb.After(s.NotBefore) {
		s.NotBefore = nb
	}
}

// prefetch lets the guard learn about the recipients of a claimed batch.
func (d *Dispatcher) prefetch(ctx context.Context, recs []Record) {
	to := map[prefetcher][]string{}
	var order []prefetcher
	for _, r := range recs {
		if p, ok := d.guardFor(r.Kind).(prefetcher); ok && r.To != "" {
			if _, seen := to[p]; !seen {
				order = append(order, p)
			}
			to[p] = append(to[p], r.To)
		}
	}
	for _, p := range order {
		p.Prefetch(ctx, to[p])
	}
}

// guardHolds reports until when a guarded send must wait (zero: it may go)
// and why: its
// recipient is outside working hours now (the send waited behind others,
// or the hours changed), or in Do Not Disturb.
func (d *Dispatcher) guardHolds(ctx context.Context, s Send) (until time.Time, why error) {
	g := d.guardFor(s.Kind)
	if g == nil || s.To == "" {
		return time.Time{}, nil
	}
	now := d.opt.Clock.Now().UTC()
	if nb := g.NotBefore(ctx, s.To, now); nb.After(now) {
		return nb, fmt.Errorf("outside %s's working hours", s.To)
	}
	if until, held := g.HeldUntil(ctx, s.To, now); held && until.After(now) {
		return until, fmt.Errorf("%s is in Do Not Disturb", s.To)
	}
	return time.Time{}, nil
}
