package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestTypedDMsAreAnswered: the manifest lets people write in the bot's
// Messages tab, but no message.im was handled, so a typed DM met silence.
// Through Socket Mode: "help" and commands without the slash are answered
// in the DM, a form command points to the slash command, and the bot's own
// posts (which come back as events) are not answered.
func TestTypedDMsAreAnswered(t *testing.T) {
	b := newTestBot(t, botOptions{})
	// One person per message: Slack paces posts to one DM at about one a
	// second, and the client honours that.
	send := func(i int, text string, extra map[string]any) string {
		t.Helper()
		user, dm := fmt.Sprintf("UDM%07d", i), fmt.Sprintf("DDM%07d", i)
		ev := map[string]any{"channel": dm, "channel_type": "im", "user": user, "text": text, "ts": "1700000000.000100"}
		for k, v := range extra {
			ev[k] = v
		}
		id, err := b.Fake.SendEvent("message", ev, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		b.WaitAck(id)
		return dm
	}
	for i, tc := range []struct{ text, want string }{
		{"help", "Here you can type my commands without the slash"},
		{"platform mine", "You have no requests yet."},
		{"/pulse list", "No pulse surveys are configured."}, // with the slash, as typed by habit
		{"platform request", "opens a form, and Slack opens forms only from a slash command or a button"},
		{"what now", "I don't know “what”."},
	} {
		dm := send(i, tc.text, nil)
		msgs, err := b.Fake.WaitMessages(b.ctx(), dm, 1)
		if err != nil {
			t.Fatalf("%q: no answer in the DM: %v\n%s", tc.text, err, b.Logs)
		}
		if got := msgs[0].Text + string(msgs[0].Blocks); !strings.Contains(got, tc.want) {
			t.Errorf("%q: answer %q, want %q", tc.text, got, tc.want)
		}
	}
	own := send(10, "platform help", map[string]any{"bot_id": "B0FAKEBOT1", "user": ""}) // the bot's own post
	edit := send(11, "edited", map[string]any{"subtype": "message_changed"})
	time.Sleep(200 * time.Millisecond)
	if n := len(b.Fake.Messages(own)) + len(b.Fake.Messages(edit)); n != 0 {
		t.Errorf("%d answers to the bot's own post or an edit, want none", n)
	}
}
