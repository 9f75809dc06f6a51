package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/rs/zerolog"
	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/handlers"
	"github.com/platformbot/platformbot/handlers/internal/handlertest"
	hmetrics "github.com/platformbot/platformbot/handlers/metrics"
	hofficehours "github.com/platformbot/platformbot/handlers/officehours"
	hpulse "github.com/platformbot/platformbot/handlers/pulse"
	hselfservice "github.com/platformbot/platformbot/handlers/selfservice"
	"github.com/platformbot/platformbot/metrics"
	"github.com/platformbot/platformbot/officehours"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/outbox/webhook"
	"github.com/platformbot/platformbot/selfservice"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
	"github.com/platformbot/platformbot/surveys"
)

// The fuzz targets in this file drive the four features through one
// router, as Main wires them, over SQLite and a recording fake Slack:
// arbitrary slash-command text, button values and modal values. Whatever
// arrives, nothing may panic, every request gets an answer, and no mrkdwn
// the bot sends — replies, DMs, channel posts, modals, App Home — may
// carry a mention or a link that the input injected.

// The fixtures and checks of the fuzz targets, shared with the render
// fuzz targets of each feature.
const (
	fzDev     = handlertest.FzDev
	fzDevNY   = handlertest.FzDevNY
	fzAdmin   = handlertest.FzAdmin
	fzDBAs    = handlertest.FzDBAs
	fzTriage  = handlertest.FzTriage
	fzHostBer = handlertest.FzHostBer
	fzHostNY  = handlertest.FzHostNY
)

var (
	fuzzUsers    = handlertest.FuzzUsers
	fuzzSurvey   = handlertest.FuzzSurvey
	checkMessage = handlertest.CheckMessage
	checkMrkdwn  = handlertest.CheckMrkdwn
	mrkdwnOf     = handlertest.MrkdwnOf
)

type fuzzSlack = handlertest.FuzzSlack

func fzPtr(x float64) *float64 { return &x }

// fuzzCatalog has a type without approval whose form has every field
// kind, one approved by a user group and one by the admins.
var fuzzCatalog = []selfservice.Type{
	{ID: "new-repo", Title: "New repository", Description: "A repo with <CI> & more.", ManualMinutes: 30, SLA: 24 * time.Hour,
		Fields: []selfservice.Field{
			{ID: "name", Label: "Name", Type: selfservice.FieldText, Required: true, Pattern: `[a-z][a-z0-9-]{2,30}`, PatternHint: "lower-case letters, digits and dashes"},
			{ID: "visibility", Label: "Visibility", Type: selfservice.FieldSelect, Required: true, Default: []string{"private"},
				Options: []selfservice.Option{{Value: "private", Label: "Private"}, {Value: "public", Label: "Public"}}, Standard: []string{"private"}},
			{ID: "teams", Label: "Teams", Type: selfservice.FieldMultiSelect, Max: fzPtr(2), Options: []selfservice.Option{{Value: "web"}, {Value: "api"}}},
			{ID: "minutes", Label: "CI minutes", Type: selfservice.FieldNumber, Min: fzPtr(100), Max: fzPtr(5000)},
			{ID: "owner", Label: "Owner", Type: selfservice.FieldUser},
			{ID: "channel", Label: "Channel", Type: selfservice.FieldChannel},
			{ID: "until", Label: "Until", Type: selfservice.FieldDate},
			{ID: "why", Label: "Why", Type: selfservice.FieldTextarea, Hint: "Tell us more."},
		}},
	{ID: "db-access", Title: "Database access", Approval: selfservice.Approval{Policy: selfservice.ApprovalUserGroup, UserGroup: fzDBAs, Required: 2}},
	{ID: "dns", Title: "DNS record", Approval: selfservice.Approval{Policy: selfservice.ApprovalAdmins}},
}

// fuzzApp is the four features on one router.
type fuzzApp struct {
	router *bot.Router
	slack  *fuzzSlack
	clock  *clockwork.FakeClock
	pulse  *hpulse.Handler
	logs   *fuzzLog
	out    *outbox.Dispatcher // shared by every feature, as in the binary
}

type fuzzLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *fuzzLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *fuzzLog) take() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.buf.String()
	l.buf.Reset()
	return s
}

// noHooks is a webhook.Client's Hooks when no type has automation.
func noHooks(string) (webhook.Hook, bool) { return webhook.Hook{}, false }

// newFuzzApp wires self-service, office hours, pulse surveys and metrics
// on one SQLite database, with a request, a booking and an open survey
// run to act on, and services with hostile names in the metrics store.
func newFuzzApp(tb testing.TB) *fuzzApp {
	tb.Helper()
	db := storagetest.SQLite(tb)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	fs := &fuzzSlack{}
	clock := clockwork.NewFakeClockAt(time.Date(2026, 6, 1, 7, 0, 0, 0, time.UTC))
	logs := &fuzzLog{}
	admins := &bot.Admins{Users: []string{fzAdmin}}
	r := bot.NewRouter(admins, bot.Errors(zerolog.New(logs), nil, nil))
	app := &fuzzApp{router: r, slack: fs, clock: clock, logs: logs}

	catalog, err := selfservice.NewCatalog(fuzzCatalog)
	if err != nil {
		tb.Fatal(err)
	}
	people := &hselfservice.People{Admins: admins, People: handlers.NewDirectory(fs, []config.Team{{ID: "web", Users: []string{fzDev}}}, clock.Now)}
	svc := &selfservice.Service{Store: storage.NewSelfServiceStore(db), Catalog: catalog, People: people, Clock: clock}
	out, err := outbox.New(outbox.Options{Store: storage.NewOutboxStore(db), Log: zerolog.Nop(), Clock: clock, Poll: time.Hour})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = out.Stop() })
	app.out = out
	ss := &hselfservice.Handler{Svc: svc, Slack: fs, Outbox: out, Webhooks: &webhook.Client{Hooks: noHooks},
		Command: "/platform", TriageChannel: fzTriage, Location: berlin, Clock: clock, Log: zerolog.Nop()}
	svc.Notifier = ss
	r.Command("/platform", "requests")
	ss.Register(r)

	app.wireMetrics(tb, db)
	app.wireOfficeHours(db, berlin)
	app.wirePulse(tb, db)
	app.seed(tb, svc)
	return app
}

func (a *fuzzApp) wireMetrics(tb testing.TB, db *storage.DB) {
	store := storage.NewMetrics(db, storage.MetricsOptions{AttributionWindow: 24 * time.Hour, ProductionEnvironments: []string{"production"}, Now: a.clock.Now})
	teams := handlers.NewMetricsTeams(handlers.NewDirectory(a.slack, []config.Team{{ID: "payments", Name: "Payments & <Billing>", Users: []string{fzDev}}}, a.clock.Now))
	th, _ := metrics.ThresholdsFor(2023)
	h := &hmetrics.Handler{Service: &metrics.Service{Store: store, Directory: teams, Thresholds: th, Now: a.clock.Now},
		Outbox: a.out, Teams: teams, Slack: a.slack, Location: time.UTC, Now: a.clock.Now, Log: zerolog.Nop()}
	h.Register(a.router, "/platform")
	// Service names come from ingest senders, who may write anything.
	var b metrics.Batch
	for i, svc := range []string{"checkout", "<!channel>", "a&b", "<https://evil|x>", "<@U123>"} {
		fin := a.clock.Now().Add(-time.Duration(i+1) * time.Hour)
		b.Deployments = append(b.Deployments, metrics.Deployment{ID: fmt.Sprintf("d%d", i), Source: "api", Service: svc, Team: "payments",
			Environment: "production", Status: metrics.StatusSuccess, StartedAt: fin.Add(-time.Minute), FinishedAt: fin})
	}
	if _, err := store.Ingest(context.Background(), b); err != nil {
		tb.Fatal(err)
	}
}

func (a *fuzzApp) wireOfficeHours(db *storage.DB, berlin *time.Location) {
	newYork, _ := time.LoadLocation("America/New_York")
	sched := &officehours.Schedule{SlotLength: 30 * time.Minute, Horizon: 14 * 24 * time.Hour, MinNotice: time.Hour, Hosts: []officehours.HostSchedule{
		{User: fzHostBer, Location: berlin, Windows: []officehours.Window{{Day: time.Tuesday, Start: 14 * 60, End: 15 * 60}}},
		{User: fzHostNY, Location: newYork, Windows: []officehours.Window{{Day: time.Monday, Start: 10 * 60, End: 11 * 60}}},
	}}
	h := hofficehours.New(a.slack, zerolog.Nop())
	h.Outbox = a.out
	rules := officehours.Rules{MaxPerWeek: 3, WeekZone: berlin, TopicRequired: true, ReminderBefore: 15 * time.Minute}
	h.Service = &officehours.Service{Schedule: sched, Rules: rules, Clock: a.clock, Notifier: h.Notifier(rules.ReminderBefore),
		Store: storage.NewOfficeHoursStore(db, sched)}
	h.Register(a.router, "/officehours")
}

func (a *fuzzApp) wirePulse(tb testing.TB, db *storage.DB) {
	h := hpulse.New(a.slack, handlers.NewDirectory(a.slack, nil, a.clock.Now), zerolog.Nop())
	h.Outbox = a.out
	h.Service = surveys.New(surveys.Config{Surveys: []surveys.Survey{fuzzSurvey()}, Store: storage.NewSurveyStore(db),
		Dir: h.Directory(), Notifier: h.Notifier(), Clock: a.clock})
	h.Register(a.router, "/pulse")
	a.pulse = h
}

// seed files a request (REQ-1, pending), books a slot and opens a survey
// run, so that ids typed or clicked can hit something.
func (a *fuzzApp) seed(tb testing.TB, svc *selfservice.Service) {
	ctx := context.Background()
	if _, err := svc.Submit(ctx, fzDev, "dns", selfservice.Input{}); err != nil {
		tb.Fatal(err)
	}
	a.serve(tb, &bot.Request{Kind: bot.KindCommand, Command: "/pulse", Text: "send devex", UserID: fzAdmin})
	a.slack.Take()
	a.logs.take()
}

// serve runs a request with its after-ack work, as the runtime does.
func (a *fuzzApp) serve(tb testing.TB, req *bot.Request) *bot.Reply {
	tb.Helper()
	ctx := context.Background()
	reply, err := a.router.Serve(ctx, req)
	if err != nil {
		tb.Fatalf("Serve %s: %v", req.Route(), err)
	}
	if reply != nil && reply.After != nil {
		_ = reply.After(ctx)
	}
	a.pulse.Wait()
	return reply
}

// check fails on injected mrkdwn in the reply or in anything sent while
// serving, and returns the request's log.
func (a *fuzzApp) check(t *testing.T, what string, reply *bot.Reply) string {
	t.Helper()
	if reply != nil {
		checkMessage(t, what+" reply", reply.Message)
		for _, v := range []*slack.ModalViewRequest{reply.ViewUpdate, reply.ViewPush} {
			if v != nil {
				for _, s := range mrkdwnOf(v) {
					checkMrkdwn(t, what+" view", s)
				}
			}
		}
	}
	where, msgs, views := a.slack.Take()
	for i, m := range msgs {
		checkMessage(t, what+": "+where[i], m)
	}
	for _, v := range views {
		for _, s := range mrkdwnOf(v) {
			checkMrkdwn(t, what+" modal", s)
		}
	}
	return a.logs.take()
}

var fuzzCommands = []string{"/platform", "/officehours", "/pulse"}

// FuzzCommands sends arbitrary text after each command, as any user:
// every request gets an answer (an error becomes a message for the
// person, never "something went wrong"), and no reply or message carries
// an injected mention or link.
func FuzzCommands(f *testing.F) {
	for i, s := range []string{"", "help", "request", "request dns", "request <!channel>", "status REQ-1", "status <!here>", "status #1",
		"status REQ-99999999999999999999", "cancel REQ-1", "cancel <@U123>", "mine", "queue", "catalog", "metrics", "metrics 30d",
		"metrics <!channel>", "metrics a&b 7d", "metrics <https://evil|x>", "metrics 8d", "metrics checkout payments",
		"list", "book", "cancel 1", "cancel #<!channel>", "today", "send devex", "send <!channel>", "results devex", "results <@U123>", "send"} {
		for c := range fuzzCommands {
			f.Add(uint8(c), uint8(i), s)
		}
	}
	app := newFuzzApp(f)
	f.Fuzz(func(t *testing.T, cmd, user uint8, text string) {
		req := &bot.Request{Kind: bot.KindCommand, Command: fuzzCommands[int(cmd)%len(fuzzCommands)], Text: text,
			UserID: fuzzUsers[int(user)%len(fuzzUsers)], ChannelID: "CTEST00001", TriggerID: "T1"}
		reply := app.serve(t, req)
		if reply.IsEmpty() && len(app.slack.Views) == 0 {
			t.Fatalf("%s %q: no answer and no modal", req.Command, text)
		}
		log := app.check(t, req.Command+" "+text, reply)
		if strings.Contains(log, `"outcome":"error"`) {
			t.Fatalf("%s %q by %s failed inside: %s", req.Command, text, req.UserID, log)
		}
	})
}

var fuzzActions = []string{"ss:new", "ss:pick", "ss:approve", "ss:reject", "ss:done", "ss:fail", "ss:cancel", "ss:status", "ss:rate:3",
	"oh:book", "oh:block", "oh:cancel", "oh:noshow", "oh:rate:4", "oh:comment", "pulse:tap:0", "pulse:form", "pulse:change"}

// FuzzActions clicks every button with arbitrary values (stale, forged or
// cut off): nothing panics, and no answer or message carries injected
// mrkdwn.
func FuzzActions(f *testing.F) {
	for i, v := range []string{"", "1", "REQ-1", "1:5", "1:0", "<!channel>", "dns", "<@U123>", fzHostBer + ".1780401600", fzHostBer + ".x",
		"1:sat:4", "1:sat:99", "1:tok", "-1", "9223372036854775807"} {
		for a := range fuzzActions {
			f.Add(uint8(a), uint8(i), v)
		}
	}
	app := newFuzzApp(f)
	f.Fuzz(func(t *testing.T, action, user uint8, value string) {
		id := fuzzActions[int(action)%len(fuzzActions)]
		u := fuzzUsers[int(user)%len(fuzzUsers)]
		req := &bot.Request{Kind: bot.KindAction, ActionID: id, Value: value, UserID: u, TriggerID: "T1",
			ChannelID: "D" + u, ResponseURL: "https://hooks.example/" + u,
			Interaction: &slack.InteractionCallback{Container: slack.Container{Type: "message", MessageTs: "1700000001.000100"}}}
		reply := app.serve(t, req)
		app.check(t, id+" "+value, reply)
	})
}

// FuzzViewSubmissions submits the feature's modals with arbitrary values:
// the request form's fields, a rejection reason, a booking's slot and
// topic, a feedback comment. Refusals are inline errors on the form's own
// blocks; nothing panics or carries injected mrkdwn, including the
// triage post and DMs that a successful submission sends.
func FuzzViewSubmissions(f *testing.F) {
	for i, s := range []string{"billing", "<!channel>", "a <https://evil|x> b", "<@U123> & co", "", " ", strings.Repeat("x", 600)} {
		for k := range 4 {
			f.Add(uint8(k), uint8(i), "new-repo", s, "250")
			f.Add(uint8(k), uint8(i), "1", s, "2026-06-01")
			f.Add(uint8(k), uint8(i), fzHostBer+".1780401600", s, "")
		}
	}
	app := newFuzzApp(f)
	f.Fuzz(func(t *testing.T, kind, user uint8, meta, text, other string) {
		u := fuzzUsers[int(user)%len(fuzzUsers)]
		var callback string
		values := map[string]map[string]slack.BlockAction{}
		switch kind % 4 {
		case 0: // the request form of new-repo, or of the type in meta
			callback = hselfservice.ViewRequest
			for id, v := range map[string]string{"name": text, "why": text, "minutes": other, "until": other, "owner": other, "channel": other} {
				values[hselfservice.FieldBlock(id)] = map[string]slack.BlockAction{hselfservice.ValueAction: {Value: v}}
			}
			values[hselfservice.FieldBlock("visibility")] = map[string]slack.BlockAction{hselfservice.ValueAction: {SelectedOption: slack.OptionBlockObject{Value: other}}}
		case 1: // a rejection reason for the request in meta
			callback = hselfservice.ViewReject
			values[hselfservice.ReasonBlock] = map[string]slack.BlockAction{hselfservice.ValueAction: {Value: text}}
		case 2: // a booking
			callback = hofficehours.ViewBook
			values["slot"] = map[string]slack.BlockAction{"slot": {SelectedOption: slack.OptionBlockObject{Value: meta}}}
			values["topic"] = map[string]slack.BlockAction{"topic": {Value: text}}
		default: // a feedback comment on the booking in meta
			callback = hofficehours.ViewComment
			values["comment"] = map[string]slack.BlockAction{"comment": {Value: text}}
		}
		req := &bot.Request{Kind: bot.KindViewSubmission, CallbackID: callback, UserID: u,
			View: &slack.View{ID: "V1", CallbackID: callback, PrivateMetadata: meta, State: &slack.ViewState{Values: values}}}
		reply := app.serve(t, req)
		app.check(t, callback+" "+text, reply)
		if reply != nil {
			for block := range reply.ViewErrors {
				if _, ok := values[block]; !ok && block != hselfservice.TypeBlock {
					t.Fatalf("%s: error on %q, which is not a block of the form: %v", callback, block, reply.ViewErrors)
				}
			}
		}
	})
}
