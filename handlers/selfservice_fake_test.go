package handlers

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jonboulle/clockwork"
	"github.com/rs/zerolog"
	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/selfservice"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

var updateSelfService = flag.Bool("update-selfservice", false, "rewrite testdata/selfservice_*.golden with the actual output")

const (
	ssDev    = "UDEV000001"
	ssAdmin  = "UADMIN0001"
	ssDBA1   = "UDBA000001"
	ssDBA2   = "UDBA000002"
	ssDBAs   = "SDBA000001"
	ssTriage = "CTRIAGE001"
)

// ssFakeSlack is a bot.Slack that records posts, updates and views.
type ssFakeSlack struct {
	mu      sync.Mutex
	posts   map[string][]bot.Message // channel or user → messages
	updates []bot.Message
	opened  []slack.ModalViewRequest
	updated []slack.ModalViewRequest
}

func (f *ssFakeSlack) PostMessage(_ context.Context, channel string, msg bot.Message) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.posts == nil {
		f.posts = map[string][]bot.Message{}
	}
	f.posts[channel] = append(f.posts[channel], msg)
	return fmt.Sprintf("1700000000.%06d", len(f.posts[channel])), nil
}
func (f *ssFakeSlack) PostEphemeral(context.Context, string, string, bot.Message) error { return nil }
func (f *ssFakeSlack) UpdateMessage(_ context.Context, _, _ string, msg bot.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updates = append(f.updates, msg)
	return nil
}
func (f *ssFakeSlack) Respond(context.Context, string, bot.Message) error { return nil }
func (f *ssFakeSlack) OpenView(_ context.Context, trigger string, v slack.ModalViewRequest) (bot.View, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if trigger == "" {
		return bot.View{}, fmt.Errorf("views.open: invalid_trigger_id")
	}
	f.opened = append(f.opened, v)
	return bot.View{ID: fmt.Sprintf("V%d", len(f.opened))}, nil
}
func (f *ssFakeSlack) UpdateView(_ context.Context, _, _ string, v slack.ModalViewRequest) (bot.View, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updated = append(f.updated, v)
	return bot.View{}, nil
}
func (f *ssFakeSlack) PushView(context.Context, string, slack.ModalViewRequest) (bot.View, error) {
	return bot.View{}, nil
}
func (f *ssFakeSlack) PublishHome(context.Context, string, slack.HomeTabViewRequest) error {
	return nil
}
func (f *ssFakeSlack) UserInfo(_ context.Context, id string) (bot.User, error) {
	return bot.User{ID: id, TZ: "Europe/Berlin"}, nil
}
func (f *ssFakeSlack) UserGroupMembers(_ context.Context, group string) ([]string, error) {
	if group == ssDBAs {
		return []string{ssDBA1, ssDBA2, ssDev}, nil
	}
	return nil, nil
}
func (f *ssFakeSlack) ChannelMembers(context.Context, string) ([]string, error) { return nil, nil }

func (f *ssFakeSlack) take(channel string) []bot.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.posts[channel]
	delete(f.posts, channel)
	return out
}

func ssPtr(x float64) *float64 { return &x }

// ssTestCatalog: new-repo (no approval, public is an exception), db-access
// (two DBAs), dns (admins).
var ssTestCatalog = []config.RequestType{
	{ID: "new-repo", Title: "New repository", Description: "A repo with <CI> & more.", ManualMinutes: 30, SLA: config.Duration(24 * time.Hour),
		Fields: []config.Field{
			{ID: "name", Label: "Name", Type: config.FieldText, Required: true, Pattern: `[a-z][a-z0-9-]{2,30}`, PatternHint: "lower-case letters, digits and dashes"},
			{ID: "visibility", Label: "Visibility", Type: config.FieldSelect, Required: true, Default: config.StringList{"private"},
				Options: []config.Option{{Value: "private", Label: "Private"}, {Value: "public", Label: "Public"}}, Standard: []string{"private"}},
			{ID: "teams", Label: "Teams", Type: config.FieldMultiSelect, Max: ssPtr(2), Options: []config.Option{{Value: "web"}, {Value: "api"}}},
			{ID: "minutes", Label: "CI minutes", Type: config.FieldNumber, Min: ssPtr(100), Max: ssPtr(5000)},
			{ID: "owner", Label: "Owner", Type: config.FieldUser},
			{ID: "channel", Label: "Channel", Type: config.FieldChannel},
			{ID: "until", Label: "Until", Type: config.FieldDate},
			{ID: "why", Label: "Why", Type: config.FieldTextarea, Hint: "Tell us more."},
		}},
	{ID: "db-access", Title: "Database access", Approval: config.Approval{Policy: config.ApprovalUserGroup, UserGroup: ssDBAs, Required: 2}},
	{ID: "dns", Title: "DNS record", Approval: config.Approval{Policy: config.ApprovalAdmins}},
}

// ssTest is the self-service handlers over a real SQLite store, a fake
// clock and a fake Slack; the dispatcher is driven by hand (settle).
type ssTest struct {
	t      *testing.T
	router *bot.Router
	slack  *ssFakeSlack
	clock  *clockwork.FakeClock
	h      *SelfService
	d      *selfservice.Dispatcher
}

func newSSTest(t *testing.T) *ssTest {
	t.Helper()
	catalog, err := selfservice.NewCatalog(ssTestCatalog)
	if err != nil {
		t.Fatal(err)
	}
	fs := &ssFakeSlack{}
	clock := clockwork.NewFakeClockAt(time.Date(2026, 6, 1, 7, 0, 0, 0, time.UTC))
	admins := &bot.Admins{Users: []string{ssAdmin}}
	people := &SelfServicePeople{Admins: admins, Slack: fs, Teams: []config.Team{{ID: "web", Users: []string{ssDev}}}, Now: clock.Now}
	svc := &selfservice.Service{Store: storage.NewSelfServiceStore(storagetest.SQLite(t)), Catalog: catalog, People: people, Clock: clock}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	h := &SelfService{Svc: svc, Slack: fs, Command: "/platform", TriageChannel: ssTriage, Location: berlin, Clock: clock, Log: zerolog.Nop()}
	r := bot.NewRouter(admins, bot.Errors(zerolog.Nop(), nil, nil))
	r.Command("/platform", "requests")
	h.Register(r)
	d := &selfservice.Dispatcher{Service: svc, Messenger: h, Webhooks: &selfservice.Webhooks{}, Log: zerolog.Nop()}
	return &ssTest{t: t, router: r, slack: fs, clock: clock, h: h, d: d}
}

func (s *ssTest) serve(req *bot.Request) *bot.Reply {
	s.t.Helper()
	reply, err := s.router.Serve(context.Background(), req)
	if err != nil {
		s.t.Fatalf("Serve %s: %v", req.Route(), err)
	}
	return reply
}

func (s *ssTest) command(user, text string) *bot.Reply {
	return s.serve(&bot.Request{Kind: bot.KindCommand, Command: "/platform", Text: text, UserID: user, TriggerID: "T1"})
}

func (s *ssTest) click(user, actionID, value string) *bot.Reply {
	return s.serve(&bot.Request{Kind: bot.KindAction, ActionID: actionID, Value: value, UserID: user, TriggerID: "T2"})
}

func (s *ssTest) submit(user, callbackID, metadata string, values map[string]map[string]slack.BlockAction) *bot.Reply {
	return s.serve(&bot.Request{Kind: bot.KindViewSubmission, CallbackID: callbackID, UserID: user,
		View: &slack.View{ID: "V1", CallbackID: callbackID, PrivateMetadata: metadata, State: &slack.ViewState{Values: values}}})
}

// settle delivers notifications and runs due automations.
func (s *ssTest) settle() {
	s.t.Helper()
	for range 2 {
		if err := s.d.Pass(context.Background()); err != nil {
			s.t.Fatal(err)
		}
		s.d.Wait()
	}
}

// file submits a valid new-repo request (public: an exception when
// exception is set) and returns its id.
func (s *ssTest) file(user, typ string, values map[string]map[string]slack.BlockAction) int64 {
	s.t.Helper()
	reply := s.submit(user, ssViewRequest, typ, values)
	if reply == nil || reply.ViewUpdate == nil || len(reply.ViewErrors) > 0 {
		s.t.Fatalf("submission reply = %+v", reply)
	}
	rs, _ := s.h.Svc.Mine(context.Background(), user, 1)
	return rs[0].ID
}

func ssText(v string) slack.BlockAction { return slack.BlockAction{Value: v} }
func ssOption(v ...string) slack.BlockAction {
	if len(v) == 1 {
		return slack.BlockAction{SelectedOption: slack.OptionBlockObject{Value: v[0]}}
	}
	a := slack.BlockAction{}
	for _, x := range v {
		a.SelectedOptions = append(a.SelectedOptions, slack.OptionBlockObject{Value: x})
	}
	return a
}

// ssValues builds modal state: block id → the "v" action's value.
func ssValues(kv map[string]slack.BlockAction) map[string]map[string]slack.BlockAction {
	out := map[string]map[string]slack.BlockAction{}
	for k, v := range kv {
		out[k] = map[string]slack.BlockAction{ssValueAction: v}
	}
	return out
}

// ssGolden compares v as indented JSON with testdata/selfservice_<name>.golden.
func ssGolden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "selfservice_"+name+".golden")
	if *updateSelfService {
		if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./handlers -run SelfService -update-selfservice)", err)
	}
	if diff := cmp.Diff(string(want), string(got)+"\n"); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}
