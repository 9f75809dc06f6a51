package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/platformbot/platformbot/bot"
)

func TestHelpOverSocketMode(t *testing.T) {
	eachDB(t, func(t *testing.T, db string) {
		b := newTestBot(t, botOptions{DatabaseURL: db})
		for _, line := range []string{"/platform help", "/platform", "/platform frobnicate"} {
			text := AckText(b.Command("UDEV000001", line))
			for _, want := range []string{"/platform", "/officehours", "/pulse"} {
				if !strings.Contains(text, want) {
					t.Errorf("%q: reply lacks %s:\n%s", line, want, text)
				}
			}
		}
		if text := AckText(b.Command("UDEV000001", "/platform frobnicate")); !strings.Contains(text, "I don't know `/platform frobnicate`") {
			t.Errorf("unknown subcommand reply = %q", text)
		}
	})
}

func TestReconnects(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault func(b *testBot)
	}{
		{"refresh_requested", func(b *testBot) { b.Fake.Disconnect("refresh_requested") }},
		{"warning", func(b *testBot) { b.Fake.Disconnect("warning") }},
		{"abrupt close", func(b *testBot) { b.Fake.DropConnections() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newTestBot(t, botOptions{})
			tc.fault(b)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if err := b.Fake.WaitConnectionOpens(ctx, 2); err != nil {
				t.Fatalf("no reconnect: %v\n%s", err, b.Logs)
			}
			if err := b.Fake.WaitConnections(ctx, 1); err != nil {
				t.Fatal(err)
			}
			if text := AckText(b.Command("UDEV000001", "/platform help")); !strings.Contains(text, "/pulse") {
				t.Fatalf("after reconnect, help = %q", text)
			}
		})
	}
}

func TestAppHomeOnceDespiteRedelivery(t *testing.T) {
	b := newTestBot(t, botOptions{})
	ev := &slackevents.AppHomeOpenedEvent{Type: "app_home_opened", User: "UDEV000001", Channel: "D0000001", Tab: "home"}
	for attempt := range 3 {
		id, err := b.Fake.SendEvent("app_home_opened", ev, "Ev0HOME0001", attempt)
		if err != nil {
			t.Fatal(err)
		}
		b.WaitAck(id)
	}
	if _, err := b.Fake.WaitCalls(b.ctx(), "views.publish", 1); err != nil {
		t.Fatalf("home not published: %v\n%s", err, b.Logs)
	}
	time.Sleep(100 * time.Millisecond) // give duplicates a chance to show up
	if n := len(b.Fake.Calls("views.publish")); n != 1 {
		t.Errorf("views.publish called %d times for one event_id, want 1", n)
	}
	if home, ok := b.Fake.HomeView("UDEV000001"); !ok || !strings.Contains(string(home), "platformbot") {
		t.Errorf("home view = %s", home)
	}
}

func TestSlowAndLargeRepliesFollowThroughResponseURL(t *testing.T) {
	big := strings.Repeat("x", 25*1024)
	b := newTestBot(t, botOptions{AckBudget: 50 * time.Millisecond, Setup: func(m *Main) {
		m.Router.Command("/platform", "").Add(
			bot.Subcommand{Name: "slow", Help: "slow", Run: func(ctx context.Context, _ *bot.Request) (*bot.Reply, error) {
				select {
				case <-time.After(300 * time.Millisecond):
				case <-ctx.Done():
				}
				return bot.Say("finally"), nil
			}},
			bot.Subcommand{Name: "big", Help: "big", Run: func(context.Context, *bot.Request) (*bot.Reply, error) {
				return bot.Say(big), nil
			}},
		)
	}})
	for _, tc := range []struct{ sub, want string }{{"slow", "finally"}, {"big", big}} {
		id, err := b.Fake.SendSlashCommand(slack.SlashCommand{Command: "/platform", Text: tc.sub, UserID: "UDEV000001", ChannelID: "CTEST00001"})
		if err != nil {
			t.Fatal(err)
		}
		if ack := b.WaitAck(id); AckText(ack) != "" {
			t.Errorf("%s: ack carried the reply (%d bytes); want an empty ack", tc.sub, len(ack.Payload))
		}
		resp, err := b.Fake.WaitResponses(b.ctx(), id, 1)
		if err != nil {
			t.Fatalf("%s: no response_url post: %v", tc.sub, err)
		}
		var msg struct{ Text string }
		json.Unmarshal(resp[0], &msg)
		if msg.Text != tc.want {
			t.Errorf("%s: response_url text has %d bytes, want %d", tc.sub, len(msg.Text), len(tc.want))
		}
	}
}

func TestPanicGivesRefAndBotSurvives(t *testing.T) {
	b := newTestBot(t, botOptions{Setup: func(m *Main) {
		m.Router.Command("/platform", "").Add(bot.Subcommand{Name: "boom", Help: "x", Run: func(context.Context, *bot.Request) (*bot.Reply, error) {
			panic("boom")
		}})
	}})
	text := AckText(b.Command("UDEV000001", "/platform boom"))
	if !strings.Contains(text, "Something went wrong (ref ") {
		t.Fatalf("reply = %q", text)
	}
	ref := text[strings.Index(text, "(ref ")+5:][:6]
	if !strings.Contains(b.Logs.String(), `"ref":"`+ref+`"`) {
		t.Errorf("log has no line with ref %s", ref)
	}
	if !strings.Contains(AckText(b.Command("UDEV000001", "/platform help")), "/pulse") {
		t.Error("bot did not survive the panic")
	}
}

func TestHealthReadyMetrics(t *testing.T) {
	b := newTestBot(t, botOptions{})
	b.Command("UDEV000001", "/platform help")
	for _, tc := range []struct {
		path string
		code int
		want string
	}{
		{"/healthz", 200, `"ok"`},
		{"/readyz", 200, `"slack":"ok"`},
		{"/metrics", 200, `platformbot_envelopes_total{outcome="ok",type="slash_command"}`},
		{"/metrics", 200, "platformbot_ack_latency_seconds_bucket"},
	} {
		resp, err := http.Get(b.HTTPURL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.code || !strings.Contains(string(body), tc.want) {
			t.Errorf("GET %s = %d, want %d with %q:\n%.600s", tc.path, resp.StatusCode, tc.code, tc.want, body)
		}
	}
	if strings.Contains(b.Logs.String(), "xoxb-") || strings.Contains(b.Logs.String(), "xapp-") {
		t.Error("a token appears in the logs")
	}
}
