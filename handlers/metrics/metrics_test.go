package metrics

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/handlers"
	"github.com/platformbot/platformbot/handlers/internal/handlertest"
	"github.com/platformbot/platformbot/i18n"
	mx "github.com/platformbot/platformbot/metrics"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// testNow is Monday 15 January 2024, 10:00 UTC: the 7-day window is 8–14
// January and the previous one 1–7 January.
var testNow = time.Date(2024, 1, 15, 10, 0, 0, 0, time.UTC)

func parseTime(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

type harness struct {
	h      *Handler
	router *bot.Router
	slack  *fakeSlack
	store  *storage.Metrics
	now    time.Time
	out    *outbox.Dispatcher
	clock  *clockwork.FakeClock // the outbox's: when its retries are due
}

const testConfig = `
teams:
  - id: payments
    name: Payments & Billing
    users: [UPAY000001]
    usergroup: S0PAYMENTS
  - id: search
    name: Search
digests:
  default_window: 7d
  posts:
    - id: weekly
      channel: C0METRICS1
      schedule: "0 10 * * MON"
      team: payments
`

func newHarness(t *testing.T, db *storage.DB) *harness {
	t.Helper()
	cfg, err := config.Parse("t.yaml", []byte(testConfig))
	if err != nil {
		t.Fatal(err)
	}
	fs := newFakeSlack()
	fs.Groups["S0PAYMENTS"] = []string{"UGROUP0001"}
	x := &harness{slack: fs, now: testNow, clock: clockwork.NewFakeClockAt(testNow)}
	now := func() time.Time { return x.now }
	x.out, err = outbox.New(outbox.Options{Store: storage.NewOutboxStore(db), Log: zerolog.Nop(), Clock: x.clock, Poll: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	x.store = storage.NewMetrics(db, storage.MetricsOptions{AttributionWindow: 24 * time.Hour, ProductionEnvironments: []string{"production"}, Now: now})
	teams := handlers.NewMetricsTeams(handlers.NewDirectory(x.slack, cfg.Teams, now))
	th, _ := mx.ThresholdsFor(2023)
	x.h = &Handler{
		Service: &mx.Service{Store: x.store, Directory: teams, Thresholds: th, Now: now},
		Outbox:  x.out, Teams: teams, Slack: x.slack, Digests: cfg.Digests, Location: time.UTC, Now: now, Log: zerolog.Nop(),
	}
	x.router = bot.NewRouter(nil)
	x.h.Register(x.router, "/platform")
	x.seed(t)
	return x
}

// seed stores a small week for payments: see TestMetricsCommandFigures.
func (x *harness) seed(t *testing.T) {
	dep := func(id, fin string, lead time.Duration, status string) mx.Deployment {
		d := mx.Deployment{ID: id, Source: "api", Service: "checkout", Team: "payments", Environment: "production",
			Status: status, FinishedAt: parseTime(fin), StartedAt: parseTime(fin).Add(-5 * time.Minute)}
		if lead > 0 {
			d.CommitAt = d.FinishedAt.Add(-lead)
		}
		return d
	}
	b := mx.Batch{
		Deployments: []mx.Deployment{
			dep("p1", "2024-01-03 10:00", 6*time.Hour, "success"), // previous window
			dep("c1", "2024-01-08 09:00", 2*time.Hour, "success"),
			dep("c2", "2024-01-09 09:00", 4*time.Hour, "success"),
			dep("c3", "2024-01-10 09:00", 0, "success"),
			dep("c4", "2024-01-11 09:00", time.Hour, "failure"),
		},
		Incidents: []mx.Incident{
			{ID: "i1", Source: "api", Service: "checkout", Team: "payments", Title: "500s", OpenedAt: parseTime("2024-01-09 10:00"), ResolvedAt: parseTime("2024-01-09 11:30")},
			{ID: "i2", Source: "api", Service: "checkout", Team: "payments", Title: "slow", OpenedAt: parseTime("2024-01-13 10:00")},
		},
	}
	if _, err := x.store.Ingest(context.Background(), b); err != nil {
		t.Fatal(err)
	}
}

func (x *harness) command(t *testing.T, text string) (*bot.Reply, error) {
	t.Helper()
	return x.router.Serve(context.Background(), &bot.Request{Kind: bot.KindCommand, Command: "/platform", Text: text, UserID: "UPAY000001"})
}

func TestMetricsCommandFigures(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		x := newHarness(t, db)
		reply, err := x.command(t, "metrics payments 7d")
		if err != nil {
			t.Fatal(err)
		}
		if reply.InChannel {
			t.Error("the on-demand digest must be ephemeral")
		}
		text := blocksText(reply.Blocks)
		// Hand-computed: 3 successful of 4 production deployments in 7 days
		// (0.4/day, high; previous 1 in 7 → +200%), deployed on 3 days. Lead
		// times 2h and 4h → 3h (previous 6h → −50%). c4 failed and c2 caused
		// i1 → 2 of 4 = 50% (low). c2 recovered 2h30m after it finished;
		// i2 (13 Jan) finds no deployment in the 24h before: unattributed.
		// i1 restored in 1h30m, i2 still open. c3 has no commit time.
		for _, want := range []string{
			"Platform metrics · Payments & Billing",
			"Last 7 days (8–14 Jan 2024), UTC",
			"DORA levels: DORA Accelerate State of DevOps Report 2023",
			"*Deployment frequency* · _High_ (DORA 2023)\n*0.4 a day* · 3 a week · deployed on 3 of 7 days  ▲ 200% (better)",
			"*Change lead time* · _Elite_ (DORA 2023)\n*3h 0m* median, commit → running in production (2 deployments)  ▼ 50% (better)",
			"*Change fail rate* · _Low_ (DORA 2023)\n*50%* of production deployments failed or caused an incident (2 of 4)  ▲ 50.0 pp (worse)",
			"*Failed deployment recovery time* · _High_ (DORA 2023)\n*2h 30m* median, failing deployment → its incidents resolved (1 recovered, 0 still open)  _(no data before)_",
			"*Time to restore service*\n*1h 30m* median, incident opened → resolved (1 resolved, 1 open)",
			"*Deployment rework rate*\n*0%* of production deployments were unplanned (0 of 4)",
			"Data quality: 1 of 3 successful deployments have no commit time (no lead time) · 1 of 2 incidents unattributed",
			"*Developer satisfaction*\nno data",
			"*Adoption*\nno data",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("digest lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, "0 a day") || strings.Contains(reply.Text, "NaN") {
			t.Errorf("a fake zero or NaN:\n%s", text)
		}
		golden(t, "team_digest", reply.Blocks)
	})
}

func TestMetricsCommandArguments(t *testing.T) {
	x := newHarness(t, storagetest.SQLite(t))
	for _, tc := range []struct {
		text, want, wantErr string
	}{
		{text: "metrics", want: "Platform metrics · organization"},
		{text: "metrics 30d", want: "Last 30 days"},
		{text: "metrics checkout 90d", want: "Platform metrics · service checkout"},
		{text: "metrics 7d PAYMENTS", want: "Platform metrics · Payments & Billing"}, // a plain-text header
		{text: "dora search", want: "Platform metrics · Search"},
		{text: "metrics 14d", wantErr: "There is no 14d window: use 7d, 30d or 90d."},
		{text: "metrics payments search", wantErr: "Give one team or service at most"},
		{text: "metrics <!channel>", wantErr: "I know no team or service called “&lt;!channel&gt;”. Teams: `payments`, `search`."},
	} {
		reply, err := x.command(t, tc.text)
		if tc.wantErr != "" {
			if msg, ok := userText(err); !ok || !strings.Contains(msg, tc.wantErr) {
				t.Errorf("%q: error %v, want a user message with %q", tc.text, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tc.text, err)
		}
		if got := blocksText(reply.Blocks); !strings.Contains(got, tc.want) {
			t.Errorf("%q: reply lacks %q:\n%s", tc.text, tc.want, got)
		}
	}
}

// deliver runs the outbox until nothing is due.
func (x *harness) deliver(t *testing.T) {
	t.Helper()
	if err := x.out.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestDigestPostsOncePerOccurrence(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		x := newHarness(t, db)
		post, _ := x.h.Digests.Post("weekly")
		ctx := context.Background()

		x.slack.Failing("PostMessage", errors.New("slack is down"))
		if err := x.h.RunDigest(ctx, post); err != nil {
			t.Fatal(err)
		}
		x.deliver(t) // the post fails; the outbox retries it after its backoff
		x.slack.Failing("PostMessage", nil)
		x.now = testNow.Add(3 * time.Minute) // a retry of the job, or another replica, a little later
		x.clock.Advance(3 * time.Minute)
		for range 2 {
			if err := x.h.RunDigest(ctx, post); err != nil {
				t.Fatal(err)
			}
		}
		x.deliver(t)
		posts := x.slack.Posted(post.Channel)
		if len(posts) != 1 {
			t.Fatalf("%d posts for one occurrence, want 1 (the failed post retried, the repeats queue nothing)", len(posts))
		}
		// Reported for the occurrence (Monday 10:00), as /platform metrics payments 7d.
		if got := blocksText(posts[0].Blocks); !strings.Contains(got, "*0.4 a day*") || !strings.Contains(got, "8–14 Jan 2024") {
			t.Errorf("digest:\n%s", got)
		}
		if !strings.Contains(posts[0].Text, "Payments &amp; Billing, last 7 days") { // mrkdwn: & is escaped
			t.Errorf("fallback text = %q", posts[0].Text)
		}
		x.now = testNow.AddDate(0, 0, 7)
		x.clock.Advance(7 * 24 * time.Hour)
		if err := x.h.RunDigest(ctx, post); err != nil {
			t.Fatal(err)
		}
		x.deliver(t)
		if len(x.slack.Posted(post.Channel)) != 2 {
			t.Errorf("the next week's occurrence did not post")
		}
	})
}

func TestMetricsHomeSection(t *testing.T) {
	x := newHarness(t, storagetest.SQLite(t))
	for _, tc := range []struct{ user, want string }{
		{"UPAY000001", "Your team, Payments &amp; Billing"},
		{"UGROUP0001", "Your team, Payments &amp; Billing"}, // via the user group
		{"UNOBODY001", "The organization (you are in no configured team)"},
	} {
		blocks, err := x.h.HomeSection(context.Background(), tc.user)
		if err != nil {
			t.Fatal(err)
		}
		text := blocksText(blocks)
		if !strings.Contains(text, tc.want) || !strings.Contains(text, "*Lead time*\n3h 0m · _Elite_") {
			t.Errorf("%s: home section:\n%s", tc.user, text)
		}
		if tc.user == "UPAY000001" {
			golden(t, "home", blocks)
		}
	}

	// In the viewer's language: a German-locale viewer gets German words
	// and numbers, the DORA level names stay DORA's.
	x.h.Languages = handlertest.NewLanguages(map[string]string{"UPAY000001": "de-DE"}).Chooser()
	blocks, err := x.h.HomeSection(context.Background(), "UPAY000001")
	if err != nil {
		t.Fatal(err)
	}
	text := blocksText(blocks)
	for _, want := range []string{"*:bar_chart: Kennzahlen* · Dein Team, Payments &amp; Billing · ", "*Durchlaufzeit*\n3 Std. 0 Min. · _Elite_", "*Fehlerquote von Änderungen*\n", "DORA-Stufen: "} {
		if !strings.Contains(text, want) {
			t.Errorf("home section in German lacks %q:\n%s", want, text)
		}
	}
}

// TestMetricsUntil: a digest could only be asked for the window ending
// yesterday, so a figure could not be reproduced later and checked
// against another tool. `until DAY` makes it the window ending with DAY,
// with the same figures as on the day after.
func TestMetricsUntil(t *testing.T) {
	x := newHarness(t, storagetest.SQLite(t))
	want, err := x.command(t, "metrics payments 7d")
	if err != nil {
		t.Fatal(err)
	}
	x.now = testNow.AddDate(0, 2, 0) // two months later, more data since
	x.seed(t)
	if _, err := x.store.Ingest(context.Background(), mx.Batch{Deployments: []mx.Deployment{{
		ID: "later", Source: "api", Service: "checkout", Team: "payments", Environment: "production", Status: "success",
		StartedAt: parseTime("2024-03-01 09:00"), FinishedAt: parseTime("2024-03-01 09:05")}}}); err != nil {
		t.Fatal(err)
	}
	got, err := x.command(t, "metrics until 2024-01-14 payments 7d")
	if err != nil {
		t.Fatal(err)
	}
	wantText, gotText := blocksText(want.Blocks), blocksText(got.Blocks)
	if !strings.Contains(gotText, "7 days to 14 Jan 2024 (8–14 Jan 2024), UTC") {
		t.Errorf("header:\n%s", gotText)
	}
	// Everything but the header's wording is the same report.
	if strings.Replace(gotText, "7 days to 14 Jan 2024 (", "Last 7 days (", 1) != wantText {
		t.Errorf("as of 14 Jan two months later:\n%s\n\nwant what 15 Jan showed:\n%s", gotText, wantText)
	}
	for text, msg := range map[string]string{
		"metrics until 2024-03-15": "A window must end with a complete day: use a date before today (2024-03-15), e.g. until 2024-03-14.",
		"metrics until":            "Until when?",
		"metrics until 14.1.2024":  "“14.1.2024” is not a date: write it as YYYY-MM-DD",
	} {
		_, err := x.command(t, text)
		if got, ok := userText(err); !ok || !strings.Contains(got, msg) {
			t.Errorf("%q: error %v, want %q", text, err, msg)
		}
	}
}

// userText is what the asker reads of an error in English: a refusal, or
// a domain error worded by explain; ok is false for the bot's own errors.
func userText(err error) (string, bool) {
	var ue *bot.UserError
	if errors.As(err, &ue) {
		return ue.Msg, true
	}
	var r *bot.Refusal
	if errors.As(err, &r) {
		return r.In(i18n.Fallback()), true
	}
	return "", false
}
