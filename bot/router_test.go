package bot

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

type staticAdmins map[string]bool

func (a staticAdmins) IsAdmin(_ context.Context, u string) (bool, error) { return a[u], nil }

func newTestRouter(t testing.TB, logs *bytes.Buffer) *Router {
	t.Helper()
	r := NewRouter(staticAdmins{"UADMIN": true}, Chain(ChainConfig{Log: zerolog.New(logs)})...)
	r.Command("/platform", "self-service").Add(
		Subcommand{Name: "catalog", Aliases: []string{"types"}, Usage: "[WORD…]", Help: "list request types", Run: func(_ context.Context, req *Request) (*Reply, error) {
			return Say("catalog " + strings.Join(req.Args, ",")), nil
		}},
		Subcommand{Name: "queue", Help: "open requests", Admin: true, Run: func(context.Context, *Request) (*Reply, error) {
			return Say("queue"), nil
		}},
		Subcommand{Name: "boom", Help: "panics", Run: func(context.Context, *Request) (*Reply, error) {
			panic("kaboom")
		}},
		Subcommand{Name: "fail", Help: "fails", Run: func(context.Context, *Request) (*Reply, error) {
			return nil, errors.New("db exploded with password=hunter2")
		}},
		Subcommand{Name: "nope", Help: "user error", Run: func(context.Context, *Request) (*Reply, error) {
			return nil, Errorf("REQ-9 does not exist")
		}},
	)
	r.Command("/officehours", "book time")
	r.Command("/pulse", "surveys")
	r.Action("ss:", func(_ context.Context, req *Request) (*Reply, error) { return Say("ss " + req.ActionID), nil })
	r.Action("ss:approve", func(_ context.Context, req *Request) (*Reply, error) { return Say("approve " + req.Value), nil })
	r.ViewSubmission("ss:form", func(context.Context, *Request) (*Reply, error) {
		return nil, FieldErrors{"title": "Title is required"}
	})
	return r
}

func TestRouterReplies(t *testing.T) {
	for _, tc := range []struct {
		name string
		req  Request
		want string // substring of the reply text
	}{
		{"help names all commands", Request{Kind: KindCommand, Command: "/platform", Text: "help"}, "*/officehours*"},
		{"empty text is help", Request{Kind: KindCommand, Command: "/pulse"}, "*/platform*"},
		{"subcommand with args", Request{Kind: KindCommand, Command: "/platform", Text: "catalog a b"}, "catalog a,b"},
		{"arguments a subcommand does not take", Request{Kind: KindCommand, Command: "/platform", Text: "queue <nonsense>", UserID: "UADMIN"},
			"`/platform queue` takes nothing after it, so I don't know what to do with “&lt;nonsense&gt;”: type `/platform queue` alone."},
		{"alias", Request{Kind: KindCommand, Command: "/platform", Text: "TYPES"}, "catalog"},
		{"unknown subcommand escapes input", Request{Kind: KindCommand, Command: "/platform", Text: "<!channel>"}, "I don't know `/platform &lt;!channel&gt;`"},
		{"unknown command", Request{Kind: KindCommand, Command: "/nope"}, "I don't know the command /nope"},
		{"admin refused", Request{Kind: KindCommand, Command: "/platform", Text: "queue", UserID: "UDEV"}, "Only the platform team"},
		{"admin allowed", Request{Kind: KindCommand, Command: "/platform", Text: "queue", UserID: "UADMIN"}, "queue"},
		{"user error shown", Request{Kind: KindCommand, Command: "/platform", Text: "nope"}, "REQ-9 does not exist"},
		{"longest action prefix", Request{Kind: KindAction, ActionID: "ss:approve", Value: "REQ-1"}, "approve REQ-1"},
		{"action prefix", Request{Kind: KindAction, ActionID: "ss:reject"}, "ss ss:reject"},
		{"unrouted action is an error", Request{Kind: KindAction, ActionID: "zz"}, "Something went wrong (ref "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			req := tc.req
			reply, err := newTestRouter(t, &logs).Serve(context.Background(), &req)
			if err != nil {
				t.Fatalf("Serve error: %v", err)
			}
			if reply == nil || !strings.Contains(reply.Text, tc.want) {
				t.Fatalf("reply = %+v, want text containing %q", reply, tc.want)
			}
		})
	}
}

func TestPanicBecomesRefAndStack(t *testing.T) {
	var logs bytes.Buffer
	reply, err := newTestRouter(t, &logs).Serve(context.Background(), &Request{Kind: KindCommand, Command: "/platform", Text: "boom", EnvelopeID: "E1", UserID: "U1"})
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(reply.Text, "(ref ")
	if i < 0 {
		t.Fatalf("reply %q has no ref", reply.Text)
	}
	ref := reply.Text[i+5 : i+11]
	log := logs.String()
	for _, want := range []string{`"ref":"` + ref + `"`, `"stack"`, "kaboom", `"envelope_id":"E1"`, `"user":"U1"`, `"outcome":"error"`} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %s:\n%s", want, log)
		}
	}
}

func TestViewSubmissionFieldErrors(t *testing.T) {
	var logs bytes.Buffer
	reply, _ := newTestRouter(t, &logs).Serve(context.Background(), &Request{Kind: KindViewSubmission, CallbackID: "ss:form"})
	if reply.ViewErrors["title"] != "Title is required" {
		t.Fatalf("ViewErrors = %v", reply.ViewErrors)
	}
	if ackPayload(&Request{Kind: KindViewSubmission}, reply) == nil {
		t.Fatal("no ack payload for field errors")
	}
}

func TestEscape(t *testing.T) {
	if got := Escape("<!channel> & <https://x|y>"); got != "&lt;!channel&gt; &amp; &lt;https://x|y&gt;" {
		t.Errorf("Escape = %q", got)
	}
}

func FuzzEscape(f *testing.F) {
	for _, s := range []string{"<!channel>", "<@U123>", "<https://evil|click>", "a & b", "&lt;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if e := Escape(s); strings.ContainsAny(e, "<>") {
			t.Fatalf("Escape(%q) = %q still has < or >", s, e)
		}
	})
}

// FuzzCommandText sends arbitrary slash-command text through the router: it
// must never panic, always answer, and never echo mrkdwn control characters.
func FuzzCommandText(f *testing.F) {
	for _, s := range []string{"", "help", "catalog a b", "  queue  ", "<!channel>", "nope <@U123>", "\x00", "TYPES\t\n x"} {
		f.Add(s)
	}
	var logs bytes.Buffer
	r := newTestRouter(f, &logs)
	f.Fuzz(func(t *testing.T, text string) {
		logs.Reset()
		reply, err := r.Serve(context.Background(), &Request{Kind: KindCommand, Command: "/platform", Text: text, UserID: "UDEV"})
		if err != nil || reply == nil || reply.Text == "" {
			t.Fatalf("Serve(%q) = %v, %v", text, reply, err)
		}
		if strings.Contains(reply.Text, "<!") || strings.Contains(reply.Text, "<@") {
			t.Fatalf("reply to %q contains an unescaped mention: %q", text, reply.Text)
		}
	})
}
