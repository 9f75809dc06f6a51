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
	"github.com/platformbot/platformbot/officehours"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

var updateOfficeHours = flag.Bool("update-officehours", false, "rewrite testdata/officehours_*.golden with the actual output")

// ohFakeSlack is a bot.Slack that records what office hours send and
// answers users.info from a table of time zones.
type ohFakeSlack struct {
	mu    sync.Mutex
	zones map[string]string // user → IANA zone
	dms   map[string][]bot.Message
	views []slack.ModalViewRequest
	homes map[string]slack.HomeTabViewRequest
	fail  map[string]error // method → error
}

func newOHFakeSlack() *ohFakeSlack {
	return &ohFakeSlack{
		zones: map[string]string{
			ohBerlinHost: "Europe/Berlin", ohNYHost: "America/New_York",
			ohDevBerlin: "Europe/Berlin", ohDevNY: "America/New_York", ohDevTokyo: "Asia/Tokyo",
		},
		dms: map[string][]bot.Message{}, homes: map[string]slack.HomeTabViewRequest{}, fail: map[string]error{},
	}
}

func (f *ohFakeSlack) PostMessage(_ context.Context, channel string, msg bot.Message) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.fail["PostMessage"]; err != nil {
		return "", err
	}
	f.dms[channel] = append(f.dms[channel], msg)
	return fmt.Sprint(len(f.dms[channel])), nil
}
func (f *ohFakeSlack) PostEphemeral(context.Context, string, string, bot.Message) error { return nil }
func (f *ohFakeSlack) UpdateMessage(context.Context, string, string, bot.Message) error { return nil }
func (f *ohFakeSlack) Respond(context.Context, string, bot.Message) error               { return nil }
func (f *ohFakeSlack) OpenView(_ context.Context, trigger string, v slack.ModalViewRequest) (bot.View, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if trigger == "" {
		return bot.View{}, fmt.Errorf("views.open: invalid_trigger_id")
	}
	f.views = append(f.views, v)
	return bot.View{ID: fmt.Sprintf("V%d", len(f.views))}, nil
}
func (f *ohFakeSlack) UpdateView(context.Context, string, string, slack.ModalViewRequest) (bot.View, error) {
	return bot.View{}, nil
}
func (f *ohFakeSlack) PushView(context.Context, string, slack.ModalViewRequest) (bot.View, error) {
	return bot.View{}, nil
}
func (f *ohFakeSlack) PublishHome(_ context.Context, user string, v slack.HomeTabViewRequest) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.homes[user] = v
	return nil
}
func (f *ohFakeSlack) UserInfo(_ context.Context, id string) (bot.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.fail["UserInfo"]; err != nil {
		return bot.User{}, err
	}
	return bot.User{ID: id, Name: strings.ToLower(id), RealName: "Real " + id, TZ: f.zones[id]}, nil
}
func (f *ohFakeSlack) UserGroupMembers(_ context.Context, group string) ([]string, error) {
	if group == "SPAYMENTS" {
		return []string{ohDevNY}, nil
	}
	return nil, nil
}
func (f *ohFakeSlack) ChannelMembers(context.Context, string) ([]string, error) { return nil, nil }

// takeDMs returns and forgets the DMs sent to user.
func (f *ohFakeSlack) takeDMs(user string) []bot.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.dms[user]
	delete(f.dms, user)
	return out
}

func (f *ohFakeSlack) lastView(t *testing.T) slack.ModalViewRequest {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.views) == 0 {
		t.Fatal("no modal was opened")
	}
	return f.views[len(f.views)-1]
}

const (
	ohBerlinHost = "UHOSTBER01" // Tue and Thu 14:00–15:00 Berlin
	ohNYHost     = "UHOSTNYC01" // Mon 10:00–11:00 New York
	ohDevBerlin  = "UDEVBER001"
	ohDevNY      = "UDEVNYC001"
	ohDevTokyo   = "UDEVTYO001"
)

// ohTest is the office-hours handlers over a real (SQLite) store, a fake
// clock at Monday 2026-06-01 09:00 Berlin and a fake Slack.
type ohTest struct {
	t      *testing.T
	router *bot.Router
	slack  *ohFakeSlack
	clock  *clockwork.FakeClock
	svc    *officehours.Service
	h      *OfficeHours
}

func newOHTest(t *testing.T) *ohTest {
	t.Helper()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	newYork, _ := time.LoadLocation("America/New_York")
	sched := &officehours.Schedule{SlotLength: 30 * time.Minute, Horizon: 14 * 24 * time.Hour, MinNotice: time.Hour, Hosts: []officehours.HostSchedule{
		{User: ohBerlinHost, Location: berlin, Windows: []officehours.Window{{Day: time.Tuesday, Start: 14 * 60, End: 15 * 60}, {Day: time.Thursday, Start: 14 * 60, End: 15 * 60}}},
		{User: ohNYHost, Location: newYork, Windows: []officehours.Window{{Day: time.Monday, Start: 10 * 60, End: 11 * 60}}},
	}}
	fs := newOHFakeSlack()
	clock := clockwork.NewFakeClockAt(time.Date(2026, 6, 1, 9, 0, 0, 0, berlin))
	h := NewOfficeHours(fs, zerolog.Nop())
	rules := officehours.Rules{MaxPerWeek: 1, WeekZone: berlin, TopicRequired: true, ReminderBefore: 15 * time.Minute}
	h.Service = &officehours.Service{
		Schedule: sched, Rules: rules, Clock: clock, Notifier: h.Notifier(rules.ReminderBefore),
		Store: storage.NewOfficeHoursStore(storagetest.SQLite(t), sched),
	}
	r := bot.NewRouter(nil, bot.Errors(zerolog.Nop(), nil, nil))
	h.Register(r, "/officehours")
	return &ohTest{t: t, router: r, slack: fs, clock: clock, svc: h.Service, h: h}
}

func (o *ohTest) serve(req *bot.Request) *bot.Reply {
	o.t.Helper()
	reply, err := o.router.Serve(context.Background(), req)
	if err != nil {
		o.t.Fatalf("Serve %s: %v", req.Route(), err)
	}
	return reply
}

func (o *ohTest) command(user, text string) *bot.Reply {
	return o.serve(&bot.Request{Kind: bot.KindCommand, Command: "/officehours", Text: text, UserID: user, TriggerID: "T1"})
}

func (o *ohTest) click(user, actionID, value string) *bot.Reply {
	return o.serve(&bot.Request{Kind: bot.KindAction, ActionID: actionID, Value: value, UserID: user, TriggerID: "T1"})
}

func (o *ohTest) submit(user, callbackID, metadata string, values map[string]map[string]slack.BlockAction) *bot.Reply {
	return o.serve(&bot.Request{Kind: bot.KindViewSubmission, CallbackID: callbackID, UserID: user,
		View: &slack.View{CallbackID: callbackID, PrivateMetadata: metadata, State: &slack.ViewState{Values: values}}})
}

// ohBookValues is the state of a submitted booking form.
func ohBookValues(key, topic string) map[string]map[string]slack.BlockAction {
	return map[string]map[string]slack.BlockAction{
		"slot":  {"slot": {SelectedOption: slack.OptionBlockObject{Value: key}}},
		"topic": {"topic": {Value: topic}},
	}
}

// ohText flattens a reply or message to its text and every mrkdwn/plain
// text in its blocks, for assertions that do not need the exact layout.
func ohText(msg bot.Message) string {
	b, _ := json.Marshal(msg.Blocks)
	var parts []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if s, ok := x["text"].(string); ok {
				parts = append(parts, s)
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	var v any
	_ = json.Unmarshal(b, &v)
	walk(v)
	return msg.Text + "\n" + strings.Join(parts, "\n")
}

// ohGolden compares v, as indented JSON, with testdata/officehours_<name>.golden.
func ohGolden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "officehours_"+name+".golden")
	if *updateOfficeHours {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./handlers -run OfficeHours -update-officehours)", err)
	}
	if diff := cmp.Diff(strings.TrimSpace(string(want)), strings.TrimSpace(string(got))); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}
