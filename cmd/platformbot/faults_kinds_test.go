package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/handlers/ideas"
	"github.com/platformbot/platformbot/handlers/metrics"
	hofficehours "github.com/platformbot/platformbot/handlers/officehours"
	"github.com/platformbot/platformbot/handlers/previews"
	"github.com/platformbot/platformbot/handlers/pulse"
	"github.com/platformbot/platformbot/handlers/report"
	"github.com/platformbot/platformbot/handlers/selfservice"
	"github.com/platformbot/platformbot/internal/tcpproxy"
	"github.com/platformbot/platformbot/officehours"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/outbox/slacksend"
	"github.com/platformbot/platformbot/storage"
)

// The four fault tests (SIGKILL, SIGTERM, a 429 storm, PostgreSQL cut
// off) against every kind of send, not only survey DMs: three replicas
// deliver at once self-service approvals (a chat.update, a signed webhook
// call and a DM each, decided by the real handlers), and metric digests,
// office-hours DMs, reminders and feedback questions, self-service alerts,
// value reports and their chart uploads, survey DMs, the idea board's posts
// and updates, and what preview programs send, put in the shared outbox as
// the features queue them (the state their hooks read seeded first, in
// faults_kinds_state_test.go). A fault hits while they are all going out;
// then every send must be delivered, and delivered once (SIGKILL: at most
// the killed replica's sends in flight twice).

const (
	kindsHost    = "UHOSTFLT01"
	kindsPerKind = 24 // sends of each directly queued kind
	kindsSS      = 24 // self-service requests approved
)

// kindsConfig is the self-service config of the sends tests plus an
// office-hours host bookable at any hour, and a Slack budget low enough
// that the sends take several seconds: the fault hits in their midst.
func kindsConfig(receiver string) string {
	return strings.Replace(sendsConfig(receiver), "chat.postMessage: 6000,", "chat.postMessage: 900,", 1) + fmt.Sprintf(`delivery: {enabled: false}
office_hours:
  slot_length: 30m
  min_notice: 1h
  horizon: 14d
  reminder_before: 15m
  feedback_after: 5m
  hosts:
    - user: %s
      timezone: UTC
      windows:
        - {days: [mon, tue, wed, thu, fri, sat, sun], start: "00:00", end: "23:30"}
`, kindsHost) + kindsPreviewConfig(receiver, time.Now().UTC())
}

// sendKind is one kind of send under test: how its deliveries show at
// the fake Slack or the automation, by the send's recipient (To), or by
// its key when byKey is set.
type sendKind struct {
	kind      string
	delivered func(c *cluster, a *automation) map[string]int
	byKey     bool
}

// posted counts the messages (file shares aside) in each conversation
// whose id starts with prefix.
func posted(prefix string) func(*cluster, *automation) map[string]int {
	return func(c *cluster, _ *automation) map[string]int {
		n := map[string]int{}
		for _, m := range c.Fake.Messages("") {
			if strings.HasPrefix(m.Channel, prefix) && len(m.Files) == 0 {
				n[m.Channel]++
			}
		}
		return n
	}
}

// plainPosts are the kinds delivered as a post with no hook that reads
// the feature's tables: each is queued to recipients to0000, to0001, ….
var plainPosts = []struct{ kind, to string }{
	{metrics.DigestKind, "C0DIGEST"},
	{hofficehours.DMKind, "UOHDM"},
	{selfservice.AlertKind, "C0ALERT"},
	{ideas.KindDecision, "UIDEADM"},
	{ideas.KindThread, "C0IDEAS"},
	{previews.AnnounceKind, "UPREVANN"},
	{previews.AutomationFailedKind, "UPREVFAIL"},
	{pulse.ResultsKind, "C0RESULTS"},
}

// sendKinds are the kinds under test: the plain posts and the stateKinds
// (added by init), office-hours reminders and feedback questions (whose
// hooks read the booking), value reports and the chart uploads that follow
// them, and what a self-service request and its approval send.
var sendKinds = []sendKind{
	{kind: hofficehours.ReminderKind, delivered: posted("UOHREM")},
	{kind: hofficehours.FeedbackKind, delivered: posted("UOHFB")},
	{kind: selfservice.TriageKind, delivered: posted(sendsTriage)},
	{kind: report.PostKind, delivered: posted("C0REPORT")},
	{kind: report.ChartKind, delivered: func(c *cluster, _ *automation) map[string]int {
		n := map[string]int{}
		for _, f := range c.Fake.Files() {
			if f.Completed {
				n[f.Channel]++
			}
		}
		return n
	}},
	{kind: selfservice.DMKind, delivered: posted("UREQ")},
	{kind: selfservice.UpdateKind, delivered: updated(sendsTriage)},
	{kind: selfservice.AutomationKind, delivered: called("/hook"), byKey: true},
}

func init() {
	for _, p := range plainPosts {
		sendKinds = append(sendKinds, sendKind{kind: p.kind, delivered: posted(p.to)})
	}
}

// queueKinds puts kindsPerKind sends of each directly queued kind in the
// cluster's outbox, each to a recipient of its own, with the keys the
// features give them (the office-hours hooks read the booking from it).
func queueKinds(t *testing.T, c *cluster, cfgYAML string) {
	t.Helper()
	cfg, err := config.Parse("kinds.yaml", []byte(cfgYAML))
	if err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(context.Background(), c.DBURL, storage.Options{MaxOpenConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	sched := officeHoursSchedule(cfg)
	slots := sched.Bookable(time.Now())
	if len(slots) < kindsPerKind {
		t.Fatalf("%d bookable slots", len(slots))
	}
	ohStore := storage.NewOfficeHoursStore(db, sched)
	var sends []outbox.Send
	add := func(s outbox.Send, err error) {
		if err != nil {
			t.Fatal(err)
		}
		sends = append(sends, s)
	}
	msg := func(what string, i int) bot.Message { return bot.Message{Text: fmt.Sprintf("%s %d", what, i)} }
	for i := range kindsPerKind {
		for _, p := range plainPosts {
			to := fmt.Sprintf("%s%04d", p.to, i)
			if strings.HasPrefix(to, "U") {
				c.Fake.AddUser(slack.User{ID: to, TZ: "UTC"})
			}
			add(slacksend.NewPost(p.kind, fmt.Sprintf("%s:%d", p.kind, i), to, msg(p.kind, i)))
		}
		c.Fake.AddUser(slack.User{ID: fmt.Sprintf("UOHREM%04d", i), TZ: "UTC"})
		b, err := ohStore.Book(ctx, officehours.Booking{Kind: officehours.KindBooking, Slot: slots[i],
			Booker: fmt.Sprintf("UOHREM%04d", i), CreatedAt: time.Now()}, officehours.Limit{})
		if err != nil {
			t.Fatal(err)
		}
		add(slacksend.NewPost(hofficehours.ReminderKind, fmt.Sprintf("%s:%d:booker", hofficehours.ReminderKind, b.ID), b.Booker, msg("reminder", i)))
		fb := fmt.Sprintf("UOHFB%04d", i)
		c.Fake.AddUser(slack.User{ID: fb, TZ: "UTC"})
		add(slacksend.NewPost(hofficehours.FeedbackKind, fmt.Sprintf("%s:%d", hofficehours.FeedbackKind, b.ID), fb, msg("feedback", i)))
		channel, key := fmt.Sprintf("C0REPORT%03d", i), fmt.Sprintf("report:C0REPORT%03d:2026Q3", i)
		add(slacksend.NewPost(report.PostKind, key, channel, msg("report", i)))
		up, err := slacksend.NewUpload(report.ChartKind, key+":chart:deployments", bot.File{Channel: channel, Filename: "deployments.png", Title: "Deployments", Data: []byte("png")})
		up.After = key
		add(up, err)
	}
	sends = append(sends, queueStateKinds(t, c, db)...)
	ob, err := outbox.New(outbox.Options{Store: storage.NewOutboxStore(db), Log: zerolog.Nop(), Manual: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ob.Enqueue(ctx, sends...); err != nil {
		t.Fatal(err)
	}
}

// kindsFault is one fault: it strikes once the sends are under way and
// returns how many sends of all kinds may be delivered twice.
type kindsFault struct {
	name string
	// proxied puts a TCP proxy between the replicas and PostgreSQL.
	proxied bool
	strike  func(t *testing.T, c *cluster, a *automation, db *tcpproxy.Proxy) (doubles int)
}

var kindsFaults = []kindsFault{
	{name: "SIGKILL", strike: func(t *testing.T, c *cluster, _ *automation, _ *tcpproxy.Proxy) int {
		c.Kill(0)
		return fanoutWorkers // its sends in flight
	}},
	{name: "SIGTERM", strike: func(t *testing.T, c *cluster, _ *automation, _ *tcpproxy.Proxy) int {
		if err := c.Term(0); err != nil {
			t.Fatalf("SIGTERM: %v (want exit status 0)", err)
		}
		return 0
	}},
	{name: "429", strike: func(t *testing.T, c *cluster, a *automation, _ *tcpproxy.Proxy) int {
		c.Fake.FailNext("chat.postMessage", 30, http.StatusTooManyRequests, 1)
		c.Fake.FailNext("chat.update", 10, http.StatusTooManyRequests, 1)
		c.Fake.FailNext("files.getUploadURLExternal", 5, http.StatusTooManyRequests, 1)
		a.Storm(10)
		return 0
	}},
	{name: "PostgreSQL", proxied: true, strike: func(t *testing.T, _ *cluster, _ *automation, db *tcpproxy.Proxy) int {
		db.Cut()
		time.Sleep(5 * time.Second)
		if err := db.Restore(); err != nil {
			t.Fatal(err)
		}
		// A send delivered during the cut is marked sent once the
		// database is back, but its lease may have run out meanwhile,
		// and another replica may claim it first and deliver it again:
		// at most the sends in flight at the cut (see docs/testing.md).
		return 3 * fanoutWorkers
	}},
}

// TestSendKindsSurviveFaults runs each fault against every kind of send.
func TestSendKindsSurviveFaults(t *testing.T) {
	needProcesses(t)
	for _, f := range kindsFaults {
		t.Run(f.name, func(t *testing.T) {
			a := newAutomation(t)
			t.Setenv("SS_LOAD_SECRET", sendsSecret)
			cfg := kindsConfig(a.URL)
			c := newCluster(t, cfg)
			var proxy *tcpproxy.Proxy
			var env []string
			if f.proxied {
				u, err := url.Parse(c.DBURL)
				if err != nil {
					t.Fatal(err)
				}
				if proxy, err = tcpproxy.Start(u.Host); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(proxy.Close)
				u.Host = proxy.Addr()
				env = append(env, "DATABASE_URL="+u.String()) // the last one wins
			}
			c.Start(3, env...)
			c.fileRequests(kindsSS)
			start := time.Now()
			queueKinds(t, c, cfg)
			c.approveAll(kindsSS)
			c.fileMore(kindsSS, kindsSS) // their triage posts go out during the fault
			out := c.waitKindsUnderWay(a)
			doubles := f.strike(t, c, a, proxy)
			struck := time.Since(start)
			if f.name == "SIGTERM" {
				c.Start(1, env...) // a replacement, as a rolling deploy starts
			}
			c.waitKindsSent(2 * time.Minute)
			time.Sleep(2 * fanoutLease) // any late repeat of a send a lost lease let go
			total := 0
			for _, k := range sendKinds {
				lost, twice, doubled := c.kindOutcome(k, a)
				total += twice
				if lost > 0 {
					t.Errorf("%s: %d sends lost", k.kind, lost)
				}
				if twice > 0 {
					t.Logf("%s: %d sends delivered twice", k.kind, twice)
					if twice > doubles {
						c.explainDuplicates(doubled)
					}
				}
			}
			if total > doubles {
				t.Errorf("%d sends delivered twice, want at most %d", total, doubles)
			}
			if subjects := len(answered(callsOf(a, "/hook"))); subjects != kindsSS {
				t.Errorf("%d of %d requests called back", subjects, kindsSS)
			}
			t.Logf("fault after %s, with %d of %d sends out; all out after %s; %d delivered twice", struck.Round(time.Millisecond), out,
				c.pgCount("SELECT count(*) FROM pending_sends"), time.Since(start).Round(time.Second), total)
			c.AssertJobsRanOnce()
		})
	}
}

// waitKindsUnderWay waits until the first 60 sends are delivered, and
// returns how many are.
func (c *cluster) waitKindsUnderWay(a *automation) int {
	c.t.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		total := 0
		for _, k := range sendKinds {
			for _, n := range k.delivered(c, a) {
				total += n
			}
		}
		if total >= 60 {
			return total
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("only %d sends out after a minute", total)
		}
	}
}

// waitKindsSent waits until the approved requests are done, every
// request's triage post is out, and no send of the kinds under test is
// left to go; it fails on a send that failed or was skipped. (A request's
// follow-up that a fault interrupted is queued again by the hand-over job
// within a minute.)
func (c *cluster) waitKindsSent(timeout time.Duration) {
	c.t.Helper()
	kinds := make([]string, len(sendKinds))
	for i, k := range sendKinds {
		kinds[i] = k.kind
	}
	deadline := time.Now().Add(timeout)
	for {
		left := c.pgCount("SELECT count(*) FROM pending_sends WHERE kind IN ? AND state <> 'sent'", kinds)
		done := c.pgCount("SELECT count(*) FROM selfservice_requests WHERE state = 'done'")
		posted := c.pgCount("SELECT count(*) FROM selfservice_requests WHERE triage_ts <> ''")
		if left == 0 && done == kindsSS && posted == 2*kindsSS {
			return
		}
		if time.Now().After(deadline) {
			for _, row := range c.pgRows("SELECT kind || ' ' || dedupe_key || ' ' || state || ' ' || last_error FROM pending_sends WHERE kind IN ? AND state <> 'sent'", kinds) {
				c.t.Log(row)
			}
			c.t.Fatalf("after %s: %d sends not sent, %d of %d requests done, %d of %d triage posts recorded", timeout, left, done, kindsSS, posted, 2*kindsSS)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// kindOutcome compares the sends of kind k in the outbox, by recipient,
// with their deliveries: lost are sends never delivered, twice
// deliveries beyond one per send.
func (c *cluster) kindOutcome(k sendKind, a *automation) (lost, twice int, doubled map[string]int) {
	c.t.Helper()
	want := map[string]int{}
	column := "recipient"
	if k.byKey {
		column = "dedupe_key"
	}
	for _, to := range c.pgRows("SELECT "+column+" FROM pending_sends WHERE kind = ?", k.kind) {
		want[to]++
	}
	if len(want) == 0 {
		c.t.Errorf("%s: no send queued", k.kind)
	}
	got := k.delivered(c, a)
	for _, to := range sortedKeys(want, got) {
		lost += max(want[to]-got[to], 0)
		twice += max(got[to]-want[to], 0)
		if got[to] > want[to] {
			if doubled == nil {
				doubled = map[string]int{}
			}
			doubled[to] = got[to]
		}
	}
	return lost, twice, doubled
}

func sortedKeys(ms ...map[string]int) []string {
	var out []string
	for _, m := range ms {
		for k := range m {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
