package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/platformbot/platformbot/internal/fakeslack"
	"github.com/platformbot/platformbot/metrics"
)

// The fake clock starts on Saturday 2 January 2027, 08:00 UTC; the report
// is scheduled at 09:00 on the 2nd day of each quarter, so it runs in an
// hour and reports Q4 2026 against the 92 days before it.
const reportE2EConfig = `
timezone: UTC
admins:
  users: [UADMIN0001]
report:
  channel: C0REPORT01
  schedule: "0 9 2 1,4,7,10 *"
  hourly_cost: 95
  currency: EUR
ingest:
  token_env: E2E_REPORT_TOKEN
`

var reportE2EStart = time.Date(2027, 1, 2, 8, 0, 0, 0, time.UTC)

// seedReportE2E stores Q4 2026's deployments (lead times of 1 to 5 hours)
// and bot activity; there is no survey round, so the satisfaction chart
// must be left out with a line saying so.
func seedReportE2E(t *testing.T, m *Main) {
	t.Helper()
	ctx := context.Background()
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	var b metrics.Batch
	var acts []metrics.Activity
	for day := range 92 {
		at := from.AddDate(0, 0, day)
		for n := range 1 + day%3 {
			fin := at.Add(time.Duration(10+n) * time.Hour)
			b.Deployments = append(b.Deployments, metrics.Deployment{
				ID: fmt.Sprintf("q4-%d-%d", day, n), Source: "api", Service: "checkout", Environment: "production",
				Status: metrics.StatusSuccess, CommitAt: fin.Add(-time.Duration(1+day%5) * time.Hour), StartedAt: fin.Add(-5 * time.Minute), FinishedAt: fin,
			})
		}
		for u := range 3 + day%4 {
			acts = append(acts, metrics.Activity{Day: at, UserID: fmt.Sprintf("UREPORT%03d", u)})
		}
	}
	if _, err := m.metricsStore().Ingest(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := m.metricsStore().RecordActivity(ctx, acts); err != nil {
		t.Fatal(err)
	}
}

// TestReportEndToEnd: the scheduled value report on a fake clock, through
// the real Socket Mode bot and the fake Slack: the report is posted once,
// each chart goes through files.getUploadURLExternal, the upload POST and
// files.completeUploadExternal into the report's thread, and the message
// names the charts; then the command, its admin check and the HTTP API.
func TestReportEndToEnd(t *testing.T) {
	eachDB(t, func(t *testing.T, db string) {
		// The ack budget is generous: the test reads the reply from the ack,
		// and a busy machine (-race) may compute the report slower than 2 s.
		b := newTestBot(t, botOptions{Config: reportE2EConfig, DatabaseURL: db, Now: reportE2EStart, AckBudget: 10 * time.Second,
			Env: map[string]string{"E2E_REPORT_TOKEN": "report-token"}})
		seedReportE2E(t, b.Main)

		next := time.Date(2027, 1, 2, 9, 0, 0, 0, time.UTC)
		deadline := time.Now().Add(10 * time.Second)
		for !b.Main.Scheduler.NextRun(ReportJob).Equal(next) {
			if time.Now().After(deadline) {
				t.Fatalf("%s next run = %s, want %s", ReportJob, b.Main.Scheduler.NextRun(ReportJob), next)
			}
			time.Sleep(5 * time.Millisecond)
		}
		b.Advance(time.Hour)

		// The report, then three charts in its thread (satisfaction has no data).
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		msgs, err := b.Fake.WaitMessages(ctx, "C0REPORT01", 4)
		if err != nil {
			t.Fatalf("report and charts: %v (%d messages)\n%s", err, len(b.Fake.Messages("C0REPORT01")), b.Logs)
		}
		report := msgs[0]
		if report.ThreadTS != "" || len(report.Files) != 0 {
			t.Fatalf("first message is not the report: %+v", report)
		}
		text := e2eBlockText(t, report.Blocks)
		contains(t, "report", text,
			"Platform value report · Q4 2026 (1 Oct – 31 Dec 2026)",
			"against 1 Jul – 30 Sep 2026, the 92 days before",
			"• Successful production deployments: *183*  (no data before)",
			"• Change lead time (median): *3h 0m* · _Elite_",
			"• Value of the time saved: *no data* (at 95 EUR/h)",
			"Charts in the thread: Deployments per week · Median change lead time per week · Weekly active users.",
			"No chart of satisfaction per survey round: no survey round with reportable results in the period.",
		)
		var shared []string
		for _, m := range msgs[1:] {
			if m.ThreadTS != report.TS || len(m.Files) != 1 {
				t.Errorf("not a chart in the report's thread: %+v", m)
				continue
			}
			shared = append(shared, m.Files[0])
		}
		files := b.Fake.Files()
		if len(files) != 3 {
			t.Fatalf("%d files uploaded, want 3: %+v", len(files), files)
		}
		for i, f := range files {
			if !f.Completed || f.Channel != "C0REPORT01" || f.ThreadTS != report.TS || len(f.Data) != f.Length ||
				!strings.HasPrefix(string(f.Data), "\x89PNG") || !strings.HasPrefix(f.Name, "value-report-2026Q4-") {
				t.Errorf("file %d = %s %q in %s/%s, %d of %d bytes, completed %v", i, f.ID, f.Name, f.Channel, f.ThreadTS, len(f.Data), f.Length, f.Completed)
			}
			if !containsString(shared, f.ID) {
				t.Errorf("file %s is not shared in the thread (shared: %v)", f.ID, shared)
			}
		}
		for _, method := range []string{"files.getUploadURLExternal", fakeslack.UploadMethod, "files.completeUploadExternal"} {
			if n := len(b.Fake.Calls(method)); n != 3 {
				t.Errorf("%d calls to %s, want 3", n, method)
			}
		}

		// Once: an hour later nothing more was posted.
		b.Advance(time.Hour)
		time.Sleep(300 * time.Millisecond)
		if n := len(b.Fake.Messages("C0REPORT01")); n != 4 {
			t.Errorf("%d messages in the report channel, want the report and 3 charts", n)
		}

		// On demand: shown to anyone; posting is for the platform team.
		ack := b.Command("UDEV000001", "/platform report 2026Q4")
		var reply struct {
			ResponseType string          `json:"response_type"`
			Blocks       json.RawMessage `json:"blocks"`
		}
		if err := json.Unmarshal(ack.Payload, &reply); err != nil {
			t.Fatal(err)
		}
		if reply.ResponseType == "in_channel" {
			t.Error("/platform report must answer ephemerally")
		}
		contains(t, "/platform report", e2eBlockText(t, reply.Blocks), "Q4 2026", "`/platform report post 2026Q4` (platform team)")
		if got := AckText(b.Command("UDEV000001", "/platform report post")); !strings.Contains(got, "Only the platform team") {
			t.Errorf("non-admin post: %q", got)
		}
		if got := AckText(b.Command("UDEV000001", "/platform report 2026Q9")); !strings.Contains(got, "is not a period") {
			t.Errorf("bad period: %q", got)
		}

		// An admin posts it where they are; typed twice, it is posted once.
		for range 2 {
			if got := AckText(b.Command("UADMIN0001", "/platform report post 2026Q4")); !strings.Contains(got, "value report of Q4 2026") {
				t.Errorf("admin post: %q", got)
			}
		}
		if _, err := b.Fake.WaitMessages(ctx, "CTEST00001", 4); err != nil {
			t.Fatalf("posted report: %v\n%s", err, b.Logs)
		}
		time.Sleep(300 * time.Millisecond)
		if n := len(b.Fake.Messages("CTEST00001")); n != 4 {
			t.Errorf("%d messages in the admin's channel, want the report and 3 charts", n)
		}

		// The same report over HTTP.
		req, _ := http.NewRequest(http.MethodGet, b.HTTPURL+"/api/v1/report?period=2026Q4&format=csv", nil)
		req.Header.Set("Authorization", "Bearer report-token")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), "2026Q4,delivery,successful production deployments,count,183,,") {
			t.Errorf("GET /api/v1/report: %d\n%s", resp.StatusCode, body)
		}
	})
}

func containsString(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// TestReportConsole: `console --demo` shows a value report; posting it
// writes its charts to PLATFORMBOT_FILES_DIR and prints their paths.
func TestReportConsole(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"DATABASE_URL": "sqlite:" + dir + "/console.db", "LOG_LEVEL": "error", "PLATFORMBOT_FILES_DIR": dir + "/files"}
	in, typed := io.Pipe()
	out := &syncBuffer{}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- runConsole(ctx, consoleRun{In: in, Out: out, Getenv: func(k string) string { return env[k] }, User: "UADMIN0001", Demo: true})
	}()
	if _, err := io.WriteString(typed, "/platform report this\n/platform report\n/platform report post last\n"); err != nil {
		t.Fatal(err)
	}
	for strings.Count(out.String(), "── file shared in #CCONSOLE") < 4 {
		if ctx.Err() != nil {
			t.Fatalf("no charts shared:\n%s", out)
		}
		time.Sleep(20 * time.Millisecond)
	}
	typed.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	got := out.String()
	contains(t, "console", got, "── reply (only visible to you) ──\n# Platform value report · Q", "── message to #CCONSOLE ──\n# Platform value report · Q",
		"Charts in the thread: Deployments per week · Median change lead time per week · Satisfaction per survey round · Weekly active users.",
		// The preview programs and the request board, through their adapters.
		"• *Fast CI runners*: 14 participants, 12 active · rated 3.5 / 5 (6 ratings)",
		"• #3 *Cache Go modules in CI* · _Shipped_ · 12 votes · Search")
	for _, name := range []string{"deployments", "lead-time", "satisfaction", "adoption"} {
		if !strings.Contains(got, dir+"/files/value-report-") || !strings.Contains(got, "-"+name+".png (") {
			t.Errorf("no path of the %s chart in:\n%s", name, got)
		}
	}
}
