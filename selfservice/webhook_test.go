package selfservice_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/platformbot/platformbot/selfservice"
)

// hookServer answers each call with the next status of a script (the last
// one repeats) and records what it received.
type hookServer struct {
	*httptest.Server
	mu     sync.Mutex
	script []int
	delay  time.Duration // of the first answer
	calls  []call
}

type call struct {
	Key, Ref  string
	Signed    bool
	BodyBytes int
}

func newHookServer(t *testing.T, secret string, script ...int) *hookServer {
	h := &hookServer{script: script}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		n := len(h.calls)
		h.calls = append(h.calls, call{
			Key: r.Header.Get(selfservice.IdempotencyHeader), Ref: r.Header.Get(selfservice.RequestHeader),
			Signed:    selfservice.VerifySignature(secret, body, r.Header.Get(selfservice.SignatureHeader)),
			BodyBytes: len(body),
		})
		status := h.script[min(n, len(h.script)-1)]
		delay := h.delay
		h.mu.Unlock()
		if n == 0 && delay > 0 {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookServer) Calls() []call {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]call(nil), h.calls...)
}

func TestWebhookCall(t *testing.T) {
	const secret = "s3cret"
	noWait := func(int, time.Duration) time.Duration { return 0 }
	for _, tc := range []struct {
		name     string
		script   []int
		delay    time.Duration
		attempts int
		wantErr  bool
		want     selfservice.Result
	}{
		{"ok at once", []int{200}, 0, 4, false, selfservice.Result{Status: 200, Attempts: 1}},
		{"accepted", []int{202}, 0, 4, false, selfservice.Result{Status: 202, Accepted: true, Attempts: 1}},
		{"5xx then ok", []int{503, 500, 204}, 0, 4, false, selfservice.Result{Status: 204, Attempts: 3}},
		{"429 is retried", []int{429, 200}, 0, 4, false, selfservice.Result{Status: 200, Attempts: 2}},
		{"timeout then ok", []int{200}, time.Second, 4, false, selfservice.Result{Status: 200, Attempts: 2}},
		{"always 5xx", []int{500}, 0, 3, true, selfservice.Result{Status: 500, Attempts: 3}},
		{"4xx is final", []int{400, 200}, 0, 4, true, selfservice.Result{Status: 400, Attempts: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newHookServer(t, secret, tc.script...)
			srv.delay = tc.delay
			w := &selfservice.Webhooks{Backoff: noWait}
			hook := selfservice.Hook{URL: srv.URL, Secret: secret, Timeout: 200 * time.Millisecond, Attempts: tc.attempts}
			got, err := w.Call(context.Background(), hook, selfservice.Delivery{Ref: "REQ-7", Key: "REQ-7-1", Body: []byte(`{"id":"REQ-7"}`)})
			if (err != nil) != tc.wantErr {
				t.Fatalf("Call error = %v, wantErr %v", err, tc.wantErr)
			}
			var ce *selfservice.CallError
			if err != nil && !errors.As(err, &ce) {
				t.Errorf("error %T is not a *CallError", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("result mismatch (-want +got):\n%s", diff)
			}
			calls := srv.Calls()
			if len(calls) != got.Attempts {
				t.Errorf("server saw %d calls, result says %d attempts", len(calls), got.Attempts)
			}
			for i, c := range calls {
				if !c.Signed || c.Key != "REQ-7-1" || c.Ref != "REQ-7" {
					t.Errorf("call %d: signed=%v key=%q ref=%q; every attempt must be signed with the same key", i, c.Signed, c.Key, c.Ref)
				}
			}
		})
	}
}

func TestWebhookBackoffIsUsed(t *testing.T) {
	srv := newHookServer(t, "k", 500)
	var waits []int
	w := &selfservice.Webhooks{Backoff: func(attempt int, base time.Duration) time.Duration {
		waits = append(waits, attempt)
		if base != 3*time.Second {
			t.Errorf("base = %v, want the hook's backoff", base)
		}
		return 0
	}}
	w.Call(context.Background(), selfservice.Hook{URL: srv.URL, Secret: "k", Attempts: 3, Backoff: 3 * time.Second}, selfservice.Delivery{Body: []byte("{}")})
	if diff := cmp.Diff([]int{1, 2}, waits); diff != "" {
		t.Errorf("backoff calls mismatch (-want +got):\n%s", diff)
	}
}

func TestWebhookStopsWhenCancelled(t *testing.T) {
	srv := newHookServer(t, "k", 500)
	ctx, cancel := context.WithCancel(context.Background())
	w := &selfservice.Webhooks{Backoff: func(int, time.Duration) time.Duration { cancel(); return time.Hour }}
	_, err := w.Call(ctx, selfservice.Hook{URL: srv.URL, Secret: "k", Attempts: 5}, selfservice.Delivery{Body: []byte("{}")})
	if !errors.Is(err, context.Canceled) || len(srv.Calls()) != 1 {
		t.Errorf("err = %v after %d calls; want context.Canceled after 1", err, len(srv.Calls()))
	}
}

func TestSignature(t *testing.T) {
	body := []byte(`{"id":"REQ-1"}`)
	sig := selfservice.Sign("secret", body)
	// Independently computed: printf '{"id":"REQ-1"}' | openssl dgst -sha256 -hmac secret
	const want = "sha256=9486584eb19a3efb9e4292ef0a194e941391eef9a07c87b1071f48bdcb1a289c"
	if sig != want {
		t.Fatalf("Sign = %q, want %q", sig, want)
	}
	for _, tc := range []struct {
		name   string
		secret string
		body   []byte
		header string
		ok     bool
	}{
		{"valid", "secret", body, sig, true},
		{"wrong secret", "other", body, sig, false},
		{"tampered body", "secret", []byte(`{"id":"REQ-2"}`), sig, false},
		{"missing", "secret", body, "", false},
	} {
		if got := selfservice.VerifySignature(tc.secret, tc.body, tc.header); got != tc.ok {
			t.Errorf("%s: VerifySignature = %v, want %v", tc.name, got, tc.ok)
		}
	}
}
