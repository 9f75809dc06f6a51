package pulse

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/surveys"
)

// barWidth is the length of a full bar in the text charts.
const barWidth = 20

// maxComments bounds the comments listed per question in one message.
const maxComments = 15

// resultsMessage renders a run's report. withComments lists free-text
// answers (admins always; the results channel when the survey shares them).
func resultsMessage(res surveys.Results, loc *time.Location, withComments bool) bot.Message {
	run := res.Run
	title := fmt.Sprintf("Results: %s", run.Title)
	blocks := []slack.Block{
		slack.NewHeaderBlock(plain(bot.Truncate(":bar_chart: "+title, 150))),
		slack.NewContextBlock("", markdown(runLine(res, loc))),
	}
	if res.Hidden {
		blocks = append(blocks, slack.NewSectionBlock(markdown(fmt.Sprintf(
			"_Fewer than %d people answered, so no results are shown: with so few answers they could point to individuals._",
			run.MinGroupSize)), nil, nil))
		return bot.Message{Text: title, Blocks: blocks, InChannel: true}
	}
	for _, q := range res.Questions {
		if q.Question.Kind == surveys.Text && !withComments {
			continue
		}
		blocks = append(blocks, slack.NewSectionBlock(markdown(questionResult(q, run.MinGroupSize)), nil, nil))
	}
	if teams := teamLines(res); teams != "" {
		blocks = append(blocks, slack.NewSectionBlock(markdown(teams), nil, nil))
	}
	return bot.Message{Text: title + " — " + rateText(res), Blocks: blocks, InChannel: true}
}

func runLine(res surveys.Results, loc *time.Location) string {
	run := res.Run
	state := "open until " + date(run.ClosesAt, loc)
	if run.State == surveys.Closed {
		state = "closed " + date(run.ClosedAt, loc)
	}
	return fmt.Sprintf("Run #%d · started %s · %s · %s", run.ID, date(run.StartedAt, loc), state, rateText(res))
}

func rateText(res surveys.Results) string {
	return fmt.Sprintf("%d of %d answered (%.0f%%)", res.Responses, res.Asked, 100*res.Rate)
}

// questionResult renders one question: a bar chart of its answers, the mean
// or NPS with the trend, or its comments.
func questionResult(q surveys.QuestionResult, minN int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*%s*  _(%d answers)_\n", bot.Escape(bot.Truncate(q.Question.Text, 200)), q.N)
	if q.Hidden {
		fmt.Fprintf(&b, "_Fewer than %d answers: not shown._", minN)
		return b.String()
	}
	if q.Question.Kind == surveys.Text {
		b.WriteString(commentLines(q.Comments))
		return bot.TruncateMrkdwn(b.String(), 2900)
	}
	b.WriteString("```\n")
	b.WriteString(barChart(q))
	b.WriteString("```\n")
	switch q.Question.Kind {
	case surveys.Scale:
		fmt.Fprintf(&b, "Mean *%.1f* of 5%s", q.Mean, trend(q.Mean, q.PreviousMean, q.HasPrevious, 1, ""))
	case surveys.NPS:
		fmt.Fprintf(&b, "NPS *%+.0f*%s · mean %.1f of 10", q.NPS, trend(q.NPS, q.PreviousNPS, q.HasPrevious, 0, ""), q.Mean)
	}
	return bot.TruncateMrkdwn(b.String(), 2900)
}

// barChart draws one line per answer value: label, bar, count, share.
func barChart(q surveys.QuestionResult) string {
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
		fmt.Fprintf(&b, "%s%s %s%s %3d %3.0f%%\n", bot.Escape(labels[i]), pad,
			strings.Repeat("█", full), strings.Repeat("░", barWidth-full), n, share)
	}
	return b.String()
}

// trend renders the change against the previous run: " ▲0.3 vs previous".
func trend(now, before float64, ok bool, decimals int, unit string) string {
	if !ok {
		return ""
	}
	d := now - before
	format := "%." + strconv.Itoa(decimals) + "f%s"
	switch {
	case math.Abs(d) < math.Pow(10, -float64(decimals))/2:
		return " · = previous run"
	case d > 0:
		return " · ▲" + fmt.Sprintf(format, d, unit) + " vs previous run"
	default:
		return " · ▼" + fmt.Sprintf(format, -d, unit) + " vs previous run"
	}
}

func commentLines(cs []surveys.Comment) string {
	var b strings.Builder
	for i, c := range cs {
		if i == maxComments {
			fmt.Fprintf(&b, "_…and %d more._", len(cs)-maxComments)
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
func teamLines(res surveys.Results) string {
	if len(res.Teams) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("*By team*\n")
	hidden := 0
	for _, t := range res.Teams {
		if t.Hidden {
			hidden++
			continue
		}
		name := t.Name
		if t.Team == "" {
			name = "Other and no team"
		}
		fmt.Fprintf(&b, "• %s: %d answered", bot.Escape(name), t.N)
		if t.HasMean {
			fmt.Fprintf(&b, " · mean *%.1f*", t.Mean)
		}
		if t.HasNPS {
			fmt.Fprintf(&b, " · NPS *%+.0f*", t.NPS)
		}
		b.WriteString("\n")
	}
	if hidden > 0 {
		fmt.Fprintf(&b, "_%d group(s) not shown: too few answers, or shown figures would reveal a small group's by subtraction._", hidden)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// listReply answers /pulse list: each survey, its next run and any open run.
func listReply(all []surveys.Survey, open map[string]surveys.Run, waiting map[int64]bool, now time.Time, loc *time.Location) *bot.Reply {
	if len(all) == 0 {
		return bot.Say("No pulse surveys are configured. The platform team adds them under `surveys:` in the configuration.")
	}
	var b strings.Builder
	b.WriteString("*Pulse surveys*\n")
	for _, s := range all {
		fmt.Fprintf(&b, "• *%s* (`%s`) — ", bot.Escape(s.Title), s.ID)
		if next, ok := s.NextRun(now); ok {
			fmt.Fprintf(&b, "next run %s", date(next, loc))
		} else {
			b.WriteString("sent by hand (`/pulse send " + s.ID + "`)")
		}
		if run, ok := open[s.ID]; ok {
			fmt.Fprintf(&b, " · open now until %s", date(run.ClosesAt, loc))
			if waiting[run.ID] {
				b.WriteString(" · :envelope: waiting for your answer (see your DMs or App Home)")
			}
		}
		b.WriteString("\n")
	}
	return bot.SayBlocks("Pulse surveys", slack.NewSectionBlock(markdown(bot.TruncateMrkdwn(b.String(), 2900)), nil, nil))
}

// homeBlocks is the App Home section: the open runs waiting for the user.
func homeBlocks(runs []surveys.Run, loc *time.Location) []slack.Block {
	if len(runs) == 0 {
		return nil
	}
	blocks := []slack.Block{slack.NewHeaderBlock(plain("Pulse surveys waiting for you"))}
	for _, run := range runs {
		text := fmt.Sprintf("*%s*\n%d question(s) · open until %s", bot.Escape(run.Title), len(run.Questions), date(run.ClosesAt, loc))
		button := slack.NewButtonBlockElement(actForm, strconv.FormatInt(run.ID, 10), plain("Answer")).WithStyle(slack.StylePrimary)
		blocks = append(blocks, slack.NewSectionBlock(markdown(text), nil, slack.NewAccessory(button)))
	}
	return blocks
}
