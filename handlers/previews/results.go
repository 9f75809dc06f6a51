package previews

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/i18n"
	pv "github.com/platformbot/platformbot/previews"
)

// barWidth is the length of a full bar in the text charts.
const barWidth = 20

// resultsMessage renders a preview's results for an admin: participants
// over time, seats, team shares, ratings and one page of comments.
func resultsMessage(res pv.Results, loc *time.Location) bot.Message {
	p := res.Preview
	title := "Results: " + p.Name
	blocks := []slack.Block{
		slack.NewHeaderBlock(plain(bot.Truncate(":bar_chart: "+title, 150))),
		note(fmt.Sprintf("`%s` · %s to %s · run by <@%s> · %s", p.ID, day(p.Start), day(p.End), p.Owner, privacyNote(i18n.Fallback(), p.Feedback))), // the results are not translated yet
		section(participantsText(res)),
	}
	if w := weeksText(res.Weeks); w != "" {
		blocks = append(blocks, section(w))
	}
	if t := teamsText(res.Teams); t != "" {
		blocks = append(blocks, section(t))
	}
	if len(p.Feedback.Points) > 0 {
		blocks = append(blocks, section(fmt.Sprintf("*Feedback:* %d asked, %d answered%s", res.Asked, res.Answered, rate(res.Answered, res.Asked))))
	}
	for _, r := range res.Ratings {
		blocks = append(blocks, section(ratingText(r, p.Feedback.MinGroup())))
	}
	blocks = append(blocks, commentBlocks(res, loc)...)
	return bot.Message{Text: fmt.Sprintf("%s — %d participants", bot.Escape(title), res.Participants), Blocks: blocks}
}

func rate(n, of int) string {
	if of == 0 {
		return ""
	}
	return fmt.Sprintf(" (%.0f%%)", 100*float64(n)/float64(of))
}

func participantsText(res pv.Results) string {
	return fmt.Sprintf("*Participants:* %d so far · *%d active* · %d left · %d on the waitlist",
		res.Participants, res.Active, res.Left, res.Waitlisted)
}

func bar(n, maxN int) string {
	if maxN == 0 || n == 0 {
		return ""
	}
	return strings.Repeat("█", max(1, n*barWidth/maxN))
}

// weeksText charts new participants per week.
func weeksText(weeks []pv.WeekCount) string {
	if len(weeks) == 0 {
		return ""
	}
	top := 0
	for _, w := range weeks {
		top = max(top, w.N)
	}
	var b strings.Builder
	b.WriteString("*New participants per week*\n```\n")
	for _, w := range weeks {
		fmt.Fprintf(&b, "%s  %-*s %d\n", w.Week.Format("02 Jan"), barWidth, bar(w.N, top), w.N)
	}
	b.WriteString("```")
	return bot.TruncateMrkdwn(b.String(), 2900)
}

// teamsText lists each team's share of the participants.
func teamsText(teams []pv.TeamShare) string {
	if len(teams) == 0 {
		return ""
	}
	var parts []string
	for _, t := range teams {
		parts = append(parts, fmt.Sprintf("%s %.0f%% (%d)", bot.Escape(t.Name), 100*t.Share, t.N))
	}
	return "*Participants by team:* " + strings.Join(parts, " · ")
}

// ratingText charts one rating question's answers with their mean.
func ratingText(r pv.RatingResult, minN int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*%s*  _(%d answers)_\n", bot.Escape(bot.Truncate(r.Question.Text, 200)), r.N)
	switch {
	case r.N == 0:
		b.WriteString("_No answers yet._")
		return b.String()
	case r.Hidden:
		fmt.Fprintf(&b, "_Fewer than %d answers: not shown (the feedback is anonymous)._", minN)
		return b.String()
	}
	top := 0
	for _, n := range r.Counts {
		top = max(top, n)
	}
	b.WriteString("```\n")
	for v := 5; v >= 1; v-- {
		n := r.Counts[v-1]
		fmt.Fprintf(&b, "%d  %-*s %d\n", v, barWidth, bar(n, top), n)
	}
	b.WriteString("```\n")
	fmt.Fprintf(&b, "Mean *%.1f* of 5", r.Mean)
	return b.String()
}

// commentBlocks lists one page of free-text answers, verbatim (escaped),
// newest first, with Prev/Next buttons.
func commentBlocks(res pv.Results, loc *time.Location) []slack.Block {
	p := res.Preview
	switch {
	case res.CommentCount == 0:
		return nil
	case res.CommentsHidden:
		return []slack.Block{section(fmt.Sprintf("*Comments:* %d, not shown: fewer than %d (the feedback is anonymous).", res.CommentCount, p.Feedback.MinGroup()))}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "*Comments* (%d, newest first)\n", res.CommentCount)
	for _, c := range res.Comments {
		fmt.Fprintf(&b, "> %s\n", strings.ReplaceAll(bot.Escape(bot.Truncate(strings.TrimSpace(c.Text), 400)), "\n", "\n> "))
		var by []string
		if c.UserID != "" {
			by = append(by, "<@"+c.UserID+">")
		}
		if !c.At.IsZero() {
			by = append(by, when(c.At, loc))
		}
		by = append(by, c.Point.Label())
		fmt.Fprintf(&b, "— %s\n", strings.Join(by, " · "))
	}
	blocks := []slack.Block{section(bot.TruncateMrkdwn(b.String(), 2900))}
	if res.Pages > 1 {
		var buttons []slack.BlockElement
		if res.Page > 1 {
			buttons = append(buttons, slack.NewButtonBlockElement(actPage+":prev", p.ID+sep+strconv.Itoa(res.Page-1), plain("‹ Newer")))
		}
		if res.Page < res.Pages {
			buttons = append(buttons, slack.NewButtonBlockElement(actPage+":next", p.ID+sep+strconv.Itoa(res.Page+1), plain("Older ›")))
		}
		blocks = append(blocks, note(fmt.Sprintf("Page %d of %d", res.Page, res.Pages)), slack.NewActionBlock("preview:pages", buttons...))
	}
	return blocks
}
