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
