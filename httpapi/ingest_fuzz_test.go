package httpapi

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/metrics"
)

// The ingest fuzz targets post arbitrary bodies to the real handlers (a
// recording store stands in for the database; FuzzIngestStored uses
// SQLite). Whatever arrives, the handler must not panic, must answer a
// JSON object with a known status, must name the field of any rejected
// body that is a JSON object, and must store exactly the ids the body
// holds when it accepts it.

const (
	fuzzToken      = "fuzz-ingest-token"
	fuzzGHSecret   = "fuzz-github-secret"
	fuzzPDSecret   = "fuzz-pagerduty-secret"
	fuzzIngestYAML = `
teams:
  - id: payments
  - id: search
ingest:
  token_env: FUZZ_INGEST_TOKEN
  github_secret_env: FUZZ_GITHUB_SECRET
  pagerduty_secret_env: FUZZ_PD_SECRET
  max_body_bytes: 8192
  services:
    - id: checkout
      team: payments
      github_repos: [acme/checkout]
      pagerduty_services: [PCHECK1]
`
)

var fuzzNow = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// recordingStore is an IngestStore in memory: it keeps every batch.
type recordingStore struct {
	mu      sync.Mutex
	batches []metrics.Batch
}

func (s *recordingStore) Ingest(_ context.Context, b metrics.Batch) (metrics.IngestResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.batches = append(s.batches, b)
	return metrics.IngestResult{Deployments: len(b.Deployments), Incidents: len(b.Incidents), Commits: len(b.Commits)}, nil
}

func (s *recordingStore) CloseIncident(_ context.Context, id string, _ time.Time) (bool, error) {
	return id == "DLK-1", nil
}

// take returns and forgets the batches stored since the last call.
func (s *recordingStore) take() []metrics.Batch {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.batches
	s.batches = nil
	return b
}

// newFuzzIngest mounts the ingest routes over store, with the secrets set.
func newFuzzIngest(tb testing.TB, store IngestStore) *Server {
	tb.Helper()
	tb.Setenv("FUZZ_INGEST_TOKEN", fuzzToken)
	tb.Setenv("FUZZ_GITHUB_SECRET", fuzzGHSecret)
	tb.Setenv("FUZZ_PD_SECRET", fuzzPDSecret)
	cfg, err := config.Parse("fuzz.yaml", []byte(fuzzIngestYAML))
	if err != nil {
		tb.Fatal(err)
	}
	srv := New(zerolog.Nop(), prometheus.NewRegistry())
	(&Ingest{Store: store, Config: cfg, Now: func() time.Time { return fuzzNow }, Log: zerolog.Nop()}).Register(srv)
	return srv
}

type fuzzAnswer struct {
	code int
	body map[string]any
	raw  string
}

func (a fuzzAnswer) str(key string) string { s, _ := a.body[key].(string); return s }

// post sends body to target (a path, optionally with a query) and decodes
// the answer when it is JSON (the mux itself answers some odd paths in
// plain text).
func post(t *testing.T, h http.Handler, target string, body []byte, headers map[string]string) fuzzAnswer {
	t.Helper()
	path, query, _ := strings.Cut(target, "?")
	u, err := url.Parse(path)
	if err != nil {
		t.Fatalf("test bug: path %q: %v", path, err)
	}
	u.RawQuery = query
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	req.URL = u
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	raw, _ := io.ReadAll(rec.Body)
	a := fuzzAnswer{code: rec.Code, raw: string(raw)}
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &a.body); err != nil {
			t.Fatalf("%s answered %d with a body that is not a JSON object: %q", path, rec.Code, raw)
		}
	}
	return a
}

// expect fails unless the answer's status is one of codes and a rejection
// says why.
func (a fuzzAnswer) expect(t *testing.T, codes ...int) {
	t.Helper()
	if !slices.Contains(codes, a.code) {
		t.Fatalf("status %d, want one of %v: %s", a.code, codes, a.raw)
	}
	if a.code >= 400 && a.str("error") == "" {
		t.Fatalf("status %d without an error message: %s", a.code, a.raw)
	}
}

// namesField fails when a 400 to a body whose top level is a JSON object
// (or a non-empty array of objects, when arrays is set) names no field:
// the sender must learn which field to fix.
func (a fuzzAnswer) namesField(t *testing.T, body []byte, arrays bool) {
	t.Helper()
	if a.code == http.StatusBadRequest && objectBody(body, arrays) && a.str("field") == "" {
		t.Fatalf("400 to a JSON object names no field: %s\nbody: %q", a.raw, body)
	}
}

func objectBody(body []byte, arrays bool) bool {
	if !json.Valid(body) {
		return false
	}
	trimmed := bytes.TrimSpace(body)
	if trimmed[0] == '{' {
		return true
	}
	var items []json.RawMessage
	if !arrays || trimmed[0] != '[' || json.Unmarshal(trimmed, &items) != nil || len(items) == 0 {
		return false
	}
	for _, it := range items {
		if it[0] != '{' {
			return false
		}
	}
	return true
}

// bodyIDs decodes the "id" of each item of an accepted API body, the way
// a sender reads its own payload, trimmed as the API documents.
func bodyIDs(t *testing.T, body []byte) []string {
	t.Helper()
	type item struct {
		ID string `json:"id"`
	}
	var items []item
	trimmed := bytes.TrimSpace(body)
	if trimmed[0] == '[' {
		if err := json.Unmarshal(trimmed, &items); err != nil {
			t.Fatalf("accepted an array that does not decode: %v", err)
		}
	} else {
		var one item
		if err := json.Unmarshal(trimmed, &one); err != nil {
			t.Fatalf("accepted a body that does not decode: %v", err)
		}
		items = []item{one}
	}
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = strings.TrimSpace(it.ID)
	}
	return ids
}

func bearerHeader() map[string]string {
	return map[string]string{"Authorization": "Bearer " + fuzzToken}
}

var apiSeeds = []string{
	`{"id":"d1","service":"checkout","team":"payments","environment":"production","status":"success","commit_sha":"abc","commit_time":"2024-05-01T08:00:00Z","started_at":"2024-05-01T09:50:00Z","finished_at":"2024-05-01T10:00:00Z"}`,
	`[{"id":"d2","service":"checkout","environment":"Production","status":"FAILURE","started_at":"2024-04-30T09:00:00Z","finished_at":"2024-04-30T09:10:00Z","unplanned":true},
	  {"id":"d3","service":"search-api","team":"search","environment":"production","status":"success","first_commit_time":"2024-04-29T09:00:00+02:00","started_at":"2024-04-29T09:00:00Z","finished_at":"2024-04-29T09:10:00Z"}]`,
	`{"id":"INC-1","service":"checkout","title":"Payments fail","opened_at":"2024-05-01T10:00:00Z","resolved_at":"2024-05-01T11:00:00Z","deployment_id":"d1"}`,
	`{"ID":" d4 ","Service":"checkout","environment":"production","status":"success","started_at":"2024-05-01T09:00:00Z","finished_at":"2024-05-01T09:10:00Z"}`,
	`{"id":"d5","service":"checkout","environment":"production","status":"success","started_at":"2024-05-01T09:00:00Z","finished_at":"2024-05-01T09:10:00Z"} {"id":"not JSON as a whole"}`,
	`{"id":5}`, `{"id":"x","extra":1}`, `{"id":"x"} {"id":"y"}`, `{"id":"x"}}`, `[1]`, `[]`, `"x"`, `null`, `{`, ``,
	`{"id":"a\u0000b","service":"s","environment":"e","status":"success","started_at":"2024-05-01T09:00:00Z","finished_at":"2024-05-01T09:10:00Z"}`,
	`{"id":"x","started_at":"2024-13-01T09:00:00Z"}`, `{"id":"x","opened_at":"9999-01-01T00:00:00Z"}`,
	`{"id":"x","commit_time":"2024-05-01T08:00:00Z","first_commit_time":"2024-05-01T08:00:00Z"}`,
}

func fuzzAPI(f *testing.F, path string, ids func(metrics.Batch) []string) {
	for _, s := range apiSeeds {
		f.Add([]byte(s))
	}
	store := &recordingStore{}
	srv := newFuzzIngest(f, store)
	f.Fuzz(func(t *testing.T, body []byte) {
		store.take()
		a := post(t, srv, path, body, bearerHeader())
		a.expect(t, http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge)
		a.namesField(t, body, true)
		stored := store.take()
		if a.code != http.StatusOK {
			if len(stored) > 0 {
				t.Fatalf("a %d stored %+v", a.code, stored)
			}
			return
		}
		if !json.Valid(body) {
			t.Fatalf("accepted a body that is not JSON: %q", body)
		}
		if len(stored) != 1 {
			t.Fatalf("accepted, stored %d batches", len(stored))
		}
		if diff := cmp.Diff(bodyIDs(t, body), ids(stored[0])); diff != "" {
			t.Fatalf("stored ids mismatch (-body +stored):\n%s", diff)
		}
	})
}

func deploymentIDs(b metrics.Batch) []string {
	var ids []string
	for _, d := range b.Deployments {
		ids = append(ids, d.ID)
	}
	return ids
}

func incidentIDs(b metrics.Batch) []string {
	var ids []string
	for _, in := range b.Incidents {
		ids = append(ids, in.ID)
	}
	return ids
}

func FuzzDeploymentsBody(f *testing.F) { fuzzAPI(f, "/api/v1/deployments", deploymentIDs) }

func FuzzIncidentsBody(f *testing.F) { fuzzAPI(f, "/api/v1/incidents", incidentIDs) }

func hmacHex(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

var githubEvents = []string{"deployment_status", "push", "ping", "issues", ""}

// FuzzGitHubWebhook posts correctly signed bodies: a deployment_status
// that is accepted stores github:<deployment.id>; a push stores exactly its
// commits.
func FuzzGitHubWebhook(f *testing.F) {
	for _, s := range []string{
		`{"deployment_status":{"state":"success","environment":"production","created_at":"2024-05-01T10:00:00Z"},"deployment":{"id":42,"sha":"c0ffee","environment":"production","created_at":"2024-05-01T09:50:00Z","payload":{"unplanned":true}},"repository":{"name":"checkout","full_name":"acme/checkout"}}`,
		`{"deployment_status":{"state":"failure","created_at":"2024-05-01T10:00:00Z"},"deployment":{"id":-7,"created_at":"2024-05-01T09:50:00Z","payload":"x"},"repository":{"name":"x"}}`,
		// As GitHub sends it (abridged): the fields we do not read are ignored.
		`{"action":"created","deployment_status":{"url":"https://api.github.com/repos/acme/checkout/deployments/42/statuses/1","id":1,"state":"success","creator":{"login":"octocat","id":1},"description":"","environment":"production","target_url":"","created_at":"2024-05-01T10:00:00Z","updated_at":"2024-05-01T10:00:00Z"},"deployment":{"url":"https://api.github.com/repos/acme/checkout/deployments/42","id":42,"sha":"c0ffee0000000000000000000000000000000000","ref":"main","task":"deploy","payload":{},"original_environment":"production","environment":"production","description":null,"creator":{"login":"octocat"},"created_at":"2024-05-01T09:50:00Z","updated_at":"2024-05-01T10:00:00Z"},"repository":{"id":7,"name":"checkout","full_name":"acme/checkout","private":true,"owner":{"login":"acme"}},"sender":{"login":"octocat"}}`,
		`{"deployment_status":{"state":"in_progress"}}`, `{"deployment_status":{"state":"success"},"deployment":{"id":"x"}}`,
		`{"deployment_status":{"state":"success"},"deployment":{"id":1.5}}`, `{"deployment":[]}`,
		`{"commits":[{"id":"c0ffee","timestamp":"2024-05-01T06:00:00Z"}],"head_commit":{"id":"c0ffee","timestamp":"2024-05-01T06:00:00Z"}}`,
		`{"commits":[1]}`, `{"commits":[{"id":5}]}`, `{"head_commit":null}`, `[]`, `null`, `{`, ``,
	} {
		for ev := range githubEvents {
			f.Add(uint8(ev), []byte(s))
		}
	}
	store := &recordingStore{}
	srv := newFuzzIngest(f, store)
	delivery := 0
	f.Fuzz(func(t *testing.T, ev uint8, body []byte) {
		store.take()
		event := githubEvents[int(ev)%len(githubEvents)]
		delivery++
		a := post(t, srv, "/webhooks/github", body, map[string]string{
			"X-GitHub-Event": event, "X-GitHub-Delivery": "d-" + strconv.Itoa(delivery), "X-Hub-Signature-256": "sha256=" + hmacHex(fuzzGHSecret, body)})
		a.expect(t, http.StatusOK, http.StatusAccepted, http.StatusBadRequest, http.StatusRequestEntityTooLarge)
		a.namesField(t, body, false)
		stored := store.take()
		if a.code != http.StatusOK || event == "ping" {
			if len(stored) > 0 {
				t.Fatalf("a %d to %s stored %+v", a.code, event, stored)
			}
			return
		}
		if len(stored) != 1 || stored[0].Delivery == nil || stored[0].Delivery.ID != "d-"+strconv.Itoa(delivery) {
			t.Fatalf("accepted, stored %+v", stored)
		}
		switch event {
		case "deployment_status":
			var ev githubDeploymentStatus
			_ = json.Unmarshal(body, &ev)
			if diff := cmp.Diff([]string{"github:" + strconv.FormatInt(ev.Deployment.ID, 10)}, deploymentIDs(stored[0])); diff != "" {
				t.Fatalf("stored ids mismatch (-body +stored):\n%s", diff)
			}
		case "push":
			var ev githubPush
			_ = json.Unmarshal(body, &ev)
			var want, got []string
			for _, c := range ev.Commits {
				want = append(want, c.ID)
			}
			if ev.HeadCommit != nil {
				want = append(want, ev.HeadCommit.ID)
			}
			for _, c := range stored[0].Commits {
				got = append(got, c.SHA)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("stored commits mismatch (-body +stored):\n%s", diff)
			}
		}
	})
}

// FuzzPagerDutyWebhook posts correctly signed bodies: an accepted one
// stores pagerduty:<event.data.id>, the id being a real one.
func FuzzPagerDutyWebhook(f *testing.F) {
	for _, s := range []string{
		`{"event":{"id":"E1","event_type":"incident.triggered","resource_type":"incident","occurred_at":"2024-05-01T10:30:00Z","data":{"id":"Q1","type":"incident","title":"checkout down","created_at":"2024-05-01T10:30:00Z","service":{"id":"PCHECK1","summary":"Checkout"}}}}`,
		`{"event":{"event_type":"incident.resolved","occurred_at":"2024-05-01T11:15:00Z","data":{"id":"Q1","title":"down","created_at":"2024-05-01T10:30:00Z","service":{"summary":"search"}}}}`,
		`{"event":{"event_type":"incident.reopened","data":{"id":" ","title":"t","created_at":"2024-05-01T10:30:00Z","service":{"summary":"s"}}}}`,
		`{"event":{"event_type":"incident.acknowledged"}}`, `{"event":{"event_type":"incident.resolved","data":{"id":"Q2"}}}`,
		`{"event":{"event_type":5}}`, `{"event":[]}`, `[]`, `null`, `{`,
	} {
		f.Add([]byte(s))
	}
	store := &recordingStore{}
	srv := newFuzzIngest(f, store)
	f.Fuzz(func(t *testing.T, body []byte) {
		store.take()
		a := post(t, srv, "/webhooks/pagerduty", body, map[string]string{"X-Webhook-Id": "w1", "X-PagerDuty-Signature": "v1=" + hmacHex(fuzzPDSecret, body)})
		a.expect(t, http.StatusAccepted, http.StatusBadRequest, http.StatusRequestEntityTooLarge)
		a.namesField(t, body, false)
		stored := store.take()
		if a.str("ignored") != "" || a.code != http.StatusAccepted {
			if len(stored) > 0 {
				t.Fatalf("a %d (%s) stored %+v", a.code, a.raw, stored)
			}
			return
		}
		var p pagerDutyEvent
		_ = json.Unmarshal(body, &p)
		id := strings.TrimSpace(p.Event.Data.ID)
		if id == "" {
			t.Fatalf("accepted an incident without an id: %q", body)
		}
		if len(stored) != 1 {
			t.Fatalf("accepted, stored %+v", stored)
		}
		if diff := cmp.Diff([]string{"pagerduty:" + id}, incidentIDs(stored[0])); diff != "" {
			t.Fatalf("stored ids mismatch (-body +stored):\n%s", diff)
		}
	})
}

var devLakeBases = []string{"/plugins/webhook/1", "/api/plugins/webhook/connections/7", "/api/rest/plugins/webhook/connections/by-name/search-api"}

// FuzzDevLake posts DevLake deployments and issues (and closes issues by
// key) with arbitrary query strings: an accepted deployment stores its id
// (suffixed @repo when it names several repositories), an issue its key.
func FuzzDevLake(f *testing.F) {
	for _, s := range []string{
		`{"id":"dl-1","result":"SUCCESS","environment":"PRODUCTION","startedDate":"2024-05-01T09:00:00+00:00","finishedDate":"2024-05-01T09:20:00+00:00","deploymentCommits":[{"repoUrl":"https://github.com/acme/checkout.git","commitSha":"c0ffee","refName":"main"}]}`,
		`{"id":"dl-2","startedDate":"2024-05-01T09:00:00Z","finishedDate":"2024-05-01T09:20:00Z","deploymentCommits":[{"repoUrl":"a/x","commitSha":"1"},{"repoUrl":"https://h/b/y/","commitSha":"2","result":"FAILURE"},{"repoUrl":"z","commitSha":"3","result":"ABORT"}]}`,
		`{"issueKey":"DLK-1","title":"checkout errors","type":"INCIDENT","status":"DONE","createdDate":"2024-05-01T09:30:00+00:00","component":"checkout"}`,
		`{"issueKey":"DLK-2","title":"t","type":"BUG"}`, `{"id":"x","deploymentCommits":[{"repoUrl":"","commitSha":""}]}`,
		`{"deploymentCommits":{}}`, `{"id":7}`, `[]`, `null`, `{`,
	} {
		for kind := range 3 {
			f.Add(uint8(kind), uint8(kind), "", []byte(s))
			f.Add(uint8(kind), uint8(kind+1), "service=checkout&team=payments", []byte(s))
		}
	}
	f.Add(uint8(2), uint8(0), "", []byte("DLK-404"))
	f.Add(uint8(2), uint8(0), "", []byte("a/b"))
	store := &recordingStore{}
	srv := newFuzzIngest(f, store)
	f.Fuzz(func(t *testing.T, kind, base uint8, query string, body []byte) {
		store.take()
		prefix := devLakeBases[int(base)%len(devLakeBases)]
		switch kind % 3 {
		case 0:
			a := post(t, srv, prefix+"/deployments?"+query, body, bearerHeader())
			a.expect(t, http.StatusOK, http.StatusAccepted, http.StatusBadRequest, http.StatusRequestEntityTooLarge)
			a.namesField(t, body, false)
			checkDevLakeDeployments(t, a, body, store.take())
		case 1:
			a := post(t, srv, prefix+"/issues?"+query, body, bearerHeader())
			a.expect(t, http.StatusOK, http.StatusAccepted, http.StatusBadRequest, http.StatusRequestEntityTooLarge)
			a.namesField(t, body, false)
			stored := store.take()
			if a.code != http.StatusOK {
				if len(stored) > 0 {
					t.Fatalf("a %d stored %+v", a.code, stored)
				}
				return
			}
			var j devLakeIssue
			_ = json.Unmarshal(body, &j)
			if diff := cmp.Diff([]string{strings.TrimSpace(j.IssueKey)}, incidentIDs(stored[0])); len(stored) != 1 || diff != "" {
				t.Fatalf("stored %+v; ids mismatch (-body +stored):\n%s", stored, diff)
			}
		default: // the body is the issue key
			key := string(body)
			a := post(t, srv, prefix+"/issue/"+escapeSegment(key)+"/close?"+query, nil, bearerHeader())
			if a.body == nil {
				return // the mux cleaned an odd path (".." as the key) and found no route
			}
			want := http.StatusNotFound
			if key == "DLK-1" {
				want = http.StatusOK
			}
			a.expect(t, want)
		}
	})
}

// escapeSegment escapes a path segment the way a client library would.
func escapeSegment(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(hex.EncodeToString([]byte{c})))
		}
	}
	return b.String()
}

func checkDevLakeDeployments(t *testing.T, a fuzzAnswer, body []byte, stored []metrics.Batch) {
	t.Helper()
	if a.code != http.StatusOK {
		if len(stored) > 0 {
			t.Fatalf("a %d stored %+v", a.code, stored)
		}
		return
	}
	var j devLakeDeployment
	_ = json.Unmarshal(body, &j)
	var want []string
	for _, c := range j.DeploymentCommits {
		if _, counted, _ := devLakeStatus(firstNonEmpty(c.Result, j.Result, "SUCCESS")); !counted {
			continue
		}
		id := j.ID
		if len(j.DeploymentCommits) > 1 {
			name, _ := repoFromURL(c.RepoURL)
			id += "@" + name
		}
		want = append(want, strings.TrimSpace(id))
	}
	if len(stored) != 1 {
		t.Fatalf("accepted, stored %d batches", len(stored))
	}
	if diff := cmp.Diff(want, deploymentIDs(stored[0])); diff != "" {
		t.Fatalf("stored ids mismatch (-body +stored):\n%s", diff)
	}
}

// FuzzWebhookSignatures: a GitHub or PagerDuty request is let through
// only with a signature of its body made with the secret.
func FuzzWebhookSignatures(f *testing.F) {
	body := []byte(`{"zen":"Keep it logically awesome."}`)
	for _, s := range []string{"", "sha256=", "sha256=" + hmacHex(fuzzGHSecret, body), "sha256=" + hmacHex("other", body),
		"sha256=" + hmacHex(fuzzGHSecret, body)[:63], "sha256=" + hmacHex(fuzzGHSecret, body) + "00", "sha1=abc",
		"v1=" + hmacHex(fuzzPDSecret, body), "v1=zz, v1=" + hmacHex(fuzzPDSecret, body), "v1=" + strings.ToUpper(hmacHex(fuzzPDSecret, body))} {
		f.Add(s, body)
	}
	srv := newFuzzIngest(f, &recordingStore{})
	f.Fuzz(func(t *testing.T, sig string, body []byte) {
		gh := post(t, srv, "/webhooks/github", body, map[string]string{"X-GitHub-Event": "ping", "X-GitHub-Delivery": "d1", "X-Hub-Signature-256": sig})
		if want := "sha256=" + hmacHex(fuzzGHSecret, body); gh.code != http.StatusUnauthorized && !strings.EqualFold(sig, want) {
			t.Fatalf("GitHub signature %q let through (%d); the right one is %s", sig, gh.code, want)
		}
		pd := post(t, srv, "/webhooks/pagerduty", body, map[string]string{"X-Webhook-Id": "w1", "X-PagerDuty-Signature": sig})
		if pd.code == http.StatusUnauthorized {
			return
		}
		want := "v1=" + hmacHex(fuzzPDSecret, body)
		if !slices.ContainsFunc(strings.Split(sig, ","), func(s string) bool { return strings.EqualFold(strings.TrimSpace(s), want) }) {
			t.Fatalf("PagerDuty signature %q let through (%d); the right one is %s", sig, pd.code, want)
		}
	})
}

// FuzzBearerAuth: only "Bearer <token>" exactly opens the API; prefixes,
// extensions and case variants of the token are refused.
func FuzzBearerAuth(f *testing.F) {
	for _, s := range []string{"", "Bearer ", "Bearer " + fuzzToken, "bearer " + fuzzToken, "Bearer  " + fuzzToken, "Bearer " + fuzzToken + " ",
		"Bearer " + fuzzToken[:len(fuzzToken)-1], "Bearer " + fuzzToken + "x", "Bearer " + strings.ToUpper(fuzzToken), "Basic " + fuzzToken, fuzzToken} {
		f.Add(s)
	}
	h := BearerAuth(func() string { return fuzzToken }, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, http.StatusOK, map[string]string{"ok": "yes"})
	}))
	f.Fuzz(func(t *testing.T, auth string) {
		req := httptest.NewRequest(http.MethodPost, "/", nil)
		req.Header["Authorization"] = []string{auth}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if ok := auth == "Bearer "+fuzzToken; (rec.Code == http.StatusOK) != ok {
			t.Fatalf("Authorization %q: %d", auth, rec.Code)
		}
		if rec.Code == http.StatusUnauthorized && strings.Contains(rec.Body.String(), fuzzToken) {
			t.Fatalf("the refusal shows the token: %s", rec.Body)
		}
	})
}
