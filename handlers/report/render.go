package report

import (
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	rpt "github.com/platformbot/platformbot/report"
)

// RenderOptions say where a report is shown.
type RenderOptions struct {
	Command string // the platform command, for hints
	// Posted is true for the channel post, whose charts follow in its
	// thread; the ephemeral reply to the command has no charts.
	Posted bool
}

// maxListed bounds the catalog items, rounds, previews and ideas listed.
const maxListed = 8

// Render renders a report as Block Kit: a header, one section per area
// with each figure's change against the previous period (▲▼), and the
// charts that follow in the thread or the reason one is left out. It
// returns the notification text too.
func Render(r *rpt.Report, charts []rpt.Chart, missing []rpt.Missing, o RenderOptions) (string, []slack.Block) {
	p := r.Period
	title := "Platform value report · " + p.Label()
	blocks := []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, bot.Truncate(title, 150), false, false)),
		contextBlock(fmt.Sprintf("%s · ▲▼ against %s, the %d days before · made %s",
			p.Location, p.PrevLabel(), p.Days(), r.GeneratedAt.In(p.Location).Format("2 Jan 2006 15:04"))),
	}
	for _, sec := range []struct {
		name  string
		title string
		body  func(*rpt.Report) string
	}{
		{rpt.SectionAdoption, ":busts_in_silhouette: Adoption", adoption},
		{rpt.SectionSelfService, ":zap: Self-service and time saved", selfService},
		{rpt.SectionDelivery, ":rocket: Delivery (DORA)", delivery},
		{rpt.SectionSatisfaction, ":speech_balloon: Developer satisfaction", satisfaction},
		{rpt.SectionOfficeHours, ":calendar: Office hours", officeHours},
		{rpt.SectionPreviews, ":test_tube: Preview programs", previews},
		{rpt.SectionIdeas, ":bulb: Top ideas", ideas},
	} {
		body := ":warning: unavailable right now"
		if r.Unavailable[sec.name] == nil {
			body = sec.body(r)
		}
		blocks = append(blocks, slack.NewDividerBlock(), section(bot.TruncateMrkdwn("*"+sec.title+"*\n"+body, 3000)))
	}
	blocks = append(blocks, contextBlock(chartLine(p, charts, missing, o)))
	return fallback(r, title), blocks
}

func section(text string) *slack.SectionBlock {
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil)
}

func contextBlock(text string) *slack.ContextBlock {
	return slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, bot.TruncateMrkdwn(text, 3000), false, false))
}

// chartLine says which charts follow in the thread and which were left
// out, and why; the ephemeral reply says how to get them.
func chartLine(p rpt.Period, charts []rpt.Chart, missing []rpt.Missing, o RenderOptions) string {
	var parts []string
	if len(charts) > 0 {
		var titles []string
		for _, c := range charts {
			titles = append(titles, c.Title)
		}
		parts = append(parts, ":chart_with_upwards_trend: Charts in the thread: "+strings.Join(titles, " · ")+".")
	}
	if !o.Posted {
		parts = append(parts, fmt.Sprintf(":chart_with_upwards_trend: The charts come with the posted report: `%s report post %s` (platform team).", o.Command, p.Name))
	}
	for _, m := range missing {
		parts = append(parts, fmt.Sprintf("No chart of %s: %s.", lowerFirst(m.Title), m.Reason))
	}
	return strings.Join(parts, "\n")
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// fallback is the notification text: the headline figures in one line.
func fallback(r *rpt.Report, title string) string {
	parts := []string{title}
	if a := r.Adoption; a != nil {
		parts = append(parts, "weekly active users "+value(a.WeeklyActive))
	}
	if s := r.SelfService; s != nil {
		parts = append(parts, "self-service rate "+value(s.Rate))
	}
	if d := r.Delivery; d != nil {
		parts = append(parts, "deployments "+value(d.Deployments), "lead time "+value(d.LeadTime))
	}
	return strings.Join(parts, " · ")
}

// line is one figure: "• name: *value* ▲ 12% (better), was 40".
func line(name string, f rpt.Figure, extra string) string {
	s := "• " + name + ": *" + value(f) + "*"
	if extra != "" && f.Has() {
		s += " " + extra
	}
	if f.Level != "" {
		s += " · _" + f.Level + "_"
	}
	return s + change(f)
}

// change renders the movement against the previous period.
func change(f rpt.Figure) string {
	return changeAs(f, func(v float64) string { return number(f.Unit, v) })
}

// changeAs is change with the previous value rendered by show.
func changeAs(f rpt.Figure, show func(float64) string) string {
	if f.Previous == nil {
		if f.Value != nil {
			return "  (no data before)"
		}
		return ""
	}
	was := ", was " + show(*f.Previous)
	c, ok := f.Change()
	if !ok {
		return was
	}
	if c.Delta == 0 {
		return "  = no change" + was
	}
	arrow := "▲"
	if c.Delta < 0 {
		arrow = "▼"
	}
	var amount string
	switch {
	case f.Unit == rpt.Ratio:
		amount = fmt.Sprintf("%.1f pp", abs(c.Delta))
	case c.InPoints:
		amount = trim(abs(c.Delta), 1) + " pt"
	case c.HasPercent:
		amount = fmt.Sprintf("%.0f%%", abs(c.Percent))
	default:
		amount = "from 0"
	}
	s := "  " + arrow + " " + amount
	if v := f.Verdict(); v != "" {
		s += " (" + v + ")"
	}
	return s + was
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
