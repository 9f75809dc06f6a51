package console_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/console"
)

// TestNumericChoicesAreNumberedByValue: a 0–10 question used to be numbered
// 1–11, so typing 9 recorded 8. Options whose values are the numbers shown
// are chosen by that number; other options keep their position.
func TestNumericChoicesAreNumberedByValue(t *testing.T) {
	var nps, scale, choice []*slack.OptionBlockObject
	for v := 0; v <= 10; v++ {
		nps = append(nps, option(strconv.Itoa(v), strconv.Itoa(v)))
	}
	for v, l := range []string{"Very poor", "Poor", "OK", "Good", "Great"} {
		scale = append(scale, option(strconv.Itoa(v+1), strconv.Itoa(v+1)+" · "+l))
	}
	for v, l := range []string{"CI", "Reviews", "Docs"} {
		choice = append(choice, option(strconv.Itoa(v), l)) // values are indices, texts are words
	}
	var got map[string]string
	var out strings.Builder
	c := console.New(console.Options{In: strings.NewReader("/q\n9\n4\n2\n"), Out: &out})
	r := bot.NewRouter(nil)
	r.Command("/q", "q").Default = func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		_, err := c.Slack().OpenView(ctx, req.TriggerID, slack.ModalViewRequest{
			Type: slack.VTModal, CallbackID: "q", Title: plain("Q"), Submit: plain("Send"),
			Blocks: slack.Blocks{BlockSet: []slack.Block{
				slack.NewInputBlock("nps", plain("Recommend?"), nil, slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "v", nps...)),
				slack.NewInputBlock("scale", plain("Satisfied?"), nil, slack.NewRadioButtonsBlockElement("v", scale...)),
				slack.NewInputBlock("choice", plain("Slowed by?"), nil, slack.NewRadioButtonsBlockElement("v", choice...)),
			}},
		})
		return nil, err
	}
	r.ViewSubmission("q", func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		got = map[string]string{}
		for b, acts := range req.View.State.Values {
			got[b] = acts["v"].SelectedOption.Value
		}
		return nil, nil
	})
	c.SetRouter(r)
	run(t, c)
	want := map[string]string{"nps": "9", "scale": "4", "choice": "1"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q\n%s", k, got[k], v, out.String())
		}
	}
	for _, line := range []string{"  0) 0\n", "  10) 10\n", "(0-10)", "  1) 1 · Very poor\n", "  1) CI\n", "  3) Docs\n"} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("output lacks %q:\n%s", line, out.String())
		}
	}
}

// TestAsAndInTakeSlackIDs: "as lowercase" used to switch to a user named
// "lowercase"; ids are U…/W… (users) and C…/G…/D… (channels), in capitals.
func TestAsAndInTakeSlackIDs(t *testing.T) {
	var out strings.Builder
	c := console.New(console.Options{In: strings.NewReader("as lowercase\nin general\nas U0BOB0001\nin C0DEV0001\n"), Out: &out})
	run(t, c)
	for _, want := range []string{
		`usage: as ID, e.g. as U0123ABCD ("lowercase" is not a Slack user id)`,
		`usage: in ID, e.g. in C0123ABCD ("general" is not a Slack channel id)`,
		"you are now U0BOB0001 in #CCONSOLE",
		"you are now U0BOB0001 in #C0DEV0001",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "you are now lowercase") {
		t.Errorf("a non-id was accepted:\n%s", out.String())
	}
}
