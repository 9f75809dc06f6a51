package console_test

import (
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"
	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/console"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden with the actual output")

// checkGolden compares got with testdata/name.golden.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("output differs from %s (-want +got):\n%s", path, diff)
	}
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func option(value, text string) *slack.OptionBlockObject {
	return slack.NewOptionBlockObject(value, plain(text), nil)
}

// demo is what the demo bot's handlers saw.
type demo struct {
	mu        sync.Mutex
	submitted []map[string]string
	closed    []string
	actions   []string
}

func (d *demo) record(f func()) {
	d.mu.Lock()
	defer d.mu.Unlock()
	f()
}

func requestView(meta string, production bool) slack.ModalViewRequest {
	env := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Pick one"), "demo:env",
		option("staging", "Staging"), option("production", "Production"))
	env.InitialOption = option("staging", "Staging")
	envBlock := slack.NewInputBlock("env", plain("Environment"), nil, env)
	envBlock.DispatchAction = true
	reason := slack.NewPlainTextInputBlockElement(nil, "text")
	reason.Multiline = true
	reasonBlock := slack.NewInputBlock("reason", plain("Reason"), nil, reason)
	reasonBlock.Optional = true
	until := slack.NewInputBlock("until", plain("Until"), nil, slack.NewDatePickerBlockElement("date"))
	until.Optional = true
	blocks := []slack.Block{
		slack.NewSectionBlock(mrkdwn("Ask the platform team for access to a service."), nil, nil),
		slack.NewInputBlock("service", plain("Service"), plain("As named in the catalog"),
			slack.NewPlainTextInputBlockElement(plain("e.g. checkout"), "name")),
		envBlock,
	}
	if production {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(":warning: Production access needs a second approver.")))
	}
	blocks = append(blocks, reasonBlock, until)
	return slack.ModalViewRequest{
		Type: slack.VTModal, Title: plain("Request access"), Submit: plain("Request"), Close: plain("Cancel"),
		CallbackID: "demo_request", PrivateMetadata: meta, NotifyOnClose: true,
		Blocks: slack.Blocks{BlockSet: blocks},
	}
}

// newDemo builds a console serving a small bot: /demo request opens a
// modal, /demo deploy replies with buttons, a select and an overflow menu.
func newDemo(in string, out io.Writer) (*console.Console, *demo) {
	d := &demo{}
	c := console.New(console.Options{In: strings.NewReader(in), Out: out})
	sl := c.Slack()
	r := bot.NewRouter(nil, bot.Errors(zerolog.Nop(), nil, nil), bot.Recover())
	r.Command("/demo", "try the console").Add(
		bot.Subcommand{Name: "request", Help: "request access", Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			_, err := sl.OpenView(ctx, req.TriggerID, requestView(req.ChannelID, false))
			return nil, err
		}},
		bot.Subcommand{Name: "deploy", Help: "approve a deploy", Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			reject := slack.NewButtonBlockElement("demo:reject", "d-42", plain("Reject"))
			reject.Confirm = slack.NewConfirmationBlockObject(plain("Reject deploy?"), mrkdwn("The release is rolled back."), plain("Reject"), plain("Keep"))
			delay := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Delay"), "demo:delay",
				option("10m", "10 minutes"), option("1h", "1 hour"))
			more := slack.NewOverflowBlockElement("demo:more", option("logs", "View logs"), option("diff", "Show diff"))
			return bot.SayBlocks("Deploy checkout?",
				slack.NewHeaderBlock(plain("Deploy request")),
				slack.NewSectionBlock(mrkdwn("Deploy *checkout* 1.4.2 to production?"), nil, slack.NewAccessory(more)),
				slack.NewSectionBlock(nil, []*slack.TextBlockObject{mrkdwn("*Requested by*\n<@U042>"), mrkdwn("*Risk*\nlow")}, nil),
				slack.NewDividerBlock(),
				slack.NewActionBlock("deploy", slack.NewButtonBlockElement("demo:approve", "d-42", plain("Approve")), reject, delay),
				slack.NewContextBlock("", mrkdwn("Requested 5 minutes ago"), slack.NewImageBlockElement("https://example.com/a.png", "avatar")),
			), nil
		}},
	)
	r.Action("demo:env", func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		d.record(func() { d.actions = append(d.actions, "env="+req.Value) })
		_, err := sl.UpdateView(ctx, req.View.ID, req.View.Hash, requestView(req.View.PrivateMetadata, req.Value == "production"))
		return nil, err
	})
	r.Action("demo:approve", func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		d.record(func() { d.actions = append(d.actions, "approve="+req.Value) })
		return &bot.Reply{Message: bot.Message{Text: ":white_check_mark: Approved by <@" + req.UserID + ">", ReplaceOriginal: true}}, nil
	})
	r.Action("demo:", func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		d.record(func() { d.actions = append(d.actions, req.ActionID+"="+req.Value) })
		return bot.Say("You chose " + req.Value + "."), nil
	})
	r.ViewSubmission("demo_request", func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		v := req.View.State.Values
		got := map[string]string{
			"service": v["service"]["name"].Value,
			"env":     v["env"]["demo:env"].SelectedOption.Value,
			"reason":  v["reason"]["text"].Value,
			"until":   v["until"]["date"].SelectedDate,
			"channel": req.View.PrivateMetadata,
		}
		d.record(func() { d.submitted = append(d.submitted, got) })
		if got["service"] == "nope" {
			return nil, bot.FieldErrors{"service": "There is no service called nope."}
		}
		_, err := sl.PostMessage(ctx, "CPLATFORM", bot.Message{Text: "access request", Blocks: []slack.Block{
			slack.NewSectionBlock(mrkdwn("<@"+req.UserID+"> asks for *"+got["env"]+"* access to *"+got["service"]+"*"), nil, nil),
			slack.NewActionBlock("review", slack.NewButtonBlockElement("demo:approve", "req-1", plain("Approve")),
				slack.NewButtonBlockElement("demo:deny", "req-1", plain("Deny"))),
		}})
		return nil, err
	})
	r.ViewClosed("demo_request", func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		d.record(func() { d.closed = append(d.closed, req.View.State.Values["service"]["name"].Value) })
		return nil, nil
	})
	r.Event("app_home_opened", func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		return nil, sl.PublishHome(ctx, req.UserID, slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewHeaderBlock(plain("Your requests")),
			slack.NewSectionBlock(mrkdwn("No open requests."), nil, slack.NewAccessory(slack.NewButtonBlockElement("demo:new", "home", plain("New request")))),
		}}})
	})
	c.SetRouter(r)
	return c, d
}

func run(t *testing.T, c *console.Console) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Run(ctx); err != nil {
		t.Fatalf("Run: %v", err)
	}
}

func TestSession(t *testing.T) {
	script := strings.Join([]string{
		"help",
		"/demo request",
		"",                  // service is required
		"nope",              // service
		"2",                 // environment: production, dispatches demo:env
		`because\nincident`, // reason
		"31.01.2030",        // not a date
		"2030-01-31",        // until; then submitted and refused
		"checkout",          // service again; submitted and accepted
		"1",                 // approve the posted request
		"/demo deploy",
		"4", "n", // reject, but keep
		"4", "y", // reject
		"6", // delay 1 hour
		"2", // overflow: show diff
		"9", // no such element
		"as U0BOSS",
		"home",
		"1",
		"whatever",
		"quit",
		"/demo never",
	}, "\n") + "\n"
	var out strings.Builder
	c, d := newDemo(script, &out)
	run(t, c)
	checkGolden(t, "session", out.String())

	want := []map[string]string{
		{"service": "nope", "env": "production", "reason": "because\nincident", "until": "2030-01-31", "channel": "CCONSOLE"},
		{"service": "checkout", "env": "production", "reason": "because\nincident", "until": "2030-01-31", "channel": "CCONSOLE"},
	}
	if diff := cmp.Diff(want, d.submitted); diff != "" {
		t.Errorf("submitted values (-want +got):\n%s", diff)
	}
	wantActions := []string{"env=production", "approve=req-1", "demo:reject=d-42", "demo:delay=1h", "demo:more=diff", "demo:new=home"}
	if diff := cmp.Diff(wantActions, d.actions); diff != "" {
		t.Errorf("actions (-want +got):\n%s", diff)
	}
}

func TestCancelAndEOFInModal(t *testing.T) {
	script := "/demo request\ncheckout\ncancel\n/demo request\nbilling\n"
	var out strings.Builder
	c, d := newDemo(script, &out)
	run(t, c)
	checkGolden(t, "cancel", out.String())
	if diff := cmp.Diff([]string{"checkout", "billing"}, d.closed); diff != "" {
		t.Errorf("view_closed (-want +got):\n%s", diff)
	}
	if len(d.submitted) != 0 {
		t.Errorf("submitted %v, want nothing", d.submitted)
	}
}

func TestPipeEOF(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out strings.Builder
	c := console.New(console.Options{In: r, Out: &out})
	go func() {
		_, _ = io.WriteString(w, "help\n")
		w.Close()
	}()
	run(t, c)
	if !strings.Contains(out.String(), "> help\n") {
		t.Errorf("input not echoed for a pipe:\n%s", out.String())
	}
}

func TestContextDone(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	c := console.New(console.Options{In: r})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- c.Run(ctx) }()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after the context was cancelled")
	}
}

func TestServeErrorIsPrinted(t *testing.T) {
	var out strings.Builder
	c := console.New(console.Options{In: strings.NewReader("/x\n1\n/nothing\n"), Out: &out})
	r := bot.NewRouter(nil) // no middleware: errors reach the console
	r.Command("/x", "x").Default = func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		return bot.SayBlocks("x", slack.NewActionBlock("b", slack.NewButtonBlockElement("unrouted", "v", plain("Go")))), nil
	}
	c.SetRouter(r)
	run(t, c)
	if !strings.Contains(out.String(), `error: bot: no route for block_action "unrouted"`) {
		t.Errorf("serve error not printed:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "I don't know the command /nothing.") {
		t.Errorf("console did not continue after the error:\n%s", out.String())
	}
}

func TestNoRouter(t *testing.T) {
	var out strings.Builder
	c := console.New(console.Options{In: strings.NewReader("/x\n"), Out: &out})
	run(t, c)
	if !strings.Contains(out.String(), "error: no router") {
		t.Errorf("missing router not reported:\n%s", out.String())
	}
}

func TestUserInfoDefaults(t *testing.T) {
	c := console.New(console.Options{Users: map[string]bot.User{"U1": {Name: "ada", TZ: "Europe/Berlin"}}})
	u, err := c.Slack().UserInfo(context.Background(), "U1")
	if err != nil || u.ID != "U1" || u.TZ != "Europe/Berlin" {
		t.Errorf("UserInfo(U1) = %+v, %v", u, err)
	}
	u, err = c.Slack().UserInfo(context.Background(), "U2")
	if err != nil || u.ID != "U2" || u.TZ != "UTC" {
		t.Errorf("UserInfo(U2) = %+v, %v", u, err)
	}
	if _, err := c.Slack().OpenView(context.Background(), "made-up", slack.ModalViewRequest{}); err == nil {
		t.Error("OpenView accepted a trigger_id the console never issued")
	}
}
