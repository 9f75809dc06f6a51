package metrics

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	mx "github.com/platformbot/platformbot/metrics"
)

// reportMessage renders a report as Block Kit: a header, one section per area
// (figure, change against the previous window, sparkline, DORA level) and
// the data-quality line. It returns the notification text too.
func reportMessage(r *mx.Report) (string, []slack.Block) {
	title := "Platform metrics · " + scopeTitle(r)
	blocks := []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, bot.Truncate(title, 150), false, false)),
		contextBlock(fmt.Sprintf("%s, %s · ▲▼ against the %d days before · DORA levels: %s",
			capitalize(r.Period.Label()), r.Period.Location, r.Period.Days, r.Thresholds.Source)),
	}
	if r.Delivery != nil {
		blocks = append(blocks, deliveryBlocks(r.Delivery, r.Thresholds.Year)...)
	}
	for _, sec := range mx.Sections[1:] {
		if b := platformBlock(r, sec); b != nil {
			blocks = append(blocks, b)
		}
	}
	if err := r.Unavailable[mx.SectionDelivery]; err != nil {
		blocks = append(blocks, section("*Delivery (DORA)*\n:warning: unavailable right now"))
	}
	if r.Scope.Service != "" {
		blocks = append(blocks, contextBlock("Satisfaction, adoption, self-service and office hours are reported per team and for the organization, not per service."))
	}
	return fallback(r, title), blocks
}

func scopeTitle(r *mx.Report) string {
	switch {
	case r.Scope.Service != "":
		return "service " + r.ScopeName
	case r.Scope.Team != "":
		return r.ScopeName
	}
	return "organization"
}

// fallback is the notification text: the headline figures in one line.
func fallback(r *mx.Report, title string) string {
	parts := []string{bot.Escape(title) + ", " + r.Period.Label()} // a service name may come from any ingest sender
	if d := r.Delivery; d != nil {
		parts = append(parts,
			"deployments "+or(d.Frequency, func(v float64) string { return rate(v) + "/day" }),
			"lead time "+or(d.LeadTime, seconds),
			"change fail rate "+or(d.ChangeFailRate, percent))
	}
	return strings.Join(parts, " · ")
}

func deliveryBlocks(d *mx.Delivery, year int) []slack.Block {
	level := func(f mx.Figure) string {
		if f.Level == mx.NoLevel {
			return ""
		}
		return fmt.Sprintf(" · _%s_ (DORA %d)", f.Level, year)
	}
	freq := "no data"
	if d.Frequency.Has {
		freq = fmt.Sprintf("%s · deployed on %d of %d days", frequency(d.Frequency.Value, d.PerWeek), d.DeploymentDays, d.Days)
	}
	lines := []struct {
		title, body string
		f           mx.Figure
		kind        figureKind
	}{
		{"Deployment frequency", freq, d.Frequency, higherBetter},
		{"Change lead time", or(d.LeadTime, func(v float64) string {
			return fmt.Sprintf("*%s* median, commit → running in production (%s)", seconds(v), count(d.LeadTimeN, "deployment"))
		}), d.LeadTime, lowerBetter},
		{"Change fail rate", or(d.ChangeFailRate, func(v float64) string {
			return fmt.Sprintf("*%s* of production deployments failed or caused an incident (%d of %d)", percent(v), d.Failed, d.Total)
		}), d.ChangeFailRate, rateLowerBetter},
		{"Failed deployment recovery time", or(d.Recovery, func(v float64) string {
			return fmt.Sprintf("*%s* median, failing deployment → its incidents resolved (%d recovered, %d still open)", seconds(v), d.Recovered, d.Unrecovered)
		}), d.Recovery, lowerBetter},
		{"Time to restore service", or(d.Restore, func(v float64) string {
			return fmt.Sprintf("*%s* median, incident opened → resolved (%d resolved, %d open)", seconds(v), d.Resolved, d.Unresolved)
		}), d.Restore, lowerBetter},
		{"Deployment rework rate", or(d.Rework, func(v float64) string {
			return fmt.Sprintf("*%s* of production deployments were unplanned (%d of %d)", percent(v), d.Unplanned, d.Total)
		}), d.Rework, rateLowerBetter},
	}
	var blocks []slack.Block
	for _, l := range lines {
		blocks = append(blocks, figureBlock("*"+l.title+"*"+level(l.f), l.body, l.f, l.kind))
	}
	return append(blocks, contextBlock(quality(d.Quality)))
}

// quality is the data-quality line: what the figures leave out.
func quality(q mx.Quality) string {
	parts := []string{
		fmt.Sprintf("%d of %d successful deployments have no commit time (no lead time)", q.NoCommitTime, q.Successful),
		fmt.Sprintf("%d of %d incidents unattributed", q.Unattributed, q.Incidents),
	}
	if q.NotDeploymentCaused > 0 {
		parts = append(parts, fmt.Sprintf("%d not caused by a deployment", q.NotDeploymentCaused))
	}
	if q.UnknownDeployment > 0 {
		parts = append(parts, fmt.Sprintf("%d name a deployment never reported", q.UnknownDeployment))
	}
	return ":mag: Data quality: " + strings.Join(parts, " · ")
}

// figureBlock is one area: title line, figure with its change, and the
// sparkline.
func figureBlock(title, body string, f mx.Figure, kind figureKind) slack.Block {
	text := title + "\n" + body
	if f.Has {
		text += "  " + change(f, kind)
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
func change(f mx.Figure, kind figureKind) string {
	if !f.PrevHas {
		return "_(no data before)_"
	}
	delta := f.Value - f.Prev
	var size string
	if kind == rateLowerBetter {
		pp := delta * 100
		if math.Abs(pp) < 0.05 {
			return "= no change"
		}
		size = fmt.Sprintf("%.1f pp", math.Abs(pp))
	} else {
		pct, ok := f.Change()
		if !ok {
			if delta > 0 {
				return "▲ from 0"
			}
			return "= no change"
		}
		if math.Abs(pct) < 0.5 {
			return "= no change"
		}
		size = fmt.Sprintf("%.0f%%", math.Abs(pct))
	}
	arrow := "▲"
	if delta < 0 {
		arrow = "▼"
	}
	better := ""
	switch {
	case kind == higherBetter && delta > 0, (kind == lowerBetter || kind == rateLowerBetter) && delta < 0:
		better = " (better)"
	case kind == higherBetter, kind == lowerBetter, kind == rateLowerBetter:
		better = " (worse)"
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

func platformBlock(r *mx.Report, sec string) slack.Block {
	names := map[string]string{
		mx.SectionSatisfaction: "Developer satisfaction", mx.SectionAdoption: "Adoption",
		mx.SectionSelfService: "Self-service", mx.SectionOfficeHours: "Office hours",
	}
	title := "*" + names[sec] + "*"
	if r.Unavailable[sec] != nil {
		return section(title + "\n:warning: unavailable right now")
	}
	switch sec {
	case mx.SectionSatisfaction:
		if s := r.Satisfaction; s != nil {
			return satisfactionBlock(title, s)
		}
	case mx.SectionAdoption:
		if a := r.Adoption; a != nil {
			return adoptionBlock(title, a)
		}
	case mx.SectionSelfService:
		if s := r.SelfService; s != nil {
			return selfServiceBlock(title, s)
		}
	case mx.SectionOfficeHours:
		if o := r.OfficeHours; o != nil {
			return officeHoursBlock(title, o)
		}
	}
	return nil
}

func satisfactionBlock(title string, s *mx.Satisfaction) slack.Block {
	if !s.Mean.Has {
		return section(title + "\nno data (no pulse run closed in this window, or too few answers to report)")
	}
	l := s.Latest
	body := fmt.Sprintf("*%.1f / 5* in “%s”", l.Mean, bot.Escape(l.Survey))
	if l.HasNPS {
		body += fmt.Sprintf(" · NPS %+.0f", l.NPS)
	}
	body += fmt.Sprintf(" · %s responded (%d of %d)", percent(l.ResponseRate), l.Responses, l.Asked)
	f := s.Mean
	if !f.PrevHas {
		return figureBlock(title, body, f, higherBetter)
	}
	return figureBlock(title, body+" · vs the previous run:", f, higherBetter)
}

func adoptionBlock(title string, a *mx.Adoption) slack.Block {
	if !a.Users.Has {
		return section(title + "\nno data")
	}
	body := fmt.Sprintf("*%s* used the bot", peopleCount(int(a.Users.Value)))
	if len(a.ByTeam) > 0 {
		var parts []string
		for _, t := range a.ByTeam {
			parts = append(parts, fmt.Sprintf("%s %d", bot.Escape(teamName(t.Team)), t.Users))
		}
		if a.Unassigned > 0 {
			parts = append(parts, fmt.Sprintf("no team %d", a.Unassigned))
		}
		body += " — " + strings.Join(parts, " · ")
	}
	return figureBlock(title, body, a.Users, higherBetter)
}

func selfServiceBlock(title string, s *mx.SelfService) slack.Block {
	if !s.Requests.Has {
		return section(title + "\nno data")
	}
	c := s.Current
	body := "*" + count(c.Requests, "request") + "*"
	if s.NoHuman.Has {
		body += fmt.Sprintf(" · %s fulfilled with no human step", percent(s.NoHuman.Value))
	}
	if s.Median.Has {
		body += " · median " + seconds(s.Median.Value) + " to fulfil"
	}
	body += fmt.Sprintf(" · %s · *%.1f h saved*", count(s.Exceptions, "exception"), s.HoursSaved.Value)
	return figureBlock(title, body, s.Requests, neutral)
}

func officeHoursBlock(title string, o *mx.OfficeHours) slack.Block {
	if !o.Bookings.Has {
		return section(title + "\nno data")
	}
	c := o.Current
	body := fmt.Sprintf("*%s* of %s", count(c.Bookings, "booking"), count(c.SlotsOffered, "slot"))
	if o.Utilization.Has {
		body += fmt.Sprintf(" (%s used)", percent(o.Utilization.Value))
	}
	if o.Feedback.Has {
		body += fmt.Sprintf(" · feedback %.1f / 5 (%d)", o.Feedback.Value, c.FeedbackN)
	}
	if c.NoShows > 0 {
		body += " · " + count(c.NoShows, "no-show")
	}
	return figureBlock(title, body, o.Bookings, neutral)
}

func teamName(t mx.Team) string {
	if t.Name != "" {
		return t.Name
	}
	return t.ID
}

func or(f mx.Figure, format func(float64) string) string {
	if !f.Has {
		return "no data"
	}
	return format(f.Value)
}

// seconds renders a duration in seconds the way people say it.
func seconds(v float64) string {
	d := time.Duration(math.Round(v)) * time.Second
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh %dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd %dh", int(d.Hours())/24, int(d.Hours())%24)
}

func percent(v float64) string {
	p := v * 100
	if math.Abs(p-math.Round(p)) < 0.05 {
		return fmt.Sprintf("%.0f%%", p)
	}
	return fmt.Sprintf("%.1f%%", p)
}

// frequency says how often deployments happen, in mrkdwn. Below one
// every ten days a rate a day reads as nothing ("0.0 a day · 0.2 a week"
// next to level Medium), so it is said as "1 in 30 days", which matches the
// level's own wording ("at least 1 in 30 days").
func frequency(perDay, perWeek float64) string {
	if rare, ok := rareRate(perDay); ok {
		return "*" + rare + "*"
	}
	return fmt.Sprintf("*%s a day* · %s a week", rate(perDay), rate(perWeek))
}

// rareRate renders a rate below 0.1 a day as "1 in N days".
func rareRate(perDay float64) (string, bool) {
	if perDay <= 0 || perDay >= 0.1 {
		return "", false
	}
	return fmt.Sprintf("1 in %.0f days", math.Round(1/perDay)), true
}

// perDayText is a deployment rate in a few words, for the App Home.
func perDayText(perDay float64) string {
	if rare, ok := rareRate(perDay); ok {
		return rare
	}
	return rate(perDay) + " a day"
}

func rate(v float64) string {
	if v >= 10 || v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

func peopleCount(n int) string {
	if n == 1 {
		return "1 person"
	}
	return fmt.Sprintf("%d people", n)
}

// count says "1 booking", "3 bookings".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func section(text string) slack.Block {
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, bot.TruncateMrkdwn(text, 3000), false, false), nil, nil)
}

func contextBlock(text string) slack.Block {
	return slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, bot.TruncateMrkdwn(text, 3000), false, false))
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
