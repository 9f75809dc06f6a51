package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/domain"
)

// failing answers every request with err, through the Errors middleware
// (and mw, if given), and returns the reply and the log.
func failing(t *testing.T, err error, mw ...Middleware) (*Reply, string) {
	t.Helper()
	var logs bytes.Buffer
	h := Handler(func(context.Context, *Request) (*Reply, error) { return nil, err })
	for _, m := range mw {
		h = m(h)
	}
	reply, rerr := Errors(zerolog.New(&logs), nil, nil)(h)(context.Background(), &Request{Kind: KindCommand, Command: "/platform", UserID: "U1"})
	if rerr != nil || reply == nil {
		t.Fatalf("Errors middleware = %v, %v; want a reply and no error", reply, rerr)
	}
	return reply, logs.String()
}

var refRe = regexp.MustCompile(`ref ([A-Z0-9]{6})`)

// TestDomainErrorReplies: a domain error of each code, wrapped by the
// layers it went through, becomes an ephemeral reply with the emoji of
// its code and its message escaped; an internal one, and any other
// error, becomes "something went wrong" with a reference that is in the
// log, and nothing of the error reaches the person.
func TestDomainErrorReplies(t *testing.T) {
	const msg = "Ask <@U2> & <!channel> instead."
	const escaped = "Ask &lt;@U2&gt; &amp; &lt;!channel&gt; instead."
	for _, tc := range []struct {
		code domain.Code
		want string
	}{
		{domain.Invalid, ":warning: " + escaped},
		{domain.NotFound, ":mag: " + escaped},
		{domain.Conflict, ":information_source: " + escaped},
		{domain.Forbidden, ":no_entry: " + escaped},
	} {
		err := fmt.Errorf("surveys: start run: %w", (&domain.Error{Code: tc.code, Reason: "r", Message: msg}).Wrap(errors.New("cause")))
		reply, logs := failing(t, err)
		if reply.Text != tc.want || reply.InChannel {
			t.Errorf("%s: reply %q (in channel %v), want the ephemeral %q", tc.code, reply.Text, reply.InChannel, tc.want)
		}
		if !strings.Contains(logs, `"outcome":"refused"`) || strings.Contains(logs, `"ref"`) {
			t.Errorf("%s: logged %s, want a refusal without a ref", tc.code, logs)
		}
	}
	for name, err := range map[string]error{
		"internal domain error": fmt.Errorf("surveys: close run 7: %w", &domain.Error{Code: domain.Internal, Reason: "secret_reason", Message: "secret message", Err: errors.New("password=hunter2")}),
		"other error":           fmt.Errorf("storage: save survey run: %w", errors.New("pq: password=hunter2 at 10.0.0.7")),
	} {
		reply, logs := failing(t, err)
		m := refRe.FindStringSubmatch(reply.Text)
		if m == nil || !strings.Contains(reply.Text, "Something went wrong") || reply.InChannel {
			t.Errorf("%s: reply %q, want the ephemeral generic one with a ref", name, reply.Text)
			continue
		}
		for _, leak := range []string{"secret", "hunter2", "10.0.0.7", "storage", "surveys"} {
			if strings.Contains(reply.Text, leak) {
				t.Errorf("%s: reply %q leaks %q", name, reply.Text, leak)
			}
		}
		if !strings.Contains(logs, `"ref":"`+m[1]+`"`) || !strings.Contains(logs, "hunter2") {
			t.Errorf("%s: log %s lacks the ref %s or the cause", name, logs, m[1])
		}
	}
}

// TestExplain: a feature's words replace the default for the errors it
// knows; the others get DomainText; internal and other errors go on to
// the generic reply.
func TestExplain(t *testing.T) {
	taken := &domain.Error{Code: domain.Conflict, Reason: "slot_taken", Message: "That slot was taken."}
	explain := Explain(func(_ *Request, err error) string {
		if errors.Is(err, taken) {
			return ":hourglass: " + Escape(domain.ErrorMessage(err)) + " `/officehours list` shows the free ones."
		}
		return ""
	})
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("book: %w", taken), ":hourglass: That slot was taken. `/officehours list` shows the free ones."},
		{&domain.Error{Code: domain.Invalid, Reason: "too_long", Message: "Keep it <short>."}, ":warning: Keep it &lt;short&gt;."},
	} {
		reply, _ := failing(t, tc.err, explain)
		if reply.Text != tc.want {
			t.Errorf("%v: reply %q, want %q", tc.err, reply.Text, tc.want)
		}
	}
	reply, _ := failing(t, &domain.Error{Code: domain.Internal, Message: "secret"}, explain)
	if !strings.Contains(reply.Text, "Something went wrong") || strings.Contains(reply.Text, "secret") {
		t.Errorf("internal error explained as %q", reply.Text)
	}
}
