package handlers

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jonboulle/clockwork"
	"github.com/rs/zerolog"
	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
	"github.com/platformbot/platformbot/surveys"
)

var updatePulse = flag.Bool("update-pulse", false, "rewrite testdata/pulse_*.golden with the actual output")

// pulseFakeSlack is a bot.Slack that records what the surveys send.
type pulseFakeSlack struct {
	mu       sync.Mutex
	posts    map[string][]bot.Message // channel → messages
	updates  []bot.Message
	responds map[string][]bot.Message // response_url → messages
	views    []slack.ModalViewRequest
	homes    map[string]slack.HomeTabViewRequest
	bots     map[string]bool
	members  map[string][]string // user group or channel → members
}

func newPulseFakeSlack() *pulseFakeSlack {
	return &pulseFakeSlack{
		posts: map[string][]bot.Message{}, responds: map[string][]bot.Message{}, homes: map[string]slack.HomeTabViewRequest{},
		bots:    map[string]bool{"UBOT": true},
		members: map[string][]string{"SDEVS": {"U1", "U2", "UBOT"}, "CENG": {"U2", "U3"}},
	}
}

func (f *pulseFakeSlack) PostMessage(_ context.Context, channel string, msg bot.Message) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.posts[channel] = append(f.posts[channel], msg)
	return fmt.Sprintf("17000000%02d.000100", len(f.posts[channel])), nil
}
func (f *pulseFakeSlack) PostEphemeral(context.Context, string, string, bot.Message) error {
	return nil
}
func (f *pulseFakeSlack) UpdateMessage(_ context.Context, _, _ string, msg bot.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updates = append(f.updates, msg)
	return nil
}
func (f *pulseFakeSlack) Respond(_ context.Context, url string, msg bot.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.responds[url] = append(f.responds[url], msg)
	return nil
}
func (f *pulseFakeSlack) OpenView(_ context.Context, trigger string, v slack.ModalViewRequest) (bot.View, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if trigger == "" {
		return bot.View{}, fmt.Errorf("views.open: invalid_trigger_id")
	}
	f.views = append(f.views, v)
	return bot.View{ID: fmt.Sprintf("V%d", len(f.views))}, nil
}
func (f *pulseFakeSlack) UpdateView(context.Context, string, string, slack.ModalViewRequest) (bot.View, error) {
	return bot.View{}, nil
}
func (f *pulseFakeSlack) PushView(context.Context, string, slack.ModalViewRequest) (bot.View, error) {
	return bot.View{}, nil
}
func (f *pulseFakeSlack) PublishHome(_ context.Context, user string, v slack.HomeTabViewRequest) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.homes[user] = v
	return nil
}
func (f *pulseFakeSlack) UserInfo(_ context.Context, id string) (bot.User, error) {
	return bot.User{ID: id, Name: strings.ToLower(id), TZ: "Europe/Berlin", IsBot: f.bots[id]}, nil
}
func (f *pulseFakeSlack) UserGroupMembers(_ context.Context, id string) ([]string, error) {
	return f.members[id], nil
}
func (f *pulseFakeSlack) ChannelMembers(_ context.Context, id string) ([]string, error) {
	return f.members[id], nil
}

func (f *pulseFakeSlack) dms(user string) []bot.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]bot.Message(nil), f.posts[user]...)
}

func (f *pulseFakeSlack) lastView(t *testing.T) slack.ModalViewRequest {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.views) == 0 {
		t.Fatal("no modal was opened")
	}
	return f.views[len(f.views)-1]
}

// pulseStart is Monday 2026-03-02 09:00 Berlin.
var pulseStart = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

// pulseTest is the survey handlers over a real SQLite store and outbox, a
// fake clock and a fake Slack.
type pulseTest struct {
	t      *testing.T
	router *bot.Router
	slack  *pulseFakeSlack
	clock  *clockwork.FakeClock
	h      *Pulse
	out    *outbox.Dispatcher
	db     *storage.DB
}

func pulseSurvey() surveys.Survey {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	return surveys.Survey{
		ID: "devex", Title: "Developer experience", Intro: "Two minutes, four questions.",
		Cron: "0 10 * * MON", Location: berlin, EveryWeeks: 1,
		Audience:  surveys.Audience{Users: []string{"U1"}, UserGroups: []string{"SDEVS"}, Channels: []string{"CENG"}},
		Anonymous: true, MinGroupSize: 2, Window: 72 * time.Hour, Reminder: 24 * time.Hour, ResultsChannel: "CRESULTS",
		Questions: []surveys.Question{
			{ID: "sat", Kind: surveys.Scale, Text: "How satisfied are you with the platform?", Labels: []string{"Very poor", "Poor", "OK", "Good", "Great"}},
			{ID: "nps", Kind: surveys.NPS, Text: "How likely are you to recommend it?"},
			{ID: "slow", Kind: surveys.Choice, Text: "What slows you down?", Options: []string{"CI", "Reviews <&>"}, Optional: true},
			{ID: "why", Kind: surveys.Text, Text: "Anything else?"},
		},
	}
}

func newPulseTest(t *testing.T) *pulseTest {
	t.Helper()
	db := storagetest.SQLite(t)
	fs := newPulseFakeSlack()
	clock := clockwork.NewFakeClockAt(pulseStart)
	out, err := outbox.New(outbox.Options{Store: storage.NewOutboxStore(db), Slack: fs, Log: zerolog.Nop(), Clock: clock, Poll: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = out.Stop() })
	h := NewPulse(fs, zerolog.Nop())
	h.Outbox = out
	h.Service = surveys.New(surveys.Config{
		Surveys: []surveys.Survey{pulseSurvey()}, Store: storage.NewSurveyStore(db), Dir: h.Directory(), Notifier: h.Notifier(), Clock: clock,
	})
	r := bot.NewRouter(&bot.Admins{Users: []string{"UADMIN"}}, bot.Errors(zerolog.Nop(), nil, nil))
	h.Register(r, "/pulse")
	return &pulseTest{t: t, router: r, slack: fs, clock: clock, h: h, out: out, db: db}
}

func (p *pulseTest) serve(req *bot.Request) *bot.Reply {
	p.t.Helper()
	reply, err := p.router.Serve(context.Background(), req)
	if err != nil {
		p.t.Fatalf("Serve %s: %v", req.Route(), err)
	}
	p.h.after.Wait()
	return reply
}

func (p *pulseTest) command(user, text string) *bot.Reply {
	return p.serve(&bot.Request{Kind: bot.KindCommand, Command: "/pulse", Text: text, UserID: user, TriggerID: "T1"})
}

// click presses a button in user's DM (channel D…), which gives it a
// response_url like Slack does.
func (p *pulseTest) click(user, actionID, value string) *bot.Reply {
	return p.serve(&bot.Request{Kind: bot.KindAction, ActionID: actionID, Value: value, UserID: user, TriggerID: "T1",
		ChannelID: "D" + user, ResponseURL: "https://hooks.example/" + user,
		Interaction: &slack.InteractionCallback{Container: slack.Container{Type: "message", MessageTs: "1700000001.000100"}}})
}

func (p *pulseTest) submit(user string, view slack.ModalViewRequest, values map[string]map[string]slack.BlockAction) *bot.Reply {
	return p.serve(&bot.Request{Kind: bot.KindViewSubmission, CallbackID: view.CallbackID, UserID: user,
		View: &slack.View{CallbackID: view.CallbackID, PrivateMetadata: view.PrivateMetadata, State: &slack.ViewState{Values: values}}})
}

// deliver runs the outbox until nothing is due.
func (p *pulseTest) deliver() {
	p.t.Helper()
	if err := p.out.Drain(context.Background()); err != nil {
		p.t.Fatal(err)
	}
}

// pick is the state of one answered input.
func pick(value string) map[string]slack.BlockAction {
	return map[string]slack.BlockAction{pulseInput: {SelectedOption: slack.OptionBlockObject{Value: value}}}
}

func typed(text string) map[string]slack.BlockAction {
	return map[string]slack.BlockAction{pulseInput: {Value: text}}
}

// pulseGolden compares v, as indented JSON with response tokens masked,
// to testdata/pulse_<name>.golden.
func pulseGolden(t *testing.T, name string, v any) {
	t.Helper()
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	got := tokenRe.ReplaceAllString(b.String(), "<token>")
	path := filepath.Join("testdata", "pulse_"+name+".golden")
	if *updatePulse {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update-pulse to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

// flatText is every text of a message, for assertions on content.
func flatText(msg bot.Message) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(msg.Blocks)
	return msg.Text + "\n" + b.String()
}
