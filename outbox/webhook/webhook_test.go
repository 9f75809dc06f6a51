package webhook_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/outbox/webhook"
)

// TestDeliverOutcomes: each answer of a receiver maps to what the outbox
// does next, and a delivered call is signed with the hook's secret and
// carries the send's key.
func TestDeliverOutcomes(t *testing.T) {
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	for name, tc := range map[string]struct {
		status     int
		retryAfter string
		wantRef    string
		check      func(error) bool
	}{
		"ok":                {http.StatusOK, "", "200", func(err error) bool { return err == nil }},
		"accepted":          {http.StatusAccepted, "", "202", func(err error) bool { return err == nil }},
		"bad request":       {http.StatusBadRequest, "", "400", outbox.IsPermanent},
		"server error":      {http.StatusBadGateway, "", "502", func(err error) bool { return err != nil && !outbox.IsPermanent(err) }},
		"too many, waiting": {http.StatusTooManyRequests, "30", "429", func(err error) bool { return err != nil && errors.Unwrap(err) != nil && !outbox.IsPermanent(err) }},
	} {
		t.Run(name, func(t *testing.T) {
			var signed, keyed bool
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				signed = webhook.Verify("s3cret", body, r.Header.Get(webhook.SignatureHeader)) && string(body) == `{"user":"U1"}`
				keyed = r.Header.Get(webhook.IdempotencyHeader) == "flag:U1" && r.Header.Get(webhook.SubjectHeader) == "PREVIEW-1"
				if tc.retryAfter != "" {
					w.Header().Set("Retry-After", tc.retryAfter)
				}
				w.WriteHeader(tc.status)
			}))
			defer srv.Close()
			cl := &webhook.Client{Now: func() time.Time { return now }, Hooks: func(name string) (webhook.Hook, bool) {
				return webhook.Hook{URL: srv.URL, Secret: "s3cret"}, name == "flags"
			}}
			s, err := webhook.NewSend("preview-join", "flag:U1", "flags", "PREVIEW-1", map[string]string{"user": "U1"})
			if err != nil {
				t.Fatal(err)
			}
			ref, err := cl.Deliver(context.Background(), s)
			if ref != tc.wantRef || !tc.check(err) {
				t.Errorf("Deliver = %q, %v", ref, err)
			}
			if !signed || !keyed {
				t.Errorf("signed %v, keyed %v; want both", signed, keyed)
			}
		})
	}
}

// TestDeliverHoldsUntilRetryAfter: a 429 holds the send for the seconds
// the receiver asked, measured on the client's clock, without an attempt.
func TestDeliverHoldsUntilRetryAfter(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	cl := &webhook.Client{Now: func() time.Time { return now }, Hooks: func(string) (webhook.Hook, bool) { return webhook.Hook{URL: srv.URL}, true }}
	s, _ := webhook.NewSend("k", "k:1", "h", "", nil)
	_, err := cl.Deliver(context.Background(), s)
	want := "held until 2026-12-04T09:00:30Z"
	if err == nil || len(err.Error()) < len(want) || err.Error()[:len(want)] != want {
		t.Errorf("Deliver = %v, want %s…", err, want)
	}
}

func TestDeliverUnknownHookAndBadURL(t *testing.T) {
	cl := &webhook.Client{Hooks: func(name string) (webhook.Hook, bool) {
		return webhook.Hook{URL: "://nope", Secret: "x"}, name == "broken"
	}}
	for _, hook := range []string{"missing", "broken"} {
		s, _ := webhook.NewSend("k", "k:1", hook, "", nil)
		if _, err := cl.Deliver(context.Background(), s); !outbox.IsPermanent(err) {
			t.Errorf("hook %s: %v, want a permanent failure", hook, err)
		}
	}
}

func TestDeliverTimesOut(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	defer srv.Close()
	defer close(release)
	cl := &webhook.Client{Hooks: func(string) (webhook.Hook, bool) {
		return webhook.Hook{URL: srv.URL + "/?token=SECRET", Timeout: 50 * time.Millisecond}, true
	}}
	s, _ := webhook.NewSend("k", "k:1", "h", "", nil)
	_, err := cl.Deliver(context.Background(), s)
	if err == nil || outbox.IsPermanent(err) {
		t.Fatalf("Deliver = %v, want a retryable timeout", err)
	}
	if msg := err.Error(); msg != "webhook h: timed out after 50ms" {
		t.Errorf("error %q (it must not carry the URL)", msg)
	}
}

func TestLimitsFollowTheHook(t *testing.T) {
	cl := &webhook.Client{Hooks: func(name string) (webhook.Hook, bool) {
		return webhook.Hook{Attempts: 3, Backoff: time.Millisecond}, name == "repo"
	}}
	for hook, want := range map[string][2]int64{"repo": {3, int64(time.Millisecond)}, "gone": {0, 0}} {
		s, _ := webhook.NewSend("k", "k:"+hook, hook, "", nil)
		if n, b := cl.Limits(s); n != int(want[0]) || int64(b) != want[1] {
			t.Errorf("Limits(%s) = %d, %s; want %d, %s", hook, n, b, want[0], time.Duration(want[1]))
		}
	}
}

// TestSignature checks Sign against a value computed independently, so
// that receivers written in other languages verify what we send (this
// vector was the self-service webhook's, whose signing moved here).
func TestSignature(t *testing.T) {
	body := []byte(`{"id":"REQ-1"}`)
	sig := webhook.Sign("secret", body)
	// printf '{"id":"REQ-1"}' | openssl dgst -sha256 -hmac secret
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
		{"valid with spaces", "secret", body, " " + sig + "\n", true},
		{"wrong secret", "other", body, sig, false},
		{"tampered body", "secret", []byte(`{"id":"REQ-2"}`), sig, false},
		{"missing", "secret", body, "", false},
	} {
		if got := webhook.Verify(tc.secret, tc.body, tc.header); got != tc.ok {
			t.Errorf("%s: Verify = %v, want %v", tc.name, got, tc.ok)
		}
	}
}
