package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/internal/fakeslack"
	"github.com/platformbot/platformbot/outbox/webhook"
	"github.com/platformbot/platformbot/selfservice"
	"github.com/platformbot/platformbot/storage"
)

const (
	ssE2EDev     = "UDEV000001"
	ssE2EAdmin   = "UADMIN0001"
	ssE2EOther   = "UOTHER0001"
	ssE2ETriage  = "C0TRIAGE01"
	ssE2ESecret  = "e2e-webhook-secret"
	ssE2ECbToken = "e2e-callback-token"
)

// ssReceiver is the automation: a local HTTP server that verifies every
// call's signature and answers per path (/ok 200, /accept 202, /broken 500).
type ssReceiver struct {
	*httptest.Server
	mu    sync.Mutex
	calls []ssCall
}

type ssCall struct {
	Path, Key string
	Signed    bool
	Body      selfservice.Payload
}

func newSSReceiver(t *testing.T) *ssReceiver {
	rcv := &ssReceiver{}
	rcv.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		c := ssCall{Path: r.URL.Path, Key: r.Header.Get("Idempotency-Key"),
			Signed: webhook.Verify(ssE2ESecret, raw, r.Header.Get("X-Platformbot-Signature"))}
		json.Unmarshal(raw, &c.Body)
		rcv.mu.Lock()
		rcv.calls = append(rcv.calls, c)
		rcv.mu.Unlock()
		switch {
		case !c.Signed:
			http.Error(w, "bad signature", http.StatusUnauthorized)
		case r.URL.Path == "/accept":
			w.WriteHeader(http.StatusAccepted)
		case r.URL.Path == "/broken":
			http.Error(w, "database on fire", http.StatusInternalServerError)
		default:
			w.WriteHeader(http.StatusOK)
		}
	}))
	t.Cleanup(rcv.Close)
	return rcv
}

func (r *ssReceiver) Calls(ref string) []ssCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []ssCall
	for _, c := range r.calls {
		if c.Body.ID == ref {
			out = append(out, c)
		}
	}
	return out
}

func ssE2EConfig(hooks string) string {
	return fmt.Sprintf(`
slack:
  triage_channel: %[2]s
admins:
  users: [%[3]s]
teams:
  - id: web
    users: [%[4]s]
catalog:
  - id: db-access
    title: Database access
    manual_minutes: 20
    fields:
      - {id: database, label: Database, type: select, required: true, options: [{value: orders}, {value: payments}]}
      - {id: reason, label: Why, type: textarea, required: true, min: 10}
    approval: {policy: admins}
    automation: {url: %[1]s/ok, secret_env: SS_E2E_SECRET}
  - id: new-repo
    title: New repository
    manual_minutes: 30
    fields:
      - {id: name, label: Name, type: text, required: true, pattern: '[a-z][a-z0-9-]{2,30}', pattern_hint: lower-case letters and dashes}
      - {id: visibility, label: Visibility, type: select, required: true, options: [{value: private}, {value: public}], standard: [private]}
    automation: {url: %[1]s/ok, secret_env: SS_E2E_SECRET}
  - id: preview
    title: Preview environment
    automation: {url: %[1]s/accept, secret_env: SS_E2E_SECRET, callback_token_env: SS_E2E_CALLBACK}
  - id: broken
    title: Broken thing
    automation: {url: %[1]s/broken, secret_env: SS_E2E_SECRET, attempts: 3, backoff: 1ms}
`, hooks, ssE2ETriage, ssE2EAdmin, ssE2EDev)
}

func newSSBot(t *testing.T, db string) (*testBot, *ssReceiver) {
	rcv := newSSReceiver(t)
	// Set before the config is parsed: validation checks the variables.
	t.Setenv("SS_E2E_SECRET", ssE2ESecret)
	t.Setenv("SS_E2E_CALLBACK", ssE2ECbToken)
	b := newTestBot(t, botOptions{DatabaseURL: db, Config: ssE2EConfig(rcv.URL)})
	return b, rcv
}

// state polls the request until it reaches want.
func ssWaitState(t *testing.T, b *testBot, id int64, want selfservice.State) *selfservice.Request {
	t.Helper()
	store := storage.NewSelfServiceStore(b.Main.DB)
	deadline := time.Now().Add(10 * time.Second)
	for {
		r, err := store.Request(context.Background(), id)
		if err == nil && r.State == want {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("REQ-%d is %v (err %v), want %s\nlogs:\n%s", id, r, err, want, b.Logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// ssWaitStateTicking is ssWaitState while the fake clock moves on, 100 ms
// per poll: the outbox retries a failed call after its backoff on the
// bot's clock.
func ssWaitStateTicking(t *testing.T, b *testBot, id int64, want selfservice.State) *selfservice.Request {
	t.Helper()
	store := storage.NewSelfServiceStore(b.Main.DB)
	deadline := time.Now().Add(20 * time.Second)
	for {
		r, err := store.Request(context.Background(), id)
		if err == nil && r.State == want {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("REQ-%d is %v (err %v), want %s\nlogs:\n%s", id, r, err, want, b.Logs)
		}
		b.Clock.Advance(100 * time.Millisecond)
		time.Sleep(10 * time.Millisecond)
	}
}

// ssWaitUpdated waits until the triage message was updated n times and
// shows showing.
func ssWaitUpdated(t *testing.T, b *testBot, ts string, n int, showing string) fakeslack.Message {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, m := range b.Fake.Messages(ssE2ETriage) {
			// Each event's update renders the request as it is when sent,
			// so an earlier one may already show a later state, and the
			// last one to arrive is the one to check.
			if m.TS == ts && m.Updated >= n && strings.Contains(string(m.Blocks), showing) {
				return m
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("triage message %s not updated %d times to show %q\nmessages: %+v\nlogs:\n%s", ts, n, showing, b.Fake.Messages(ssE2ETriage), b.Logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func ssDMTexts(b *testBot, user string) []string {
	var out []string
	for _, m := range b.DMs(user) {
		out = append(out, m.Text)
	}
	return out
}

// ssExpect checks got (text or blocks JSON, with its HTML escapes undone)
// for each of wants.
func ssExpect(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	got = strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(got)
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s: missing %q in:\n%s", what, w, got)
		}
	}
}

// ssSubmitForm submits the open modal with values by block id.
func ssSubmitForm(b *testBot, user string, view slack.View, values map[string]slack.BlockAction) fakeslack.Ack {
	state := map[string]map[string]slack.BlockAction{}
	for k, v := range values {
		state[k] = map[string]slack.BlockAction{"v": v}
	}
	return b.Submit(user, view, state)
}

func ssResponseAction(ack fakeslack.Ack) (action string, errs map[string]string) {
	var p struct {
		Action string            `json:"response_action"`
		Errors map[string]string `json:"errors"`
	}
	json.Unmarshal(ack.Payload, &p)
	return p.Action, p.Errors
}

// TestSelfServiceApprovalPathE2E walks the whole approval path through the
// fake Slack: picker → type → invalid submit (inline error) → valid submit
// → triage post → non-approver refused → approver approves → signed
// webhook → done, with a DM to the requester at each step.
func TestSelfServiceApprovalPathE2E(t *testing.T) {
	eachDB(t, func(t *testing.T, db string) {
		b, rcv := newSSBot(t, db)
		if ack := b.Command(ssE2EDev, "/platform request"); AckText(ack) != "" {
			t.Fatalf("request acked with text %q; want only the modal", AckText(ack))
		}
		picker := b.Modal(1)
		b.Action(ssE2EDev, slack.BlockAction{ActionID: "ss:pick", BlockID: "ss_type",
			SelectedOption: slack.OptionBlockObject{Value: "db-access"}}, &picker, "", "")
		var form slack.View
		for deadline := time.Now().Add(5 * time.Second); form.PrivateMetadata != "db-access"; {
			if time.Now().After(deadline) {
				t.Fatalf("the picker did not turn into the db-access form\n%s", b.Logs)
			}
			form = b.Modal(1)
			time.Sleep(5 * time.Millisecond)
		}

		values := map[string]slack.BlockAction{
			"f_database": {SelectedOption: slack.OptionBlockObject{Value: "orders"}},
			"f_reason":   {Value: "debug"},
		}
		action, errs := ssResponseAction(ssSubmitForm(b, ssE2EDev, form, values))
		if action != "errors" || errs["f_reason"] != "Use at least 10 characters." || len(errs) != 1 {
			t.Fatalf("invalid submit: response_action %q errors %v; want one inline error on f_reason", action, errs)
		}
		values["f_reason"] = slack.BlockAction{Value: "debugging order #42"}
		if action, _ := ssResponseAction(ssSubmitForm(b, ssE2EDev, form, values)); action != "update" {
			t.Fatalf("valid submit: response_action %q, want update (the confirmation)", action)
		}

		posts, err := b.Fake.WaitMessages(b.ctx(), ssE2ETriage, 1)
		if err != nil {
			t.Fatalf("no triage post: %v\n%s", err, b.Logs)
		}
		triage := posts[0]
		ssExpect(t, "triage post", string(triage.Blocks), "REQ-1", "debugging order #42", "ss:approve", "ss:reject")

		b.Action(ssE2EOther, slack.BlockAction{ActionID: "ss:approve", Value: "1"}, nil, ssE2ETriage, triage.TS)
		resp, err := b.Fake.WaitResponses(b.ctx(), ssE2ETriage+"-"+triage.TS, 1)
		if err != nil {
			t.Fatalf("no refusal: %v", err)
		}
		ssExpect(t, "refusal", string(resp[0]), "Only the platform team can decide REQ-1", `"response_type":"ephemeral"`)
		if len(rcv.Calls("REQ-1")) != 0 {
			t.Fatal("the webhook was called before approval")
		}

		b.Action(ssE2EAdmin, slack.BlockAction{ActionID: "ss:approve", Value: "1"}, nil, ssE2ETriage, triage.TS)
		r := ssWaitState(t, b, 1, selfservice.Done)
		if !r.HumanStep || r.Team != "web" {
			t.Errorf("done request: human step %v team %q; want true, web", r.HumanStep, r.Team)
		}
		calls := rcv.Calls("REQ-1")
		if len(calls) != 1 || !calls[0].Signed || calls[0].Key == "" {
			t.Fatalf("webhook calls = %+v; want one correctly signed call with an idempotency key", calls)
		}
		if got := calls[0].Body; got.Type != "db-access" || got.Requester != ssE2EDev || got.Fields["database"] != "orders" || len(got.ApprovedBy) != 1 {
			t.Errorf("webhook body = %+v", got)
		}
		updated := ssWaitUpdated(t, b, triage.TS, 2, ":tada: done") // approved, then done
		if strings.Contains(string(updated.Blocks), "ss:approve") {
			t.Errorf("the triage message still has its buttons after the decision: %s", updated.Blocks)
		}
		ssExpect(t, "decided triage message", string(updated.Blocks), "Approved by <@UADMIN0001>", ":tada: done")

		dms := b.WaitDMs(ssE2EDev, 3)
		joined := strings.Join(ssDMTexts(b, ssE2EDev), "\n")
		ssExpect(t, "requester DMs", joined, "was submitted and is waiting for approval", "was approved by <@UADMIN0001>", "is done")
		ssExpect(t, "done DM", string(dms[2].Blocks), "How was this?", "ss:rate:5")

		b.Action(ssE2EDev, slack.BlockAction{ActionID: "ss:rate:5", Value: "1:5"}, nil, dms[2].Channel, dms[2].TS)
		r = ssWaitRated(t, b, 1)
		if r.Rating != 5 {
			t.Errorf("rating = %d, want 5", r.Rating)
		}
	})
}

func ssWaitRated(t *testing.T, b *testBot, id int64) *selfservice.Request {
	t.Helper()
	store := storage.NewSelfServiceStore(b.Main.DB)
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if r, _ := store.Request(context.Background(), id); r != nil && r.Rating > 0 {
			return r
		}
	}
	t.Fatalf("REQ-%d never rated\n%s", id, b.Logs)
	return nil
}

// TestSelfServiceAutomaticPathsE2E covers the auto-approved path, the
// exception path, the accepted (202 + status callback) path and the failed
// automation path.
func TestSelfServiceAutomaticPathsE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("paced DMs to one user, about 7 s: skipped with -short")
	}
	eachDB(t, func(t *testing.T, db string) {
		b, rcv := newSSBot(t, db)
		file := func(typ string, values map[string]slack.BlockAction) {
			t.Helper()
			n := len(b.Fake.Modals())
			b.Command(ssE2EDev, "/platform request "+typ)
			form := b.Modal(n + 1)
			if action, errs := ssResponseAction(ssSubmitForm(b, ssE2EDev, form, values)); action != "update" {
				t.Fatalf("%s: response_action %q errors %v", typ, action, errs)
			}
		}
		repo := func(vis string) map[string]slack.BlockAction {
			return map[string]slack.BlockAction{"f_name": {Value: "billing"}, "f_visibility": {SelectedOption: slack.OptionBlockObject{Value: vis}}}
		}

		// 1. Auto-approved: no triage post, no human step, webhook → done.
		file("new-repo", repo("private"))
		r := ssWaitState(t, b, 1, selfservice.Done)
		if r.HumanStep || r.NeedsApproval {
			t.Errorf("auto-approved request: human %v needs approval %v", r.HumanStep, r.NeedsApproval)
		}
		if c := rcv.Calls("REQ-1"); len(c) != 1 || !c[0].Signed {
			t.Errorf("REQ-1 webhook calls = %+v", c)
		}
		b.WaitDMs(ssE2EDev, 2)
		ssExpect(t, "auto-approved DMs", strings.Join(ssDMTexts(b, ssE2EDev), "\n"), "needs no approval", "REQ-1* · New repository is done")

		// 2. Exception: the same type with a non-standard option waits for
		// an admin and is labeled as an exception.
		file("new-repo", repo("public"))
		ssWaitState(t, b, 2, selfservice.PendingApproval)
		posts, err := b.Fake.WaitMessages(b.ctx(), ssE2ETriage, 1)
		if err != nil {
			t.Fatalf("no triage post for the exception: %v", err)
		}
		ssExpect(t, "exception triage post", string(posts[0].Blocks), "REQ-2", ":warning: *exception*", "non-standard")
		if len(rcv.Calls("REQ-2")) != 0 {
			t.Fatal("the exception's webhook ran before approval")
		}
		b.Action(ssE2EAdmin, slack.BlockAction{ActionID: "ss:approve", Value: "2"}, nil, ssE2ETriage, posts[0].TS)
		if r := ssWaitState(t, b, 2, selfservice.Done); !r.Exception || !r.HumanStep {
			t.Errorf("exception request: exception %v human %v", r.Exception, r.HumanStep)
		}

		// 3. Accepted (202): in progress until the automation reports back.
		file("preview", nil)
		ssWaitState(t, b, 3, selfservice.InProgress)
		for _, tc := range []struct {
			token string
			code  int
		}{{"wrong", 401}, {ssE2ECbToken, 200}, {ssE2ECbToken, 200}} {
			if code := ssCallback(t, b, "REQ-3", tc.token, `{"status":"done","note":"https://preview-3.example.com"}`); code != tc.code {
				t.Errorf("callback with token %q: %d, want %d", tc.token, code, tc.code)
			}
		}
		ssWaitState(t, b, 3, selfservice.Done)

		// 4. Failed automation: bounded retries, then failed, the triage
		// channel is told and so is the requester.
		file("broken", nil)
		r = ssWaitStateTicking(t, b, 4, selfservice.Failed)
		if c := rcv.Calls("REQ-4"); len(c) != 3 {
			t.Errorf("broken webhook called %d times, want 3 (the configured attempts)", len(c))
		}
		ssExpect(t, "failure note", r.Note, "500 Internal Server Error", "database on fire")
		alerts, err := b.Fake.WaitMessages(b.ctx(), ssE2ETriage, 2)
		if err != nil {
			t.Fatalf("no failure alert: %v", err)
		}
		ssExpect(t, "failure alert", alerts[1].Text, "REQ-4", "failed")
		b.WaitDMs(ssE2EDev, 10)
		ssExpect(t, "failure DM", strings.Join(ssDMTexts(b, ssE2EDev), "\n"), "REQ-4* · Broken thing failed", "The platform team has been told.")
	})
}

func ssCallback(t *testing.T, b *testBot, ref, token, body string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.HTTPURL+"/api/v1/requests/"+ref+"/status", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestSelfServiceResumesAfterRestartE2E: a request approved by a process
// that stopped before calling the webhook (here: written straight to the
// database, as a crash would leave it) is picked up by the scheduled
// dispatch job, not lost.
func TestSelfServiceResumesAfterRestartE2E(t *testing.T) {
	b, rcv := newSSBot(t, "")
	now := b.Clock.Now().UTC()
	r := &selfservice.Request{Type: "new-repo", TypeTitle: "New repository", Requester: ssE2EDev, State: selfservice.Approved,
		HasAutomation: true, ManualMinutes: 30, CreatedAt: now, UpdatedAt: now,
		Fields: []selfservice.FieldValue{{ID: "name", Label: "Name", Kind: "text", Values: []string{"left-behind"}}}}
	evs := []selfservice.Event{
		{Kind: selfservice.EventTransition, At: now, Actor: ssE2EDev, To: selfservice.Submitted, Silent: true},
		{Kind: selfservice.EventTransition, At: now, From: selfservice.Submitted, To: selfservice.Approved},
	}
	if err := storage.NewSelfServiceStore(b.Main.DB).CreateRequest(context.Background(), r, evs); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if len(rcv.Calls(r.Ref())) != 0 {
		t.Fatal("called without the job or a wake-up")
	}
	b.Advance(time.Minute) // the selfservice-handover job's next occurrence
	ssWaitState(t, b, r.ID, selfservice.Done)
	if c := rcv.Calls(r.Ref()); len(c) != 1 || c[0].Body.Fields["name"] != "left-behind" {
		t.Errorf("webhook calls = %+v", c)
	}
	b.WaitDMs(ssE2EDev, 2) // the undelivered "approved" notification, then "done"
}

// TestSelfServiceConsole runs the request flow on `platformbot console`
// with the built-in example catalog: the form is prompted field by field
// and filed, and --demo seeds requests that the admin's queue and the
// requester's list show.
func TestSelfServiceConsole(t *testing.T) {
	dbURL := "sqlite:" + t.TempDir() + "/console.db"
	env := map[string]string{"DATABASE_URL": dbURL, "LOG_LEVEL": "error"}
	getenv := func(k string) string { return env[k] }
	run := func(user string, demo bool, lines ...string) string {
		t.Helper()
		var out strings.Builder
		in := strings.NewReader(strings.Join(lines, "\n") + "\n")
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := runConsole(ctx, consoleRun{In: in, Out: &out, Getenv: getenv, User: user, Demo: demo}); err != nil {
			t.Fatalf("console: %v\n%s", err, out.String())
		}
		return out.String()
	}
	berlin, _ := time.LoadLocation("Europe/Berlin") // the example's zone, the console user's
	today := time.Now().In(berlin)
	out := run("UCONSOLE", true,
		"/platform mine",
		"/platform request db-access",
		"",           // keep the type
		"1",          // database: orders
		"",           // access level: keep read
		"2020-01-01", // until: in the past (issue 15: it was filed)
		"short",      // reason: too short (min_length), asked again
		"debugging order #42",
		today.AddDate(0, 0, 20).Format(time.DateOnly), // until, asked again after the refusal
		"/platform mine",
	)
	ssExpect(t, "console", out,
		"Until: Pick a date from "+today.Format(time.DateOnly)+" to "+today.AddDate(0, 0, 90).Format(time.DateOnly)+".", // refused inline, in the modal
		"*REQ-4* · Database access — :hourglass_flowing_sand: waiting for approval",                                     // seeded
		"*REQ-6* · Database access is filed. It is waiting for approval.",
		"*REQ-6* · Database access — :hourglass_flowing_sand: waiting for approval · just now",
	)
	out = run("UADMIN0001", true, "/platform queue")
	ssExpect(t, "admin queue", out, "*Open requests* (3, oldest first", "REQ-3", "REQ-4", "REQ-6")
}
