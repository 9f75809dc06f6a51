package main

import (
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
	const user, dm = "UDEV000001", "DDEV000001"
	send := func(text string, extra map[string]any) {
		t.Helper()
		ev := map[string]any{"channel": dm, "channel_type": "im", "user": user, "text": text, "ts": "1700000000.000100"}
		for k, v := range extra {
			ev[k] = v
		}
		id, err := b.Fake.SendEvent("message", ev, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		b.WaitAck(id)
	}
	for i, tc := range []struct{ text, want string }{
		{"help", "Here you can type my commands without the slash"},
		{"platform mine", "You have no requests yet."},
		{"/pulse list", "No pulse surveys are configured."}, // with the slash, as typed by habit
		{"platform request", "opens a form, and Slack opens forms only from a slash command or a button"},
		{"what now", "I don't know “what”."},
	} {
		send(tc.text, nil)
		msgs, err := b.Fake.WaitMessages(b.ctx(), dm, i+1)
		if err != nil {
			t.Fatalf("%q: no answer in the DM: %v\n%s", tc.text, err, b.Logs)
		}
		if got := msgs[i].Text + string(msgs[i].Blocks); !strings.Contains(got, tc.want) {
			t.Errorf("%q: answer %q, want %q", tc.text, got, tc.want)
		}
	}
	send("platform help", map[string]any{"bot_id": "B0FAKEBOT1", "user": ""}) // the bot's own post
	send("edited", map[string]any{"subtype": "message_changed"})
	time.Sleep(200 * time.Millisecond)
	if n := len(b.Fake.Messages(dm)); n != 5 {
		t.Errorf("%d messages in the DM, want 5: the bot answered its own post or an edit", n)
	}
}
