package metrics

import (
	"strings"
	"testing"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/i18n"
	mx "github.com/platformbot/platformbot/metrics"
)

var en = i18n.Fallback()

func TestMxSparkline(t *testing.T) {
	pts := func(vs ...float64) []mx.Point {
		var out []mx.Point
		for _, v := range vs {
			if v < 0 {
				out = append(out, mx.Point{})
			} else {
				out = append(out, mx.Point{Has: true, Value: v})
			}
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		series []mx.Point
		want   string
	}{
		{"ramp", pts(0, 1, 2, 3, 4, 5, 6, 7), "▁▂▃▄▅▆▇█"},
		{"scaled", pts(10, 20, 15), "▁█▅"},
		{"gaps", pts(1, -1, 3), "▁·█"},
		{"flat", pts(2, 2, 2), "▄▄▄"},
		{"zeros", pts(0, 0), "▁▁"},
		{"no data at all", pts(-1, -1), ""},
	} {
		if got := sparkline(tc.series); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestMxChange(t *testing.T) {
	fig := func(v, prev float64) mx.Figure {
		return mx.Figure{Has: true, Value: v, PrevHas: true, Prev: prev}
	}
	for _, tc := range []struct {
		name string
		f    mx.Figure
		kind figureKind
		want string
	}{
		{"more deployments", fig(3, 2), higherBetter, "▲ 50% (better)"},
		{"fewer deployments", fig(1, 2), higherBetter, "▼ 50% (worse)"},
		{"shorter lead time", fig(3600, 7200), lowerBetter, "▼ 50% (better)"},
		{"longer lead time", fig(7200, 3600), lowerBetter, "▲ 100% (worse)"},
		{"rate in points", fig(0.15, 0.10), rateLowerBetter, "▲ 5.0 pp (worse)"},
		{"rate down", fig(0.05, 0.10), rateLowerBetter, "▼ 5.0 pp (better)"},
		{"from zero", fig(2, 0), higherBetter, "▲ from 0"},
		{"same", fig(2, 2), neutral, "= no change"},
		{"neutral up", fig(4, 2), neutral, "▲ 100%"},
		{"no previous data", mx.Figure{Has: true, Value: 2}, higherBetter, "_(no data before)_"},
	} {
		if got := change(en, tc.f, tc.kind); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestMxFormats(t *testing.T) {
	for got, want := range map[string]string{
		seconds(en)(42): "42s", seconds(en)(125): "2m", seconds(en)(5400): "1h 30m", seconds(en)(93600): "1d 2h",
		percent(en)(0.125): "12.5%", percent(en)(0.5): "50%", percent(en)(0.0625): "6.2%",
		rate(en, 0.714): "0.7", rate(en, 2): "2", rate(en, 14.6): "15",
		en.N(i18n.MetricsBookings, 1): "1 booking", en.N(i18n.MetricsBookings, 0): "0 bookings",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

// TestMxFrequencyOfRareDeployments: one deployment in 30 days read "0.0 a
// day · 0.2 a week" next to level Medium; below 0.1 a day the rate is
// said as "1 in N days", the level's own wording.
func TestMxFrequencyOfRareDeployments(t *testing.T) {
	for _, tc := range []struct {
		perDay float64
		want   string
	}{
		{1.0 / 30, "*1 in 30 days*"},
		{2.0 / 90, "*1 in 45 days*"},
		{1.0 / 7, "*0.1 a day* · 1 a week"},
		{0.4, "*0.4 a day* · 2.8 a week"},
		{0, "*0 a day* · 0 a week"},
	} {
		if got := frequency(en, tc.perDay, tc.perDay*7); got != tc.want {
			t.Errorf("frequency(%v) = %q, want %q", tc.perDay, got, tc.want)
		}
	}
	d := &mx.Delivery{Frequency: mx.Figure{Has: true, Value: 1.0 / 30, Level: mx.Medium}, PerWeek: 7.0 / 30, DeploymentDays: 1, Days: 30}
	if got := msgText(bot.Message{Blocks: deliveryBlocks(en, d, 2023)}); !strings.Contains(got, "*1 in 30 days* · deployed on 1 of 30 days") {
		t.Errorf("digest reads:\n%s", got)
	}
	if got := perDayText(en, 1.0/30); got != "1 in 30 days" {
		t.Errorf("home rate = %q", got)
	}
}
