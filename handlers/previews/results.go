package previews

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/i18n"
	pv "github.com/platformbot/platformbot/previews"
)

// barWidth is the length of a full bar in the text charts.
const barWidth = 20

// resultsMessage renders a preview's results for an admin, in l:
// participants over time, seats, team shares, ratings and one page of
// comments.
func resultsMessage(l *i18n.Lang, res pv.Results, loc *time.Location) bot.Message {
	p := res.Preview
	blocks := []slack.Block{
		slack.NewHeaderBlock(plain(bot.Truncate(l.T(i18n.PreviewsResultsHeader, i18n.Data{"Name": p.Name}), 150))),
		note(l.T(i18n.PreviewsResultsFacts, i18n.Data{"ID": p.ID, "Span": span(l, p), "Owner": mention(p.Owner), "Privacy": privacyNote(l, p.Feedback)})),
		section(participantsText(l, res)),
	}
	if w := weeksText(l, res.Weeks); w != "" {
		blocks = append(blocks, section(w))
	}
	if t := teamsText(l, res.Teams); t != "" {
		blocks = append(blocks, section(t))
	}
	if len(p.Feedback.Points) > 0 {
		blocks = append(blocks, section(feedbackLine(l, res)))
	}
	for _, r := range res.Ratings {
		blocks = append(blocks, section(ratingText(l, r, p.Feedback.MinGroup())))
	}
	blocks = append(blocks, commentBlocks(l, res, loc)...)
	title := l.T(i18n.PreviewsResultsTitle, i18n.Data{"Name": bot.Escape(p.Name)})
	return bot.Message{Text: l.N(i18n.PreviewsResultsText, res.Participants, i18n.Data{"Title": title}), Blocks: blocks}
}

// feedbackLine says how many were asked and answered, and the share.
func feedbackLine(l *i18n.Lang, res pv.Results) string {
	data := i18n.Data{"Asked": l.Int(res.Asked), "Answered": l.Int(res.Answered)}
	if res.Asked == 0 {
		return l.T(i18n.PreviewsResultsFeedback, data)
	}
	data["Rate"] = l.Percent(100*float64(res.Answered)/float64(res.Asked), 0)
	return l.T(i18n.PreviewsResultsFeedbackRate, data)
}

func participantsText(l *i18n.Lang, res pv.Results) string {
	return l.T(i18n.PreviewsResultsParticipants, i18n.Data{"Total": l.Int(res.Participants), "Active": l.Int(res.Active),
		"Left": l.Int(res.Left), "Waitlisted": l.Int(res.Waitlisted)})
}

func bar(n, maxN int) string {
	if maxN == 0 || n == 0 {
		return ""
	}
	return strings.Repeat("█", max(1, n*barWidth/maxN))
}

// weeksText charts new participants per week; the weeks' labels are
// padded to one width, as day names differ in length between languages.
func weeksText(l *i18n.Lang, weeks []pv.WeekCount) string {
	if len(weeks) == 0 {
		return ""
	}
	top, width := 0, 0
	labels := make([]string, len(weeks))
	for i, w := range weeks {
		top = max(top, w.N)
		labels[i] = l.DayMonth(w.Week, w.Week.Location())
		width = max(width, utf8.RuneCountInString(labels[i]))
	}
	var b strings.Builder
	b.WriteString(l.T(i18n.PreviewsResultsWeeks) + "\n```\n")
	for i, w := range weeks {
		fmt.Fprintf(&b, "%-*s  %-*s %d\n", width, labels[i], barWidth, bar(w.N, top), w.N)
	}
	b.WriteString("```")
	return bot.TruncateMrkdwn(b.String(), 2900)
}

// teamsText lists each team's share of the participants.
func teamsText(l *i18n.Lang, teams []pv.TeamShare) string {
	if len(teams) == 0 {
		return ""
	}
	var parts []string
	for _, t := range teams {
		team := bot.Escape(t.Name)
		if t.Team == "" {
			team = l.T(i18n.PreviewsResultsNoTeam)
		}
		parts = append(parts, l.T(i18n.PreviewsResultsTeam, i18n.Data{"Name": team, "Share": l.Percent(100*t.Share, 0), "N": l.Int(t.N)}))
	}
	return l.T(i18n.PreviewsResultsTeams, i18n.Data{"Teams": strings.Join(parts, " · ")})
}

// ratingText charts one rating question's answers with their mean.
func ratingText(l *i18n.Lang, r pv.RatingResult, minN int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*%s*  _%s_\n", bot.Escape(bot.Truncate(r.Question.Text, 200)), l.N(i18n.PreviewsResultsAnswers, r.N))
	switch {
	case r.N == 0:
		b.WriteString(l.T(i18n.PreviewsResultsNoAnswers))
		return b.String()
	case r.Hidden:
		b.WriteString(l.T(i18n.PreviewsResultsHidden, i18n.Data{"Min": l.Int(minN)}))
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
	b.WriteString(l.T(i18n.PreviewsResultsMean, i18n.Data{"Mean": l.Fixed(r.Mean, 1)}))
	return b.String()
}

// commentBlocks lists one page of free-text answers, verbatim (escaped),
// newest first, with Prev/Next buttons.
func commentBlocks(l *i18n.Lang, res pv.Results, loc *time.Location) []slack.Block {
	p := res.Preview
	switch {
	case res.CommentCount == 0:
		return nil
	case res.CommentsHidden:
		return []slack.Block{section(l.T(i18n.PreviewsResultsCommentsHidden, i18n.Data{"Count": l.Int(res.CommentCount), "Min": l.Int(p.Feedback.MinGroup())}))}
	}
	var b strings.Builder
	b.WriteString(l.T(i18n.PreviewsResultsComments, i18n.Data{"Count": l.Int(res.CommentCount)}) + "\n")
	for _, c := range res.Comments {
		fmt.Fprintf(&b, "> %s\n", strings.ReplaceAll(bot.Escape(bot.Truncate(strings.TrimSpace(c.Text), 400)), "\n", "\n> "))
		var by []string
		if c.UserID != "" {
			by = append(by, mention(c.UserID))
		}
		if !c.At.IsZero() {
			by = append(by, l.SlackDate(c.At, loc))
		}
		by = append(by, pointLabel(l, c.Point))
		fmt.Fprintf(&b, "— %s\n", strings.Join(by, " · "))
	}
	blocks := []slack.Block{section(bot.TruncateMrkdwn(b.String(), 2900))}
	if res.Pages > 1 {
		var buttons []slack.BlockElement
		if res.Page > 1 {
			buttons = append(buttons, slack.NewButtonBlockElement(actPage+":prev", p.ID+sep+strconv.Itoa(res.Page-1), plain(l.T(i18n.PreviewsResultsNewer))))
		}
		if res.Page < res.Pages {
			buttons = append(buttons, slack.NewButtonBlockElement(actPage+":next", p.ID+sep+strconv.Itoa(res.Page+1), plain(l.T(i18n.PreviewsResultsOlder))))
		}
		blocks = append(blocks, note(l.T(i18n.PreviewsResultsPage, i18n.Data{"Page": l.Int(res.Page), "Pages": l.Int(res.Pages)})), slack.NewActionBlock("preview:pages", buttons...))
	}
	return blocks
}
