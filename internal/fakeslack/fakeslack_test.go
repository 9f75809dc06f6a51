package fakeslack_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
	"go.uber.org/goleak"

	"github.com/platformbot/platformbot/internal/fakeslack"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// newServer starts a fake that is closed after the test, and after any bot
// started later (cleanups run last-in first-out).
func newServer(t testing.TB, opts ...fakeslack.Option) *fakeslack.Server {
	t.Helper()
	srv := fakeslack.New(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// startBot runs a real slack-go Socket Mode client against srv, handing every
// event to handle from one goroutine, and stops it when the test ends.
func startBot(t testing.TB, srv *fakeslack.Server, handle func(*socketmode.Client, socketmode.Event), opts ...socketmode.Option) *socketmode.Client {
	t.Helper()
	client := socketmode.New(srv.NewClient(), opts...)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = client.RunContext(ctx) })
	wg.Go(func() {
		for {
			select {
			case evt := <-client.Events:
				handle(client, evt)
			case <-ctx.Done():
				return
			}
		}
	})
	t.Cleanup(func() { cancel(); wg.Wait() })
	return client
}

// ackAll acks every envelope without a payload.
func ackAll(c *socketmode.Client, evt socketmode.Event) {
	if evt.Request != nil && evt.Request.EnvelopeID != "" {
		_ = c.Ack(*evt.Request)
	}
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestSlashCommandRoundTrip(t *testing.T) {
	srv := newServer(t)
	hello := make(chan *socketmode.Request, 1)
	cmds := make(chan socketmode.Event, 1)
	startBot(t, srv, func(c *socketmode.Client, evt socketmode.Event) {
		switch evt.Type {
		case socketmode.EventTypeHello:
			hello <- evt.Request
		case socketmode.EventTypeSlashCommand:
			cmd := evt.Data.(slack.SlashCommand)
			_ = c.Ack(*evt.Request, map[string]any{"response_type": "ephemeral", "text": "got " + cmd.Text})
			cmds <- evt
		}
	})
	ctx := testCtx(t)
	if err := srv.WaitConnections(ctx, 1); err != nil {
		t.Fatal(err)
	}
	h := <-hello
	if h.NumConnections != 1 || h.ConnectionInfo.AppID != fakeslack.AppID || h.DebugInfo.ApproximateConnectionTime != 18060 {
		t.Errorf("hello = %+v", h)
	}

	id, err := srv.SendSlashCommand(slack.SlashCommand{Command: "/dora", Text: "weekly", UserID: "U1", ChannelID: "C1"})
	if err != nil {
		t.Fatal(err)
	}
	ack, err := srv.WaitAck(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var reply struct{ ResponseType, Text string }
	if err := json.Unmarshal(ack.Payload, &reply); err != nil || reply.Text != "got weekly" {
		t.Errorf("ack payload %s (%v)", ack.Payload, err)
	}
	evt := <-cmds
	cmd := evt.Data.(slack.SlashCommand)
	if !evt.Request.AcceptsResponsePayload || cmd.TriggerID == "" || cmd.ResponseURL != srv.ResponseURL(id) ||
		cmd.APIAppID != fakeslack.AppID || cmd.UserID != "U1" {
		t.Errorf("request %+v, command %+v", evt.Request, cmd)
	}
	if n := srv.AckCount(id); n != 1 {
		t.Errorf("AckCount = %d", n)
	}
}

func TestDisconnectMakesSlackGoReconnect(t *testing.T) {
	srv := newServer(t)
	var mu sync.Mutex
	var seen []socketmode.EventType
	startBot(t, srv, func(c *socketmode.Client, evt socketmode.Event) {
		mu.Lock()
		seen = append(seen, evt.Type)
		mu.Unlock()
		ackAll(c, evt)
	})
	ctx := testCtx(t)
	if err := srv.WaitConnections(ctx, 1); err != nil {
		t.Fatal(err)
	}
	srv.Disconnect("refresh_requested")
	if err := srv.WaitConnectionOpens(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if err := srv.WaitConnections(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if n := srv.ConnectionOpens(); n != 2 {
		t.Errorf("ConnectionOpens = %d, want 2", n)
	}
	// The new socket works.
	id, err := srv.SendSlashCommand(slack.SlashCommand{Command: "/dora"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.WaitAck(ctx, id); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, typ := range seen {
		if typ == socketmode.EventTypeDisconnect {
			t.Error("slack-go delivered the disconnect on Events")
		}
	}
}

func TestDropConnectionsMakesSlackGoReconnect(t *testing.T) {
	srv := newServer(t)
	startBot(t, srv, ackAll)
	ctx := testCtx(t)
	if err := srv.WaitConnections(ctx, 1); err != nil {
		t.Fatal(err)
	}
	srv.DropConnections()
	if err := srv.WaitConnectionOpens(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if err := srv.WaitConnections(ctx, 1); err != nil {
		t.Fatal(err)
	}
	// Checked after the reconnect: slack-go may reconnect before a check
	// right after the drop could run, and then the new socket is counted.
	if n := srv.Connections(); n != 1 {
		t.Errorf("%d sockets counted after one was dropped and one opened, want 1: the dropped one is still counted", n)
	}
}

// slack-go reconnects when Slack stops pinging: the fake's pings must keep it
// on one socket, and their absence must not.
func TestPingsKeepSlackGoConnected(t *testing.T) {
	for _, tc := range []struct {
		name      string
		ping      time.Duration
		reconnect bool
	}{{"pinging", 50 * time.Millisecond, false}, {"silent", time.Hour, true}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, fakeslack.WithPingInterval(tc.ping))
			startBot(t, srv, ackAll, socketmode.OptionPingInterval(300*time.Millisecond))
			ctx := testCtx(t)
			if err := srv.WaitConnections(ctx, 1); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Second)
			if got := srv.ConnectionOpens() > 1; got != tc.reconnect {
				t.Errorf("reconnected = %v (opens %d), want %v", got, srv.ConnectionOpens(), tc.reconnect)
			}
		})
	}
}

func TestEventsAndInteractions(t *testing.T) {
	srv := newServer(t)
	events := make(chan socketmode.Event, 2)
	startBot(t, srv, func(c *socketmode.Client, evt socketmode.Event) {
		switch evt.Type {
		case socketmode.EventTypeEventsAPI:
			_ = c.Ack(*evt.Request)
			events <- evt
		case socketmode.EventTypeInteractive:
			cb := evt.Data.(slack.InteractionCallback)
			_ = c.Ack(*evt.Request, slack.NewErrorsViewSubmissionResponse(map[string]string{"b1": "bad " + cb.View.CallbackID}))
			events <- evt
		}
	})
	ctx := testCtx(t)
	if err := srv.WaitConnections(ctx, 1); err != nil {
		t.Fatal(err)
	}

	id, err := srv.SendEvent("app_home_opened", map[string]any{"user": "U1", "channel": "D1", "tab": "home"}, "Ev42", 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.WaitAck(ctx, id); err != nil {
		t.Fatal(err)
	}
	evt := <-events
	api := evt.Data.(slackevents.EventsAPIEvent)
	home, ok := api.InnerEvent.Data.(*slackevents.AppHomeOpenedEvent)
	outer, _ := api.Data.(*slackevents.EventsAPICallbackEvent)
	if !ok || home.User != "U1" || outer == nil || outer.EventID != "Ev42" ||
		evt.Request.RetryAttempt != 1 || evt.Request.RetryReason != "timeout" {
		t.Errorf("events_api = %+v / %+v / %+v", evt.Request, api, outer)
	}

	cb := slack.InteractionCallback{Type: slack.InteractionTypeViewSubmission, User: slack.User{ID: "U1"}}
	cb.View.CallbackID = "deploy"
	id, err = srv.SendInteraction(cb)
	if err != nil {
		t.Fatal(err)
	}
	ack, err := srv.WaitAck(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var resp slack.ViewSubmissionResponse
	if err := json.Unmarshal(ack.Payload, &resp); err != nil || resp.ResponseAction != slack.RAErrors || resp.Errors["b1"] != "bad deploy" {
		t.Errorf("ack payload %s (%v)", ack.Payload, err)
	}
	if evt := <-events; !evt.Request.AcceptsResponsePayload || evt.Data.(slack.InteractionCallback).TriggerID == "" {
		t.Errorf("interactive request %+v", evt.Request)
	}
}

func TestBlastAcrossSockets(t *testing.T) {
	srv := newServer(t)
	startBot(t, srv, ackAll)
	startBot(t, srv, ackAll)
	ctx := testCtx(t)
	if err := srv.WaitConnections(ctx, 2); err != nil {
		t.Fatal(err)
	}
	lat, err := srv.Blast(ctx, 2000, 64, slack.SlashCommand{Command: "/dora", UserID: "U1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(lat) != 2000 || len(srv.Acks()) != 2000 {
		t.Errorf("latencies %d, acks %d", len(lat), len(srv.Acks()))
	}
}

func TestSendWithoutSocketAndAfterClose(t *testing.T) {
	srv := fakeslack.New()
	if _, err := srv.SendSlashCommand(slack.SlashCommand{}); !errors.Is(err, fakeslack.ErrNoConnection) {
		t.Errorf("no socket: err = %v", err)
	}
	errc := make(chan error, 1)
	go func() {
		_, err := srv.WaitAck(context.Background(), "never")
		errc <- err
	}()
	srv.Close()
	if err := <-errc; !errors.Is(err, fakeslack.ErrClosed) {
		t.Errorf("WaitAck after Close: %v", err)
	}
}
