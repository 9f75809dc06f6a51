package console_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"
	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/console"
)

func modalView(callbackID, title, submit string, blocks ...slack.Block) slack.ModalViewRequest {
	v := slack.ModalViewRequest{Type: slack.VTModal, Title: plain(title), Close: plain("Cancel"),
		CallbackID: callbackID, Blocks: slack.Blocks{BlockSet: blocks}}
	if submit != "" {
		v.Submit = plain(submit)
	}
	return v
}

// TestViewStack covers buttons inside a modal, views.push, a pushed view
// closing back to the one below, response_action push and clear, and
// multi-select, user and radio inputs.
func TestViewStack(t *testing.T) {
	script := strings.Join([]string{
		"/wiz",
		"1 3",      // teams
		"<@U0ADA>", // owner
		"1",        // Help button: pushes a view
		"",         // OK on the help view: back to step 1
		"",         // submit step 1: response_action push
		"5",        // no such size
		"L",        // size by its text; submitted, cleared
		"/wiz shout",
		"cancel",
	}, "\n") + "\n"
	var out strings.Builder
	c := console.New(console.Options{In: strings.NewReader(script), Out: &out})
	sl := c.Slack()
	var got []map[string]slack.BlockAction
	r := bot.NewRouter(nil, bot.Errors(zerolog.Nop(), nil, nil))
	r.Command("/wiz", "a wizard").Default = func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		teams := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, plain("Teams"), "teams",
			option("a", "Alpha"), option("b", "Beta"), option("c", "Gamma"))
		owner := slack.NewOptionsSelectBlockElement(slack.OptTypeUser, plain("Owner"), "owner")
		_, err := sl.OpenView(ctx, req.TriggerID, modalView("wiz1", "Step 1", "Next",
			slack.NewInputBlock("teams", plain("Teams"), nil, teams),
			slack.NewInputBlock("owner", plain("Owner"), nil, owner),
			slack.NewActionBlock("more", slack.NewButtonBlockElement("wiz:help", "", plain("Help"))),
		))
		return nil, err
	}
	r.Command("/wiz", "").Add(bot.Subcommand{Name: "shout", Help: "say it in the channel", Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		return &bot.Reply{Message: bot.Message{Text: "Wizards *welcome*!", InChannel: true}}, nil
	}})
	r.Action("wiz:help", func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		if req.View == nil || req.View.CallbackID != "wiz1" || req.Interaction.Container.Type != "view" {
			t.Errorf("help clicked without its modal: %+v", req.View)
		}
		_, err := sl.PushView(ctx, req.TriggerID, modalView("wiz_help", "Help", "OK",
			slack.NewSectionBlock(mrkdwn("Pick the teams that own the service."), nil, nil)))
		return nil, err
	})
	r.ViewSubmission("wiz_help", func(ctx context.Context, req *bot.Request) (*bot.Reply, error) { return nil, nil })
	r.ViewSubmission("wiz1", func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		got = append(got, map[string]slack.BlockAction{"teams": req.View.State.Values["teams"]["teams"], "owner": req.View.State.Values["owner"]["owner"]})
		size := &slack.RadioButtonsBlockElement{Type: slack.METRadioButtons, ActionID: "size",
			Options: []*slack.OptionBlockObject{option("s", "S"), option("m", "M"), option("l", "L")}}
		step2 := modalView("wiz2", "Step 2", "Done", slack.NewInputBlock("size", plain("Size"), nil, size))
		return &bot.Reply{ViewPush: &step2}, nil
	})
	r.ViewSubmission("wiz2", func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		got = append(got, map[string]slack.BlockAction{"size": req.View.State.Values["size"]["size"]})
		if err := sl.PostEphemeral(ctx, "CCONSOLE", req.UserID, bot.Text("Your service is set up.")); err != nil {
			return nil, err
		}
		return &bot.Reply{ViewClear: true}, sl.PostEphemeral(ctx, "CCONSOLE", "U0ADA", bot.Text("You own a new service."))
	})
	c.SetRouter(r)
	run(t, c)
	checkGolden(t, "views", out.String())

	alpha, gamma, l := option("a", "Alpha"), option("c", "Gamma"), option("l", "L")
	want := []map[string]slack.BlockAction{
		{"teams": {Type: "multi_static_select", SelectedOptions: []slack.OptionBlockObject{*alpha, *gamma}},
			"owner": {Type: "users_select", SelectedUser: "U0ADA"}},
		{"size": {Type: "radio_buttons", SelectedOption: *l}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("view state (-want +got):\n%s", diff)
	}
}

// TestPortPrints covers the port methods that handlers and scheduled jobs
// call outside a request, from several goroutines while the REPL runs.
func TestPortPrints(t *testing.T) {
	var out lockedBuilder
	c := console.New(console.Options{In: strings.NewReader("help\n"), Out: &out})
	sl, ctx := c.Slack(), context.Background()
	ts1, err := sl.PostMessage(ctx, "C0OPS", bot.Text("build *failed*"))
	if err != nil {
		t.Fatal(err)
	}
	ts2, _ := sl.PostMessage(ctx, "U0ADA", bot.Text("hi"))
	if ts1 == ts2 || ts1 == "" {
		t.Errorf("message timestamps %q and %q are not unique", ts1, ts2)
	}
	if err := sl.UpdateMessage(ctx, "C0OPS", ts1, bot.Text("build *fixed*")); err != nil {
		t.Fatal(err)
	}
	if err := sl.Respond(ctx, "console://response/unknown", bot.Text("later")); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	for i := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			_, _ = sl.PostMessage(ctx, "C0JOBS", bot.Text("job "+string(rune('a'+i))))
		}()
	}
	run(t, c)
	for range 4 {
		<-done
	}
	for _, want := range []string{
		"── message to #C0OPS ──\nbuild *failed*\n",
		"── message to @U0ADA (DM) ──\nhi\n",
		"── message updated ──\nbuild *fixed*\n",
		"── reply (only visible to you) ──\nlater\n",
		"── message to #C0JOBS ──\njob d\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

type lockedBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuilder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuilder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
