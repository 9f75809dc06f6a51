package surveys

import (
	"context"
	"time"

	"github.com/platformbot/platformbot/workhours"
)

// Planner spreads one run's invitations over the audience's time zones:
// each person is asked at a decent hour of theirs (the next start of
// their working hours, or the survey's SendAt in their zone). A run stays
// one run; only the moment each person is asked differs. delivery.Gate
// implements it; without a Planner everyone is asked when the run starts.
type Planner interface {
	// Plan returns when each user should be asked for a run started at
	// t, never before t; a user it leaves out is asked at t.
	Plan(ctx context.Context, users []string, t time.Time, s Schedule) map[string]time.Time
}

// Schedule is a survey's own say in when its invitations go out; the zero
// Schedule leaves it to the delivery settings.
type Schedule struct {
	Hours  workhours.Window // zero: delivery.working_hours
	SendAt *workhours.Clock // "send at 10:00 local"; nil: the next working hours
}

// IsZero reports whether the survey leaves the timing to the delivery
// settings.
func (s Schedule) IsZero() bool { return s.Hours == (workhours.Window{}) && s.SendAt == nil }

// Invitee is one person to message and their own window: the message
// goes at At, and answers are taken until Closes.
type Invitee struct {
	UserID string
	At     time.Time
	Closes time.Time
}

// lateBy is how much later than planned an invitation may go (the rate
// budget, a short Do Not Disturb) before the person's window moves with
// it: moving it means writing the run's close time, which a fan-out must
// not do once per person.
const lateBy = 15 * time.Minute

// window is the time each person has to answer; runs stored before
// windows were per person have it as their whole span.
func (r Run) window() time.Duration {
	if r.Window > 0 {
		return r.Window
	}
	return r.ClosesAt.Sub(r.StartedAt)
}

// reminder is how long after being asked a person is reminded; 0: never.
func (r Run) reminder() time.Duration {
	switch {
	case r.RemindAt.IsZero():
		return 0
	case r.Reminder > 0:
		return r.Reminder
	}
	return r.RemindAt.Sub(r.StartedAt)
}

// askedAt is when p's window opened (or will open).
func (r Run) askedAt(p Participant) time.Time {
	if p.AskedAt.Before(r.StartedAt) {
		return r.StartedAt
	}
	return p.AskedAt
}

// ClosesFor returns when p's own window ends: as long after they were
// asked as the survey's window, so that nobody gets less time to answer
// because of their zone. It never passes the run's close.
func (r Run) ClosesFor(p Participant) time.Time {
	c := r.askedAt(p).Add(r.window())
	if c.After(r.ClosesAt) {
		return r.ClosesAt
	}
	return c
}

// IsOpenFor reports whether p may answer at t.
func (r Run) IsOpenFor(p Participant, t time.Time) bool {
	return r.IsOpenAt(t) && t.Before(r.ClosesFor(p))
}

// invitee is p's invitation (or, with remind, reminder).
func (r Run) invitee(p Participant, remind bool) Invitee {
	at := r.askedAt(p)
	if remind {
		at = at.Add(r.reminder())
	}
	return Invitee{UserID: p.UserID, At: at, Closes: r.ClosesFor(p)}
}
