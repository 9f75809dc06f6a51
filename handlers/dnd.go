package handlers

import (
	"context"
	"fmt"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/delivery"
)

// DNDLearner takes what Slack says of someone's Do Not Disturb
// (delivery.Gate).
type DNDLearner interface {
	Learn(ctx context.Context, user string, quiet []delivery.Quiet)
}

// RegisterDND keeps the delivery gate's view of Do Not Disturb current
// from Slack's dnd_updated_user event, so that the people whose status
// changed need no dnd.teamInfo call (a Tier 2 method) before their next
// DM.
func RegisterDND(r *bot.Router, g DNDLearner) {
	r.Event(string(slackevents.DndUpdatedUser), func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		ev, ok := req.Event.(*slackevents.DndUpdatedUserEvent)
		if !ok || ev.User == "" {
			return nil, fmt.Errorf("dnd_updated_user: unexpected payload %T", req.Event)
		}
		st := ev.DndStatus
		g.Learn(ctx, ev.User, QuietOf(slack.DNDStatus{
			Enabled: st.DndEnabled, NextStartTimestamp: int(st.NextDndStartTs), NextEndTimestamp: int(st.NextDndEndTs),
		}))
		return nil, nil
	})
}

// QuietOf turns Slack's Do Not Disturb status into quiet spans: a snooze
// and the scheduled Do Not Disturb hours are each one.
func QuietOf(st slack.DNDStatus) []delivery.Quiet {
	var q []delivery.Quiet
	if st.SnoozeEnabled && st.SnoozeEndTime > 0 {
		q = append(q, delivery.Quiet{Until: time.Unix(int64(st.SnoozeEndTime), 0).UTC()})
	}
	if st.Enabled && st.NextEndTimestamp > st.NextStartTimestamp && st.NextStartTimestamp > 0 {
		q = append(q, delivery.Quiet{
			From:  time.Unix(int64(st.NextStartTimestamp), 0).UTC(),
			Until: time.Unix(int64(st.NextEndTimestamp), 0).UTC(),
		})
	}
	return q
}
