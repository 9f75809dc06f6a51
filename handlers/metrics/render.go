package metrics

import (
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/i18n"
	mx "github.com/platformbot/platformbot/metrics"
)

// reportMessage renders a report as Block Kit in l: a header, one section
// per area (figure, change against the previous window, sparkline, DORA
// level) and the data-quality line. It returns the notification text too.
func reportMessage(l *i18n.Lang, r *mx.Report) (string, []slack.Block) {
	title := l.T(i18n.MetricsTitle, i18n.Data{"Scope": scopeTitle(l, r)})
	blocks := []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, bot.Truncate(title, 150), false, false)),
		contextBlock(l.N(i18n.MetricsContext, r.Period.Days, i18n.Data{
			"Period": capitalize(periodLabel(l, r.Period)), "Zone": r.Period.Location, "Source": r.Thresholds.Source,
		})),
	}
	if r.Delivery != nil {
		blocks = append(blocks, deliveryBlocks(l, r.Delivery, r.Thresholds.Year)...)
	}
	for _, sec := range mx.Sections[1:] {
		if b := platformBlock(l, r, sec); b != nil {
			blocks = append(blocks, b)
		}
	}
	if err := r.Unavailable[mx.SectionDelivery]; err != nil {
		blocks = append(blocks, section("*"+l.T(i18n.MetricsDelivery)+"*\n"+l.T(i18n.MetricsUnavailable)))
	}
	if r.Scope.Service != "" {
		blocks = append(blocks, contextBlock(l.T(i18n.MetricsNotPerService)))
	}
	return fallback(l, r, title), blocks
}

// periodLabel describes the window for people: "last 7 days (8–14 Jan
// 2024)", or "30 days to 23 Nov 2026 (…)" for a window that ends on a
// day given.
func periodLabel(l *i18n.Lang, p mx.Period) string {
	first := p.Current.From.In(p.Location)
	last := p.Current.To.In(p.Location).AddDate(0, 0, -1)
	span := l.Span(first, last, p.Location)
	if p.Fixed {
		return l.N(i18n.MetricsPeriodFixed, p.Days, i18n.Data{"Last": l.Date(last, p.Location), "Span": span})
	}
	return l.N(i18n.MetricsPeriodLast, p.Days, i18n.Data{"Span": span})
}

func scopeTitle(l *i18n.Lang, r *mx.Report) string {
	switch {
	case r.Scope.Service != "":
		return l.T(i18n.MetricsScopeService, i18n.Data{"Name": r.ScopeName})
	case r.Scope.Team != "":
		return r.ScopeName
	}
	return l.T(i18n.MetricsScopeOrg)
}

// fallback is the notification text: the headline figures in one line.
func fallback(l *i18n.Lang, r *mx.Report, title string) string {
	parts := []string{l.T(i18n.MetricsFallback, i18n.Data{"Title": bot.Escape(title), "Period": periodLabel(l, r.Period)})} // a service name may come from any ingest sender
	if d := r.Delivery; d != nil {
		parts = append(parts,
			l.T(i18n.MetricsFallbackDeploys, i18n.Data{"Value": or(l, d.Frequency, func(v float64) string {
				return l.T(i18n.MetricsPerDay, i18n.Data{"Rate": rate(l, v)})
			})}),
			l.T(i18n.MetricsFallbackLeadTime, i18n.Data{"Value": or(l, d.LeadTime, seconds(l))}),
			l.T(i18n.MetricsFallbackFailRate, i18n.Data{"Value": or(l, d.ChangeFailRate, percent(l))}))
	}
	return strings.Join(parts, " · ")
}

func deliveryBlocks(l *i18n.Lang, d *mx.Delivery, year int) []slack.Block {
	level := func(f mx.Figure) string {
		if f.Level == mx.NoLevel {
			return ""
		}
		return l.T(i18n.MetricsLevel, i18n.Data{"Level": f.Level, "Year": year})
	}
	freq := l.T(i18n.MetricsNoData)
	if d.Frequency.Has {
		freq = l.N(i18n.MetricsFrequencyBody, d.Days, i18n.Data{"Frequency": frequency(l, d.Frequency.Value, d.PerWeek), "Deployed": l.Int(d.DeploymentDays)})
	}
	dur, pct := seconds(l), percent(l)
	lines := []struct {
		title i18n.ID
		body  string
		f     mx.Figure
		kind  figureKind
	}{
		{i18n.MetricsFrequency, freq, d.Frequency, higherBetter},
		{i18n.MetricsLeadTime, or(l, d.LeadTime, func(v float64) string {
			return l.T(i18n.MetricsLeadTimeBody, i18n.Data{"Time": dur(v), "Deployments": l.N(i18n.MetricsDeployments, d.LeadTimeN)})
		}), d.LeadTime, lowerBetter},
		{i18n.MetricsFailRate, or(l, d.ChangeFailRate, func(v float64) string {
			return l.T(i18n.MetricsFailRateBody, i18n.Data{"Rate": pct(v), "Failed": l.Int(d.Failed), "Total": l.Int(d.Total)})
		}), d.ChangeFailRate, rateLowerBetter},
		{i18n.MetricsRecovery, or(l, d.Recovery, func(v float64) string {
			return l.T(i18n.MetricsRecoveryBody, i18n.Data{"Time": dur(v), "Recovered": l.Int(d.Recovered), "Open": l.Int(d.Unrecovered)})
		}), d.Recovery, lowerBetter},
		{i18n.MetricsRestore, or(l, d.Restore, func(v float64) string {
			return l.T(i18n.MetricsRestoreBody, i18n.Data{"Time": dur(v), "Resolved": l.Int(d.Resolved), "Open": l.Int(d.Unresolved)})
		}), d.Restore, lowerBetter},
		{i18n.MetricsRework, or(l, d.Rework, func(v float64) string {
			return l.T(i18n.MetricsReworkBody, i18n.Data{"Rate": pct(v), "Unplanned": l.Int(d.Unplanned), "Total": l.Int(d.Total)})
		}), d.Rework, rateLowerBetter},
	}
	var blocks []slack.Block
	for _, line := range lines {
		blocks = append(blocks, figureBlock(l, "*"+l.T(line.title)+"*"+level(line.f), line.body, line.f, line.kind))
	}
	return append(blocks, contextBlock(quality(l, d.Quality)))
}

// quality is the data-quality line: what the figures leave out.
func quality(l *i18n.Lang, q mx.Quality) string {
	parts := []string{
		l.T(i18n.MetricsNoCommitTime, i18n.Data{"N": l.Int(q.NoCommitTime), "Total": l.Int(q.Successful)}),
		l.T(i18n.MetricsUnattributed, i18n.Data{"N": l.Int(q.Unattributed), "Total": l.Int(q.Incidents)}),
	}
	if q.NotDeploymentCaused > 0 {
		parts = append(parts, l.N(i18n.MetricsNotDeployment, q.NotDeploymentCaused))
	}
	if q.UnknownDeployment > 0 {
		parts = append(parts, l.N(i18n.MetricsUnknownDeployment, q.UnknownDeployment))
	}
	return l.T(i18n.MetricsQuality, i18n.Data{"Parts": strings.Join(parts, " · ")})
}

// figureBlock is one area: title line, figure with its change, and the
// sparkline.
func figureBlock(l *i18n.Lang, title, body string, f mx.Figure, kind figureKind) slack.Block {
	text := title + "\n" + body
	if f.Has {
		text += "  " + change(l, f, kind)
		if s := sparkline(f.Series); s != "" {
			text += "\n`" + s + "`"
		}
	}
	return section(text)
}

// figureKind says how a figure's change reads.
type figureKind int

const (
	higherBetter    figureKind = iota // counts where more is better
	lowerBetter                       // durations
	rateLowerBetter                   // shares, changed in percentage points
	neutral                           // counts with no better direction
)

// change renders the change against the previous window: ▲ or ▼ and a
// percentage (percentage points for shares), and whether that is better.
func change(l *i18n.Lang, f mx.Figure, kind figureKind) string {
	if !f.PrevHas {
		return l.T(i18n.MetricsNoDataBefore)
	}
	delta := f.Value - f.Prev
	var size string
	if kind == rateLowerBetter {
		pp := delta * 100
		if math.Abs(pp) < 0.05 {
			return l.T(i18n.MetricsNoChange)
		}
		size = l.T(i18n.MetricsPoints, i18n.Data{"N": l.Fixed(math.Abs(pp), 1)})
	} else {
		pct, ok := f.Change()
		if !ok {
			if delta > 0 {
				return l.T(i18n.MetricsFromZero)
			}
			return l.T(i18n.MetricsNoChange)
		}
		if math.Abs(pct) < 0.5 {
			return l.T(i18n.MetricsNoChange)
		}
		size = l.T(i18n.NumberPercent, i18n.Data{"N": l.Fixed(math.Abs(pct), 0)})
	}
	arrow := "▲"
	if delta < 0 {
		arrow = "▼"
	}
	better := ""
	switch {
	case kind == higherBetter && delta > 0, (kind == lowerBetter || kind == rateLowerBetter) && delta < 0:
		better = l.T(i18n.MetricsBetter)
	case kind == higherBetter, kind == lowerBetter, kind == rateLowerBetter:
		better = l.T(i18n.MetricsWorse)
	}
	return arrow + " " + size + better
}

var sparks = []rune("▁▂▃▄▅▆▇█")

// sparkline draws a series scaled between its minimum and maximum; a
// bucket without data is a dot. A flat series sits in the middle, or at
// the bottom when it is all zeros.
func sparkline(series []mx.Point) string {
	lo, hi, seen := math.Inf(1), math.Inf(-1), false
	for _, p := range series {
		if p.Has {
			lo, hi, seen = math.Min(lo, p.Value), math.Max(hi, p.Value), true
		}
	}
	if !seen {
		return ""
	}
	var b strings.Builder
	for _, p := range series {
		switch {
		case !p.Has:
			b.WriteRune('·')
		case hi == lo && hi == 0:
			b.WriteRune(sparks[0])
		case hi == lo:
			b.WriteRune(sparks[3])
		default:
			i := int(math.Round((p.Value - lo) / (hi - lo) * float64(len(sparks)-1)))
			b.WriteRune(sparks[i])
		}
	}
	return b.String()
}

var sectionNames = map[string]i18n.ID{
	mx.SectionSatisfaction: i18n.MetricsSatisfaction, mx.SectionAdoption: i18n.MetricsAdoption,
	mx.SectionSelfService: i18n.MetricsSelfService, mx.SectionOfficeHours: i18n.MetricsOfficeHours,
}

func platformBlock(l *i18n.Lang, r *mx.Report, sec string) slack.Block {
	title := "*" + l.T(sectionNames[sec]) + "*"
	if r.Unavailable[sec] != nil {
		return section(title + "\n" + l.T(i18n.MetricsUnavailable))
	}
	switch sec {
	case mx.SectionSatisfaction:
		if s := r.Satisfaction; s != nil {
			return satisfactionBlock(l, title, s)
		}
	case mx.SectionAdoption:
		if a := r.Adoption; a != nil {
			return adoptionBlock(l, title, a)
		}
	case mx.SectionSelfService:
		if s := r.SelfService; s != nil {
			return selfServiceBlock(l, title, s)
		}
	case mx.SectionOfficeHours:
		if o := r.OfficeHours; o != nil {
			return officeHoursBlock(l, title, o)
		}
	}
	return nil
}

func satisfactionBlock(l *i18n.Lang, title string, s *mx.Satisfaction) slack.Block {
	if !s.Mean.Has {
		return section(title + "\n" + l.T(i18n.MetricsNoPulse))
	}
	last := s.Latest
	body := l.T(i18n.MetricsScore, i18n.Data{"Mean": l.Fixed(last.Mean, 1), "Survey": bot.Escape(last.Survey)})
	if last.HasNPS {
		body += l.T(i18n.MetricsNPS, i18n.Data{"NPS": l.Signed(last.NPS, 0)})
	}
	body += l.T(i18n.MetricsResponded, i18n.Data{"Rate": percent(l)(last.ResponseRate), "N": l.Int(last.Responses), "Asked": l.Int(last.Asked)})
	f := s.Mean
	if !f.PrevHas {
		return figureBlock(l, title, body, f, higherBetter)
	}
	return figureBlock(l, title, body+l.T(i18n.MetricsVsPrevious), f, higherBetter)
}

func adoptionBlock(l *i18n.Lang, title string, a *mx.Adoption) slack.Block {
	if !a.Users.Has {
		return section(title + "\n" + l.T(i18n.MetricsNoData))
	}
	body := l.N(i18n.MetricsUsedBot, int(a.Users.Value))
	if len(a.ByTeam) > 0 {
		var parts []string
		for _, t := range a.ByTeam {
			parts = append(parts, bot.Escape(teamName(t.Team))+" "+l.Int(t.Users))
		}
		if a.Unassigned > 0 {
			parts = append(parts, l.T(i18n.MetricsNoTeam, i18n.Data{"N": l.Int(a.Unassigned)}))
		}
		body += " — " + strings.Join(parts, " · ")
	}
	return figureBlock(l, title, body, a.Users, higherBetter)
}

func selfServiceBlock(l *i18n.Lang, title string, s *mx.SelfService) slack.Block {
	if !s.Requests.Has {
		return section(title + "\n" + l.T(i18n.MetricsNoData))
	}
	c := s.Current
	body := "*" + l.N(i18n.MetricsRequests, c.Requests) + "*"
	if s.NoHuman.Has {
		body += l.T(i18n.MetricsNoHuman, i18n.Data{"Rate": percent(l)(s.NoHuman.Value)})
	}
	if s.Median.Has {
		body += l.T(i18n.MetricsMedianFulfil, i18n.Data{"Time": seconds(l)(s.Median.Value)})
	}
	body += " · " + l.N(i18n.MetricsExceptions, s.Exceptions) + " · " + l.T(i18n.MetricsHoursSaved, i18n.Data{"Hours": l.Fixed(s.HoursSaved.Value, 1)})
	return figureBlock(l, title, body, s.Requests, neutral)
}

func officeHoursBlock(l *i18n.Lang, title string, o *mx.OfficeHours) slack.Block {
	if !o.Bookings.Has {
		return section(title + "\n" + l.T(i18n.MetricsNoData))
	}
	c := o.Current
	body := l.T(i18n.MetricsBookingsOfSlots, i18n.Data{"Bookings": l.N(i18n.MetricsBookings, c.Bookings), "Slots": l.N(i18n.MetricsSlots, c.SlotsOffered)})
	if o.Utilization.Has {
		body += l.T(i18n.MetricsUsed, i18n.Data{"Rate": percent(l)(o.Utilization.Value)})
	}
	if o.Feedback.Has {
		body += l.T(i18n.MetricsFeedback, i18n.Data{"Score": l.Fixed(o.Feedback.Value, 1), "N": l.Int(c.FeedbackN)})
	}
	if c.NoShows > 0 {
		body += " · " + l.N(i18n.MetricsNoShows, c.NoShows)
	}
	return figureBlock(l, title, body, o.Bookings, neutral)
}

func teamName(t mx.Team) string {
	if t.Name != "" {
		return t.Name
	}
	return t.ID
}

func or(l *i18n.Lang, f mx.Figure, format func(float64) string) string {
	if !f.Has {
		return l.T(i18n.MetricsNoData)
	}
	return format(f.Value)
}

// seconds renders a duration in seconds the way people say it: "2d 4h",
// "3h 0m".
func seconds(l *i18n.Lang) func(float64) string {
	return func(v float64) string { return l.Duration(time.Duration(math.Round(v)) * time.Second) }
}

// percent renders a share (0.125) as a percentage: whole when it is, else
// with one decimal ("50%", "12.5%").
func percent(l *i18n.Lang) func(float64) string {
	return func(v float64) string {
		p, frac := v*100, 1
		if math.Abs(p-math.Round(p)) < 0.05 {
			frac = 0
		}
		return l.T(i18n.NumberPercent, i18n.Data{"N": l.Fixed(p, frac)})
	}
}

// frequency says how often deployments happen, in mrkdwn. Below one
// every ten days a rate a day reads as nothing ("0.0 a day · 0.2 a week"
// next to level Medium), so it is said as "1 in 30 days", which matches the
// level's own wording ("at least 1 in 30 days").
func frequency(l *i18n.Lang, perDay, perWeek float64) string {
	if rare, ok := rareRate(l, perDay); ok {
		return "*" + rare + "*"
	}
	return l.T(i18n.MetricsPerDayWeek, i18n.Data{"Day": rate(l, perDay), "Week": rate(l, perWeek)})
}

// rareRate renders a rate below 0.1 a day as "1 in N days".
func rareRate(l *i18n.Lang, perDay float64) (string, bool) {
	if perDay <= 0 || perDay >= 0.1 {
		return "", false
	}
	return l.N(i18n.MetricsRare, int(math.Round(1/perDay))), true
}

// perDayText is a deployment rate in a few words, for the App Home.
func perDayText(l *i18n.Lang, perDay float64) string {
	if rare, ok := rareRate(l, perDay); ok {
		return rare
	}
	return l.T(i18n.MetricsADay, i18n.Data{"Rate": rate(l, perDay)})
}

func rate(l *i18n.Lang, v float64) string {
	if v >= 10 || v == math.Trunc(v) {
		return l.Fixed(v, 0)
	}
	return l.Fixed(v, 1)
}

func section(text string) slack.Block {
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, bot.TruncateMrkdwn(text, 3000), false, false), nil, nil)
}

func contextBlock(text string) slack.Block {
	return slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, bot.TruncateMrkdwn(text, 3000), false, false))
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
