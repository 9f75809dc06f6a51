package metrics

import (
	"testing"
	"time"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/handlers/internal/handlertest"
	"github.com/platformbot/platformbot/i18n"
	mx "github.com/platformbot/platformbot/metrics"
)

// FuzzMetricsRender renders a report scoped to a service with a fuzzed
// name (services are named by whoever sends deployments) and a survey and
// team with fuzzed names: the digest's blocks and notification text.
func FuzzMetricsRender(f *testing.F) {
	for _, s := range handlertest.HostileSeeds {
		f.Add(s, s)
	}
	th, _ := mx.ThresholdsFor(2023)
	f.Fuzz(func(t *testing.T, service, name string) {
		p, err := mx.NewPeriod(handlertest.FuzzRenderNow, 7, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		fig := mx.Figure{Has: true, Value: 3, PrevHas: true, Prev: 2}
		for _, scope := range []mx.Scope{{Service: service}, {Team: "payments"}, {}} {
			r := &mx.Report{Scope: scope, ScopeName: service, Period: p, Thresholds: th, Unavailable: map[string]error{},
				Satisfaction: &mx.Satisfaction{Mean: fig, Latest: mx.SatisfactionFigures{Survey: name, HasData: true, Mean: 3}},
				Adoption:     &mx.Adoption{Users: fig, ByTeam: []mx.TeamCount{{Team: mx.Team{ID: "payments", Name: name}, Users: 3}}}}
			text, blocks := reportMessage(i18n.Fallback(), r)
			handlertest.CheckMessage(t, "digest", bot.Message{Text: text, Blocks: blocks})
		}
	})
}
