package main

import (
	"context"
	"time"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/delivery"
	"github.com/platformbot/platformbot/handlers/ideas"
	hofficehours "github.com/platformbot/platformbot/handlers/officehours"
	"github.com/platformbot/platformbot/handlers/previews"
	hpulse "github.com/platformbot/platformbot/handlers/pulse"
)

// guardedKinds are the DMs the bot sends to a person on its own
// initiative: they wait for the person's working hours and Do Not
// Disturb. Replies, channel posts and message updates are not guarded.
var guardedKinds = []string{
	hpulse.InviteKind, hpulse.RemindKind,
	hofficehours.FeedbackKind,
	previews.FeedbackKind, previews.ReminderKind,
	ideas.KindDecision,
}

// wireDelivery puts the delivery gate in front of the guarded kinds when
// delivery.enabled is set: their NotBefore moves to the person's next
// working hours at enqueue, and a send whose person is in Do Not Disturb
// is held until its end, without counting an attempt.
func (m *Main) wireDelivery(context.Context) error {
	cfg := m.Config.Delivery
	if !cfg.Enabled {
		return nil
	}
	opt := delivery.Options{
		Hours: cfg.Hours(), Zone: m.Config.Location(), People: m.People, Clock: m.Clock,
		RespectDND: cfg.DND(),
		Log:        func(msg string, fields ...any) { m.Log.Info().Fields(fields).Msg(msg) },
	}
	if m.api != nil {
		opt.DND = dndSource{m.api}
	}
	m.Outbox.Guard(delivery.New(opt), guardedKinds...)
	return nil
}

// dndSource adapts dnd.teamInfo to the gate: a snooze and the scheduled
// Do Not Disturb hours are each a quiet span.
type dndSource struct{ api *bot.API }

func (s dndSource) TeamDND(ctx context.Context, users []string) (map[string][]delivery.Quiet, error) {
	got, err := s.api.TeamDND(ctx, users)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]delivery.Quiet, len(got))
	for u, st := range got {
		var q []delivery.Quiet
		if st.SnoozeEnabled && st.SnoozeEndTime > 0 {
			q = append(q, delivery.Quiet{Until: time.Unix(int64(st.SnoozeEndTime), 0).UTC()})
		}
		if st.Enabled && st.NextEndTimestamp > st.NextStartTimestamp && st.NextStartTimestamp > 0 {
			q = append(q, delivery.Quiet{From: time.Unix(int64(st.NextStartTimestamp), 0).UTC(), Until: time.Unix(int64(st.NextEndTimestamp), 0).UTC()})
		}
		if len(q) > 0 {
			out[u] = q
		}
	}
	return out, nil
}
