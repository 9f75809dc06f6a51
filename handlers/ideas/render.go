package ideas

import (
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/i18n"
	dom "github.com/platformbot/platformbot/ideas"
)

// Action ids of the board message and the App Home.
const (
	actVote   = "ideas:vote"
	actUnvote = "ideas:unvote"
	actAdmin  = "ideas:admin" // the overflow menu: set status, merge
	actNew    = "ideas:new"   // "Submit an idea" in the App Home
)

// Lengths of user text shown in messages (characters of mrkdwn).
const (
	shownProblem  = 1200
	shownAffected = 400
	shownReason   = 500
	shownTitle    = 150
)

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func section(text string) *slack.SectionBlock { return slack.NewSectionBlock(mrkdwn(text), nil, nil) }

func contextBlock(text string) *slack.ContextBlock { return slack.NewContextBlock("", mrkdwn(text)) }

// statusEmoji marks each status in messages and lists.
var statusEmoji = map[dom.Status]string{
	dom.Open: ":new:", dom.UnderReview: ":mag:", dom.Planned: ":spiral_calendar_pad:", dom.InProgress: ":hammer_and_wrench:",
	dom.Shipped: ":rocket:", dom.Declined: ":no_entry_sign:", dom.Merged: ":twisted_rightwards_arrows:",
}

func statusText(s dom.Status) string { return statusEmoji[s] + " " + s.Label() }

func votesText(n int) string {
	if n == 1 {
		return "1 vote"
	}
	return fmt.Sprintf("%d votes", n)
}

// title is "#12 · Title", escaped.
func title(i dom.Idea) string {
	return fmt.Sprintf("#%d · %s", i.ID, bot.Escape(bot.Truncate(i.Title, shownTitle)))
}

// date renders t with Slack's date token, so each reader sees their zone;
// the fallback is UTC.
func date(t time.Time) string {
	return fmt.Sprintf("<!date^%d^{date_short_pretty}|%s>", t.Unix(), t.UTC().Format("2 Jan 2006"))
}

// boardView is what the board message shows besides the idea itself.
type boardView struct {
	Idea       dom.Idea
	AuthorTeam string // the author's team's name, "" for none
}

// boardMessage is the idea's message in the board channel: what it is
// about, its votes and status, and the Vote / Unvote buttons while it
// takes votes. The admin menu stays on decided ideas (to reopen them).
func boardMessage(v boardView) bot.Message {
	i := v.Idea
	if i.Status == dom.Merged {
		return mergedMessage(i)
	}
	head := fmt.Sprintf("*%s*\n:ballot_box_with_check: *%s* · %s", title(i), votesText(i.Votes), statusText(i.Status))
	blocks := []slack.Block{
		section(head),
		section("*Problem*\n" + bot.TruncateMrkdwn(bot.Escape(i.Problem), shownProblem)),
		section("*Who is affected*\n" + bot.TruncateMrkdwn(bot.Escape(i.Affected), shownAffected)),
		contextBlock(byline(i, v.AuthorTeam)),
	}
	if note := statusNote(i); note != "" {
		blocks = append(blocks, contextBlock(note))
	}
	var buttons []slack.BlockElement
	if i.Status.Votable() {
		vote := slack.NewButtonBlockElement(actVote, fmt.Sprint(i.ID), plain("Vote"))
		vote.Style = slack.StylePrimary
		buttons = append(buttons, vote, slack.NewButtonBlockElement(actUnvote, fmt.Sprint(i.ID), plain("Unvote")))
	}
	buttons = append(buttons, adminMenu(i))
	blocks = append(blocks, slack.NewActionBlock("idea_actions", buttons...),
		contextBlock(":speech_balloon: Discuss it in this message's thread."))
	text := fmt.Sprintf("Idea #%d: %s — %s, %s", i.ID, bot.Escape(bot.Truncate(i.Title, shownTitle)), votesText(i.Votes), i.Status.Label())
	return bot.Message{Text: text, Blocks: blocks}
}

// byline says who asked, when, and links what they linked.
func byline(i dom.Idea, team string) string {
	b := fmt.Sprintf("Submitted by <@%s>", i.Author)
	if team != "" {
		b += " (" + bot.Escape(team) + ")"
	}
	b += " · " + date(i.CreatedAt)
	if i.Link != "" {
		// The domain accepted only http(s) links without <, > or |.
		b += " · <" + bot.Escape(i.Link) + "|link>"
	}
	return b
}

// statusNote is who set the status and why.
func statusNote(i dom.Idea) string {
	if i.StatusBy == "" {
		return ""
	}
	note := fmt.Sprintf("%s by <@%s> %s", i.Status.Label(), i.StatusBy, date(i.StatusAt))
	if i.Reason != "" {
		note += ": " + bot.TruncateMrkdwn(bot.Escape(i.Reason), shownReason)
	}
	return note
}

// adminMenu is the platform team's overflow menu; others who open it are
// refused (and the refusal is logged).
func adminMenu(i dom.Idea) *slack.OverflowBlockElement {
	return slack.NewOverflowBlockElement(actAdmin,
		slack.NewOptionBlockObject(fmt.Sprintf("status:%d", i.ID), plain("Set status… (platform team)"), nil),
		slack.NewOptionBlockObject(fmt.Sprintf("merge:%d", i.ID), plain("Merge into another idea… (platform team)"), nil),
	)
}

// mergedMessage replaces a duplicate's board message: no buttons, and
// where its votes went.
func mergedMessage(i dom.Idea) bot.Message {
	text := fmt.Sprintf("Idea #%d was merged into #%d", i.ID, i.MergedInto)
	return bot.Message{Text: text, Blocks: []slack.Block{
		section(fmt.Sprintf("~%s~\n%s Merged into *#%d*: its votes moved there (nobody counts twice), so vote for #%d.",
			title(i), statusEmoji[dom.Merged], i.MergedInto, i.MergedInto)),
		contextBlock(fmt.Sprintf("Merged by <@%s> %s", i.StatusBy, date(i.StatusAt))),
	}}
}

// decisionDM tells a voter that an idea they voted for shipped or was
// declined.
func decisionDM(l *i18n.Lang, i dom.Idea, channel string) bot.Message {
	line, text := i18n.IdeasDeclinedDM, i18n.IdeasDeclinedText
	if i.Status == dom.Shipped {
		line, text = i18n.IdeasShippedDM, i18n.IdeasShippedText
	}
	blocks := []slack.Block{section(l.T(line, i18n.Data{"Title": title(i)}))}
	if i.Reason != "" {
		blocks = append(blocks, section(fmt.Sprintf("<@%s>: %s", i.StatusBy, bot.TruncateMrkdwn(bot.Escape(i.Reason), shownReason))))
	}
	where := l.T(i18n.IdeasThanksVoting)
	if channel != "" {
		where = l.T(i18n.IdeasThanksThread, i18n.Data{"Channel": "<#" + channel + ">"})
	}
	return bot.Message{Text: l.T(text, i18n.Data{"ID": i.ID}), Blocks: append(blocks, contextBlock(where))}
}

// threadNote is posted in the idea's thread when its status changes.
func threadNote(i dom.Idea) bot.Message {
	line := fmt.Sprintf("Status: %s *%s* (set by <@%s>)", statusEmoji[i.Status], i.Status.Label(), i.StatusBy)
	if i.Reason != "" {
		line += ": " + bot.TruncateMrkdwn(bot.Escape(i.Reason), shownReason)
	}
	switch {
	case !i.Status.Decided() || i.Votes == 0:
	case i.Votes == 1:
		line += "\nThe voter got a DM."
	default:
		line += fmt.Sprintf("\nEach of the %d voters got a DM.", i.Votes)
	}
	return bot.Message{Text: fmt.Sprintf("Idea #%d is now %s", i.ID, i.Status.Label()), Blocks: []slack.Block{section(line)}, ThreadTS: i.TS}
}
