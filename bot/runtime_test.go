package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/internal/fakeslack"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startRuntime runs a Runtime with router against srv until the returned
// stop function is called; stop returns Run's error.
func startRuntime(t *testing.T, srv *fakeslack.Server, router *bot.Router, tune func(*bot.RuntimeConfig)) (*bot.Runtime, func() error) {
	t.Helper()
	log := zerolog.New(&lockedBuffer{})
	api := bot.NewAPI(bot.APIConfig{BotToken: fakeslack.BotToken, AppToken: fakeslack.AppToken, APIURL: srv.APIURL(), Log: log})
	cfg := bot.RuntimeConfig{API: api.Client(), Router: router, Slack: api, Log: log}
	if tune != nil {
		tune(&cfg)
	}
	rt := bot.NewRuntime(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- rt.Run(ctx) }()
	var once sync.Once
	var err error
	stop := func() error {
		once.Do(func() { cancel(); err = <-errc })
		return err
	}
	t.Cleanup(func() { stop() })
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	if err := srv.WaitConnections(wctx, 1); err != nil {
		t.Fatal(err)
	}
	return rt, stop
}

func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func ackText(a fakeslack.Ack) string {
	var p struct{ Text string }
	_ = json.Unmarshal(a.Payload, &p)
	return p.Text
}

// gate is a handler that blocks until released.
func gate(release <-chan struct{}, text string) bot.Handler {
	return func(ctx context.Context, _ *bot.Request) (*bot.Reply, error) {
		<-release
		return bot.Say(text), nil
	}
}

func TestShutdownFinishesInFlightWork(t *testing.T) {
	srv := fakeslack.New()
	defer srv.Close()
	release := make(chan struct{})
	r := bot.NewRouter(nil)
	r.Command("/platform", "").Add(bot.Subcommand{Name: "slow", Run: gate(release, "done after shutdown began")})
	_, stop := startRuntime(t, srv, r, func(c *bot.RuntimeConfig) { c.AckBudget = 20 * time.Millisecond })
	id, _ := srv.SendSlashCommand(slack.SlashCommand{Command: "/platform", Text: "slow", UserID: "U1", ChannelID: "C1"})
	if _, err := srv.WaitAck(waitCtx(t), id); err != nil {
		t.Fatal(err) // acked empty at the budget
	}
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	time.Sleep(50 * time.Millisecond) // shutdown has begun and is waiting for the handler
	close(release)
	if err := <-stopped; err != nil {
		t.Fatalf("Run: %v", err)
	}
	resp := srv.Responses(id)
	if len(resp) != 1 || !strings.Contains(string(resp[0]), "done after shutdown began") {
		t.Fatalf("response_url posts = %s, want the in-flight reply", resp)
	}
}

// busyBot starts a runtime with one worker and one queue slot, whose
// `/platform slow` holds its worker until the test ends, plus what add
// registers.
// busyBot runs a bot with one worker and a queue of one, and fills both:
// the first slow command runs (its handler has started) before the second
// is sent to wait in the queue, so whatever comes next finds the bot busy.
// It returns the two slow commands' envelope ids.
func busyBot(t *testing.T, add func(*bot.Router)) (*fakeslack.Server, []string) {
	t.Helper()
	srv := fakeslack.New()
	t.Cleanup(srv.Close)
	release := make(chan struct{})
	started := make(chan struct{}, 2)
	r := bot.NewRouter(nil)
	r.Command("/platform", "").Add(bot.Subcommand{Name: "slow", Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		started <- struct{}{}
		return gate(release, "slow")(ctx, req)
	}})
	if add != nil {
		add(r)
	}
	startRuntime(t, srv, r, func(c *bot.RuntimeConfig) { c.Workers, c.Queue, c.AckBudget = 1, 1, time.Minute })
	t.Cleanup(func() { close(release) }) // before the runtime's stop, which waits for the handler
	var ids []string
	for range 2 {
		id, _ := srv.SendSlashCommand(slack.SlashCommand{Command: "/platform", Text: "slow", UserID: "U1", ChannelID: "C1"})
		ids = append(ids, id)
		if len(ids) == 1 {
			select {
			case <-started:
			case <-waitCtx(t).Done():
				t.Fatal("the first slow command did not start")
			}
		}
	}
	return srv, ids
}

func TestBusyAnswersAtOnce(t *testing.T) {
	srv, ids := busyBot(t, nil)
	// One runs, one waits in the queue, the third is told the bot is busy.
	third, _ := srv.SendSlashCommand(slack.SlashCommand{Command: "/platform", Text: "slow", UserID: "U1", ChannelID: "C1"})
	ack, err := srv.WaitAck(waitCtx(t), third)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ackText(ack), "busy") {
		t.Fatalf("third envelope ack = %s, want a busy reply", ack.Payload)
	}
	if srv.AckCount(ids[0]) != 0 {
		t.Fatal("the running handler was acked before it answered or its budget ran out")
	}
}

func TestSilentConnectionIsReplaced(t *testing.T) {
	srv := fakeslack.New(fakeslack.WithPingInterval(0)) // Slack never pings
	defer srv.Close()
	r := bot.NewRouter(nil)
	r.Command("/platform", "").Add(bot.Subcommand{Name: "help", Run: func(context.Context, *bot.Request) (*bot.Reply, error) { return bot.Say("hi"), nil }})
	startRuntime(t, srv, r, func(c *bot.RuntimeConfig) {
		c.PingInterval = time.Hour // only our own watchdog can notice
		c.SilenceTimeout = 300 * time.Millisecond
	})
	if err := srv.WaitConnectionOpens(waitCtx(t), 2); err != nil {
		t.Fatalf("silent connection was not replaced: %v", err)
	}
	// The replacement connection serves envelopes (it is itself replaced
	// every 300 ms here, so an envelope may need a second try).
	served := false
	for try := 0; try < 10 && !served; try++ {
		if err := srv.WaitConnections(waitCtx(t), 1); err != nil {
			t.Fatal(err)
		}
		id, _ := srv.SendSlashCommand(slack.SlashCommand{Command: "/platform", Text: "help", UserID: "U1", ChannelID: "C1"})
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		ack, err := srv.WaitAck(ctx, id)
		cancel()
		served = err == nil && ackText(ack) == "hi"
	}
	if !served {
		t.Fatal("no envelope was served after the silent connection was replaced")
	}

}

func TestReadyAfterConnecting(t *testing.T) {
	srv := fakeslack.New(fakeslack.WithPingInterval(0))
	defer srv.Close()
	rt, _ := startRuntime(t, srv, bot.NewRouter(nil), func(c *bot.RuntimeConfig) {
		c.PingInterval = time.Hour
		c.SilenceTimeout = time.Hour
	})
	deadline := time.Now().Add(5 * time.Second)
	for rt.Ready(context.Background()) != nil {
		if time.Now().After(deadline) {
			t.Fatalf("never ready: %v", rt.Ready(context.Background()))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestUpdateDMByUserID: chat.postMessage accepts a user id, chat.update
// needs the DM's D… id; the API resolves it.
func TestUpdateDMByUserID(t *testing.T) {
	srv := fakeslack.New()
	defer srv.Close()
	api := bot.NewAPI(bot.APIConfig{BotToken: fakeslack.BotToken, APIURL: srv.APIURL(), Log: zerolog.Nop()})
	ctx := waitCtx(t)
	for _, fresh := range []bool{false, true} {
		a := api
		ts, err := a.PostMessage(ctx, "UDEV000001", bot.Text("How does the platform feel?"))
		if err != nil {
			t.Fatal(err)
		}
		if fresh { // a new process that did not post the DM itself
			a = bot.NewAPI(bot.APIConfig{BotToken: fakeslack.BotToken, APIURL: srv.APIURL(), Log: zerolog.Nop()})
		}
		if err := a.UpdateMessage(ctx, "UDEV000001", ts, bot.Text("Thanks!")); err != nil {
			t.Fatalf("fresh=%v: %v", fresh, err)
		}
		calls := srv.Calls("chat.update")
		if ch := calls[len(calls)-1].Form.Get("channel"); !strings.HasPrefix(ch, "D") {
			t.Errorf("fresh=%v: chat.update channel = %q, want the D… id", fresh, ch)
		}
	}
	msgs := srv.Messages("UDEV000001")
	if len(msgs) != 2 || msgs[0].Text != "Thanks!" || msgs[1].Text != "Thanks!" {
		t.Fatalf("messages = %+v", msgs)
	}
}

// TestBusyLeavesClicksUnacked: a click that finds the queue full is not
// acked (Slack then shows the user it failed) rather than acked and
// dropped, which would look done.
func TestBusyLeavesClicksUnacked(t *testing.T) {
	srv, _ := busyBot(t, func(r *bot.Router) { // one runs, one waits in the queue
		r.Action("ok", func(context.Context, *bot.Request) (*bot.Reply, error) { return nil, nil })
	})
	p, err := fakeslack.PrepareInteraction(slack.InteractionCallback{
		Type: slack.InteractionTypeBlockActions, Team: slack.Team{ID: fakeslack.TeamID}, User: slack.User{ID: "U1"},
		ActionCallback: slack.ActionCallbacks{BlockActions: []*slack.BlockAction{{ActionID: "ok", Value: "1"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	click, err := srv.SendPrepared(p)
	if err != nil {
		t.Fatal(err)
	}
	probe, _ := srv.SendSlashCommand(slack.SlashCommand{Command: "/platform", Text: "slow", UserID: "U1", ChannelID: "C1"})
	if _, err := srv.WaitAck(waitCtx(t), probe); err != nil { // the busy answer after the click's turn
		t.Fatal(err)
	}
	if n := srv.AckCount(click); n != 0 {
		t.Fatalf("the refused click was acked %d times, want 0", n)
	}
}

// TestConnectionErrorIsOneSentence: with Slack unreachable, the log line
// names the URL, the error and the next retry in seconds, instead of
// slack-go's nested structs ("Err":111, "Backoff":100000000).
func TestConnectionErrorIsOneSentence(t *testing.T) {
	var buf lockedBuffer
	log := zerolog.New(&buf)
	api := bot.NewAPI(bot.APIConfig{BotToken: fakeslack.BotToken, AppToken: fakeslack.AppToken, APIURL: "http://127.0.0.1:1/api/", Log: log})
	rt := bot.NewRuntime(bot.RuntimeConfig{API: api.Client(), Router: bot.NewRouter(nil), Slack: api, Log: log})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rt.Run(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(buf.String(), "cannot connect") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done
	var line struct {
		Message string  `json:"message"`
		Retry   float64 `json:"retry_in_s"`
	}
	for _, l := range strings.Split(buf.String(), "\n") {
		if strings.Contains(l, "cannot connect") {
			if err := json.Unmarshal([]byte(l), &line); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	for _, want := range []string{"cannot connect to Slack at http://127.0.0.1:1/api/apps.connections.open", "connection refused", "retrying in 0.1 s (attempt 1)"} {
		if !strings.Contains(line.Message, want) {
			t.Errorf("log message %q lacks %q\nlog:\n%s", line.Message, want, buf.String())
		}
	}
	for _, bad := range []string{`"Err":`, `"Backoff":`, `"ErrorObj"`} {
		if strings.Contains(buf.String(), bad) {
			t.Errorf("log still holds raw Go structs (%s):\n%s", bad, buf.String())
		}
	}
	if line.Retry != 0.1 {
		t.Errorf("retry_in_s = %v, want 0.1", line.Retry)
	}
}
