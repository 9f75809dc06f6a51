package selfservice

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
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Webhook contract headers. The signature is "sha256=" followed by the hex
// HMAC-SHA256 of the raw body under the type's secret; receivers verify it
// before parsing (see VerifySignature). The idempotency key is the same for
// every call about one request, retries included.
const (
	SignatureHeader   = "X-Platformbot-Signature"
	IdempotencyHeader = "Idempotency-Key"
	RequestHeader     = "X-Platformbot-Request"
)

// Payload is the JSON body of an automation call.
type Payload struct {
	ID         string         `json:"id"` // REQ-42
	Number     int64          `json:"number"`
	Type       string         `json:"type"`
	TypeTitle  string         `json:"type_title"`
	Requester  string         `json:"requester"` // Slack user id
	Team       string         `json:"team,omitempty"`
	Fields     map[string]any `json:"fields"`
	Exception  bool           `json:"exception"`
	ApprovedBy []string       `json:"approved_by"`
	CreatedAt  time.Time      `json:"created_at"`
	// StatusPath is where a 202 answer reports back, relative to the bot's
	// HTTP address: POST {"status":"done"|"failed"|"in_progress","note":…}.
	StatusPath string `json:"status_path"`
}

// NewPayload builds the webhook body of r.
func NewPayload(r *Request, approvedBy []string) Payload {
	fields := make(map[string]any, len(r.Fields))
	for _, f := range r.Fields {
		fields[f.ID] = f.Typed()
	}
	if approvedBy == nil {
		approvedBy = []string{}
	}
	return Payload{
		ID: r.Ref(), Number: r.ID, Type: r.Type, TypeTitle: r.TypeTitle,
		Requester: r.Requester, Team: r.Team, Fields: fields, Exception: r.Exception,
		ApprovedBy: approvedBy, CreatedAt: r.CreatedAt.UTC(),
		StatusPath: fmt.Sprintf("/api/v1/requests/%s/status", r.Ref()),
	}
}

// IdempotencyKey is the key sent with every call about r; receivers that
// saw it before must not act twice.
func IdempotencyKey(r *Request) string {
	return fmt.Sprintf("%s-%d", r.Ref(), r.CreatedAt.Unix())
}

// Sign returns the signature header value of body under secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// VerifySignature reports whether header is body's signature under
// secret, comparing in constant time.
func VerifySignature(secret string, body []byte, header string) bool {
	return hmac.Equal([]byte(Sign(secret, body)), []byte(strings.TrimSpace(header)))
}

// Hook is one type's webhook with its limits.
type Hook struct {
	URL      string
	Secret   string
	Timeout  time.Duration // per call
	Attempts int           // calls in all, ≥ 1
	Backoff  time.Duration // before the first retry; doubles
}

// Webhooks calls automation webhooks.
type Webhooks struct {
	HTTP *http.Client // nil: a client without its own timeout (Hook.Timeout applies)
	// Backoff returns the wait before retry number attempt (1, 2, …);
	// nil doubles Hook.Backoff each time, capped at a minute, with jitter.
	// Tests make it return 0.
	Backoff func(attempt int, base time.Duration) time.Duration
}

// Result is how a webhook call ended.
type Result struct {
	Status   int  // HTTP status of the last attempt, 0 if none answered
	Accepted bool // 202: the automation reports back later
	Attempts int
}

// CallError is a final failure: a non-retryable answer, or the last of the
// bounded attempts failed.
type CallError struct {
	Result
	Err error
}

func (e *CallError) Error() string {
	return fmt.Sprintf("webhook failed after %d attempt(s): %v", e.Attempts, e.Err)
}
func (e *CallError) Unwrap() error { return e.Err }

// Delivery is one request's call: its body and the headers that identify it.
type Delivery struct {
	Ref  string // REQ-42, sent as X-Platformbot-Request
	Key  string // Idempotency-Key
	Body []byte
}

// Call POSTs the delivery to the hook, signed. It retries timeouts, network
// errors, 408, 429 and 5xx with backoff, at most h.Attempts calls in all;
// any other non-2xx answer fails at once.
func (w *Webhooks) Call(ctx context.Context, h Hook, d Delivery) (Result, error) {
	attempts := max(1, h.Attempts)
	var res Result
	var last error
	for attempt := 1; attempt <= attempts; attempt++ {
		if attempt > 1 {
			if err := sleep(ctx, w.backoff(attempt-1, h.Backoff)); err != nil {
				return res, &CallError{Result: res, Err: fmt.Errorf("%w (last error: %v)", err, last)}
			}
		}
		res.Attempts = attempt
		status, retry, err := w.once(ctx, h, d)
		res.Status = status
		if err == nil {
			res.Accepted = status == http.StatusAccepted
			return res, nil
		}
		last = err
		if !retry || ctx.Err() != nil {
			break
		}
	}
	return res, &CallError{Result: res, Err: last}
}

// once makes one call and says whether a failure is worth retrying.
func (w *Webhooks) once(ctx context.Context, h Hook, d Delivery) (status int, retry bool, err error) {
	if h.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, h.Timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(d.Body))
	if err != nil {
		return 0, false, fmt.Errorf("bad webhook URL: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "platformbot")
	req.Header.Set(SignatureHeader, Sign(h.Secret, d.Body))
	req.Header.Set(IdempotencyHeader, d.Key)
	req.Header.Set(RequestHeader, d.Ref)
	hc := w.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		var ne net.Error
		timeout := errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
		if timeout {
			return 0, true, fmt.Errorf("timed out after %s", h.Timeout)
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL may carry a token; keep it out of notes and logs
		}
		return 0, true, err
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		return code, false, nil
	case code >= 500 || code == http.StatusTooManyRequests || code == http.StatusRequestTimeout:
		return code, true, fmt.Errorf("%s: %s", resp.Status, strings.TrimSpace(string(snippet)))
	default:
		return code, false, fmt.Errorf("%s: %s", resp.Status, strings.TrimSpace(string(snippet)))
	}
}

func (w *Webhooks) backoff(attempt int, base time.Duration) time.Duration {
	if w.Backoff != nil {
		return w.Backoff(attempt, base)
	}
	d := base << min(attempt-1, 10)
	if d <= 0 || d > time.Minute {
		d = time.Minute
	}
	return d/2 + rand.N(d/2+1) // jitter: calls that failed together don't retry together
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Body encodes a payload; encoding/json sorts map keys, so the body and its
// signature are the same on every attempt.
func Body(p Payload) ([]byte, error) { return json.Marshal(p) }
