package ideas

import (
	"fmt"
	"time"

	"github.com/slack-go/slack"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"

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

// statusText is a status with its emoji, as people read it in l.
func statusText(l *i18n.Lang, s dom.Status) string { return statusEmoji[s] + " " + statusLabel(l, s) }

// votesText is "1 vote", "3 votes" in l.
func votesText(l *i18n.Lang, n int) string { return l.N(i18n.IdeasBoardVotes, n) }

// title is "#12 · Title", escaped.
func title(i dom.Idea) string {
	return fmt.Sprintf("#%d · %s", i.ID, bot.Escape(bot.Truncate(i.Title, shownTitle)))
}

// boardView is what the board message shows besides the idea itself.
type boardView struct {
	Idea       dom.Idea
	AuthorTeam string // the author's team's name, "" for none
}

// statusIDs name each status in the board channel's language.
var statusIDs = map[dom.Status]i18n.ID{
	dom.Open: i18n.IdeasBoardStatusOpen, dom.UnderReview: i18n.IdeasBoardStatusUnderReview, dom.Planned: i18n.IdeasBoardStatusPlanned,
	dom.InProgress: i18n.IdeasBoardStatusInProgress, dom.Shipped: i18n.IdeasBoardStatusShipped, dom.Declined: i18n.IdeasBoardStatusDeclined,
	dom.Merged: i18n.IdeasBoardStatusMerged,
}

// stateIDs name each status inside a sentence: "#3 is planned".
var stateIDs = map[dom.Status]i18n.ID{
	dom.Open: i18n.IdeasStateOpen, dom.UnderReview: i18n.IdeasStateUnderReview, dom.Planned: i18n.IdeasStatePlanned,
	dom.InProgress: i18n.IdeasStateInProgress, dom.Shipped: i18n.IdeasStateShipped, dom.Declined: i18n.IdeasStateDeclined,
	dom.Merged: i18n.IdeasStateMerged,
}

// stateText is a status as it reads inside a sentence in l.
func stateText(l *i18n.Lang, s dom.Status) string {
	if id, ok := stateIDs[s]; ok {
		return l.T(id)
	}
	return string(s)
}

// fixed formats v with exactly frac decimals in l's language ("1.50",
// "1,50"): the figures of a score line up, where Lang.Number would drop
// trailing zeros.
func fixed(l *i18n.Lang, v float64, frac int) string {
	return message.NewPrinter(language.Make(l.Code())).Sprint(number.Decimal(v, number.Scale(frac)))
}

// statusLabel is a status as people read it in l.
func statusLabel(l *i18n.Lang, s dom.Status) string {
	if id, ok := statusIDs[s]; ok {
		return l.T(id)
	}
	return s.Label()
}

// dateIn is date with its fallback in l.
func dateIn(l *i18n.Lang, t time.Time) string {
	return fmt.Sprintf("<!date^%d^{date_short_pretty}|%s>", t.Unix(), l.Date(t, time.UTC))
}

// boardMessage is the idea's message in the board channel, in the
// channel's language l: what it is about, its votes and status, and the
// Vote / Unvote buttons while it takes votes. The admin menu stays on
// decided ideas (to reopen them).
func boardMessage(l *i18n.Lang, v boardView) bot.Message {
	i := v.Idea
	if i.Status == dom.Merged {
		return mergedMessage(l, i)
	}
	votes, status := l.N(i18n.IdeasBoardVotes, i.Votes), statusLabel(l, i.Status)
	head := fmt.Sprintf("*%s*\n:ballot_box_with_check: *%s* · %s %s", title(i), votes, statusEmoji[i.Status], status)
	blocks := []slack.Block{
		section(head),
		section("*" + l.T(i18n.IdeasBoardProblem) + "*\n" + bot.TruncateMrkdwn(bot.Escape(i.Problem), shownProblem)),
		section("*" + l.T(i18n.IdeasBoardAffected) + "*\n" + bot.TruncateMrkdwn(bot.Escape(i.Affected), shownAffected)),
		contextBlock(byline(l, i, v.AuthorTeam)),
	}
	if note := statusNote(l, i); note != "" {
		blocks = append(blocks, contextBlock(note))
	}
	var buttons []slack.BlockElement
	if i.Status.Votable() {
		vote := slack.NewButtonBlockElement(actVote, fmt.Sprint(i.ID), plain(l.T(i18n.IdeasBoardVote)))
		vote.Style = slack.StylePrimary
		buttons = append(buttons, vote, slack.NewButtonBlockElement(actUnvote, fmt.Sprint(i.ID), plain(l.T(i18n.IdeasBoardUnvote))))
	}
	buttons = append(buttons, adminMenu(l, i))
	blocks = append(blocks, slack.NewActionBlock("idea_actions", buttons...),
		contextBlock(l.T(i18n.IdeasBoardDiscuss)))
	text := l.T(i18n.IdeasBoardText, i18n.Data{"ID": i.ID, "Title": bot.Escape(bot.Truncate(i.Title, shownTitle)), "Votes": votes, "Status": status})
	return bot.Message{Text: text, Blocks: blocks}
}

// byline says who asked, when, and links what they linked.
func byline(l *i18n.Lang, i dom.Idea, team string) string {
	b := l.T(i18n.IdeasBoardSubmittedBy, i18n.Data{"Author": "<@" + i.Author + ">"})
	if team != "" {
		b += " (" + bot.Escape(team) + ")"
	}
	b += " · " + dateIn(l, i.CreatedAt)
	if i.Link != "" {
		// The domain accepted only http(s) links without <, > or |.
		b += " · <" + bot.Escape(i.Link) + "|" + l.T(i18n.IdeasBoardLink) + ">"
	}
	return b
}

// statusNote is who set the status and why.
func statusNote(l *i18n.Lang, i dom.Idea) string {
	if i.StatusBy == "" {
		return ""
	}
	note := l.T(i18n.IdeasBoardStatusBy, i18n.Data{"Status": statusLabel(l, i.Status), "By": "<@" + i.StatusBy + ">", "Date": dateIn(l, i.StatusAt)})
	if i.Reason != "" {
		note += ": " + bot.TruncateMrkdwn(bot.Escape(i.Reason), shownReason)
	}
	return note
}

// adminMenu is the platform team's overflow menu; others who open it are
// refused (and the refusal is logged).
func adminMenu(l *i18n.Lang, i dom.Idea) *slack.OverflowBlockElement {
	return slack.NewOverflowBlockElement(actAdmin,
		slack.NewOptionBlockObject(fmt.Sprintf("status:%d", i.ID), plain(l.T(i18n.IdeasBoardMenuStatus)), nil),
		slack.NewOptionBlockObject(fmt.Sprintf("merge:%d", i.ID), plain(l.T(i18n.IdeasBoardMenuMerge)), nil),
	)
}

// mergedMessage replaces a duplicate's board message: no buttons, and
// where its votes went.
func mergedMessage(l *i18n.Lang, i dom.Idea) bot.Message {
	return bot.Message{Text: l.T(i18n.IdeasBoardMergedText, i18n.Data{"ID": i.ID, "Into": i.MergedInto}), Blocks: []slack.Block{
		section(fmt.Sprintf("~%s~\n", title(i)) + l.T(i18n.IdeasBoardMerged, i18n.Data{"Emoji": statusEmoji[dom.Merged], "Into": i.MergedInto})),
		contextBlock(l.T(i18n.IdeasBoardMergedBy, i18n.Data{"By": "<@" + i.StatusBy + ">", "Date": dateIn(l, i.StatusAt)})),
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

// threadNote is posted in the idea's thread, in the board channel's
// language l, when its status changes.
func threadNote(l *i18n.Lang, i dom.Idea) bot.Message {
	status := statusLabel(l, i.Status)
	line := l.T(i18n.IdeasBoardThreadStatus, i18n.Data{"Emoji": statusEmoji[i.Status], "Status": status, "By": "<@" + i.StatusBy + ">"})
	if i.Reason != "" {
		line += ": " + bot.TruncateMrkdwn(bot.Escape(i.Reason), shownReason)
	}
	if i.Status.Decided() && i.Votes > 0 {
		line += "\n" + l.N(i18n.IdeasBoardThreadVoters, i.Votes)
	}
	return bot.Message{Text: l.T(i18n.IdeasBoardThreadText, i18n.Data{"ID": i.ID, "Status": status}), Blocks: []slack.Block{section(line)}, ThreadTS: i.TS}
}
