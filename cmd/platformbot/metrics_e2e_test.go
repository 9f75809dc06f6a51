package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The fake clock starts on Monday 30 November 2026, 09:00 UTC; the digest
// runs at 10:00 over the 7 days 23–29 November, compared with 16–22.
const metricsE2EConfig = `
timezone: UTC
teams:
  - id: payments
    name: Payments
    users: [UPAYDEV001]
digests:
  attribution_window: 24h
  posts:
    - id: weekly
      channel: C0METRICS1
      schedule: "0 10 * * MON"
      window: 7d
      team: payments
      sections: [delivery]
ingest:
  token_env: E2E_INGEST_TOKEN
  github_secret_env: E2E_GITHUB_SECRET
  pagerduty_secret_env: E2E_PD_SECRET
  services:
    - id: checkout
      team: payments
      github_repos: [acme/checkout]
      pagerduty_services: [PCHECK01]
`

const (
	e2eToken    = "e2e-token"
	e2eGHSecret = "e2e-github"
	e2ePDSecret = "e2e-pagerduty"
)

// The fixture, by source. Expected figures are in TestMetricsEndToEnd.
const (
	e2eDeployments = `[
	  {"id":"d0","service":"checkout","team":"payments","environment":"production","status":"success","commit_time":"2026-11-22T15:00:00Z","started_at":"2026-11-22T22:50:00Z","finished_at":"2026-11-22T23:00:00Z"},
	  {"id":"d1","service":"checkout","team":"payments","environment":"production","status":"success","commit_time":"2026-11-22T22:00:00Z","started_at":"2026-11-22T23:50:00Z","finished_at":"2026-11-23T00:00:00Z"},
	  {"id":"d2","service":"checkout","environment":"production","status":"success","commit_time":"2026-11-24T06:00:00Z","started_at":"2026-11-24T09:50:00Z","finished_at":"2026-11-24T10:00:00Z"},
	  {"id":"d3","service":"checkout","environment":"production","status":"failure","commit_time":"2026-11-25T09:00:00Z","started_at":"2026-11-25T09:50:00Z","finished_at":"2026-11-25T10:00:00Z"},
	  {"id":"d4","service":"checkout","environment":"staging","status":"success","started_at":"2026-11-26T10:20:00Z","finished_at":"2026-11-26T10:30:00Z"}]`
	e2eIncident = `{"id":"INC-1","service":"checkout","title":"Payments fail","opened_at":"2026-11-25T11:00:00Z","resolved_at":"2026-11-25T12:00:00Z","deployment_id":"d3"}`
	e2ePush     = `{"ref":"refs/heads/main","after":"c0ffee","commits":[{"id":"c0ffee","timestamp":"2026-11-26T08:00:00Z"}]}`
	e2eGHStatus = `{"action":"created","deployment_status":{"state":"success","environment":"production","created_at":"2026-11-26T10:00:00Z"},
	  "deployment":{"id":42,"sha":"c0ffee","environment":"production","created_at":"2026-11-26T09:55:00Z"},"repository":{"name":"checkout","full_name":"acme/checkout"}}`
	e2eDevLake = `{"id":"dl-1","result":"SUCCESS","environment":"PRODUCTION","startedDate":"2026-11-27T09:50:00+00:00","finishedDate":"2026-11-27T10:00:00+00:00",
	  "deploymentCommits":[{"repoUrl":"https://github.com/acme/checkout","commitSha":"d00d"}]}`
)

func e2ePagerDuty(kind, occurred string) string {
	return `{"event":{"id":"E-` + kind + `","event_type":"incident.` + kind + `","occurred_at":"` + occurred + `",
	  "data":{"id":"Q1","type":"incident","title":"Checkout down","created_at":"2026-11-26T11:00:00Z","service":{"id":"PCHECK01","summary":"Checkout"}}}}`
}

func e2eHMAC(secret, body string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(body))
	return hex.EncodeToString(mac.Sum(nil))
}

// e2ePost sends body to the bot's HTTP server and returns the status.
func e2ePost(t *testing.T, b *testBot, path, body string, headers map[string]string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.HTTPURL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Logf("POST %s → %d %s", path, resp.StatusCode, msg)
	}
	return resp.StatusCode
}

// e2eBlockText returns the texts of a message's blocks, one per line.
func e2eBlockText(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var blocks []struct {
		Text *struct {
			Text string `json:"text"`
		} `json:"text"`
		Elements []struct {
			Text string `json:"text"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(raw, &blocks); err != nil {
		t.Fatalf("blocks: %v\n%s", err, raw)
	}
	var b strings.Builder
	for _, bl := range blocks {
		if bl.Text != nil {
			b.WriteString(bl.Text.Text + "\n")
		}
		for _, e := range bl.Elements {
			b.WriteString(e.Text + "\n")
		}
	}
	return b.String()
}

func TestMetricsEndToEnd(t *testing.T) {
	eachDB(t, func(t *testing.T, db string) {
		b := newTestBot(t, botOptions{Config: metricsE2EConfig, DatabaseURL: db, Env: map[string]string{
			"E2E_INGEST_TOKEN": e2eToken, "E2E_GITHUB_SECRET": e2eGHSecret, "E2E_PD_SECRET": e2ePDSecret,
		}})
		bearer := map[string]string{"Authorization": "Bearer " + e2eToken}
		gh := func(event, delivery, body, secret string) map[string]string {
			return map[string]string{"X-GitHub-Event": event, "X-GitHub-Delivery": delivery, "X-Hub-Signature-256": "sha256=" + e2eHMAC(secret, body)}
		}
		pd := func(id, body string, secrets ...string) map[string]string {
			var sigs []string
			for _, s := range secrets {
				sigs = append(sigs, "v1="+e2eHMAC(s, body))
			}
			return map[string]string{"X-Webhook-Id": id, "X-PagerDuty-Signature": strings.Join(sigs, ",")}
		}
		pdTrig, pdRes := e2ePagerDuty("triggered", "2026-11-26T11:00:00Z"), e2ePagerDuty("resolved", "2026-11-26T14:00:00Z")

		// Refused first: nothing of these may be stored.
		for _, tc := range []struct {
			name, path, body string
			headers          map[string]string
			want             int
		}{
			{"api without token", "/api/v1/deployments", e2eDeployments, nil, 401},
			{"api wrong token", "/api/v1/incidents", e2eIncident, map[string]string{"Authorization": "Bearer nope"}, 401},
			{"github wrong secret", "/webhooks/github", e2eGHStatus, gh("deployment_status", "bad-1", e2eGHStatus, "wrong"), 401},
			{"pagerduty wrong secrets", "/webhooks/pagerduty", pdTrig, pd("bad-2", pdTrig, "old", "wrong"), 401},
			{"devlake wrong token", "/api/rest/plugins/webhook/1/deployments", e2eDevLake, map[string]string{"Authorization": "Bearer nope"}, 401},
		} {
			if got := e2ePost(t, b, tc.path, tc.body, tc.headers); got != tc.want {
				t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
			}
		}

		for _, tc := range []struct {
			name, path, body string
			headers          map[string]string
			want             int
		}{
			{"api deployments", "/api/v1/deployments", e2eDeployments, bearer, 200},
			{"api incident", "/api/v1/incidents", e2eIncident, bearer, 200},
			{"github push", "/webhooks/github", e2ePush, gh("push", "gh-1", e2ePush, e2eGHSecret), 200},
			{"github deployment_status", "/webhooks/github", e2eGHStatus, gh("deployment_status", "gh-2", e2eGHStatus, e2eGHSecret), 200},
			{"pagerduty triggered", "/webhooks/pagerduty", pdTrig, pd("pd-1", pdTrig, "rotated-out", e2ePDSecret), 202},
			{"pagerduty resolved", "/webhooks/pagerduty", pdRes, pd("pd-2", pdRes, e2ePDSecret), 202},
			{"pagerduty redelivered", "/webhooks/pagerduty", pdRes, pd("pd-2", pdRes, e2ePDSecret), 202},
			{"devlake deployment", "/api/rest/plugins/webhook/1/deployments", e2eDevLake, bearer, 200},
		} {
			if got := e2ePost(t, b, tc.path, tc.body, tc.headers); got != tc.want {
				t.Fatalf("%s: %d, want %d\n%s", tc.name, got, tc.want, b.Logs)
			}
		}

		// Hand-computed for payments, 23–29 November. Production: d1 (on
		// the window's first instant), d2, d3 (failed), github:42, dl-1; d0
		// is in the previous window, d4 is staging.
		//   frequency: 4 successful / 7 days = 0.57 → "0.6 a day", 4 a week,
		//     on 23, 24, 26 and 27 November; ≥ 1 a week → High; previous 1.
		//   lead time: d1 2h, d2 4h, github:42 2h (commit from the push) →
		//     median 2h, Elite; previous d0 8h → ▼ 75%. dl-1 has no commit time.
		//   change fail rate: d3 (failed, INC-1) and github:42 (PagerDuty Q1,
		//     opened 1h after it) → 2 of 5 = 40%, Low.
		//   recovery: d3 2h, github:42 4h → 3h, High. restore: INC-1 1h,
		//     Q1 3h → 2h.
		want := []string{
			"Last 7 days (23–29 Nov 2026), UTC",
			"*Deployment frequency* · _High_ (DORA 2023)\n*0.6 a day* · 4 a week · deployed on 4 of 7 days  ▲ 300% (better)",
			"*Change lead time* · _Elite_ (DORA 2023)\n*2h 0m* median, commit → running in production (3 deployments)  ▼ 75% (better)",
			"*Change fail rate* · _Low_ (DORA 2023)\n*40%* of production deployments failed or caused an incident (2 of 5)  ▲ 40.0 pp (worse)",
			"*Failed deployment recovery time* · _High_ (DORA 2023)\n*3h 0m* median, failing deployment → its incidents resolved (2 recovered, 0 still open)",
			"*Time to restore service*\n*2h 0m* median, incident opened → resolved (2 resolved, 0 open)",
			"*Deployment rework rate*\n*0%* of production deployments were unplanned (0 of 5)",
			"Data quality: 1 of 4 successful deployments have no commit time (no lead time) · 0 of 2 incidents unattributed",
		}

		// The scheduled digest, once its job is scheduled for 10:00.
		next := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
		deadline := time.Now().Add(10 * time.Second)
		for !b.Main.Scheduler.NextRun("digest:weekly").Equal(next) {
			if time.Now().After(deadline) {
				t.Fatalf("digest:weekly next run = %s, want %s", b.Main.Scheduler.NextRun("digest:weekly"), next)
			}
			time.Sleep(5 * time.Millisecond)
		}
		b.Advance(time.Hour)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		msgs, err := b.Fake.WaitMessages(ctx, "C0METRICS1", 1)
		if err != nil {
			t.Fatalf("no digest in C0METRICS1: %v\n%s", err, b.Logs)
		}
		digest := e2eBlockText(t, msgs[0].Blocks)
		contains(t, "digest", digest, append([]string{"Platform metrics · Payments"}, want...)...)

		// The same on demand, ephemerally.
		ack := b.Command("UPAYDEV001", "/platform metrics payments 7d")
		var reply struct {
			ResponseType string          `json:"response_type"`
			Blocks       json.RawMessage `json:"blocks"`
		}
		if err := json.Unmarshal(ack.Payload, &reply); err != nil {
			t.Fatal(err)
		}
		if reply.ResponseType == "in_channel" {
			t.Error("/platform metrics must answer ephemerally")
		}
		contains(t, "/platform metrics", e2eBlockText(t, reply.Blocks), want...)
		time.Sleep(100 * time.Millisecond) // the job must not post the same occurrence twice
		if n := len(b.Fake.Messages("C0METRICS1")); n != 1 {
			t.Errorf("%d digests posted for one occurrence, want 1", n)
		}
	})
}
