package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/internal/fakeslack"
	"github.com/platformbot/platformbot/officehours"
	"github.com/platformbot/platformbot/outbox/webhook"
	"github.com/platformbot/platformbot/selfservice"
	"github.com/platformbot/platformbot/storage"
)

// The security end-to-end test runs the real bot against the fake Slack
// with every kind of secret configured, and checks what issue 7 asks:
// the ingest and callback endpoints refuse missing, wrong and probed
// tokens; the webhooks refuse bad signatures; non-admins are refused
// admin actions with an ephemeral message and a log line; and no token or
// secret appears in the (debug-level) logs, in any HTTP answer or in
// anything posted to Slack.

const (
	secAdmin  = "UADMIN0001"
	secDev    = "UDEV000001"
	secOther  = "UOTHER0001"
	secHost   = "UHOSTSEC01"
	secTriage = "C0SECTRI01"

	secIngestToken = "sec-ingest-T0k3n-7f3a9c1e5b2d"
	secGHSecret    = "sec-github-S3cr3t-41d8e6a0"
	secPDSecret    = "sec-pagerduty-S3cr3t-9a2b77"
	secSignSecret  = "sec-automation-S1gn1ng-c0ffee42"
	secCbToken     = "sec-callback-T0k3n-bead1234"
)

func secConfig(hooks string) string {
	return fmt.Sprintf(`
timezone: UTC
slack:
  triage_channel: %[2]s
admins:
  users: [%[3]s]
teams:
  - id: payments
    users: [%[4]s]
catalog:
  - id: preview
    title: Preview environment
    approval: {policy: admins}
    automation: {url: %[1]s/accept, secret_env: SEC_SIGNING_SECRET, callback_token_env: SEC_CALLBACK_TOKEN}
office_hours:
  slot_length: 30m
  min_notice: 1h
  hosts:
    - user: %[5]s
      windows:
        - {days: [tue], start: "14:00", end: "16:00"}
surveys:
  - id: devex
    title: Developer experience
    audience: {users: [%[4]s]}
    min_group_size: 2
    questions:
      - {id: sat, type: scale, text: "How satisfied are you?", labels: [Very poor, Poor, OK, Good, Great]}
ingest:
  token_env: SEC_INGEST_TOKEN
  github_secret_env: SEC_GITHUB_SECRET
  pagerduty_secret_env: SEC_PD_SECRET
  services:
    - id: checkout
      team: payments
      github_repos: [acme/checkout]
      pagerduty_services: [PCHECK01]
`, hooks, secTriage, secAdmin, secDev, secHost)
}

// secSecrets are every secret the bot holds in the test, by name.
var secSecrets = map[string]string{
	"bot token": fakeslack.BotToken, "app token": fakeslack.AppToken, "ingest token": secIngestToken,
	"GitHub secret": secGHSecret, "PagerDuty secret": secPDSecret, "automation signing secret": secSignSecret,
	"callback token": secCbToken,
}

// secBot is the bot under test, with an automation that verifies the
// signature of each call and accepts it (202), and a record of every
// answer its HTTP server gave.
type secBot struct {
	*testBot
	t       *testing.T
	mu      sync.Mutex
	answers []string
	// respURLs are the response_urls of the clicks: each is a credential
	// for posting into the conversation, like the Socket Mode URL.
	respURLs []string
}

func newSecBot(t *testing.T, db string) *secBot {
	t.Helper()
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !webhook.Verify(secSignSecret, body, r.Header.Get("X-Platformbot-Signature")) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(rcv.Close)
	for k, v := range map[string]string{"SEC_INGEST_TOKEN": secIngestToken, "SEC_GITHUB_SECRET": secGHSecret,
		"SEC_PD_SECRET": secPDSecret, "SEC_SIGNING_SECRET": secSignSecret, "SEC_CALLBACK_TOKEN": secCbToken} {
		t.Setenv(k, v) // before the config is parsed: validation checks them
	}
	// The harness logs at debug level, as LOG_LEVEL=debug does.
	b := newTestBot(t, botOptions{DatabaseURL: db, Config: secConfig(rcv.URL)})
	return &secBot{testBot: b, t: t}
}

// post sends a POST to the bot's HTTP server and records the answer.
func (s *secBot) post(path string, body []byte, headers map[string]string) (int, http.Header, string) {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.HTTPURL+path, bytes.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	s.mu.Lock()
	s.answers = append(s.answers, fmt.Sprintf("POST %s → %d %s", path, resp.StatusCode, raw))
	s.mu.Unlock()
	return resp.StatusCode, resp.Header, string(raw)
}

// rows counts a table's rows, to show that refused requests stored nothing.
func (s *secBot) rows(table string) int64 {
	s.t.Helper()
	var n int64
	if err := s.Main.DB.Gorm.Table(table).Count(&n).Error; err != nil {
		s.t.Fatal(err)
	}
	return n
}

func TestSecurityE2E(t *testing.T) {
	eachDB(t, func(t *testing.T, db string) {
		s := newSecBot(t, db)
		id := s.adminRefusals(t)
		s.bearerProbes(t, id)
		s.signatureProbes(t)
		s.slackInvalidAuth(t)
		s.noSecretsAnywhere(t)
	})
}

// probes are Authorization headers that must all be refused for token:
// missing, malformed, wrong, and guesses that share a long prefix with the
// real token or extend it (what a timing attack would try). "" means no
// header.
func probes(token, other string) map[string]string {
	flip := func(c byte) string { return string(c ^ 1) }
	n := len(token)
	return map[string]string{
		"missing":              "",
		"empty bearer":         "Bearer ",
		"scheme only":          "Bearer",
		"wrong token":          "Bearer wrong-token",
		"another secret":       "Bearer " + other,
		"lower-case scheme":    "bearer " + token,
		"basic scheme":         "Basic " + token,
		"no scheme":            token,
		"double space":         "Bearer  " + token,
		"list":                 "Bearer wrong, Bearer " + token,
		"first character":      "Bearer " + token[:1],
		"first half":           "Bearer " + token[:n/2],
		"all but the last":     "Bearer " + token[:n-1],
		"last character wrong": "Bearer " + token[:n-1] + flip(token[n-1]),
		"first character off":  "Bearer " + flip(token[0]) + token[1:],
		"one character more":   "Bearer " + token + "0",
		"token twice":          "Bearer " + token + token,
		"upper case":           "Bearer " + strings.ToUpper(token),
	}
}

// expectRefused posts body to path with every probe and fails unless each
// is answered 401 with a JSON error, a WWW-Authenticate challenge and no
// trace of the token.
func (s *secBot) expectRefused(t *testing.T, path string, body []byte, token, other string) {
	t.Helper()
	for name, auth := range probes(token, other) {
		h := map[string]string{}
		if auth != "" {
			h["Authorization"] = auth
		}
		code, hdr, raw := s.post(path, body, h)
		var e struct{ Error string }
		if code != http.StatusUnauthorized || json.Unmarshal([]byte(raw), &e) != nil || e.Error == "" ||
			!strings.HasPrefix(hdr.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s with %s (%q): %d %s %v; want 401 with a JSON error and a Bearer challenge", path, name, auth, code, raw, hdr)
		}
	}
}

var secDeployment = []byte(`{"id":"sec-1","service":"checkout","environment":"production","status":"success","started_at":"2026-11-30T08:00:00Z","finished_at":"2026-11-30T08:10:00Z"}`)

// ingestRoutes are every route of the ingest API that takes the bearer
// token: the API and DevLake's paths in all their forms.
func ingestRoutes() []string {
	routes := []string{"/api/v1/deployments", "/api/v1/incidents"}
	for _, p := range []string{"/plugins/webhook", "/api/plugins/webhook", "/api/rest/plugins/webhook"} {
		for _, c := range []string{"/connections/1", "/1", "/connections/by-name/checkout"} {
			routes = append(routes, p+c+"/deployments", p+c+"/issues", p+c+"/issue/SEC-1/close")
		}
	}
	return routes
}

// bearerProbes: the ingest API, DevLake's routes and the status callback
// of request id refuse every probe and store nothing; the right token
// works (positive controls).
func (s *secBot) bearerProbes(t *testing.T, id int64) {
	for _, route := range ingestRoutes() {
		s.expectRefused(t, route, secDeployment, secIngestToken, secCbToken)
	}
	for _, table := range []string{"deployments", "incidents"} {
		if n := s.rows(table); n != 0 {
			t.Errorf("refused requests stored %d %s", n, table)
		}
	}
	if code, _, raw := s.post("/api/v1/deployments", secDeployment, map[string]string{"Authorization": "Bearer " + secIngestToken}); code != http.StatusOK {
		t.Errorf("the right ingest token: %d %s", code, raw)
	}

	status := fmt.Sprintf("/api/v1/requests/REQ-%d/status", id)
	done := []byte(`{"status":"done","note":"https://preview.example.com"}`)
	s.expectRefused(t, status, done, secCbToken, secSignSecret)
	s.expectRefused(t, status, done, secCbToken, secIngestToken)
	if r := s.request(t, id); r.State != selfservice.InProgress {
		t.Fatalf("after refused callbacks REQ-%d is %s, want in_progress", id, r.State)
	}
	if code, _, raw := s.post(status, done, map[string]string{"Authorization": "Bearer " + secCbToken}); code != http.StatusOK {
		t.Errorf("the right callback token: %d %s", code, raw)
	}
}

func hubSig(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// signatureProbes: GitHub and PagerDuty deliveries whose signature is
// missing, made with another secret or over another body, cut, extended,
// of another algorithm, or the secret itself are refused (401) and store
// nothing; a correct one is accepted.
func (s *secBot) signatureProbes(t *testing.T) {
	push := []byte(`{"ref":"refs/heads/main","commits":[{"id":"c0ffee","timestamp":"2026-11-30T06:00:00Z"}]}`)
	good := hubSig(secGHSecret, push)
	sha1mac := hmac.New(sha1.New, []byte(secGHSecret))
	sha1mac.Write(push)
	for name, sig := range map[string]string{
		"missing": "", "empty": "sha256=", "other secret": "sha256=" + hubSig(secPDSecret, push),
		"other body": "sha256=" + hubSig(secGHSecret, append(push, ' ')), "cut": "sha256=" + good[:len(good)-2],
		"extended": "sha256=" + good + "00", "sha1": "sha1=" + hex.EncodeToString(sha1mac.Sum(nil)),
		"upper-case prefix": "SHA256=" + good, "the secret": secGHSecret, "hex of the secret": "sha256=" + hex.EncodeToString([]byte(secGHSecret)),
		"no prefix": good,
	} {
		h := map[string]string{"X-GitHub-Event": "push", "X-GitHub-Delivery": "sec-" + name}
		if sig != "" {
			h["X-Hub-Signature-256"] = sig
		}
		if code, _, raw := s.post("/webhooks/github", push, h); code != http.StatusUnauthorized || !strings.Contains(raw, "X-Hub-Signature-256") {
			t.Errorf("GitHub signature %s (%q): %d %s, want 401 naming the header", name, sig, code, raw)
		}
	}
	// A valid signature does not carry over to a changed body.
	if code, _, _ := s.post("/webhooks/github", append(push, ' '), map[string]string{"X-GitHub-Event": "push", "X-GitHub-Delivery": "sec-changed", "X-Hub-Signature-256": "sha256=" + good}); code != http.StatusUnauthorized {
		t.Errorf("a changed body with the original signature: %d, want 401", code)
	}

	pd := []byte(`{"event":{"event_type":"incident.triggered","occurred_at":"2026-11-30T08:30:00Z","data":{"id":"Q1","title":"checkout down","created_at":"2026-11-30T08:30:00Z","service":{"id":"PCHECK01","summary":"Checkout"}}}}`)
	pdGood := hubSig(secPDSecret, pd)
	for name, sig := range map[string]string{
		"missing": "", "empty": "v1=", "other secret": "v1=" + hubSig(secGHSecret, pd), "all wrong": "v1=" + hubSig("a", pd) + ", v1=" + hubSig("b", pd),
		"cut": "v1=" + pdGood[:len(pdGood)-1], "extended": "v1=" + pdGood + "0", "v2": "v2=" + pdGood, "the secret": secPDSecret, "no prefix": pdGood,
	} {
		h := map[string]string{"X-Webhook-Id": "sec-" + name}
		if sig != "" {
			h["X-PagerDuty-Signature"] = sig
		}
		if code, _, raw := s.post("/webhooks/pagerduty", pd, h); code != http.StatusUnauthorized || !strings.Contains(raw, "X-PagerDuty-Signature") {
			t.Errorf("PagerDuty signature %s (%q): %d %s, want 401 naming the header", name, sig, code, raw)
		}
	}
	for _, table := range []string{"commits", "incidents", "webhook_deliveries"} {
		if n := s.rows(table); n != 0 {
			t.Errorf("refused deliveries stored %d %s", n, table)
		}
	}
	if code, _, raw := s.post("/webhooks/github", push, map[string]string{"X-GitHub-Event": "push", "X-GitHub-Delivery": "sec-ok", "X-Hub-Signature-256": "sha256=" + good}); code != http.StatusOK {
		t.Errorf("a correctly signed push: %d %s", code, raw)
	}
	rotating := "v1=" + hubSig("old-secret", pd) + ", v1=" + pdGood
	if code, _, raw := s.post("/webhooks/pagerduty", pd, map[string]string{"X-Webhook-Id": "sec-ok", "X-PagerDuty-Signature": rotating}); code != http.StatusAccepted {
		t.Errorf("a correctly signed PagerDuty event (during rotation): %d %s", code, raw)
	}
}

// request reads a self-service request from the database.
func (s *secBot) request(t *testing.T, id int64) *selfservice.Request {
	t.Helper()
	r, err := storage.NewSelfServiceStore(s.Main.DB).Request(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// waitState polls request id until it is in state want.
func (s *secBot) waitState(t *testing.T, id int64, want selfservice.State) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); s.request(t, id).State != want; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("REQ-%d is %s, want %s\nlogs:\n%s", id, s.request(t, id).State, want, s.Logs)
		}
	}
}

// refusalLogged reports whether the log has the Errors middleware's line
// for a refused request of user on route: level info, outcome refused.
func (s *secBot) refusalLogged(user, route string) bool {
	for _, line := range strings.Split(s.Logs.String(), "\n") {
		var l struct{ Level, Message, Outcome, User, Route, Error string }
		if json.Unmarshal([]byte(line), &l) == nil && l.Message == "request" && l.Level == "info" &&
			l.Outcome == "refused" && l.User == user && l.Route == route && l.Error != "" {
			return true
		}
	}
	return false
}

// commandRefused runs a slash command as user and checks that the answer
// is an ephemeral refusal containing want, and that it was logged.
func (s *secBot) commandRefused(t *testing.T, user, line, want string) {
	t.Helper()
	ack := s.Command(user, line)
	var p struct {
		Text         string `json:"text"`
		ResponseType string `json:"response_type"`
	}
	_ = json.Unmarshal(ack.Payload, &p)
	if !strings.Contains(p.Text, want) || p.ResponseType != "ephemeral" {
		t.Errorf("%s by %s: ack %s; want an ephemeral %q", line, user, ack.Payload, want)
	}
	route := strings.Join(strings.Fields(line)[:2], " ") // the command and its subcommand
	if !s.refusalLogged(user, route) {
		t.Errorf("%s by %s: no info log line with outcome refused, user and route %s:\n%s", line, user, route, s.Logs)
	}
}

// clickRefused clicks a button as user in a message and checks that the
// answer, through response_url, is an ephemeral refusal containing want
// that leaves the message alone, and that it was logged.
func (s *secBot) clickRefused(t *testing.T, user, actionID, value, channel, ts, want string) {
	t.Helper()
	respID := channel + "-" + ts
	s.mu.Lock()
	s.respURLs = append(s.respURLs, s.Fake.ResponseURL(respID))
	s.mu.Unlock()
	before := len(s.Fake.Responses(respID))
	s.Action(user, slack.BlockAction{ActionID: actionID, Value: value}, nil, channel, ts)
	resps, err := s.Fake.WaitResponses(s.ctx(), respID, before+1)
	if err != nil {
		t.Fatalf("%s by %s: no answer: %v", actionID, user, err)
	}
	var p struct {
		Text            string `json:"text"`
		ResponseType    string `json:"response_type"`
		ReplaceOriginal bool   `json:"replace_original"`
	}
	_ = json.Unmarshal(resps[before], &p)
	if !strings.Contains(p.Text, want) || p.ResponseType != "ephemeral" || p.ReplaceOriginal {
		t.Errorf("%s by %s: answer %s; want an ephemeral %q that leaves the message", actionID, user, resps[before], want)
	}
	if !s.refusalLogged(user, actionID) {
		t.Errorf("%s by %s: no info log line with outcome refused, user and route:\n%s", actionID, user, s.Logs)
	}
}

// adminRefusals files a request that needs an admin, has non-admins try
// the platform team's actions (approve, reject, the queue, pulse send and
// results, the host's office-hours actions), checks each is refused,
// logged and changes nothing, then lets the admin approve. It returns the
// request's id, in progress at the (accepting) automation.
func (s *secBot) adminRefusals(t *testing.T) int64 {
	s.Command(secDev, "/platform request preview")
	form := s.Modal(1)
	if action, errs := ssResponseAction(s.Submit(secDev, form, nil)); action != "update" {
		t.Fatalf("submit: response_action %q errors %v\n%s", action, errs, s.Logs)
	}
	posts, err := s.Fake.WaitMessages(s.ctx(), secTriage, 1)
	if err != nil {
		t.Fatalf("no triage post: %v\n%s", err, s.Logs)
	}
	ts := posts[0].TS
	const id = 1
	s.waitState(t, id, selfservice.PendingApproval)
	for _, action := range []string{"ss:approve", "ss:reject"} {
		s.clickRefused(t, secOther, action, "1", secTriage, ts, "Only the platform team can decide REQ-1")
		s.clickRefused(t, secDev, action, "1", secTriage, ts, "You can't decide your own request REQ-1")
	}
	s.commandRefused(t, secDev, "/platform queue", "The queue is for the platform team and request approvers.")
	s.commandRefused(t, secDev, "/pulse send devex", "Only the platform team can do that.")
	s.commandRefused(t, secDev, "/pulse results devex", "Only the platform team can do that.")
	s.commandRefused(t, secDev, "/officehours today", "You don't host office hours.")

	// A booking of the developer with the host, and the host's actions on it.
	cfg := s.Main.Config
	slots := officeHoursSchedule(cfg).Bookable(s.Clock.Now())
	if len(slots) < 2 {
		t.Fatalf("no bookable slots")
	}
	b, err := s.Main.officeHoursStore().Book(context.Background(), officehours.Booking{Kind: officehours.KindBooking, Slot: slots[0],
		Booker: secDev, Topic: "help", CreatedAt: s.Clock.Now()}, officehours.Limit{})
	if err != nil {
		t.Fatal(err)
	}
	bid := strconv.FormatInt(b.ID, 10)
	s.clickRefused(t, secDev, "oh:noshow", bid, "D0SECDEV01", "1.1", "Only the host of that slot can do that.")
	s.clickRefused(t, secOther, "oh:cancel", bid, "D0SECOTH01", "1.1", "Only the person who booked and the host can do that.")
	s.clickRefused(t, secDev, "oh:block", slots[1].Key(), "D0SECDEV01", "1.2", "Only the host of that slot can do that.")

	// Nothing changed: the request waits, no survey run started, the
	// booking stands and the slot is not blocked.
	if r := s.request(t, id); r.State != selfservice.PendingApproval || r.DecidedBy != "" {
		t.Errorf("after the refusals REQ-1 is %s, decided by %q", r.State, r.DecidedBy)
	}
	var runs int64
	s.Main.DB.Gorm.Table("pulse_runs").Count(&runs)
	if runs != 0 {
		t.Errorf("a refused /pulse send started %d runs", runs)
	}
	if got, err := s.Main.officeHoursStore().Booking(context.Background(), b.ID); err != nil || !got.Active() || !got.NoShowAt.IsZero() {
		t.Errorf("after the refusals the booking is %+v (%v)", got, err)
	}
	if free, _ := s.Main.officeHoursStore().Upcoming(context.Background(), secHost, s.Clock.Now()); len(free) != 1 {
		t.Errorf("the host holds %d bookings or blocks, want 1 (the booking)", len(free))
	}

	// The admin may: approve, and the automation (202) takes it.
	s.Action(secAdmin, slack.BlockAction{ActionID: "ss:approve", Value: "1"}, nil, secTriage, ts)
	s.waitState(t, id, selfservice.InProgress)
	return id
}

// slackInvalidAuth makes Slack answer invalid_auth (a revoked token) to a
// modal and to the survey's DMs, so that the errors Slack returns are
// logged, with everything else, for noSecretsAnywhere.
func (s *secBot) slackInvalidAuth(t *testing.T) {
	s.Fake.SetError("views.open", "invalid_auth")
	s.Fake.SetError("chat.postMessage", "invalid_auth")
	defer s.Fake.SetError("views.open", "")
	defer s.Fake.SetError("chat.postMessage", "")
	if text := AckText(s.Command(secDev, "/platform request preview")); !strings.Contains(text, "Something went wrong (ref") {
		t.Errorf("views.open failing with invalid_auth: ack %q, want the something-went-wrong reply", text)
	}
	// The survey's one member must be a person for the DM to be tried: they
	// join the workspace, as Slack tells the bot (the directory remembers
	// that Slack did not know them when a request was filed).
	dev := slack.User{ID: secDev, Name: "dev", RealName: "Dev Eloper"}
	s.Fake.AddUser(dev)
	id, err := s.Fake.SendEvent("team_join", &slackevents.TeamJoinEvent{Type: "team_join", User: &dev}, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := s.Fake.WaitAck(ctx, id); err != nil {
		t.Fatal(err)
	}
	for ok, _ := s.Main.People.CanBeAsked(ctx, secDev); !ok; ok, _ = s.Main.People.CanBeAsked(ctx, secDev) {
		if ctx.Err() != nil {
			t.Fatal("the team_join event never reached the directory")
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.Command(secAdmin, "/pulse send devex")
	logged := func() bool {
		views, dm := false, false
		for _, l := range strings.Split(s.Logs.String(), "\n") {
			views = views || strings.Contains(l, "slack views.open: invalid_auth")
			dm = dm || (strings.Contains(l, `"kind":"pulse"`) && strings.Contains(l, "invalid_auth"))
		}
		return views && dm
	}
	for deadline := time.Now().Add(10 * time.Second); !logged(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the invalid_auth errors of views.open and of the survey DM were not logged:\n%s", s.Logs)
		}
	}
}

// noSecretsAnywhere scans the debug-level log of the whole run, every HTTP
// answer, every ack, message and modal sent to Slack for each secret —
// whole, and its first and last characters (a truncated or partly masked
// print).
func (s *secBot) noSecretsAnywhere(t *testing.T) {
	logs := s.Logs.String()
	if !strings.Contains(logs, `"level":"debug"`) || !strings.Contains(logs, `"outcome":"refused"`) {
		t.Fatalf("the log does not look like a full debug run:\n%s", logs)
	}
	places := map[string]string{"log": logs}
	s.mu.Lock()
	places["HTTP answers"] = strings.Join(s.answers, "\n")
	s.mu.Unlock()
	var acks, msgs, views []string
	for _, a := range s.Fake.Acks() {
		acks = append(acks, string(a.Payload))
	}
	for _, m := range s.Fake.Messages("") {
		msgs = append(msgs, m.Text, string(m.Blocks))
	}
	for _, id := range s.Fake.Modals() {
		v, _ := s.Fake.View(id)
		views = append(views, string(v))
	}
	places["acks"], places["messages"], places["modals"] = strings.Join(acks, "\n"), strings.Join(msgs, "\n"), strings.Join(views, "\n")
	s.mu.Lock()
	for _, u := range s.respURLs {
		if strings.Contains(logs, u) {
			t.Errorf("a response_url (%s) appears in the log", u)
		}
	}
	s.mu.Unlock()
	if strings.Contains(logs, "/ws/") {
		t.Errorf("the Socket Mode URL (with its ticket) appears in the log")
	}
	for name, secret := range secSecrets {
		for _, part := range []string{secret, secret[:len(secret)-2], secret[len(secret)-12:]} {
			for where, text := range places {
				if i := strings.Index(text, part); i >= 0 {
					t.Errorf("the %s (%q) appears in the %s: …%s…", name, part, where, text[max(0, i-200):min(len(text), i+len(part)+50)])
				}
			}
		}
	}
}

// secretName matches names of values that hold a secret or are compared
// with one.
var secretName = regexp.MustCompile(`(?i)(token|secret|signature|password|passwd|bearer|^sig$|^sig[A-Z_]|^mac$)`)

// authName also matches the names httpapi's checks use for the presented
// and the expected credential.
var authName = regexp.MustCompile(`(?i)(token|secret|signature|password|passwd|bearer|^sig$|^sig[A-Z_]|^mac$|^got$|^want$)`)

// TestSecretsComparedInConstantTime reads the program's source (all
// non-test Go files but the fake Slack and the benchmarks): no token,
// secret or signature is compared with == or != or bytes.Equal and
// friends, which stop at the first differing byte and so tell a prober
// how much of a guess was right. Comparisons go through httpapi.Equal
// (which hashes both sides first) or hmac.Equal. A comparison with "" (is
// it configured?) is fine.
func TestSecretsComparedInConstantTime(t *testing.T) {
	fset := token.NewFileSet()
	var files int
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "testdata", "bench", "fakeslack", "tcpproxy":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		files++
		names := secretName
		if filepath.Base(filepath.Dir(path)) == "httpapi" {
			names = authName
		}
		secretish := func(e ast.Expr) bool { return secretish(names, e) }
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.BinaryExpr:
				if (x.Op == token.EQL || x.Op == token.NEQ) && !emptyString(x.X) && !emptyString(x.Y) && (secretish(x.X) || secretish(x.Y)) {
					t.Errorf("%s: %s compared with %s; use httpapi.Equal or hmac.Equal", fset.Position(x.Pos()), render(x.X), x.Op)
				}
			case *ast.CallExpr:
				if name := render(x.Fun); slices.Contains([]string{"bytes.Equal", "strings.EqualFold", "strings.Compare", "bytes.Compare", "reflect.DeepEqual", "slices.Equal"}, name) &&
					slices.ContainsFunc(x.Args, secretish) {
					t.Errorf("%s: %s on a secret; use httpapi.Equal or hmac.Equal", fset.Position(x.Pos()), name)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("read only %d files: wrong directory?", files)
	}
}

func emptyString(e ast.Expr) bool {
	lit, ok := e.(*ast.BasicLit)
	return ok && lit.Kind == token.STRING && (lit.Value == `""` || lit.Value == "``")
}

// secretish reports whether e names a secret by names: an identifier, a field or
// a method call whose name says so.
func secretish(names *regexp.Regexp, e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.Ident:
		return names.MatchString(x.Name)
	case *ast.SelectorExpr:
		return names.MatchString(x.Sel.Name)
	case *ast.CallExpr:
		return secretish(names, x.Fun)
	case *ast.ParenExpr:
		return secretish(names, x.X)
	}
	return false
}

func render(e ast.Expr) string {
	var b strings.Builder
	_ = printer.Fprint(&b, token.NewFileSet(), e)
	return b.String()
}

// TestConfigAndEnvErrorsHideSecrets: the messages of the mistakes people
// make with secrets do not repeat the secret, since they end up in
// terminals, CI logs and log collectors: a secret pasted where the name
// of its environment variable belongs, tokens swapped between the
// variables, and a database password in an unreachable DATABASE_URL.
func TestConfigAndEnvErrorsHideSecrets(t *testing.T) {
	const dbPassword = "sec-db-Pa55w0rd-5150"
	leaks := func(what, text string, secrets ...string) {
		t.Helper()
		for _, s := range secrets {
			if strings.Contains(text, s) || strings.Contains(text, s[:len(s)-2]) {
				t.Errorf("%s shows a secret (%q):\n%s", what, s, text)
			}
		}
	}
	pasted := fmt.Sprintf(`
ingest:
  token_env: %s
  github_secret_env: %s
  pagerduty_secret_env: "%s"
catalog:
  - id: preview
    title: Preview
    automation: {url: "https://hooks.example/x", secret_env: %s, callback_token_env: %s}
`, secIngestToken, secGHSecret, "whsec_"+secPDSecret, secSignSecret, secCbToken)
	_, err := config.Parse("pasted.yaml", []byte(pasted))
	if err == nil {
		t.Fatal("a config with secrets for variable names is valid")
	}
	leaks("the config error", err.Error(), secIngestToken, secGHSecret, secPDSecret, secSignSecret, secCbToken)

	for name, env := range map[string]map[string]string{
		"swapped tokens":  {"SLACK_APP_TOKEN": fakeslack.BotToken, "SLACK_BOT_TOKEN": fakeslack.AppToken},
		"user token":      {"SLACK_APP_TOKEN": fakeslack.AppToken, "SLACK_BOT_TOKEN": "xoxp-" + secCbToken},
		"app token twice": {"SLACK_APP_TOKEN": fakeslack.AppToken, "SLACK_BOT_TOKEN": fakeslack.AppToken},
	} {
		_, err := readEnv(func(k string) string { return env[k] }, true)
		if err == nil {
			t.Fatalf("%s: accepted", name)
		}
		leaks(name, err.Error(), fakeslack.BotToken, fakeslack.AppToken, secCbToken)
	}

	var logs syncBuffer
	m := &Main{
		Env:    Env{DatabaseURL: "postgres://platformbot:" + dbPassword + "@127.0.0.1:1/platformbot?sslmode=disable&connect_timeout=2", HTTPAddr: "127.0.0.1:0"},
		Config: &config.Config{}, Log: zerolog.New(&logs).Level(zerolog.DebugLevel), Slack: &bot.API{},
	}
	defer m.Close()
	err = m.Open(context.Background())
	if err == nil {
		t.Fatal("opened a database on port 1")
	}
	leaks("the database error", err.Error()+"\n"+logs.String(), dbPassword)
}
