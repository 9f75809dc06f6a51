package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/google/go-cmp/cmp"

	"github.com/platformbot/platformbot/selfservice"
	"github.com/platformbot/platformbot/storage"
)

const openAPIConfig = `
slack: {triage_channel: C0TRIAGE01}
admins: {users: [UADMIN0001]}
ingest:
  token_env: OAPI_INGEST_TOKEN
  github_secret_env: OAPI_GITHUB_SECRET
  pagerduty_secret_env: OAPI_PAGERDUTY_SECRET
catalog:
  - id: preview
    title: Preview environment
    automation: {url: "http://127.0.0.1:9/never-called", secret_env: OAPI_AUTOMATION_SECRET, callback_token_env: OAPI_CALLBACK_TOKEN}
`

// openAPISecrets are the credentials the test bot runs with, by the
// environment variable that holds them.
var openAPISecrets = map[string]string{
	"OAPI_INGEST_TOKEN": "ingest-token", "OAPI_GITHUB_SECRET": "github-secret", "OAPI_PAGERDUTY_SECRET": "pagerduty-secret",
	"OAPI_AUTOMATION_SECRET": "automation-secret", "OAPI_CALLBACK_TOKEN": "callback-token",
}

// TestOpenAPI checks api/openapi.yaml against the running bot: the document
// is valid OpenAPI 3.1, it describes exactly the routes the HTTP server
// registers, its response examples match their schemas, and every request
// example, sent to the real handler, gets the status its x-expect names
// with a response matching the schema documented for that status (the
// examples expecting success must also match the request schemas).
func TestOpenAPI(t *testing.T) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(filepath.Join(repoRoot, "api/openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// Error examples break the request schemas on purpose, so the loader's
	// own example check is off; responseExamples and the run below do it.
	if err := doc.Validate(loader.Context, openapi3.DisableExamplesValidation()); err != nil {
		t.Fatalf("api/openapi.yaml is not valid: %v", err)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Errorf("openapi: %s, want 3.1", doc.OpenAPI)
	}
	for k, v := range openAPISecrets {
		t.Setenv(k, v) // before the config is parsed: validation checks them
	}
	b := newTestBot(t, botOptions{Config: openAPIConfig})
	seedStatusRequests(t, b)

	t.Run("routes", func(t *testing.T) {
		var described []string
		for path, item := range doc.Paths.Map() {
			for method := range item.Operations() {
				described = append(described, method+" "+path)
			}
		}
		served := b.Main.HTTP.Routes()
		slices.Sort(described)
		slices.Sort(served)
		if diff := cmp.Diff(served, described); diff != "" {
			t.Errorf("routes served (-) and described in api/openapi.yaml (+) differ:\n%s", diff)
		}
	})
	t.Run("response examples", func(t *testing.T) { responseExamples(t, doc) })
	t.Run("requests", func(t *testing.T) {
		n := 0
		for _, c := range openAPICalls(t, doc) {
			t.Run(c.name, func(t *testing.T) { c.run(t, b.HTTPURL) })
			n++
		}
		if n < 40 {
			t.Errorf("only %d example requests; are the examples read?", n)
		}
	})
}

// seedStatusRequests creates REQ-1, in progress, and REQ-2, done, which the
// status callback's examples report on.
func seedStatusRequests(t *testing.T, b *testBot) {
	t.Helper()
	store := storage.NewSelfServiceStore(b.Main.DB)
	now := b.Clock.Now().UTC()
	for _, st := range []selfservice.State{selfservice.InProgress, selfservice.Done} {
		r := &selfservice.Request{Type: "preview", TypeTitle: "Preview environment", Requester: "U0DEV00001", State: st,
			HasAutomation: true, CreatedAt: now, UpdatedAt: now}
		evs := []selfservice.Event{
			{Kind: selfservice.EventTransition, At: now, Actor: "U0DEV00001", To: selfservice.Submitted, Silent: true},
			{Kind: selfservice.EventTransition, At: now, From: selfservice.Submitted, To: st, Silent: true},
		}
		if err := store.CreateRequest(context.Background(), r, evs); err != nil {
			t.Fatal(err)
		}
	}
}

// responseExamples checks each response example against its schema.
func responseExamples(t *testing.T, doc *openapi3.T) {
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for code, resp := range op.Responses.Map() {
				for mt, media := range resp.Value.Content {
					for name, ex := range media.Examples {
						if err := media.Schema.Value.VisitJSON(ex.Value.Value, openapi3.EnableJSONSchema2020()); err != nil {
							t.Errorf("%s %s %s %s example %s: %v", method, path, code, mt, name, err)
						}
					}
				}
			}
		}
	}
}

// openAPICall is one request built from the document.
type openAPICall struct {
	name    string
	route   *routers.Route
	params  map[string]string // path parameters
	body    any               // nil: no body
	headers map[string]string
	auth    string // "", "none" or "wrong"
	expect  int    // 0: any status the operation documents
}

// openAPICalls returns a call per request example (body examples, else
// path parameter examples, else one plain call), those with a body first
// so that the DevLake close finds the incident the issue example opened.
func openAPICalls(t *testing.T, doc *openapi3.T) []openAPICall {
	var withBody, without []openAPICall
	for _, path := range slices.Sorted(maps.Keys(doc.Paths.Map())) {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			base := openAPICall{route: &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op},
				params: map[string]string{}, headers: map[string]string{}}
			var paramExamples map[string]*openapi3.ExampleRef
			var paramName string
			for _, p := range append(slices.Clone(item.Parameters), op.Parameters...) {
				if p.Value.In == openapi3.ParameterInPath {
					base.params[p.Value.Name] = fmt.Sprint(p.Value.Example)
					if len(p.Value.Examples) > 0 {
						paramExamples, paramName = p.Value.Examples, p.Value.Name
					}
				}
			}
			switch {
			case op.RequestBody != nil:
				media := op.RequestBody.Value.Content.Get("application/json")
				for _, name := range slices.Sorted(maps.Keys(media.Examples)) {
					withBody = append(withBody, base.withExample(t, method+" "+path+" "+name, media.Examples[name].Value, true))
				}
			case paramExamples != nil:
				for _, name := range slices.Sorted(maps.Keys(paramExamples)) {
					c := base.withExample(t, method+" "+path+" "+name, paramExamples[name].Value, false)
					c.params[paramName] = fmt.Sprint(paramExamples[name].Value.Value)
					without = append(without, c)
				}
			default:
				base.name = method + " " + path
				without = append(without, base)
			}
		}
	}
	return append(withBody, without...)
}

// withExample copies c with an example's body and x- extensions.
func (c openAPICall) withExample(t *testing.T, name string, ex *openapi3.Example, body bool) openAPICall {
	c.name = name
	c.params, c.headers = maps.Clone(c.params), maps.Clone(c.headers)
	if body {
		c.body = ex.Value
	}
	if v, ok := ex.Extensions["x-expect"]; ok {
		if _, err := fmt.Sscan(fmt.Sprint(v), &c.expect); err != nil {
			t.Fatalf("%s: x-expect %v: %v", name, v, err)
		}
	} else {
		t.Errorf("%s: the example has no x-expect status", name)
	}
	for ext, dst := range map[string]map[string]string{"x-path": c.params, "x-headers": c.headers} {
		if m, ok := ex.Extensions[ext].(map[string]any); ok {
			for k, v := range m {
				dst[k] = fmt.Sprint(v)
			}
		}
	}
	if a, ok := ex.Extensions["x-auth"].(string); ok {
		c.auth = a
	}
	return c
}

// run sends the call to the bot and checks its status and response.
func (c openAPICall) run(t *testing.T, baseURL string) {
	req, raw := c.request(t, baseURL)
	input := &openapi3filter.RequestValidationInput{Request: req, PathParams: c.params, Route: c.route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	if c.expect < 300 { // 0 (no example) too: the call must be valid
		if err := openapi3filter.ValidateRequest(context.Background(), input); err != nil {
			t.Errorf("the example expecting success does not match the request schema: %v", err)
		}
		req, raw = c.request(t, baseURL) // validation read the body
		input.Request = req
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if c.expect != 0 && resp.StatusCode != c.expect {
		t.Fatalf("status %d, want %d (x-expect)\nrequest: %s\nresponse: %s", resp.StatusCode, c.expect, raw, body)
	}
	err = openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: input, Status: resp.StatusCode, Header: resp.Header, Body: io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true},
	})
	if err != nil {
		t.Errorf("response %d does not match the document: %v\nbody: %.500s", resp.StatusCode, err, body)
	}
}

// request builds the HTTP request with the credentials the operation's
// security scheme asks for (or none, or wrong ones, per x-auth).
func (c openAPICall) request(t *testing.T, baseURL string) (*http.Request, []byte) {
	path := c.route.Path
	for k, v := range c.params {
		path = strings.ReplaceAll(path, "{"+k+"}", v)
	}
	var raw []byte
	if c.body != nil {
		var err error
		if raw, err = json.Marshal(c.body); err != nil {
			t.Fatal(err)
		}
	}
	req, err := http.NewRequest(c.route.Method, baseURL+path, bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if c.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	if c.route.Operation.Security != nil && c.auth != "none" {
		for _, sr := range *c.route.Operation.Security {
			for scheme := range sr {
				setCredentials(t, req, scheme, raw, c.auth == "wrong")
			}
		}
	}
	return req, raw
}

func setCredentials(t *testing.T, req *http.Request, scheme string, body []byte, wrong bool) {
	secret := func(env string) string {
		if wrong {
			return "wrong"
		}
		return openAPISecrets[env]
	}
	sign := func(env string) string {
		mac := hmac.New(sha256.New, []byte(secret(env)))
		mac.Write(body)
		return hex.EncodeToString(mac.Sum(nil))
	}
	switch scheme {
	case "ingestToken":
		req.Header.Set("Authorization", "Bearer "+secret("OAPI_INGEST_TOKEN"))
	case "callbackToken":
		req.Header.Set("Authorization", "Bearer "+secret("OAPI_CALLBACK_TOKEN"))
	case "githubSignature":
		req.Header.Set("X-Hub-Signature-256", "sha256="+sign("OAPI_GITHUB_SECRET"))
	case "pagerDutySignature":
		req.Header.Set("X-PagerDuty-Signature", "v1="+sign("OAPI_PAGERDUTY_SECRET"))
	default:
		t.Fatalf("security scheme %q: the test does not know how to sign for it", scheme)
	}
}
