package handlers

import (
	"context"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/delivery"
)

type learned map[string][]delivery.Quiet

func (l learned) Learn(_ context.Context, user string, q []delivery.Quiet) { l[user] = q }

// TestDNDEvents: dnd_updated_user reaches the gate as a quiet span (or
// none, when Do Not Disturb was turned off); a malformed event is an
// error for the log, not a panic.
func TestDNDEvents(t *testing.T) {
	l := learned{}
	r := bot.NewRouter(nil)
	RegisterDND(r, l)
	ctx := context.Background()
	on := &slackevents.DndUpdatedUserEvent{Type: "dnd_updated_user", User: "UON"}
	on.DndStatus.DndEnabled, on.DndStatus.NextDndStartTs, on.DndStatus.NextDndEndTs = true, 1772445600, 1772449200
	off := &slackevents.DndUpdatedUserEvent{Type: "dnd_updated_user", User: "UOFF"}
	for _, ev := range []any{on, off} {
		if _, err := r.Serve(ctx, &bot.Request{Kind: bot.KindEvent, EventType: "dnd_updated_user", Event: ev}); err != nil {
			t.Fatal(err)
		}
	}
	want := delivery.Quiet{From: time.Unix(1772445600, 0).UTC(), Until: time.Unix(1772449200, 0).UTC()}
	if q := l["UON"]; len(q) != 1 || q[0] != want {
		t.Errorf("UON learned %v, want %v", q, want)
	}
	if q, ok := l["UOFF"]; !ok || len(q) != 0 {
		t.Errorf("UOFF learned %v (known %v), want no quiet span", q, ok)
	}
	if _, err := r.Serve(ctx, &bot.Request{Kind: bot.KindEvent, EventType: "dnd_updated_user", Event: &slackevents.UserChangeEvent{}}); err == nil {
		t.Error("a malformed dnd_updated_user was accepted")
	}
}

// TestQuietOf: a snooze and scheduled hours are each a span; a status
// with Do Not Disturb off, or with no end, is none.
func TestQuietOf(t *testing.T) {
	if q := QuietOf(slack.DNDStatus{SnoozeInfo: slack.SnoozeInfo{SnoozeEnabled: true, SnoozeEndTime: 1772449200},
		Enabled: true, NextStartTimestamp: 1772488800, NextEndTimestamp: 1772517600}); len(q) != 2 || !q[0].From.IsZero() {
		t.Errorf("snooze and hours: %v, want two spans, the snooze from now", q)
	}
	if q := QuietOf(slack.DNDStatus{Enabled: false, NextStartTimestamp: 1, NextEndTimestamp: 2}); len(q) != 0 {
		t.Errorf("off: %v, want none", q)
	}
	if q := QuietOf(slack.DNDStatus{Enabled: true, NextStartTimestamp: 5}); len(q) != 0 {
		t.Errorf("no end: %v, want none", q)
	}
}
