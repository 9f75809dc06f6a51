package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/rs/zerolog"
	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/internal/fakeslack"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// testStart is the fake clock's start: Monday 2026-11-30 09:00 UTC.
var testStart = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

// botOptions configure newTestBot; every field is optional.
type botOptions struct {
	Config      string            // YAML; "" means an empty config (defaults)
	DatabaseURL string            // "" means a fresh SQLite file
	Now         time.Time         // fake clock start; zero means testStart
	Env         map[string]string // extra environment, e.g. ingest tokens
	AckBudget   time.Duration
	FakeOptions []fakeslack.Option
	// Setup runs after Main.Open and before Main.Run, e.g. to add routes.
	Setup func(m *Main)
}

// testBot is the real Main, connected over Socket Mode to the in-repo fake
// Slack, with a fake clock and captured logs.
type testBot struct {
	t       testing.TB
	Fake    *fakeslack.Server
	Main    *Main
	Clock   *clockwork.FakeClock
	Logs    *syncBuffer
	HTTPURL string
}

// eachDB runs fn against SQLite and, when TEST_DATABASE_URL is set, against
// PostgreSQL (a fresh schema per test).
func eachDB(t *testing.T, fn func(t *testing.T, dbURL string)) {
	t.Run("sqlite", func(t *testing.T) {
		fn(t, "sqlite:"+filepath.Join(t.TempDir(), "bot.db"))
	})
	if os.Getenv("TEST_DATABASE_URL") != "" {
		t.Run("postgres", func(t *testing.T) { fn(t, storagetest.PostgresURL(t)) })
	}
}

// newTestBot starts the bot and waits until its socket is connected. It is
// stopped, and its database closed, when the test ends.
func newTestBot(t testing.TB, opt botOptions) *testBot {
	t.Helper()
	fake := fakeslack.New(opt.FakeOptions...)
	t.Cleanup(fake.Close)
	cfg, err := config.Parse("test.yaml", []byte(opt.Config+"\n"))
	if err != nil {
		t.Fatalf("test config: %v", err)
	}
	if opt.DatabaseURL == "" {
		opt.DatabaseURL = "sqlite:" + filepath.Join(t.TempDir(), "bot.db")
	}
	if opt.Now.IsZero() {
		opt.Now = testStart
	}
	for k, v := range opt.Env {
		t.Setenv(k, v)
	}
	logs := &syncBuffer{}
	b := &testBot{t: t, Fake: fake, Clock: clockwork.NewFakeClockAt(opt.Now), Logs: logs}
	b.Main = &Main{
		Env: Env{
			AppToken: fakeslack.AppToken, BotToken: fakeslack.BotToken, APIURL: fake.APIURL(),
			DatabaseURL: opt.DatabaseURL, HTTPAddr: "127.0.0.1:0",
		},
		Config:    cfg,
		Log:       zerolog.New(logs).Level(zerolog.DebugLevel).With().Timestamp().Logger(),
		Clock:     b.Clock,
		AckBudget: opt.AckBudget,
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := b.Main.Open(ctx); err != nil {
		cancel()
		b.Main.Close()
		t.Fatalf("Main.Open: %v", err)
	}
	if opt.Setup != nil {
		opt.Setup(b.Main)
	}
	done := make(chan error, 1)
	go func() { done <- b.Main.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Main.Run: %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Errorf("Main.Run did not return after cancel")
		}
		b.Main.Close()
	})
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	if err := fake.WaitConnections(wctx, 1); err != nil {
		t.Fatalf("bot did not connect: %v\nlogs:\n%s", err, logs)
	}
	for b.Main.HTTP.Addr() == "" {
		time.Sleep(time.Millisecond)
	}
	b.HTTPURL = "http://" + b.Main.HTTP.Addr()
	return b
}

func (b *testBot) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	b.t.Cleanup(cancel)
	return ctx
}

// Command sends a slash command line such as "/platform help" as user and
// returns its ack.
func (b *testBot) Command(user, line string) fakeslack.Ack {
	b.t.Helper()
	name, text, _ := strings.Cut(line, " ")
	id, err := b.Fake.SendSlashCommand(slack.SlashCommand{
		Command: name, Text: text, UserID: user, ChannelID: "CTEST00001", TriggerID: b.Fake.IssueTrigger(),
	})
	if err != nil {
		b.t.Fatalf("send %q: %v", line, err)
	}
	return b.WaitAck(id)
}

// WaitAck waits for the ack of an envelope.
func (b *testBot) WaitAck(envelopeID string) fakeslack.Ack {
	b.t.Helper()
	ack, err := b.Fake.WaitAck(b.ctx(), envelopeID)
	if err != nil {
		b.t.Fatalf("no ack for %s: %v\nlogs:\n%s", envelopeID, err, b.Logs)
	}
	return ack
}

// Action clicks an interactive element: a button or select identified by
// action, in the message (channel, ts) or in view when view is not nil.
func (b *testBot) Action(user string, action slack.BlockAction, view *slack.View, channel, messageTS string) fakeslack.Ack {
	b.t.Helper()
	cb := slack.InteractionCallback{
		Type:           slack.InteractionTypeBlockActions,
		User:           slack.User{ID: user},
		TriggerID:      b.Fake.IssueTrigger(),
		Channel:        slack.Channel{GroupConversation: slack.GroupConversation{Conversation: slack.Conversation{ID: channel}}},
		ActionCallback: slack.ActionCallbacks{BlockActions: []*slack.BlockAction{&action}},
	}
	if view != nil {
		cb.View = *view
		cb.Container = slack.Container{Type: "view", ViewID: view.ID}
	} else {
		cb.Container = slack.Container{Type: "message", ChannelID: channel, MessageTs: messageTS}
		cb.Message = slack.Message{Msg: slack.Msg{Timestamp: messageTS}}
		cb.ResponseURL = b.Fake.ResponseURL(fmt.Sprintf("%s-%s", channel, messageTS))
	}
	id, err := b.Fake.SendInteraction(cb)
	if err != nil {
		b.t.Fatalf("send action %s: %v", action.ActionID, err)
	}
	return b.WaitAck(id)
}

// Submit submits a modal with the given state values (block id → action id
// → value) and returns the ack, whose payload carries response_action.
func (b *testBot) Submit(user string, view slack.View, values map[string]map[string]slack.BlockAction) fakeslack.Ack {
	b.t.Helper()
	view.State = &slack.ViewState{Values: values}
	id, err := b.Fake.SendInteraction(slack.InteractionCallback{
		Type: slack.InteractionTypeViewSubmission, User: slack.User{ID: user}, View: view,
	})
	if err != nil {
		b.t.Fatalf("submit %s: %v", view.CallbackID, err)
	}
	return b.WaitAck(id)
}

// View returns the modal with the given id as last opened, pushed or updated.
func (b *testBot) View(id string) slack.View {
	b.t.Helper()
	raw, ok := b.Fake.View(id)
	if !ok {
		b.t.Fatalf("no view %s", id)
	}
	var v slack.View
	if err := json.Unmarshal(raw, &v); err != nil {
		b.t.Fatalf("view %s: %v", id, err)
	}
	return v
}

// Modal waits until at least n modals were opened or pushed and returns the
// n-th (n ≥ 1) as it is now, later views.update calls included.
func (b *testBot) Modal(n int) slack.View {
	b.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(b.Fake.Modals()) < n {
		if time.Now().After(deadline) {
			b.t.Fatalf("only %d modals opened, want %d\nlogs:\n%s", len(b.Fake.Modals()), n, b.Logs)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return b.View(b.Fake.Modals()[n-1])
}

// AckText returns the text of an ack payload ("" when it has none).
func AckText(ack fakeslack.Ack) string {
	var p struct {
		Text string `json:"text"`
	}
	_ = json.Unmarshal(ack.Payload, &p)
	return p.Text
}

// DMs returns the messages posted to user's DM so far.
func (b *testBot) DMs(user string) []fakeslack.Message { return b.Fake.Messages(user) }

// WaitDMs waits until user has at least n DMs.
func (b *testBot) WaitDMs(user string, n int) []fakeslack.Message {
	b.t.Helper()
	msgs, err := b.Fake.WaitMessages(b.ctx(), user, n)
	if err != nil {
		b.t.Fatalf("%s got %d DMs, want %d: %v\nlogs:\n%s", user, len(b.Fake.Messages(user)), n, err, b.Logs)
	}
	return msgs
}

// Advance moves the fake clock and gives scheduled jobs time to run.
func (b *testBot) Advance(d time.Duration) {
	b.settleSends()
	b.Clock.Advance(d)
	time.Sleep(50 * time.Millisecond)
}

// settleSends waits (a few seconds at most) until no send is in flight. A
// jump of the fake clock past the lease of a send posted but not yet
// marked sent would let the dispatcher claim it again and post it twice:
// the at-least-once edge of a lease, which a real clock reaches only when a
// replica stalls for longer than the lease, but a loaded test host reaches
// whenever a test jumps hours ahead right after a DM.
func (b *testBot) settleSends() {
	if b.Main == nil || b.Main.DB == nil {
		return
	}
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); {
		var n int64
		err := b.Main.DB.Gorm.Table("pending_sends").Where("state = ?", outbox.Claimed).Count(&n).Error
		if err != nil || n == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// syncBuffer is a bytes.Buffer safe for the logger's concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}
