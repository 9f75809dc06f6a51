// Package webhook delivers outbox sends as signed HTTP POSTs: the calls
// that automation receivers (feature flags, provisioning jobs) act on.
// The outbox carries each call until it is answered, retrying with its
// backoff; this package makes one call per attempt and says how it ended.
//
// Secrets and URLs are not stored with the send: a send names its hook,
// and the hook is looked up from configuration when the call is made, so a
// rotated secret applies to calls still waiting.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/platformbot/platformbot/outbox"
)

// Contract headers. The signature is "sha256=" followed by the hex
// HMAC-SHA256 of the raw body under the hook's secret; receivers verify it
// before parsing (see Verify). The idempotency key is the same for every
// attempt of one send; the subject names what the call is about (REQ-42,
// a preview participant).
const (
	SignatureHeader   = "X-Platformbot-Signature"
	IdempotencyHeader = "Idempotency-Key"
	SubjectHeader     = "X-Platformbot-Request"
)

// Hook is where and how to call.
type Hook struct {
	URL     string
	Secret  string
	Timeout time.Duration // per call; zero: 10s
	// Attempts and Backoff are the hook's own retry limits (zero: the
	// kind's); register Client.Limits as the kind's Limits to apply them.
	Attempts int
	Backoff  time.Duration
}

// Call is the payload of a webhook send.
type Call struct {
	Hook    string          `json:"hook"`    // the name Hooks looks up
	Subject string          `json:"subject"` // sent as X-Platformbot-Request
	Body    json.RawMessage `json:"body"`    // sent as is, signed
}

// NewSend returns a send of kind that POSTs body (as JSON) to the named
// hook. The send's key is also the call's idempotency key.
func NewSend(kind, key, hook, subject string, body any) (outbox.Send, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return outbox.Send{}, fmt.Errorf("webhook: encode %s: %w", key, err)
	}
	return outbox.NewSend(kind, key, hook, Call{Hook: hook, Subject: subject, Body: b})
}

// Sign returns the signature header value of body under secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether header is body's signature under secret,
// comparing in constant time.
func Verify(secret string, body []byte, header string) bool {
	return hmac.Equal([]byte(Sign(secret, body)), []byte(strings.TrimSpace(header)))
}

// Client makes the calls of Call sends.
type Client struct {
	HTTP *http.Client // nil: http.DefaultClient (Hook.Timeout bounds each call)
	// Hooks finds a hook by name; an unknown name fails the send.
	Hooks func(name string) (Hook, bool)
	Now   func() time.Time // the clock Retry-After counts from; nil: time.Now
}

// Deliver is the outbox deliverer of Call payloads. The ref of a delivered
// send is the HTTP status ("200"; "202": the receiver reports back later).
//
// A timeout, a network error, 408 and 5xx are retried by the outbox; 429
// is held until its Retry-After; any other non-2xx fails for good.
func (cl *Client) Deliver(ctx context.Context, s outbox.Send) (string, error) {
	var c Call
	if err := s.Decode(&c); err != nil {
		return "", err
	}
	h, ok := cl.Hooks(c.Hook)
	if !ok {
		return "", outbox.Permanent(fmt.Errorf("webhook: no hook %q is configured", c.Hook))
	}
	status, err := cl.post(ctx, h, s.Key, c)
	return strconv.Itoa(status), err
}

// Limits returns the retry limits of the hook a send calls, for
// outbox.Handler.Limits: calls to different hooks of one kind then retry
// as each hook is configured.
func (cl *Client) Limits(s outbox.Send) (maxAttempts int, backoff time.Duration) {
	if h, ok := cl.Hooks(s.To); ok {
		return h.Attempts, h.Backoff
	}
	return 0, 0
}

func (cl *Client) post(ctx context.Context, h Hook, key string, c Call) (int, error) {
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(c.Body))
	if err != nil {
		return 0, outbox.Permanent(fmt.Errorf("webhook %s: bad URL", c.Hook))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "platformbot")
	req.Header.Set(SignatureHeader, Sign(h.Secret, c.Body))
	req.Header.Set(IdempotencyHeader, key)
	if c.Subject != "" {
		req.Header.Set(SubjectHeader, c.Subject)
	}
	client := cl.HTTP
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		var ne net.Error
		if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
			return 0, fmt.Errorf("webhook %s: timed out after %s", c.Hook, timeout)
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL may carry a token; keep it out of notes and logs
		}
		return 0, fmt.Errorf("webhook %s: %w", c.Hook, err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	code := resp.StatusCode
	answer := fmt.Errorf("webhook %s: %s: %s", c.Hook, resp.Status, strings.TrimSpace(string(snippet)))
	switch {
	case code >= 200 && code < 300:
		return code, nil
	case code == http.StatusTooManyRequests:
		if wait, ok := retryAfter(resp.Header.Get("Retry-After")); ok {
			now := time.Now
			if cl.Now != nil {
				now = cl.Now
			}
			return code, outbox.Hold(now().Add(wait), answer)
		}
		return code, answer
	case code >= 500 || code == http.StatusRequestTimeout:
		return code, answer
	default:
		return code, outbox.Permanent(answer)
	}
}

// retryAfter reads a Retry-After header in seconds (capped at an hour).
func retryAfter(v string) (time.Duration, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 {
		return 0, false
	}
	return min(time.Duration(n)*time.Second, time.Hour), true
}
