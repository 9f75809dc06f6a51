package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/platformbot/platformbot/outbox/webhook"
)

const previewE2EConfig = `
admins:
  users: [UADMIN0001]
timezone: UTC
teams:
  - {id: payments, name: Payments, users: [U0DEV00001]}
previews:
  - id: fast-ci
    name: Fast CI runners
    description: Twice the cores.
    owner: UADMIN0001
    channel: C0PREVIEWS
    max_participants: 1
    start: "2026-11-30"
    end: "2026-12-27"
    feedback: [{after: 168h}, {at_end: true}]
    questions:
      - {id: rating, type: rating, text: "How are the runners?"}
      - {id: better, type: text, text: "What would make them better?"}
    automation:
      url: AUTOMATION_URL
      secret_env: PREVIEW_E2E_SECRET
`

const previewSecret = "e2e-secret"

// flagReceiver is the automation: a feature-flag service that verifies
// each call's signature before it believes it.
type flagReceiver struct {
	*httptest.Server
	mu    sync.Mutex
	calls []map[string]any
	bad   int
}

func newFlagReceiver(t *testing.T) *flagReceiver {
	fr := &flagReceiver{}
	fr.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fr.mu.Lock()
		defer fr.mu.Unlock()
		if !webhook.Verify(previewSecret, body, r.Header.Get(webhook.SignatureHeader)) || r.Header.Get(webhook.IdempotencyHeader) == "" {
			fr.bad++
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var c map[string]any
		_ = json.Unmarshal(body, &c)
		fr.calls = append(fr.calls, c)
	}))
	t.Cleanup(fr.Close)
	return fr
}

func (fr *flagReceiver) wait(t *testing.T, b *testBot, n int) []map[string]any {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		fr.mu.Lock()
		calls, bad := append([]map[string]any(nil), fr.calls...), fr.bad
		fr.mu.Unlock()
		if bad > 0 {
			t.Fatalf("%d automation calls with a bad signature", bad)
		}
		if len(calls) >= n {
			return calls
		}
		if time.Now().After(deadline) {
			t.Fatalf("automation got %d calls, want %d\nlogs:\n%s", len(calls), n, b.Logs)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestPreviewEndToEnd runs a preview through the real bot and the fake
// Slack: the admin announces it; a developer joins with the announcement's
// button and the signed automation call turns the feature on (App Home
// shows it); a second developer waits and is promoted when the first
// leaves; a week later on the fake clock the feedback DM comes, is
// answered with one tap and the form; and the results show it all.
func TestPreviewEndToEnd(t *testing.T) {
	eachDB(t, func(t *testing.T, dbURL string) {
		fr := newFlagReceiver(t)
		t.Setenv("PREVIEW_E2E_SECRET", previewSecret)
		b := newTestBot(t, botOptions{Config: strings.Replace(previewE2EConfig, "AUTOMATION_URL", fr.URL, 1), DatabaseURL: dbURL})
		dev1, dev2 := pulseDev(1), pulseDev(2)

		if ack := AckText(b.Command("UADMIN0001", "/preview announce fast-ci")); !strings.Contains(ack, "on its way") {
			t.Fatalf("announce: %q", ack)
		}
		posted, err := b.Fake.WaitMessages(b.ctx(), "C0PREVIEWS", 1)
		if err != nil {
			t.Fatalf("no announcement: %v\nlogs:\n%s", err, b.Logs)
		}
		ann := posted[0]
		var blocks slack.Blocks
		if err := json.Unmarshal(ann.Blocks, &blocks); err != nil {
			t.Fatal(err)
		}
		join := pulseButton(t, blocks.BlockSet, "preview:join")

		b.Action(dev1, slack.BlockAction{ActionID: "preview:join", Value: join}, nil, "C0PREVIEWS", ann.TS)
		reply := pulseWaitResponses(t, b, "C0PREVIEWS-"+ann.TS, 1)[0]
		if reply.ReplaceOriginal || !strings.Contains(reply.Text, "You're in") || !strings.Contains(reply.Text, "pending") {
			t.Fatalf("join reply = %+v", reply)
		}
		call := fr.wait(t, b, 1)[0]
		if call["preview"] != "fast-ci" || call["user"] != dev1 || call["action"] != "join" || call["team"] != "payments" {
			t.Errorf("automation call = %v", call)
		}
		if _, err := b.Fake.SendEvent("app_home_opened", &slackevents.AppHomeOpenedEvent{Type: "app_home_opened", User: dev1, Tab: "home"}, "", 0); err != nil {
			t.Fatal(err)
		}
		pulseWaitHome(t, b, dev1, "(enabled)")

		if ack := AckText(b.Command(dev2, "/preview join fast-ci")); !strings.Contains(ack, "number 1 on the waitlist") {
			t.Errorf("second join: %q", ack)
		}

		b.Advance(7 * 24 * time.Hour) // dev1's week: the feedback DM
		dm := b.WaitDMs(dev1, 1)[0]
		if err := json.Unmarshal(dm.Blocks, &blocks); err != nil {
			t.Fatal(err)
		}
		rate := pulseButton(t, blocks.BlockSet, "preview:rate:4")
		b.Action(dev1, slack.BlockAction{ActionID: "preview:rate:4", Value: rate}, nil, pulseDM(dev1), dm.TS)
		thanks := pulseWaitResponses(t, b, pulseDM(dev1)+"-"+dm.TS, 1)[0]
		if !thanks.ReplaceOriginal || !strings.Contains(pulseText(thanks.Blocks), "4/5") {
			t.Fatalf("after the tap: %+v", thanks)
		}
		b.Action(dev1, slack.BlockAction{ActionID: "preview:form", Value: pulseButton(t, thanks.Blocks, "preview:form")}, nil, pulseDM(dev1), dm.TS)
		b.Submit(dev1, b.Modal(1), map[string]map[string]slack.BlockAction{"preview:q:better": {"v": {Value: "Node images, please <!here>"}}})

		if ack := AckText(b.Command(dev1, "/preview leave fast-ci")); !strings.Contains(ack, "You left") {
			t.Errorf("leave: %q", ack)
		}
		if dms := b.WaitDMs(dev2, 1); !strings.Contains(dms[0].Text, "You're in") {
			t.Errorf("dev2's DM = %q, want the promotion", dms[0].Text)
		}
		// The two calls of the leave go out in parallel, in any order; seq
		// orders each person's calls.
		calls := fr.wait(t, b, 3)
		got := map[string]bool{}
		for _, c := range calls[1:] {
			got[c["user"].(string)+":"+c["action"].(string)] = true
		}
		if !got[dev1+":leave"] || !got[dev2+":join"] {
			t.Errorf("automation calls = %v, want dev1 join, then dev1 leave and dev2 join", calls)
		}

		ack := b.Command("UADMIN0001", "/preview results fast-ci")
		var payload struct{ Blocks slack.Blocks }
		if err := json.Unmarshal(ack.Payload, &payload); err != nil {
			t.Fatal(err)
		}
		results := AckText(ack) + pulseText(payload.Blocks.BlockSet)
		for _, want := range []string{"2 so far", "*1 active*", "1 left", "Mean *4.0* of 5", "Node images, please &lt;!here&gt;", "Payments 50% (1)"} {
			if !strings.Contains(results, want) {
				t.Errorf("results lack %q:\n%s", want, results)
			}
		}
		if ack := AckText(b.Command(dev2, "/preview results fast-ci")); !strings.Contains(ack, "Only the platform team") {
			t.Errorf("results for a non-admin: %q", ack)
		}
	})
}

// TestPreviewConsoleDemo runs `platformbot console --demo` on the built-in
// example: the seeded preview has participants, a waitlist, ratings and
// comments, and a developer can ask to join it.
func TestPreviewConsoleDemo(t *testing.T) {
	dbURL := "sqlite:" + t.TempDir() + "/console.db"
	env := map[string]string{"DATABASE_URL": dbURL, "LOG_LEVEL": "error"}
	run := func(user string, lines ...string) string {
		t.Helper()
		var out strings.Builder
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := runConsole(ctx, consoleRun{In: strings.NewReader(strings.Join(lines, "\n") + "\n"), Out: &out, Getenv: func(k string) string { return env[k] }, User: user, Demo: true}); err != nil {
			t.Fatalf("console: %v\n%s", err, out.String())
		}
		return out.String()
	}
	out := run("UADMIN0001", "/preview results fast-ci")
	ssExpect(t, "results", out, "Results: Fast CI runners", "14 so far", "*12 active*", "2 left", "1 on the waitlist",
		"Participants by team:", "Mean *", "newest first", "Builds take half the time")
	out = run("UCONSOLE", "/preview join fast-ci")
	if !strings.Contains(out, "on the waitlist") && !strings.Contains(out, "ended on") {
		t.Errorf("joining the demo preview:\n%s", out)
	}
}
