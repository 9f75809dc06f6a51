package httpapi_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/httpapi"
	"github.com/platformbot/platformbot/metrics"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

const (
	token     = "ingest-token"
	ghSecret  = "gh-secret"
	pdSecret  = "pd-secret"
	ingestCfg = `
teams:
  - id: payments
  - id: search
ingest:
  token_env: TEST_INGEST_TOKEN
  github_secret_env: TEST_GITHUB_SECRET
  pagerduty_secret_env: TEST_PD_SECRET
  max_body_bytes: 4096
  services:
    - id: checkout
      team: payments
      github_repos: [acme/checkout]
      pagerduty_services: [PCHECK1]
`
)

var ingestNow = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// everything is a range that holds all test data.
var everything = []metrics.Range{{From: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}}

type ingestEnv struct {
	t     *testing.T
	srv   *httpapi.Server
	store *storage.Metrics
}

func newIngest(t *testing.T, db *storage.DB) *ingestEnv {
	t.Helper()
	t.Setenv("TEST_INGEST_TOKEN", token)
	t.Setenv("TEST_GITHUB_SECRET", ghSecret)
	t.Setenv("TEST_PD_SECRET", pdSecret)
	cfg, err := config.Parse("test.yaml", []byte(ingestCfg))
	if err != nil {
		t.Fatal(err)
	}
	store := storage.NewMetrics(db, storage.MetricsOptions{AttributionWindow: 24 * time.Hour,
		ProductionEnvironments: []string{"production"}, Now: func() time.Time { return ingestNow }})
	srv := httpapi.New(zerolog.Nop(), prometheus.NewRegistry())
	(&httpapi.Ingest{Store: store, Config: cfg, Now: func() time.Time { return ingestNow }, Log: zerolog.Nop()}).Register(srv)
	return &ingestEnv{t: t, srv: srv, store: store}
}

type response struct {
	Code int
	Body map[string]any
}

func (e *ingestEnv) do(path, body string, headers map[string]string) response {
	e.t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	raw, _ := io.ReadAll(rec.Body)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return response{rec.Code, m}
}

func bearer(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }

// counts returns production deployments and incidents stored so far.
func (e *ingestEnv) counts() (deployments, incidents int) {
	e.t.Helper()
	ds, err := e.store.DeliveryStats(context.Background(), metrics.Scope{}, everything)
	if err != nil {
		e.t.Fatal(err)
	}
	is, err := e.store.IncidentStats(context.Background(), metrics.Scope{}, everything)
	if err != nil {
		e.t.Fatal(err)
	}
	return ds[0].Deployments, is[0].Opened
}

const deploymentJSON = `{"id":"d1","service":"checkout","team":"payments","environment":"production","status":"success",
 "commit_sha":"abc123","commit_time":"2024-05-01T08:00:00Z","started_at":"2024-05-01T09:50:00Z","finished_at":"2024-05-01T10:00:00Z"}`

func TestDeploymentsEndpoint(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newIngest(t, db)
		if r := e.do("/api/v1/deployments", deploymentJSON, bearer(token)); r.Code != 200 || r.Body["deployments"] != 1.0 {
			t.Fatalf("single: %+v", r)
		}
		backfill := `[` + deploymentJSON + `,
			{"id":"d2","service":"checkout","environment":"Production","status":"FAILURE","started_at":"2024-04-30T09:00:00Z","finished_at":"2024-04-30T09:10:00Z","unplanned":true},
			{"id":"d3","service":"search-api","team":"search","environment":"production","status":"success","first_commit_time":"2024-04-29T09:00:00+02:00","started_at":"2024-04-29T09:00:00Z","finished_at":"2024-04-29T09:10:00Z"}]`
		for range 2 { // twice: the same ids update, never duplicate
			if r := e.do("/api/v1/deployments", backfill, bearer(token)); r.Code != 200 || r.Body["deployments"] != 3.0 {
				t.Fatalf("backfill: %+v", r)
			}
		}
		if n, _ := e.counts(); n != 3 {
			t.Errorf("stored %d deployments, want 3", n)
		}
		ds, _ := e.store.DeliveryStats(context.Background(), metrics.Scope{Team: "payments"}, everything)
		// d2's team comes from ingest.services; it failed and was unplanned.
		if ds[0].Deployments != 2 || ds[0].Failed != 1 || ds[0].Unplanned != 1 || ds[0].LeadTime != 2*3600 {
			t.Errorf("payments stats = %+v", ds[0])
		}
	})
}

// TestRepeatedIDInOneBody: an array that gives one id twice used to be
// answered "deployments":2 for one stored row. The later item wins, as if
// sent afterwards; it is counted once and the answer says one was repeated.
func TestRepeatedIDInOneBody(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newIngest(t, db)
		later := strings.Replace(strings.Replace(deploymentJSON, `"success"`, `"failure"`, 1), "10:00:00Z", "10:05:00Z", 1)
		r := e.do("/api/v1/deployments", "["+deploymentJSON+","+later+"]", bearer(token))
		if r.Code != 200 || r.Body["deployments"] != 1.0 || r.Body["repeated"] != 1.0 {
			t.Fatalf("answer = %+v, want deployments 1 and repeated 1", r)
		}
		ds, _ := e.store.DeliveryStats(context.Background(), metrics.Scope{}, everything)
		if ds[0].Deployments != 1 || ds[0].Failed != 1 {
			t.Errorf("stored %+v, want the later item (failed) once", ds[0])
		}
		inc := `{"id":"INC-1","service":"checkout","title":"down","opened_at":"2024-05-01T10:20:00Z"}`
		resolved := `{"id":"INC-1","service":"checkout","title":"down","opened_at":"2024-05-01T10:20:00Z","resolved_at":"2024-05-01T11:00:00Z"}`
		if r := e.do("/api/v1/incidents", "["+inc+","+resolved+"]", bearer(token)); r.Body["incidents"] != 1.0 || r.Body["repeated"] != 1.0 {
			t.Errorf("incidents answer = %+v, want incidents 1 and repeated 1", r)
		}
		if r := e.do("/api/v1/deployments", deploymentJSON, bearer(token)); r.Body["repeated"] != nil {
			t.Errorf("a body without repeats says repeated: %+v", r)
		}
	})
}

func TestDeploymentsRefused(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newIngest(t, db)
		with := func(field, value string) string {
			var m map[string]any
			_ = json.Unmarshal([]byte(deploymentJSON), &m)
			if value == "" {
				delete(m, field)
			} else {
				var v any
				if err := json.Unmarshal([]byte(value), &v); err != nil {
					t.Fatal(err)
				}
				m[field] = v
			}
			b, _ := json.Marshal(m)
			return string(b)
		}
		for _, tc := range []struct {
			name, body string
			headers    map[string]string
			code       int
			field      string
		}{
			{"no token", deploymentJSON, nil, 401, ""},
			{"wrong token", deploymentJSON, bearer("guess"), 401, ""},
			{"basic auth", deploymentJSON, map[string]string{"Authorization": "Basic " + token}, 401, ""},
			{"missing id", with("id", ""), bearer(token), 400, "id"},
			{"missing finished_at", with("finished_at", ""), bearer(token), 400, "finished_at"},
			{"bad time", with("started_at", `"yesterday"`), bearer(token), 400, "started_at"},
			{"bad status", with("status", `"done"`), bearer(token), 400, "status"},
			{"wrong type", with("unplanned", `"yes"`), bearer(token), 400, "unplanned"},
			{"unknown field", with("commit_date", `"2024-05-01T08:00:00Z"`), bearer(token), 400, "commit_date"},
			{"unknown team", with("team", `"ghosts"`), bearer(token), 400, "team"},
			{"no team and no owner", strings.Replace(with("team", ""), `"checkout"`, `"unowned"`, 1), bearer(token), 400, "team"},
			{"both commit times", with("first_commit_time", `"2024-05-01T07:00:00Z"`), bearer(token), 400, "first_commit_time"},
			{"commit after finish", with("commit_time", `"2024-05-01T11:00:00Z"`), bearer(token), 400, "commit_time"},
			{"future", with("finished_at", `"2024-05-02T10:00:00Z"`), bearer(token), 400, "finished_at"},
			{"array item", `[` + deploymentJSON + `,` + with("status", `"meh"`) + `]`, bearer(token), 400, "[1].status"},
			{"empty array", `[]`, bearer(token), 400, ""},
			{"empty body", ``, bearer(token), 400, ""},
			{"not json", `{"id":`, bearer(token), 400, ""},
			{"too large", `[` + strings.Repeat(deploymentJSON+",", 20) + deploymentJSON + `]`, bearer(token), 413, ""},
		} {
			r := e.do("/api/v1/deployments", tc.body, tc.headers)
			if r.Code != tc.code || (tc.field != "" && r.Body["field"] != tc.field) {
				t.Errorf("%s: %d %v, want %d with field %q", tc.name, r.Code, r.Body, tc.code, tc.field)
			}
			if tc.code == 400 && r.Body["error"] == "" {
				t.Errorf("%s: no error message", tc.name)
			}
		}
		if n, _ := e.counts(); n != 0 {
			t.Errorf("refused requests stored %d deployments (an array with one bad item stores nothing)", n)
		}
	})
}

func TestDisabledWithoutSecrets(t *testing.T) {
	db := storagetest.SQLite(t)
	e := newIngest(t, db)
	t.Setenv("TEST_INGEST_TOKEN", "")
	t.Setenv("TEST_GITHUB_SECRET", "")
	t.Setenv("TEST_PD_SECRET", "")
	for _, path := range []string{"/api/v1/deployments", "/api/v1/incidents", "/webhooks/github", "/webhooks/pagerduty", "/plugins/webhook/1/deployments"} {
		if r := e.do(path, "{}", bearer("")); r.Code != http.StatusServiceUnavailable {
			t.Errorf("%s without its secret: %d, want 503", path, r.Code)
		}
	}
}

func TestIncidentsEndpoint(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newIngest(t, db)
		e.do("/api/v1/deployments", deploymentJSON, bearer(token))
		open := `{"id":"INC-1","service":"checkout","title":"checkout 500s","opened_at":"2024-05-01T10:30:00Z"}`
		if r := e.do("/api/v1/incidents", open, bearer(token)); r.Code != 200 {
			t.Fatalf("open: %+v", r)
		}
		resolved := `{"id":"INC-1","service":"checkout","title":"checkout 500s","opened_at":"2024-05-01T10:30:00Z","resolved_at":"2024-05-01T11:00:00Z"}`
		if r := e.do("/api/v1/incidents", resolved, bearer(token)); r.Code != 200 {
			t.Fatalf("resolve: %+v", r)
		}
		is, _ := e.store.IncidentStats(context.Background(), metrics.Scope{Team: "payments"}, everything)
		if is[0].Opened != 1 || is[0].Resolved != 1 || is[0].Restore != 1800 || is[0].Unattributed != 0 {
			t.Errorf("incident stats = %+v", is[0])
		}
		ds, _ := e.store.DeliveryStats(context.Background(), metrics.Scope{}, everything)
		if ds[0].Failed != 1 || ds[0].Recovery != 3600 {
			t.Errorf("d1 should have failed and recovered in 1h: %+v", ds[0])
		}
		for _, tc := range []struct{ name, body, field string }{
			{"resolved before opened", `{"id":"x","service":"checkout","title":"t","opened_at":"2024-05-01T10:30:00Z","resolved_at":"2024-05-01T10:00:00Z"}`, "resolved_at"},
			{"contradiction", `{"id":"x","service":"checkout","title":"t","opened_at":"2024-05-01T10:30:00Z","deployment_id":"d1","not_deployment_caused":true}`, "not_deployment_caused"},
			{"no title", `{"id":"x","service":"checkout","opened_at":"2024-05-01T10:30:00Z"}`, "title"},
			{"array", `[` + open + `,{"id":"y"}]`, "[1].service"},
		} {
			if r := e.do("/api/v1/incidents", tc.body, bearer(token)); r.Code != 400 || r.Body["field"] != tc.field {
				t.Errorf("%s: %+v, want 400 on %s", tc.name, r, tc.field)
			}
		}
		if r := e.do("/api/v1/incidents", open, bearer("nope")); r.Code != 401 {
			t.Errorf("wrong token: %d", r.Code)
		}
	})
}

func hubSignature(body string) string {
	mac := hmac.New(sha256.New, []byte(ghSecret))
	mac.Write([]byte(body))
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

func github(event, delivery, body, sig string) map[string]string {
	return map[string]string{"X-GitHub-Event": event, "X-GitHub-Delivery": delivery, "X-Hub-Signature-256": sig, "Content-Type": "application/json"}
}

const (
	pushJSON             = `{"ref":"refs/heads/main","after":"c0ffee","commits":[{"id":"beef01","timestamp":"2024-05-01T06:00:00+02:00"}],"head_commit":{"id":"c0ffee","timestamp":"2024-05-01T08:30:00Z"}}`
	deploymentStatusJSON = `{"action":"created","deployment_status":{"state":"success","environment":"production","created_at":"2024-05-01T10:00:00Z"},
	  "deployment":{"id":42,"sha":"c0ffee","environment":"production","created_at":"2024-05-01T09:55:00Z","payload":{"unplanned":true}},
	  "repository":{"name":"checkout","full_name":"acme/checkout"}}`
)

func TestGitHubWebhook(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newIngest(t, db)
		if r := e.do("/webhooks/github", `{"zen":"hi"}`, github("ping", "p1", "", hubSignature(`{"zen":"hi"}`))); r.Code != 200 {
			t.Errorf("ping: %+v", r)
		}
		if r := e.do("/webhooks/github", pushJSON, github("push", "g1", pushJSON, hubSignature(pushJSON))); r.Code != 200 || r.Body["commits"] != 2.0 {
			t.Fatalf("push: %+v", r)
		}
		r := e.do("/webhooks/github", deploymentStatusJSON, github("deployment_status", "g2", "", hubSignature(deploymentStatusJSON)))
		if r.Code != 200 || r.Body["deployments"] != 1.0 {
			t.Fatalf("deployment_status: %+v", r)
		}
		if r := e.do("/webhooks/github", deploymentStatusJSON, github("deployment_status", "g2", "", hubSignature(deploymentStatusJSON))); r.Body["duplicate"] != true {
			t.Errorf("redelivery: %+v, want duplicate", r)
		}
		ds, _ := e.store.DeliveryStats(context.Background(), metrics.Scope{Team: "payments"}, everything)
		// Commit c0ffee at 08:30, finished 10:00: 1.5h lead time, unplanned.
		if ds[0].Deployments != 1 || ds[0].LeadTime != 5400 || ds[0].Unplanned != 1 {
			t.Errorf("github deployment stats = %+v", ds[0])
		}
		pending := strings.Replace(deploymentStatusJSON, `"state":"success"`, `"state":"in_progress"`, 1)
		if r := e.do("/webhooks/github", pending, github("deployment_status", "g3", "", hubSignature(pending))); r.Code != 202 {
			t.Errorf("in_progress: %+v, want 202 ignored", r)
		}
		for _, tc := range []struct {
			name    string
			headers map[string]string
			code    int
		}{
			{"wrong signature", github("push", "g4", "", hubSignature(pushJSON+" ")), 401},
			{"other secret", github("push", "g4", "", "sha256="+strings.Repeat("ab", 32)), 401},
			{"no signature", github("push", "g4", "", ""), 401},
			{"sha1 signature", github("push", "g4", "", "sha1=abc"), 401},
			{"no delivery id", github("push", "", "", hubSignature(pushJSON)), 400},
		} {
			if r := e.do("/webhooks/github", pushJSON, tc.headers); r.Code != tc.code {
				t.Errorf("%s: %d %v, want %d", tc.name, r.Code, r.Body, tc.code)
			}
		}
		big := `{"commits":[` + strings.Repeat(`{"id":"x","timestamp":"2024-05-01T06:00:00Z"},`, 100) + `]}`
		if r := e.do("/webhooks/github", big, github("push", "g5", "", hubSignature(big))); r.Code != 413 {
			t.Errorf("oversized: %d, want 413", r.Code)
		}
	})
}

func pdSignature(secret, body string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(body))
	return "v1=" + hex.EncodeToString(mac.Sum(nil))
}

func pdEvent(kind, occurred string) string {
	return `{"event":{"id":"E1","event_type":"incident.` + kind + `","resource_type":"incident","occurred_at":"` + occurred + `",
	  "data":{"id":"Q1","type":"incident","title":"checkout down","created_at":"2024-05-01T10:30:00Z","service":{"id":"PCHECK1","summary":"Checkout"}}}}`
}

func TestPagerDutyWebhook(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newIngest(t, db)
		trig, res := pdEvent("triggered", "2024-05-01T10:30:00Z"), pdEvent("resolved", "2024-05-01T11:15:00Z")
		// During rotation the header carries the old and the new signature.
		rotating := pdSignature("old-secret", trig) + ", " + pdSignature(pdSecret, trig)
		if r := e.do("/webhooks/pagerduty", trig, map[string]string{"X-PagerDuty-Signature": rotating, "X-Webhook-Id": "w1"}); r.Code != 202 {
			t.Fatalf("triggered: %+v", r)
		}
		if r := e.do("/webhooks/pagerduty", res, map[string]string{"X-PagerDuty-Signature": pdSignature(pdSecret, res), "X-Webhook-Id": "w2"}); r.Code != 202 {
			t.Fatalf("resolved: %+v", r)
		}
		// A late redelivery of triggered under a new id must not reopen it.
		e.do("/webhooks/pagerduty", trig, map[string]string{"X-PagerDuty-Signature": pdSignature(pdSecret, trig), "X-Webhook-Id": "w3"})
		if r := e.do("/webhooks/pagerduty", res, map[string]string{"X-PagerDuty-Signature": pdSignature(pdSecret, res), "X-Webhook-Id": "w2"}); r.Body["duplicate"] != true {
			t.Errorf("redelivery: %+v", r)
		}
		is, _ := e.store.IncidentStats(context.Background(), metrics.Scope{Team: "payments"}, everything)
		if is[0].Opened != 1 || is[0].Resolved != 1 || is[0].Restore != 45*60 {
			t.Errorf("pagerduty incident = %+v", is[0])
		}
		ack := pdEvent("acknowledged", "2024-05-01T10:40:00Z")
		if r := e.do("/webhooks/pagerduty", ack, map[string]string{"X-PagerDuty-Signature": pdSignature(pdSecret, ack), "X-Webhook-Id": "w4"}); r.Code != 202 || r.Body["ignored"] == nil {
			t.Errorf("acknowledged: %+v, want ignored", r)
		}
		for _, tc := range []struct {
			name    string
			headers map[string]string
			code    int
		}{
			{"all signatures wrong", map[string]string{"X-PagerDuty-Signature": pdSignature("a", trig) + "," + pdSignature("b", trig), "X-Webhook-Id": "w5"}, 401},
			{"no signature", map[string]string{"X-Webhook-Id": "w5"}, 401},
			{"not v1", map[string]string{"X-PagerDuty-Signature": strings.Replace(pdSignature(pdSecret, trig), "v1=", "v2=", 1), "X-Webhook-Id": "w5"}, 401},
			{"no webhook id", map[string]string{"X-PagerDuty-Signature": pdSignature(pdSecret, trig)}, 400},
		} {
			if r := e.do("/webhooks/pagerduty", trig, tc.headers); r.Code != tc.code {
				t.Errorf("%s: %d, want %d", tc.name, r.Code, tc.code)
			}
		}
	})
}

const (
	devLakeDeploymentJSON = `{"id":"dl-1","result":"SUCCESS","environment":"PRODUCTION","startedDate":"2024-05-01T09:00:00+00:00","finishedDate":"2024-05-01T09:20:00+00:00",
	  "deploymentCommits":[{"repoUrl":"https://github.com/acme/checkout.git","commitSha":"c0ffee","refName":"main"}]}`
	devLakeIssueJSON = `{"issueKey":"DLK-1","title":"checkout errors","type":"INCIDENT","status":"TODO","originalStatus":"open","createdDate":"2024-05-01T09:30:00+00:00","component":"checkout"}`
)

func TestDevLakeAliases(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newIngest(t, db)
		for _, path := range []string{"/api/rest/plugins/webhook/1/deployments", "/plugins/webhook/connections/1/deployments"} {
			if r := e.do(path, devLakeDeploymentJSON, bearer(token)); r.Code != 200 || r.Body["deployments"] != 1.0 {
				t.Fatalf("%s: %+v", path, r)
			}
		}
		byName := strings.Replace(devLakeDeploymentJSON, `"dl-1"`, `"dl-2"`, 1)
		if r := e.do("/api/plugins/webhook/connections/by-name/search-api/deployments", byName, bearer(token)); r.Code != 200 {
			t.Fatalf("by-name: %+v", r)
		}
		if r := e.do("/api/rest/plugins/webhook/1/issues", devLakeIssueJSON, bearer(token)); r.Code != 200 || r.Body["incidents"] != 1.0 {
			t.Fatalf("issue: %+v", r)
		}
		if r := e.do("/api/rest/plugins/webhook/1/issue/DLK-1/close", "", bearer(token)); r.Code != 200 {
			t.Fatalf("close: %+v", r)
		}
		if r := e.do("/api/rest/plugins/webhook/1/issue/DLK-404/close", "", bearer(token)); r.Code != 404 {
			t.Errorf("close unknown: %d", r.Code)
		}
		ds, _ := e.store.DeliveryStats(context.Background(), metrics.Scope{Service: "checkout"}, everything)
		if ds[0].Deployments != 1 || ds[0].Failed != 1 || ds[0].NoCommitTime != 1 {
			t.Errorf("checkout stats = %+v (one deployment, blamed for DLK-1, no commit time)", ds[0])
		}
		if ok, _ := e.store.KnownService(context.Background(), "search-api"); !ok {
			t.Error("the by-name connection did not name the service")
		}
		is, _ := e.store.IncidentStats(context.Background(), metrics.Scope{Team: "payments"}, everything)
		// Closed at ingestNow (12:00), opened 09:30.
		if is[0].Resolved != 1 || is[0].Restore != 2.5*3600 {
			t.Errorf("closed incident = %+v", is[0])
		}
		bug := strings.Replace(devLakeIssueJSON, `"INCIDENT"`, `"BUG"`, 1)
		if r := e.do("/plugins/webhook/1/issues", bug, bearer(token)); r.Code != 202 {
			t.Errorf("bug: %d, want 202 ignored", r.Code)
		}
		for _, tc := range []struct{ name, body, field string }{
			{"no commits", `{"id":"x","startedDate":"2024-05-01T09:00:00Z","finishedDate":"2024-05-01T09:20:00Z"}`, "deploymentCommits"},
			{"bad result", strings.Replace(devLakeDeploymentJSON, `"SUCCESS"`, `"MAYBE"`, 1), "deploymentCommits[0].result"},
			{"no finish", strings.Replace(devLakeDeploymentJSON, `"finishedDate"`, `"endDate"`, 1), "finishedDate"},
		} {
			if r := e.do("/plugins/webhook/1/deployments", tc.body, bearer(token)); r.Code != 400 || r.Body["field"] != tc.field {
				t.Errorf("%s: %+v, want 400 on %s", tc.name, r, tc.field)
			}
		}
		if r := e.do("/plugins/webhook/1/deployments", devLakeDeploymentJSON, nil); r.Code != 401 {
			t.Errorf("no token: %d", r.Code)
		}
	})
}
