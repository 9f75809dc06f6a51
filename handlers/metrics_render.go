package handlers

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/metrics"
)

// mxDigest renders a report as Block Kit: a header, one section per area
// (figure, change against the previous window, sparkline, DORA level) and
// the data-quality line. It returns the notification text too.
func mxDigest(r *metrics.Report) (string, []slack.Block) {
	title := "Platform metrics · " + mxScopeTitle(r)
	blocks := []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, bot.Truncate(title, 150), false, false)),
		mxContext(fmt.Sprintf("%s, %s · ▲▼ against the %d days before · DORA levels: %s",
			mxCapitalize(r.Period.Label()), r.Period.Location, r.Period.Days, r.Thresholds.Source)),
	}
	if r.Delivery != nil {
		blocks = append(blocks, mxDeliveryBlocks(r.Delivery, r.Thresholds.Year)...)
	}
	for _, sec := range metrics.Sections[1:] {
		if b := mxPlatformBlock(r, sec); b != nil {
			blocks = append(blocks, b)
		}
	}
	if err := r.Unavailable[metrics.SectionDelivery]; err != nil {
		blocks = append(blocks, mxSection("*Delivery (DORA)*\n:warning: unavailable right now"))
	}
	if r.Scope.Service != "" {
		blocks = append(blocks, mxContext("Satisfaction, adoption, self-service and office hours are reported per team and for the organization, not per service."))
	}
	return mxFallback(r, title), blocks
}

func mxScopeTitle(r *metrics.Report) string {
	switch {
	case r.Scope.Service != "":
		return "service " + r.ScopeName
	case r.Scope.Team != "":
		return r.ScopeName
	}
	return "organization"
}

// mxFallback is the notification text: the headline figures in one line.
func mxFallback(r *metrics.Report, title string) string {
	parts := []string{bot.Escape(title) + ", " + r.Period.Label()} // a service name may come from any ingest sender
	if d := r.Delivery; d != nil {
		parts = append(parts,
			"deployments "+mxOr(d.Frequency, func(v float64) string { return mxRate(v) + "/day" }),
			"lead time "+mxOr(d.LeadTime, mxSeconds),
			"change fail rate "+mxOr(d.ChangeFailRate, mxPercent))
	}
	return strings.Join(parts, " · ")
}

func mxDeliveryBlocks(d *metrics.Delivery, year int) []slack.Block {
	level := func(f metrics.Figure) string {
		if f.Level == metrics.NoLevel {
			return ""
		}
		return fmt.Sprintf(" · _%s_ (DORA %d)", f.Level, year)
	}
	freq := "no data"
	if d.Frequency.Has {
		freq = fmt.Sprintf("%s · deployed on %d of %d days", mxFrequency(d.Frequency.Value, d.PerWeek), d.DeploymentDays, d.Days)
	}
	lines := []struct {
		title, body string
		f           metrics.Figure
		kind        mxKind
	}{
		{"Deployment frequency", freq, d.Frequency, mxHigherBetter},
		{"Change lead time", mxOr(d.LeadTime, func(v float64) string {
			return fmt.Sprintf("*%s* median, commit → running in production (%s)", mxSeconds(v), mxCount(d.LeadTimeN, "deployment"))
		}), d.LeadTime, mxLowerBetter},
		{"Change fail rate", mxOr(d.ChangeFailRate, func(v float64) string {
			return fmt.Sprintf("*%s* of production deployments failed or caused an incident (%d of %d)", mxPercent(v), d.Failed, d.Total)
		}), d.ChangeFailRate, mxRateLowerBetter},
		{"Failed deployment recovery time", mxOr(d.Recovery, func(v float64) string {
			return fmt.Sprintf("*%s* median, failing deployment → its incidents resolved (%d recovered, %d still open)", mxSeconds(v), d.Recovered, d.Unrecovered)
		}), d.Recovery, mxLowerBetter},
		{"Time to restore service", mxOr(d.Restore, func(v float64) string {
			return fmt.Sprintf("*%s* median, incident opened → resolved (%d resolved, %d open)", mxSeconds(v), d.Resolved, d.Unresolved)
		}), d.Restore, mxLowerBetter},
		{"Deployment rework rate", mxOr(d.Rework, func(v float64) string {
			return fmt.Sprintf("*%s* of production deployments were unplanned (%d of %d)", mxPercent(v), d.Unplanned, d.Total)
		}), d.Rework, mxRateLowerBetter},
	}
	var blocks []slack.Block
	for _, l := range lines {
		blocks = append(blocks, mxFigureBlock("*"+l.title+"*"+level(l.f), l.body, l.f, l.kind))
	}
	return append(blocks, mxContext(mxQuality(d.Quality)))
}

// mxQuality is the data-quality line: what the figures leave out.
func mxQuality(q metrics.Quality) string {
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

// mxFigureBlock is one area: title line, figure with its change, and the
// sparkline.
func mxFigureBlock(title, body string, f metrics.Figure, kind mxKind) slack.Block {
	text := title + "\n" + body
	if f.Has {
		text += "  " + mxChange(f, kind)
		if s := mxSparkline(f.Series); s != "" {
			text += "\n`" + s + "`"
		}
	}
	return mxSection(text)
}

// mxKind says how a figure's change reads.
type mxKind int

const (
	mxHigherBetter    mxKind = iota // counts where more is better
	mxLowerBetter                   // durations
	mxRateLowerBetter               // shares, changed in percentage points
	mxNeutral                       // counts with no better direction
)

// mxChange renders the change against the previous window: ▲ or ▼ and a
// percentage (percentage points for shares), and whether that is better.
func mxChange(f metrics.Figure, kind mxKind) string {
	if !f.PrevHas {
		return "_(no data before)_"
	}
	delta := f.Value - f.Prev
	var size string
	if kind == mxRateLowerBetter {
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
	case kind == mxHigherBetter && delta > 0, (kind == mxLowerBetter || kind == mxRateLowerBetter) && delta < 0:
		better = " (better)"
	case kind == mxHigherBetter, kind == mxLowerBetter, kind == mxRateLowerBetter:
		better = " (worse)"
	}
	return arrow + " " + size + better
}

var mxSparks = []rune("▁▂▃▄▅▆▇█")

// mxSparkline draws a series scaled between its minimum and maximum; a
// bucket without data is a dot. A flat series sits in the middle, or at
// the bottom when it is all zeros.
func mxSparkline(series []metrics.Point) string {
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
			b.WriteRune(mxSparks[0])
		case hi == lo:
			b.WriteRune(mxSparks[3])
		default:
			i := int(math.Round((p.Value - lo) / (hi - lo) * float64(len(mxSparks)-1)))
			b.WriteRune(mxSparks[i])
		}
	}
	return b.String()
}

func mxPlatformBlock(r *metrics.Report, sec string) slack.Block {
	names := map[string]string{
		metrics.SectionSatisfaction: "Developer satisfaction", metrics.SectionAdoption: "Adoption",
		metrics.SectionSelfService: "Self-service", metrics.SectionOfficeHours: "Office hours",
	}
	title := "*" + names[sec] + "*"
	if r.Unavailable[sec] != nil {
		return mxSection(title + "\n:warning: unavailable right now")
	}
	switch sec {
	case metrics.SectionSatisfaction:
		if s := r.Satisfaction; s != nil {
			return mxSatisfactionBlock(title, s)
		}
	case metrics.SectionAdoption:
		if a := r.Adoption; a != nil {
			return mxAdoptionBlock(title, a)
		}
	case metrics.SectionSelfService:
		if s := r.SelfService; s != nil {
			return mxSelfServiceBlock(title, s)
		}
	case metrics.SectionOfficeHours:
		if o := r.OfficeHours; o != nil {
			return mxOfficeHoursBlock(title, o)
		}
	}
	return nil
}

func mxSatisfactionBlock(title string, s *metrics.Satisfaction) slack.Block {
	if !s.Mean.Has {
		return mxSection(title + "\nno data (no pulse run closed in this window, or too few answers to report)")
	}
	l := s.Latest
	body := fmt.Sprintf("*%.1f / 5* in “%s”", l.Mean, bot.Escape(l.Survey))
	if l.HasNPS {
		body += fmt.Sprintf(" · NPS %+.0f", l.NPS)
	}
	body += fmt.Sprintf(" · %s responded (%d of %d)", mxPercent(l.ResponseRate), l.Responses, l.Asked)
	f := s.Mean
	if !f.PrevHas {
		return mxFigureBlock(title, body, f, mxHigherBetter)
	}
	return mxFigureBlock(title, body+" · vs the previous run:", f, mxHigherBetter)
}

func mxAdoptionBlock(title string, a *metrics.Adoption) slack.Block {
	if !a.Users.Has {
		return mxSection(title + "\nno data")
	}
	body := fmt.Sprintf("*%s* used the bot", mxPeople(int(a.Users.Value)))
	if len(a.ByTeam) > 0 {
		var parts []string
		for _, t := range a.ByTeam {
			parts = append(parts, fmt.Sprintf("%s %d", bot.Escape(mxTeamName(t.Team)), t.Users))
		}
		if a.Unassigned > 0 {
			parts = append(parts, fmt.Sprintf("no team %d", a.Unassigned))
		}
		body += " — " + strings.Join(parts, " · ")
	}
	return mxFigureBlock(title, body, a.Users, mxHigherBetter)
}

func mxSelfServiceBlock(title string, s *metrics.SelfService) slack.Block {
	if !s.Requests.Has {
		return mxSection(title + "\nno data")
	}
	c := s.Current
	body := "*" + mxCount(c.Requests, "request") + "*"
	if s.NoHuman.Has {
		body += fmt.Sprintf(" · %s fulfilled with no human step", mxPercent(s.NoHuman.Value))
	}
	if s.Median.Has {
		body += " · median " + mxSeconds(s.Median.Value) + " to fulfil"
	}
	body += fmt.Sprintf(" · %s · *%.1f h saved*", mxCount(s.Exceptions, "exception"), s.HoursSaved.Value)
	return mxFigureBlock(title, body, s.Requests, mxNeutral)
}

func mxOfficeHoursBlock(title string, o *metrics.OfficeHours) slack.Block {
	if !o.Bookings.Has {
		return mxSection(title + "\nno data")
	}
	c := o.Current
	body := fmt.Sprintf("*%s* of %s", mxCount(c.Bookings, "booking"), mxCount(c.SlotsOffered, "slot"))
	if o.Utilization.Has {
		body += fmt.Sprintf(" (%s used)", mxPercent(o.Utilization.Value))
	}
	if o.Feedback.Has {
		body += fmt.Sprintf(" · feedback %.1f / 5 (%d)", o.Feedback.Value, c.FeedbackN)
	}
	if c.NoShows > 0 {
		body += " · " + mxCount(c.NoShows, "no-show")
	}
	return mxFigureBlock(title, body, o.Bookings, mxNeutral)
}

func mxTeamName(t metrics.Team) string {
	if t.Name != "" {
		return t.Name
	}
	return t.ID
}

func mxOr(f metrics.Figure, format func(float64) string) string {
	if !f.Has {
		return "no data"
	}
	return format(f.Value)
}

// mxSeconds renders a duration in seconds the way people say it.
func mxSeconds(v float64) string {
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

func mxPercent(v float64) string {
	p := v * 100
	if math.Abs(p-math.Round(p)) < 0.05 {
		return fmt.Sprintf("%.0f%%", p)
	}
	return fmt.Sprintf("%.1f%%", p)
}

// mxFrequency says how often deployments happen, in mrkdwn. Below one
// every ten days a rate a day reads as nothing ("0.0 a day · 0.2 a week"
// next to level Medium), so it is said as "1 in 30 days", which matches the
// level's own wording ("at least 1 in 30 days").
func mxFrequency(perDay, perWeek float64) string {
	if rare, ok := mxRare(perDay); ok {
		return "*" + rare + "*"
	}
	return fmt.Sprintf("*%s a day* · %s a week", mxRate(perDay), mxRate(perWeek))
}

// mxRare renders a rate below 0.1 a day as "1 in N days".
func mxRare(perDay float64) (string, bool) {
	if perDay <= 0 || perDay >= 0.1 {
		return "", false
	}
	return fmt.Sprintf("1 in %.0f days", math.Round(1/perDay)), true
}

// mxPerDay is a deployment rate in a few words, for the App Home.
func mxPerDay(perDay float64) string {
	if rare, ok := mxRare(perDay); ok {
		return rare
	}
	return mxRate(perDay) + " a day"
}

func mxRate(v float64) string {
	if v >= 10 || v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

func mxPeople(n int) string {
	if n == 1 {
		return "1 person"
	}
	return fmt.Sprintf("%d people", n)
}

// mxCount says "1 booking", "3 bookings".
func mxCount(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func mxSection(text string) slack.Block {
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, bot.TruncateMrkdwn(text, 3000), false, false), nil, nil)
}

func mxContext(text string) slack.Block {
	return slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, bot.TruncateMrkdwn(text, 3000), false, false))
}

func mxCapitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
