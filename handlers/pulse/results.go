package pulse

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/i18n"
	"github.com/platformbot/platformbot/surveys"
)

// barWidth is the length of a full bar in the text charts.
const barWidth = 20

// maxComments bounds the comments listed per question in one message.
const maxComments = 15

// resultsMessage renders a run's report in l. withComments lists
// free-text answers (admins always; the results channel when the survey
// shares them). The survey's own texts are shown as configured.
func resultsMessage(l *i18n.Lang, res surveys.Results, loc *time.Location, withComments bool) bot.Message {
	run := res.Run
	title := l.T(i18n.PulseResultsTitle, i18n.Data{"Title": run.Title})
	blocks := []slack.Block{
		slack.NewHeaderBlock(plain(bot.Truncate(":bar_chart: "+title, 150))),
		slack.NewContextBlock("", markdown(runLine(l, res, loc))),
	}
	if res.Hidden {
		blocks = append(blocks, slack.NewSectionBlock(markdown(l.N(i18n.PulseResultsHidden, run.MinGroupSize)), nil, nil))
		return bot.Message{Text: title, Blocks: blocks, InChannel: true}
	}
	for _, q := range res.Questions {
		if q.Question.Kind == surveys.Text && !withComments {
			continue
		}
		blocks = append(blocks, slack.NewSectionBlock(markdown(questionResult(l, q, run.MinGroupSize)), nil, nil))
	}
	if teams := teamLines(l, res); teams != "" {
		blocks = append(blocks, slack.NewSectionBlock(markdown(teams), nil, nil))
	}
	return bot.Message{Text: l.T(i18n.PulseResultsText, i18n.Data{"Title": title, "Rate": rateText(l, res)}), Blocks: blocks, InChannel: true}
}

func runLine(l *i18n.Lang, res surveys.Results, loc *time.Location) string {
	run := res.Run
	state := l.T(i18n.PulseResultsOpenUntil, i18n.Data{"Date": dateIn(l, run.ClosesAt, loc)})
	if run.State == surveys.Closed {
		state = l.T(i18n.PulseResultsClosed, i18n.Data{"Date": dateIn(l, run.ClosedAt, loc)})
	}
	return l.T(i18n.PulseResultsRun, i18n.Data{"ID": run.ID, "Started": dateIn(l, run.StartedAt, loc), "State": state, "Rate": rateText(l, res)})
}

func rateText(l *i18n.Lang, res surveys.Results) string {
	return l.T(i18n.PulseResultsRate, i18n.Data{"Responses": l.Int(res.Responses), "Asked": l.Int(res.Asked), "Rate": l.Percent(100*res.Rate, 0)})
}

// questionResult renders one question: a bar chart of its answers, the mean
// or NPS with the trend, or its comments.
func questionResult(l *i18n.Lang, q surveys.QuestionResult, minN int) string {
	var b strings.Builder
	b.WriteString("*" + bot.Escape(bot.Truncate(q.Question.Text, 200)) + "*  " + l.N(i18n.PulseResultsAnswers, q.N) + "\n")
	if q.Hidden {
		b.WriteString(l.N(i18n.PulseResultsTooFew, minN))
		return b.String()
	}
	if q.Question.Kind == surveys.Text {
		b.WriteString(commentLines(l, q.Comments))
		return bot.TruncateMrkdwn(b.String(), 2900)
	}
	b.WriteString("```\n")
	b.WriteString(barChart(l, q))
	b.WriteString("```\n")
	switch q.Question.Kind {
	case surveys.Scale:
		b.WriteString(l.T(i18n.PulseResultsMean, i18n.Data{"Mean": l.Fixed(q.Mean, 1), "Trend": trend(l, q.Mean, q.PreviousMean, q.HasPrevious, 1)}))
	case surveys.NPS:
		b.WriteString(l.T(i18n.PulseResultsNPS, i18n.Data{
			"NPS": l.Signed(q.NPS, 0), "Trend": trend(l, q.NPS, q.PreviousNPS, q.HasPrevious, 0), "Mean": l.Fixed(q.Mean, 1),
		}))
	}
	return bot.TruncateMrkdwn(b.String(), 2900)
}

// barChart draws one line per answer value: label, bar, count, share.
func barChart(l *i18n.Lang, q surveys.QuestionResult) string {
	vals := q.Question.Values()
	width := 0
	labels := make([]string, len(vals))
	for i, v := range vals {
		labels[i] = bot.Truncate(q.Question.Label(v), 24)
		width = max(width, len([]rune(labels[i])))
	}
	most := 1
	for _, n := range q.Counts {
		most = max(most, n)
	}
	shareWidth := len([]rune(l.Percent(100, 0))) // the widest share: the column lines up
	var b strings.Builder
	for i, n := range q.Counts {
		full := int(math.Round(float64(n) / float64(most) * barWidth))
		if n > 0 && full == 0 {
			full = 1
		}
		share := 0.0
		if q.N > 0 {
			share = 100 * float64(n) / float64(q.N)
		}
		pad := strings.Repeat(" ", width-len([]rune(labels[i])))
		fmt.Fprintf(&b, "%s%s %s%s %s %s\n", bot.Escape(labels[i]), pad,
			strings.Repeat("█", full), strings.Repeat("░", barWidth-full), padLeft(l.Int(n), 3), padLeft(l.Percent(share, 0), shareWidth))
	}
	return b.String()
}

func padLeft(s string, width int) string {
	return strings.Repeat(" ", max(0, width-len([]rune(s)))) + s
}

// trend renders the change against the previous run: " · ▲0.3 vs
// previous run".
func trend(l *i18n.Lang, now, before float64, ok bool, decimals int) string {
	if !ok {
		return ""
	}
	d := now - before
	arrow := "▲"
	switch {
	case math.Abs(d) < math.Pow(10, -float64(decimals))/2:
		return l.T(i18n.PulseResultsSame)
	case d < 0:
		arrow = "▼"
	}
	return l.T(i18n.PulseResultsTrend, i18n.Data{"Arrow": arrow, "Delta": l.Fixed(math.Abs(d), decimals)})
}

func commentLines(l *i18n.Lang, cs []surveys.Comment) string {
	var b strings.Builder
	for i, c := range cs {
		if i == maxComments {
			b.WriteString(l.N(i18n.PulseResultsMore, len(cs)-maxComments))
			break
		}
		text := bot.Escape(bot.Truncate(strings.Join(strings.Fields(c.Text), " "), 300))
		if c.UserID != "" {
			fmt.Fprintf(&b, "> %s — <@%s>\n", text, c.UserID)
		} else {
			fmt.Fprintf(&b, "> %s\n", text)
		}
	}
	return b.String()
}

// teamLines renders the team breakdown, hidden groups as a count only.
func teamLines(l *i18n.Lang, res surveys.Results) string {
	if len(res.Teams) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(l.T(i18n.PulseResultsByTeam) + "\n")
	hidden := 0
	for _, t := range res.Teams {
		if t.Hidden {
			hidden++
			continue
		}
		name := bot.Escape(t.Name)
		if t.Team == "" {
			name = l.T(i18n.PulseResultsNoTeam)
		}
		b.WriteString(l.T(i18n.PulseResultsTeam, i18n.Data{"Team": name, "N": l.Int(t.N)}))
		if t.HasMean {
			b.WriteString(l.T(i18n.PulseResultsTeamMean, i18n.Data{"Mean": l.Fixed(t.Mean, 1)}))
		}
		if t.HasNPS {
			b.WriteString(l.T(i18n.PulseResultsTeamNPS, i18n.Data{"NPS": l.Signed(t.NPS, 0)}))
		}
		b.WriteString("\n")
	}
	if hidden > 0 {
		b.WriteString(l.N(i18n.PulseResultsTeamHidden, hidden))
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// listReply answers /pulse list: each survey, its next run and any open run.
func listReply(l *i18n.Lang, command string, all []surveys.Survey, open map[string]surveys.Run, waiting map[int64]bool, now time.Time, loc *time.Location) *bot.Reply {
	if len(all) == 0 {
		return bot.Say(l.T(i18n.PulseListNone))
	}
	title := l.T(i18n.PulseListTitle)
	var b strings.Builder
	b.WriteString("*" + title + "*\n")
	for _, s := range all {
		fmt.Fprintf(&b, "• *%s* (`%s`) — ", bot.Escape(s.Title), s.ID)
		if next, ok := s.NextRun(now); ok {
			b.WriteString(l.T(i18n.PulseListNextRun, i18n.Data{"Date": dateIn(l, next, loc)}))
		} else {
			b.WriteString(l.T(i18n.PulseListByHand, i18n.Data{"Command": command, "ID": s.ID}))
		}
		if run, ok := open[s.ID]; ok {
			b.WriteString(" · " + l.T(i18n.PulseListOpen, i18n.Data{"Closes": dateIn(l, run.ClosesAt, loc)}))
			if waiting[run.ID] {
				b.WriteString(" · " + l.T(i18n.PulseListWaiting))
			}
		}
		b.WriteString("\n")
	}
	return bot.SayBlocks(title, slack.NewSectionBlock(markdown(bot.TruncateMrkdwn(b.String(), 2900)), nil, nil))
}

// homeBlocks is the App Home section: the open runs waiting for the user.
func homeBlocks(runs []surveys.Run, loc *time.Location, l *i18n.Lang) []slack.Block {
	if len(runs) == 0 {
		return nil
	}
	blocks := []slack.Block{slack.NewHeaderBlock(plain(l.T(i18n.PulseHomeTitle)))}
	for _, run := range runs {
		text := l.N(i18n.PulseHomeRun, len(run.Questions), i18n.Data{
			"Title": bot.Escape(run.Title), "Closes": dateIn(l, run.ClosesAt, loc),
		})
		button := slack.NewButtonBlockElement(actForm, strconv.FormatInt(run.ID, 10), plain(l.T(i18n.PulseAnswer))).WithStyle(slack.StylePrimary)
		blocks = append(blocks, slack.NewSectionBlock(markdown(text), nil, slack.NewAccessory(button)))
	}
	return blocks
}
