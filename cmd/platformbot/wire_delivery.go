package main

import (
	"context"
	"time"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/delivery"
	"github.com/platformbot/platformbot/handlers"
	"github.com/platformbot/platformbot/handlers/ideas"
	hofficehours "github.com/platformbot/platformbot/handlers/officehours"
	"github.com/platformbot/platformbot/handlers/previews"
	hpulse "github.com/platformbot/platformbot/handlers/pulse"
	"github.com/platformbot/platformbot/people"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/surveys"
)

// guardedKinds are the DMs the bot sends to a person on its own
// initiative: they wait for the person's working hours and Do Not
// Disturb. Replies, channel posts and message updates are not guarded.
var guardedKinds = []string{
	hpulse.RemindKind,
	hofficehours.FeedbackKind,
	previews.FeedbackKind, previews.ReminderKind,
	ideas.KindDecision,
}

// plannedKinds are planned by their feature for each person's hours
// (survey invitations: see surveyPlanner) and wait only for Do Not
// Disturb, so that a survey's own working hours or send_at hold, and an
// invitation planned for 16:59 and posted at 17:01 behind a long fan-out
// still goes today.
var plannedKinds = []string{hpulse.InviteKind}

// wireDelivery builds the delivery gate and, when delivery.enabled is set,
// puts it in front of the guarded kinds: their NotBefore moves to the
// person's next working hours at enqueue, and a send whose person is in
// Do Not Disturb is held until its end, without counting an attempt.
func (m *Main) wireDelivery(context.Context) error {
	cfg := m.Config.Delivery
	opt := delivery.Options{
		Hours: cfg.Hours(), Zone: m.Config.Location(), People: m.People, Clock: m.Clock,
		RespectDND: cfg.DND(), Shared: storage.NewDNDStore(m.DB),
		Log: func(msg string, fields ...any) { m.Log.Info().Fields(fields).Msg(msg) },
	}
	if m.api != nil {
		opt.DND = dndSource{m.api}
	}
	m.delivery = delivery.New(opt)
	if opt.RespectDND {
		handlers.RegisterDND(m.Router, m.delivery)
	}
	if !cfg.On() {
		return nil
	}
	m.Outbox.Guard(m.delivery, guardedKinds...)
	m.Outbox.Guard(dndOnly{m.delivery}, plannedKinds...)
	return nil
}

// dndOnly holds sends for Do Not Disturb but not for working hours, which
// their feature planned.
type dndOnly struct{ *delivery.Gate }

func (dndOnly) NotBefore(_ context.Context, _ string, now time.Time) time.Time { return now }

// surveyPlanner tells the surveys when to ask each person: with delivery
// on, or when the survey says (send_at, working_hours), at a decent hour
// in their zone; else at the start of the run.
type surveyPlanner struct {
	gate *delivery.Gate
	dir  *people.Directory
	on   bool
}

// planListingWait bounds how long starting a run waits for a listing of
// the workspace to plan by (a 10,000-person listing takes about 30 s, and
// is made when the first replica starts); past it, people not yet listed
// are planned in the default zone.
const planListingWait = 2 * time.Minute

func (p surveyPlanner) Plan(ctx context.Context, users []string, t time.Time, s surveys.Schedule) map[string]time.Time {
	if !p.on && s.IsZero() {
		return nil
	}
	if p.dir != nil {
		// Half of what is left of the caller's time at most (a /pulse send
		// has 30 s): the run must still be created in it.
		wait := planListingWait
		if d, ok := ctx.Deadline(); ok {
			wait = min(wait, time.Until(d)/2)
		}
		wctx, cancel := context.WithTimeout(ctx, wait)
		_ = p.dir.WaitListing(wctx) // a failed listing leaves the default zone, logged by the gate
		cancel()
	}
	return p.gate.Plan(ctx, users, t, delivery.Schedule{Hours: s.Hours, At: s.SendAt})
}

// dndSource adapts dnd.teamInfo to the gate.
type dndSource struct{ api *bot.API }

func (s dndSource) TeamDND(ctx context.Context, users []string) (map[string][]delivery.Quiet, error) {
	got, err := s.api.TeamDND(ctx, users)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]delivery.Quiet, len(got))
	for u, st := range got {
		if q := handlers.QuietOf(st); len(q) > 0 {
			out[u] = q
		}
	}
	return out, nil
}
