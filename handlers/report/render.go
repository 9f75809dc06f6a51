package report

import (
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/i18n"
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

// Render renders a report as Block Kit in l: a header, one section per
// area with each figure's change against the previous period (▲▼), and
// the charts that follow in the thread or the reason one is left out. It
// returns the notification text too.
func Render(l *i18n.Lang, r *rpt.Report, charts []rpt.Chart, missing []rpt.Missing, o RenderOptions) (string, []slack.Block) {
	p := r.Period
	title := l.T(i18n.ReportTitle, i18n.Data{"Period": periodLabel(l, p)})
	made := r.GeneratedAt.In(p.Location)
	blocks := []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, bot.Truncate(title, 150), false, false)),
		contextBlock(l.N(i18n.ReportContext, p.Days(), i18n.Data{
			"Zone": p.Location, "Previous": span(l, p.PrevFrom, p.From.AddDate(0, 0, -1), p),
			"Made": l.T(i18n.ReportMade, i18n.Data{"Date": l.Date(made, p.Location), "Time": made.Format("15:04")}),
		})),
	}
	for _, sec := range []struct {
		name  string
		emoji string
		title i18n.ID
		body  func(*i18n.Lang, *rpt.Report) string
	}{
		{rpt.SectionAdoption, ":busts_in_silhouette:", i18n.ReportAdoption, adoption},
		{rpt.SectionSelfService, ":zap:", i18n.ReportSelfService, selfService},
		{rpt.SectionDelivery, ":rocket:", i18n.ReportDelivery, delivery},
		{rpt.SectionSatisfaction, ":speech_balloon:", i18n.ReportSatisfaction, satisfaction},
		{rpt.SectionOfficeHours, ":calendar:", i18n.ReportOfficeHours, officeHours},
		{rpt.SectionPreviews, ":test_tube:", i18n.ReportPreviews, previews},
		{rpt.SectionIdeas, ":bulb:", i18n.ReportIdeas, ideas},
	} {
		body := l.T(i18n.ReportUnavailable)
		if r.Unavailable[sec.name] == nil {
			body = sec.body(l, r)
		}
		blocks = append(blocks, slack.NewDividerBlock(), section(bot.TruncateMrkdwn("*"+sec.emoji+" "+l.T(sec.title)+"*\n"+body, 3000)))
	}
	blocks = append(blocks, contextBlock(chartLine(l, p, charts, missing, o)))
	return fallback(l, r, title), blocks
}

// periodLabel describes the period: "Q3 2026 (1 Jul – 30 Sep 2026)", or
// its span of days.
func periodLabel(l *i18n.Lang, p rpt.Period) string {
	s := span(l, p.From, p.Last(), p)
	if !p.Quarter {
		return s
	}
	id := i18n.ReportQuarter
	if p.ToDate {
		id = i18n.ReportQuarterToDate
	}
	return l.T(id, i18n.Data{"Quarter": (int(p.From.Month())-1)/3 + 1, "Year": p.From.Year(), "Span": s})
}

// span is the days first to last, or the one day.
func span(l *i18n.Lang, first, last time.Time, p rpt.Period) string {
	return days(l, first, last, p.Location)
}

func section(text string) *slack.SectionBlock {
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil)
}

func contextBlock(text string) *slack.ContextBlock {
	return slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, bot.TruncateMrkdwn(text, 3000), false, false))
}

// chartLines are the words a chart is named with in the report's text,
// by chart name.
var chartLines = map[string]struct{ title, missing, empty i18n.ID }{
	rpt.ChartDeployments:  {i18n.ReportChartDeployments, i18n.ReportNoDeploymentsChart, i18n.ReportEmptyDeployments},
	rpt.ChartLeadTime:     {i18n.ReportChartLeadTime, i18n.ReportNoLeadTimeChart, i18n.ReportEmptyLeadTime},
	rpt.ChartSatisfaction: {i18n.ReportChartSatisfaction, i18n.ReportNoSatisfactionChart, i18n.ReportEmptySatisfaction},
	rpt.ChartAdoption:     {i18n.ReportChartAdoption, i18n.ReportNoAdoptionChart, i18n.ReportEmptyAdoption},
}

// chartLine says which charts follow in the thread and which were left
// out, and why; the ephemeral reply says how to get them.
func chartLine(l *i18n.Lang, p rpt.Period, charts []rpt.Chart, missing []rpt.Missing, o RenderOptions) string {
	var parts []string
	if len(charts) > 0 {
		var titles []string
		for _, c := range charts {
			if w, ok := chartLines[c.Name]; ok {
				titles = append(titles, l.T(w.title))
			} else {
				titles = append(titles, c.Title)
			}
		}
		parts = append(parts, l.T(i18n.ReportChartsInThread, i18n.Data{"Titles": strings.Join(titles, " · ")}))
	}
	if !o.Posted {
		parts = append(parts, l.T(i18n.ReportChartsWhenPosted, i18n.Data{"Command": o.Command, "Period": p.Name}))
	}
	for _, m := range missing {
		w, ok := chartLines[m.Name]
		if !ok {
			continue // every chart has its words; a new one without them is left unsaid
		}
		reason := l.T(w.empty)
		if m.Failed != "" {
			reason = l.T(i18n.ReportChartFailed, i18n.Data{"Error": m.Failed})
		}
		parts = append(parts, l.T(w.missing, i18n.Data{"Reason": reason}))
	}
	return strings.Join(parts, "\n")
}

// fallback is the notification text: the headline figures in one line.
func fallback(l *i18n.Lang, r *rpt.Report, title string) string {
	parts := []string{title}
	if a := r.Adoption; a != nil {
		parts = append(parts, l.T(i18n.ReportFallbackActive, i18n.Data{"Value": value(l, a.WeeklyActive)}))
	}
	if s := r.SelfService; s != nil {
		parts = append(parts, l.T(i18n.ReportFallbackRate, i18n.Data{"Value": value(l, s.Rate)}))
	}
	if d := r.Delivery; d != nil {
		parts = append(parts, l.T(i18n.ReportFallbackDeploys, i18n.Data{"Value": value(l, d.Deployments)}),
			l.T(i18n.ReportFallbackLeadTime, i18n.Data{"Value": value(l, d.LeadTime)}))
	}
	return strings.Join(parts, " · ")
}

// line is one figure: "• name: *value* ▲ 12% (better), was 40".
func line(l *i18n.Lang, name i18n.ID, f rpt.Figure, extra string) string {
	return lineNamed(l, l.T(name), f, extra)
}

// lineNamed is line with a name as given (escaped by the caller).
func lineNamed(l *i18n.Lang, name string, f rpt.Figure, extra string) string {
	s := "• " + name + ": *" + value(l, f) + "*"
	if extra != "" && f.Has() {
		s += " " + extra
	}
	if f.Level != "" {
		s += " · _" + f.Level + "_"
	}
	return s + change(l, f)
}

// change renders the movement against the previous period.
func change(l *i18n.Lang, f rpt.Figure) string {
	return changeAs(l, f, func(v float64) string { return number(l, f.Unit, v) })
}

// changeAs is change with the previous value rendered by show.
func changeAs(l *i18n.Lang, f rpt.Figure, show func(float64) string) string {
	if f.Previous == nil {
		if f.Value != nil {
			return "  " + l.T(i18n.ReportNoDataBefore)
		}
		return ""
	}
	was := l.T(i18n.ReportWas, i18n.Data{"Value": show(*f.Previous)})
	c, ok := f.Change()
	if !ok {
		return was
	}
	if c.Delta == 0 {
		return "  " + l.T(i18n.ReportNoChange) + was
	}
	arrow := "▲"
	if c.Delta < 0 {
		arrow = "▼"
	}
	var amount string
	switch {
	case f.Unit == rpt.Ratio:
		amount = l.T(i18n.ReportPercentPoints, i18n.Data{"N": l.Fixed(abs(c.Delta), 1)})
	case c.InPoints:
		amount = l.T(i18n.ReportPoints, i18n.Data{"N": l.Number(abs(c.Delta), 1)})
	case c.HasPercent:
		amount = l.T(i18n.NumberPercent, i18n.Data{"N": l.Fixed(abs(c.Percent), 0)})
	default:
		amount = l.T(i18n.ReportFromZero)
	}
	s := "  " + arrow + " " + amount
	switch f.Verdict() {
	case "better":
		s += l.T(i18n.ReportBetter)
	case "worse":
		s += l.T(i18n.ReportWorse)
	}
	return s + was
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
