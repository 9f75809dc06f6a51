package report

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/handlers/internal/handlertest"
	"github.com/platformbot/platformbot/i18n"
	rpt "github.com/platformbot/platformbot/report"
	"github.com/platformbot/platformbot/report/reporttest"
)

var en = i18n.Fallback()

// golden compares text and blocks, as indented JSON, with
// testdata/<name>.golden; -update rewrites the file.
func golden(t *testing.T, name, text string, blocks []slack.Block) {
	t.Helper()
	b, err := json.MarshalIndent(map[string]any{"text": text, "blocks": blocks}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	handlertest.GoldenText(t, name, string(b)+"\n")
}

func fixtureReport(t *testing.T, svc *rpt.Service, period string) *rpt.Report {
	t.Helper()
	p, err := svc.Parse(period)
	if err != nil {
		t.Fatal(err)
	}
	r, err := svc.Report(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestRenderGolden: the posted report, the ephemeral reply, a new
// installation's report and one with a failed section, on fixed data.
func TestRenderGolden(t *testing.T) {
	full := fixtureReport(t, reporttest.Service(false), "")
	charts, missing := rpt.Charts(full)
	text, blocks := Render(en, full, charts, missing, RenderOptions{Command: "/platform", Posted: true})
	golden(t, "report_posted", text, blocks)
	if len(blocks) > 50 {
		t.Errorf("%d blocks; Slack takes 50", len(blocks))
	}

	text, blocks = Render(en, full, nil, missing, RenderOptions{Command: "/platform"})
	golden(t, "report_ephemeral", text, blocks)

	empty := fixtureReport(t, reporttest.Service(true), "2026Q3")
	charts, missing = rpt.Charts(empty)
	text, blocks = Render(en, empty, charts, missing, RenderOptions{Command: "/platform", Posted: true})
	golden(t, "report_empty", text, blocks)

	failing := fixtureReport(t, reporttest.Failing(), "")
	charts, missing = rpt.Charts(failing)
	_, blocks = Render(en, failing, charts, missing, RenderOptions{Command: "/platform", Posted: true})
	raw, _ := json.Marshal(blocks)
	for _, want := range []string{`Delivery (DORA)*\n:warning: unavailable right now`, "No chart of deployments per week"} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("failed section: %q not in %s", want, raw)
		}
	}
}

// TestRenderEscapes: names from people and config cannot inject mrkdwn.
func TestRenderEscapes(t *testing.T) {
	r := fixtureReport(t, reporttest.Service(false), "")
	_, blocks := Render(en, r, nil, nil, RenderOptions{Command: "/platform"})
	raw, _ := json.Marshal(blocks)
	s := string(raw)
	for _, bad := range []string{"<preview>", "*preview* &", "& caches"} {
		if strings.Contains(s, bad) {
			t.Errorf("unescaped %q in %s", bad, s)
		}
	}
	if !strings.Contains(s, "Ephemeral \\u0026lt;preview\\u0026gt; envs") {
		t.Errorf("escaped preview name missing in %s", s)
	}
}
