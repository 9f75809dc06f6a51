package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/slack-go/slack"
)

const testToken = "xoxb-test-secret-token"

// newTestAPI returns an API talking to an httptest server that serves
// handler under /api/<method>, with metrics and a 1 ms retry backoff.
func newTestAPI(tb testing.TB, handler http.HandlerFunc, mod func(*APIConfig)) (*API, *httptest.Server) {
	tb.Helper()
	srv := httptest.NewServer(handler)
	tb.Cleanup(srv.Close)
	cfg := APIConfig{
		BotToken: testToken,
		APIURL:   srv.URL + "/api/",
		Metrics:  NewMetrics(prometheus.NewRegistry()),
	}
	if mod != nil {
		mod(&cfg)
	}
	api := NewAPI(cfg)
	api.backoffBase = time.Millisecond
	return api, srv
}

func writeJSON(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, body)
}

const postOK = `{"ok":true,"channel":"C1","ts":"1700000000.000100","message":{"text":"hi"}}`

// calls reads SlackCalls (prometheus/testutil needs a module go.sum lacks).
func calls(api *API, method, status string) float64 {
	var m dto.Metric
	if err := api.metrics.SlackCalls.WithLabelValues(method, status).Write(&m); err != nil {
		panic(err)
	}
	return m.GetCounter().GetValue()
}

func checkNoToken(t *testing.T, err error) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), testToken) {
		t.Fatalf("error leaks the token: %v", err)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
	}
}

func TestAPIRetryAfterHoldsBackAllCallers(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var arrivals []time.Time
	api, _ := newTestAPI(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		arrivals = append(arrivals, time.Now())
		first := len(arrivals) == 1
		mu.Unlock()
		if first {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		writeJSON(w, `{"ok":true,"channel":"C1","ts":"1.0","text":"x"}`)
	}, func(c *APIConfig) { c.Limits = map[string]Limit{"chat.update": {}} })

	ctx := context.Background()
	errs := make(chan error, 3)
	go func() { errs <- api.UpdateMessage(ctx, "C1", "1.0", Text("a")) }()
	// Start the others once the first caller has been told to back off.
	waitFor(t, func() bool { return api.limits.blockedFor("chat.update", time.Now()) > 0 })
	for range 2 {
		go func() { errs <- api.UpdateMessage(ctx, "C1", "1.0", Text("b")) }()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Fatalf("UpdateMessage: %v", err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(arrivals) != 4 {
		t.Fatalf("server saw %d requests, want 4 (one 429, then 3 successes)", len(arrivals))
	}
	for i, at := range arrivals[1:] {
		if d := at.Sub(arrivals[0]); d < time.Second {
			t.Errorf("request %d came %s after the 429, want >= Retry-After (1s)", i+2, d)
		}
	}
	if got := calls(api, "chat.update", status429); got != 1 {
		t.Errorf("429 calls = %v, want 1", got)
	}
	if got := calls(api, "chat.update", statusOK); got != 3 {
		t.Errorf("ok calls = %v, want 3", got)
	}
}

func TestAPIRateLimitStormIsUnavailable(t *testing.T) {
	if testing.Short() {
		t.Skip("a storm of 429s takes about 10 s: skipped with -short")
	}
	t.Parallel()
	t.Run("Retry-After", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int32
		api, _ := newTestAPI(t, func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
		}, func(c *APIConfig) { c.MaxRetries = 1 })
		_, err := api.PostMessage(context.Background(), "C1", Text("hi"))
		if !errors.Is(err, ErrRateLimited) || !errors.Is(err, ErrUnavailable) {
			t.Fatalf("err = %v, want ErrRateLimited (and so ErrUnavailable)", err)
		}
		checkNoToken(t, err)
		if n.Load() != 2 {
			t.Errorf("server saw %d requests, want 2", n.Load())
		}
		if got := calls(api, "chat.postMessage", status429); got != 2 {
			t.Errorf("429 calls = %v, want 2", got)
		}
	})
	t.Run("no header", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int32
		api, _ := newTestAPI(t, func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			w.WriteHeader(http.StatusTooManyRequests)
		}, nil)
		err := api.PostEphemeral(context.Background(), "C1", "U1", Text("hi"))
		if !errors.Is(err, ErrRateLimited) {
			t.Fatalf("err = %v, want ErrRateLimited", err)
		}
		if n.Load() != 4 {
			t.Errorf("server saw %d requests, want 1 + MaxRetries (3)", n.Load())
		}
	})
	t.Run("deadline shorter than Retry-After", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int32
		api, _ := newTestAPI(t, func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(http.StatusTooManyRequests)
		}, nil)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		start := time.Now()
		_, err := api.UserInfo(ctx, "U1")
		if !errors.Is(err, ErrRateLimited) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want ErrRateLimited and DeadlineExceeded", err)
		}
		if time.Since(start) > 5*time.Second {
			t.Errorf("waited %s for a wait known to outlast the deadline", time.Since(start))
		}
		if n.Load() != 1 {
			t.Errorf("server saw %d requests, want 1", n.Load())
		}
	})
}

func TestAPIServerErrorsRetried(t *testing.T) {
	var n atomic.Int32
	api, _ := newTestAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 2 {
			http.Error(w, "<html>oops</html>", http.StatusServiceUnavailable)
			return
		}
		writeJSON(w, postOK)
	}, nil)
	ts, err := api.PostMessage(context.Background(), "C1", Text("hi"))
	if err != nil || ts != "1700000000.000100" {
		t.Fatalf("PostMessage = %q, %v", ts, err)
	}
	if got := calls(api, "chat.postMessage", status5xx); got != 2 {
		t.Errorf("5xx calls = %v, want 2", got)
	}
	if got := calls(api, "chat.postMessage", statusOK); got != 1 {
		t.Errorf("ok calls = %v, want 1", got)
	}
}

func TestAPINetworkErrorRetriedThenUnavailable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close() // connection refused from now on
	api := NewAPI(APIConfig{BotToken: testToken, APIURL: srv.URL + "/api/", MaxRetries: 2, Metrics: NewMetrics(prometheus.NewRegistry())})
	api.backoffBase = time.Millisecond
	_, err := api.PostMessage(context.Background(), "C1", Text("hi"))
	if !errors.Is(err, ErrUnavailable) || errors.Is(err, ErrRateLimited) {
		t.Fatalf("err = %v, want ErrUnavailable but not ErrRateLimited", err)
	}
	checkNoToken(t, err)
	if got := calls(api, "chat.postMessage", status5xx); got != 3 {
		t.Errorf("failed calls = %v, want 3", got)
	}
}

func TestAPISlackErrorNotRetried(t *testing.T) {
	var n atomic.Int32
	api, _ := newTestAPI(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		writeJSON(w, `{"ok":false,"error":"channel_not_found"}`)
	}, nil)
	_, err := api.PostMessage(context.Background(), "C404", Text("hi"))
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) || se.Err != "channel_not_found" {
		t.Fatalf("err = %v, want slack error channel_not_found", err)
	}
	if !strings.Contains(err.Error(), "chat.postMessage") {
		t.Errorf("error %q does not name the method", err)
	}
	if errors.Is(err, ErrUnavailable) {
		t.Error("a Slack error must not be ErrUnavailable")
	}
	checkNoToken(t, err)
	if n.Load() != 1 {
		t.Errorf("server saw %d requests, want 1", n.Load())
	}
	if got := calls(api, "chat.postMessage", statusError); got != 1 {
		t.Errorf("error calls = %v, want 1", got)
	}
}

func TestAPIPostMessageToUserNeedsNoConversationsOpen(t *testing.T) {
	var mu sync.Mutex
	var paths []string
	var form map[string][]string
	api, _ := newTestAPI(t, func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		mu.Lock()
		defer mu.Unlock()
		paths = append(paths, r.URL.Path)
		form = r.PostForm
		writeJSON(w, postOK)
	}, nil)
	blocks := []slack.Block{slack.NewDividerBlock()}
	if _, err := api.PostMessage(context.Background(), "U123", Message{Text: "hello", Blocks: blocks}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(paths) != 1 || paths[0] != "/api/chat.postMessage" {
		t.Fatalf("paths = %v, want just chat.postMessage", paths)
	}
	if form["channel"][0] != "U123" || form["text"][0] != "hello" || !strings.Contains(form["blocks"][0], `"divider"`) {
		t.Errorf("form = %v", form)
	}
}

func TestAPIUpdateMessageReplacesBlocks(t *testing.T) {
	var mu sync.Mutex
	var form map[string][]string
	api, _ := newTestAPI(t, func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		mu.Lock()
		form = r.PostForm
		mu.Unlock()
		writeJSON(w, `{"ok":true,"channel":"C1","ts":"1.0","text":"done"}`)
	}, nil)
	if err := api.UpdateMessage(context.Background(), "C1", "1.0", Text("done")); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if form["ts"][0] != "1.0" || form["text"][0] != "done" || form["blocks"][0] != "[]" {
		t.Errorf("form = %v, want ts, text and blocks=[]", form)
	}
}

func TestAPIChannelMembersPaginates(t *testing.T) {
	pages := map[string]string{
		"":   `{"ok":true,"members":["U1","U2"],"response_metadata":{"next_cursor":"c2"}}`,
		"c2": `{"ok":true,"members":["U3"],"response_metadata":{"next_cursor":"c3"}}`,
		"c3": `{"ok":true,"members":["U4"],"response_metadata":{"next_cursor":""}}`,
	}
	var mu sync.Mutex
	var cursors []string
	api, _ := newTestAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/conversations.members" || r.FormValue("channel") != "C1" {
			t.Errorf("unexpected %s channel=%q", r.URL.Path, r.FormValue("channel"))
		}
		c := r.FormValue("cursor")
		mu.Lock()
		cursors = append(cursors, c)
		mu.Unlock()
		writeJSON(w, pages[c])
	}, nil)
	got, err := api.ChannelMembers(context.Background(), "C1")
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(got, ",") != "U1,U2,U3,U4" || strings.Join(cursors, ",") != ",c2,c3" {
		t.Errorf("members = %v, cursors = %q", got, cursors)
	}
}

// TestAPIUsersPaginates: users.list is followed to its last page in pages
// of 1,000, a page that failed with a 5xx is asked again with the same
// cursor, and each user is read like users.info reads one.
func TestAPIUsersPaginates(t *testing.T) {
	if testing.Short() {
		t.Skip("paced by the Tier 2 limiter, about 3 s: skipped with -short")
	}
	pages := map[string]string{
		"":   `{"ok":true,"members":[{"id":"U1","name":"ada","real_name":"Ada L","tz":"Europe/Berlin","tz_offset":3600,"locale":"de-DE"},{"id":"B1","is_bot":true}],"response_metadata":{"next_cursor":"c2"}}`,
		"c2": `{"ok":true,"members":[{"id":"U2","deleted":true,"is_admin":true}],"response_metadata":{"next_cursor":""}}`,
	}
	var mu sync.Mutex
	var cursors []string
	failed := false
	api, _ := newTestAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/users.list" || r.FormValue("limit") != "1000" || r.FormValue("include_locale") != "true" {
			t.Errorf("unexpected %s limit=%q include_locale=%q", r.URL.Path, r.FormValue("limit"), r.FormValue("include_locale"))
		}
		c := r.FormValue("cursor")
		mu.Lock()
		cursors = append(cursors, c)
		fail := c == "c2" && !failed
		failed = failed || fail
		mu.Unlock()
		if fail {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		writeJSON(w, pages[c])
	}, nil)
	got, err := api.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []User{
		{ID: "U1", Name: "ada", RealName: "Ada L", TZ: "Europe/Berlin", TZOffset: 3600, Locale: "de-DE"},
		{ID: "B1", IsBot: true},
		{ID: "U2", Deleted: true, IsAdmin: true},
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(got, want) || strings.Join(cursors, ",") != ",c2,c2" {
		t.Errorf("users = %+v, cursors = %q; want %+v after ,c2,c2", got, cursors, want)
	}
}

func TestAPIUserGroupMembers(t *testing.T) {
	api, _ := newTestAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/usergroups.users.list" || r.FormValue("usergroup") != "S1" {
			t.Errorf("unexpected %s usergroup=%q", r.URL.Path, r.FormValue("usergroup"))
		}
		writeJSON(w, `{"ok":true,"users":["U1","U2"]}`)
	}, func(c *APIConfig) {
		c.Metrics = nil // records nothing, and must not panic
		c.APIURL = strings.TrimSuffix(c.APIURL, "/")
	})
	got, err := api.UserGroupMembers(context.Background(), "S1")
	if err != nil || strings.Join(got, ",") != "U1,U2" {
		t.Fatalf("UserGroupMembers = %v, %v", got, err)
	}
}

func TestAPIRespond(t *testing.T) {
	type body struct {
		Text            string            `json:"text"`
		Blocks          []json.RawMessage `json:"blocks"`
		ResponseType    string            `json:"response_type"`
		ReplaceOriginal bool              `json:"replace_original"`
	}
	var mu sync.Mutex
	var got []body
	var n atomic.Int32
	api, srv := newTestAPI(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if r.URL.Path == "/expired" {
			http.Error(w, "expired_url", http.StatusNotFound)
			return
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type = %q", ct)
		}
		if a := r.Header.Get("Authorization"); a != "" {
			t.Errorf("response_url got an Authorization header %q", a)
		}
		var b body
		if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
			t.Error(err)
		}
		mu.Lock()
		got = append(got, b)
		mu.Unlock()
		_, _ = io.WriteString(w, "ok")
	}, nil)
	ctx := context.Background()
	if err := api.Respond(ctx, srv.URL+"/hook", Text("private")); err != nil {
		t.Fatal(err)
	}
	msg := Message{Text: "public", Blocks: []slack.Block{slack.NewDividerBlock()}, InChannel: true, ReplaceOriginal: true}
	if err := api.Respond(ctx, srv.URL+"/hook", msg); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []body{{Text: "private", ResponseType: "ephemeral"}, {Text: "public", ResponseType: "in_channel", ReplaceOriginal: true}}
	for i := range want {
		if got[i].Text != want[i].Text || got[i].ResponseType != want[i].ResponseType || got[i].ReplaceOriginal != want[i].ReplaceOriginal {
			t.Errorf("body %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if len(got[0].Blocks) != 0 || len(got[1].Blocks) != 1 || !strings.Contains(string(got[1].Blocks[0]), `"divider"`) {
		t.Errorf("blocks = %s / %s", got[0].Blocks, got[1].Blocks)
	}

	n.Store(0)
	err := api.Respond(ctx, srv.URL+"/expired", Text("late"))
	if err == nil || !strings.Contains(err.Error(), "expired_url") || n.Load() != 1 {
		t.Errorf("expired response_url: err = %v after %d requests, want expired_url after 1", err, n.Load())
	}
	if got := calls(api, respondMethod, statusOK); got != 2 {
		t.Errorf("ok calls = %v, want 2", got)
	}
}

func TestAPIViews(t *testing.T) {
	var mu sync.Mutex
	var reqs []map[string]any
	api, _ := newTestAPI(t, func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		_ = json.NewDecoder(r.Body).Decode(&m)
		m["path"] = r.URL.Path
		mu.Lock()
		reqs = append(reqs, m)
		mu.Unlock()
		writeJSON(w, `{"ok":true,"view":{"id":"V1","hash":"h2","type":"modal"}}`)
	}, nil)
	ctx := context.Background()
	modal := slack.ModalViewRequest{Type: slack.VTModal, Title: slack.NewTextBlockObject("plain_text", "T", false, false)}
	v, err := api.OpenView(ctx, "trig1", modal)
	if err != nil || v != (View{ID: "V1", Hash: "h2"}) {
		t.Fatalf("OpenView = %+v, %v", v, err)
	}
	if v, err = api.UpdateView(ctx, "V1", "h1", modal); err != nil || v.Hash != "h2" {
		t.Fatalf("UpdateView = %+v, %v", v, err)
	}
	if _, err = api.PushView(ctx, "trig2", modal); err != nil {
		t.Fatal(err)
	}
	if err = api.PublishHome(ctx, "U1", slack.HomeTabViewRequest{Type: slack.VTHomeTab}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []struct{ path, key, val string }{
		{"/api/views.open", "trigger_id", "trig1"},
		{"/api/views.update", "view_id", "V1"},
		{"/api/views.push", "trigger_id", "trig2"},
		{"/api/views.publish", "user_id", "U1"},
	}
	for i, w := range want {
		if reqs[i]["path"] != w.path || reqs[i][w.key] != w.val {
			t.Errorf("request %d = %v, want %s with %s=%s", i, reqs[i], w.path, w.key, w.val)
		}
	}
	if reqs[1]["hash"] != "h1" {
		t.Errorf("views.update hash = %v, want h1", reqs[1]["hash"])
	}
}

// TestAPIUserInfo: users.info is asked with include_locale and read
// whole; the API caches nothing (the directory of people does), so two
// calls are two requests.
func TestAPIUserInfo(t *testing.T) {
	var n atomic.Int32
	api, _ := newTestAPI(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if r.FormValue("include_locale") != "true" {
			t.Errorf("users.info include_locale=%q, want true", r.FormValue("include_locale"))
		}
		writeJSON(w, fmt.Sprintf(`{"ok":true,"user":{"id":%q,"name":"ada","real_name":"Ada L","tz":"Europe/Berlin","tz_offset":3600,"locale":"de-DE","is_bot":false,"deleted":true,"is_admin":true}}`, r.FormValue("user")))
	}, nil)
	want := User{ID: "U1", Name: "ada", RealName: "Ada L", TZ: "Europe/Berlin", TZOffset: 3600, Locale: "de-DE", Deleted: true, IsAdmin: true}
	for range 2 {
		if u, err := api.UserInfo(context.Background(), "U1"); err != nil || u != want {
			t.Errorf("UserInfo = %+v, %v; want %+v", u, err, want)
		}
	}
	if n.Load() != 2 {
		t.Errorf("users.info called %d times, want 2 (no cache in the API)", n.Load())
	}
}

func TestAPIPostMessagePacedPerChannel(t *testing.T) {
	var n atomic.Int32
	api, _ := newTestAPI(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		writeJSON(w, postOK)
	}, func(c *APIConfig) { c.Limits = map[string]Limit{PerChannelLimitKey: {PerMinute: 1, Burst: 2}} })
	ctx := context.Background()
	for i := range 2 {
		if _, err := api.PostMessage(ctx, "C1", Text("burst")); err != nil {
			t.Fatalf("post %d: %v", i, err)
		}
	}
	// The third message to C1 needs a token a minute away: with a shorter
	// deadline it fails at once without reaching Slack.
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err := api.PostMessage(dctx, "C1", Text("third"))
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ErrUnavailable) {
		t.Fatalf("err = %v, want DeadlineExceeded and ErrUnavailable", err)
	}
	// Without a deadline it waits until cancelled.
	cctx, ccancel := context.WithCancel(ctx)
	time.AfterFunc(20*time.Millisecond, ccancel)
	if _, err := api.PostMessage(cctx, "C1", Text("third")); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want Canceled", err)
	}
	// Another channel has its own budget.
	if _, err := api.PostMessage(dctx, "C2", Text("other")); err != nil {
		t.Fatalf("other channel: %v", err)
	}
	if n.Load() != 3 {
		t.Errorf("server saw %d posts, want 3", n.Load())
	}
}

func TestAPIPostMessagePacedPerWorkspace(t *testing.T) {
	var n atomic.Int32
	api, _ := newTestAPI(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		writeJSON(w, postOK)
	}, func(c *APIConfig) { c.Limits = map[string]Limit{"chat.postMessage": {PerMinute: 1, Burst: 3}} })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for i := range 3 {
		if _, err := api.PostMessage(ctx, fmt.Sprintf("C%d", i), Text("hi")); err != nil {
			t.Fatalf("post %d: %v", i, err)
		}
	}
	if _, err := api.PostMessage(ctx, "C9", Text("hi")); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
	if n.Load() != 3 {
		t.Errorf("server saw %d posts, want 3", n.Load())
	}
}

func BenchmarkPostMessage(b *testing.B) {
	api, _ := newTestAPI(b, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		writeJSON(w, postOK)
	}, func(c *APIConfig) {
		// Measure our overhead, not the pacing.
		c.Limits = map[string]Limit{"chat.postMessage": {}, PerChannelLimitKey: {}}
	})
	ctx := context.Background()
	msg := Message{Text: "hello", Blocks: []slack.Block{slack.NewDividerBlock()}}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := api.PostMessage(ctx, "C1", msg); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func TestAPITimeoutRetriedButCallerCancelNot(t *testing.T) {
	var n atomic.Int32
	api, _ := newTestAPI(t, func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm() // read the body so that a hang-up cancels r.Context()
		if n.Add(1) == 1 || r.PostForm.Get("channel") == "CSLOW" {
			select { // hang until the client gives up
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		writeJSON(w, postOK)
	}, func(c *APIConfig) { c.HTTPClient = &http.Client{Timeout: 100 * time.Millisecond} })
	if _, err := api.PostMessage(context.Background(), "C1", Text("hi")); err != nil {
		t.Fatalf("an http.Client timeout should be retried: %v", err)
	}
	if got := calls(api, "chat.postMessage", status5xx); got != 1 {
		t.Errorf("timed-out calls = %v, want 1", got)
	}

	n.Store(0)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	_, err := api.PostMessage(ctx, "CSLOW", Text("hi"))
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrUnavailable) {
		t.Fatalf("err = %v, want Canceled and not ErrUnavailable", err)
	}
	if n.Load() != 1 {
		t.Errorf("server saw %d requests after the caller gave up, want 1", n.Load())
	}
	if got := calls(api, "chat.postMessage", statusError); got != 1 {
		t.Errorf("error calls = %v, want 1", got)
	}
}

// TestAPIDeadlineDoesNotCutOffARequest: a caller's deadline that passes
// while its post is on the wire does not abandon it (Slack may already have
// posted it; the caller would post it again): the post's outcome is
// returned. The deadline still bounds waiting for a turn.
func TestAPIDeadlineDoesNotCutOffARequest(t *testing.T) {
	var n atomic.Int32
	api, _ := newTestAPI(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		time.Sleep(150 * time.Millisecond)
		writeJSON(w, postOK)
	}, func(c *APIConfig) { c.Limits = map[string]Limit{"chat.postMessage": {PerMinute: 60, Burst: 1}} })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	ts, err := api.PostMessage(ctx, "C1", Text("hi"))
	if err != nil || ts != "1700000000.000100" {
		t.Fatalf("PostMessage = %q, %v; want the post's ts", ts, err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	// The next turn is a second away: past the deadline, so no request.
	if _, err := api.PostMessage(ctx, "C2", Text("hi")); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
	if got := n.Load(); got != 1 {
		t.Errorf("%d requests, want 1", got)
	}
}

// TestAPIKeepsConnectionsToSlack: calls in flight together reuse their
// connections afterwards; the default transport keeps only two idle per
// host, and every call beyond would open a new (TLS) connection.
func TestAPIKeepsConnectionsToSlack(t *testing.T) {
	var opened atomic.Int32
	gate := make(chan struct{})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-gate
		writeJSON(w, postOK)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	api := NewAPI(APIConfig{
		BotToken: testToken, APIURL: srv.URL + "/api/", Metrics: NewMetrics(prometheus.NewRegistry()),
		Limits: map[string]Limit{"chat.postMessage": {PerMinute: 60_000, Burst: 100}, "chat.postMessage/channel": {PerMinute: 60_000, Burst: 100}},
	})
	const inFlight = 20
	for round := range 3 {
		var wg sync.WaitGroup
		for i := range inFlight {
			wg.Go(func() {
				if _, err := api.PostMessage(context.Background(), fmt.Sprintf("C%d", i), Text("hi")); err != nil {
					t.Error(err)
				}
			})
		}
		time.Sleep(100 * time.Millisecond) // all on the wire
		for range inFlight {
			gate <- struct{}{}
		}
		wg.Wait()
		if round == 0 {
			opened.Store(0)
		}
	}
	if n := opened.Load(); n > 2 {
		t.Errorf("%d new connections for two more rounds of %d calls, want them reused", n, inFlight)
	}
}
