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

func md(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, true, false)
}

func section(s string) *slack.SectionBlock { return slack.NewSectionBlock(md(s), nil, nil) }

func note(s string) *slack.ContextBlock { return slack.NewContextBlock("", md(s)) }

// day renders a preview date (YYYY-MM-DD) in l: "Mon 2 Mar 2026", "Mo.
// 2. März 2026". The date is a calendar day, so it is read in UTC.
func day(l *i18n.Lang, d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return bot.Escape(d)
	}
	return l.T(i18n.PreviewsDay, i18n.Data{"Day": l.Weekday(t, time.UTC), "Year": t.Year()})
}

// span renders a preview's first to last day.
func span(l *i18n.Lang, p pv.Preview) string {
	return l.T(i18n.PreviewsSpan, i18n.Data{"Start": day(l, p.Start), "End": day(l, p.End)})
}

func name(p pv.Preview) string { return "*" + bot.Escape(p.Name) + "*" }

func mention(user string) string { return "<@" + user + ">" }

func joinButton(p pv.Preview, label string) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement(actJoin, p.ID, plain(label)).WithStyle(slack.StylePrimary)
}

func leaveButton(p pv.Preview, label string) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement(actLeave, p.ID, plain(label))
}

// seatsText says how many can join.
func seatsText(l *i18n.Lang, p pv.Preview) string {
	if p.MaxParticipants == 0 {
		return l.T(i18n.PreviewsSeatsOpen)
	}
	return l.N(i18n.PreviewsSeatsCapped, p.MaxParticipants)
}

// pointLabel says when a feedback point is: "after 7 days", "at the end".
func pointLabel(l *i18n.Lang, pt pv.Point) string {
	switch {
	case pt.AtEnd:
		return l.T(i18n.PreviewsPointEnd)
	case pt.After%(24*time.Hour) == 0:
		return l.N(i18n.PreviewsPointDays, int(pt.After/(24*time.Hour)))
	}
	return l.T(i18n.PreviewsPointAfter, i18n.Data{"Duration": l.Duration(pt.After)})
}

// feedbackText says when participants are asked, and how answers are kept.
func feedbackText(l *i18n.Lang, f pv.Feedback) string {
	if len(f.Points) == 0 {
		return ""
	}
	when := pointLabel(l, f.Points[0])
	for _, pt := range f.Points[1:] {
		when = l.T(i18n.PreviewsAnd, i18n.Data{"A": when, "B": pointLabel(l, pt)})
	}
	who := l.T(i18n.PreviewsFeedbackNamed)
	if f.Anonymous {
		who = l.T(i18n.PreviewsFeedbackAnonymous, i18n.Data{"Min": l.Int(f.MinGroup())})
	}
	return l.T(i18n.PreviewsFeedbackPlan, i18n.Data{"When": when, "Who": who})
}

// Announcement is what /preview announce posts to the preview's channel,
// in l (the channel's language).
func Announcement(l *i18n.Lang, p pv.Preview) bot.Message {
	blocks := []slack.Block{slack.NewHeaderBlock(plain(bot.Truncate(l.T(i18n.PreviewsAnnouncementHeader, i18n.Data{"Name": p.Name}), 150)))}
	if d := strings.TrimSpace(p.Description); d != "" {
		blocks = append(blocks, section(bot.TruncateMrkdwn(bot.Escape(d), 2900)))
	}
	facts := l.T(i18n.PreviewsAnnouncementFacts, i18n.Data{"Owner": mention(p.Owner), "Span": span(l, p), "Seats": seatsText(l, p)})
	if p.Automation {
		facts += " · " + l.T(i18n.PreviewsAnnouncementAutomation)
	}
	blocks = append(blocks, note(facts))
	if fb := feedbackText(l, p.Feedback); fb != "" {
		blocks = append(blocks, note(fb))
	}
	blocks = append(blocks, slack.NewActionBlock(stateBlock,
		joinButton(p, l.T(i18n.PreviewsButtonJoinPreview)), leaveButton(p, l.T(i18n.PreviewsButtonLeave))))
	return bot.Message{Text: l.T(i18n.PreviewsAnnouncementText, i18n.Data{"Name": bot.Escape(p.Name)}), Blocks: blocks}
}

// automationLine says how far turning the feature on got for someone.
func automationLine(l *i18n.Lang, p pv.Preview, part pv.Participant) string {
	switch part.Automation {
	case pv.AutomationPending:
		return l.T(i18n.PreviewsAutomationPending)
	case pv.AutomationEnabled:
		return l.T(i18n.PreviewsAutomationEnabled)
	case pv.AutomationFailed:
		return l.T(i18n.PreviewsAutomationFailed, i18n.Data{"Owner": mention(p.Owner)})
	}
	return ""
}

// membershipMessage answers a join: a seat, or a place on the waitlist.
func membershipMessage(l *i18n.Lang, m pv.Membership) bot.Message {
	p, part := m.Preview, m.Participant
	var lines []string
	var button *slack.ButtonBlockElement
	switch part.State {
	case pv.Active:
		head := i18n.PreviewsJoined
		if m.Already {
			head = i18n.PreviewsJoinedAlready
		}
		lines = append(lines, l.T(head, i18n.Data{"Name": name(p), "End": day(l, p.End)}))
		if a := automationLine(l, p, part); a != "" {
			lines = append(lines, a)
		}
		if fb := feedbackText(l, p.Feedback); fb != "" {
			lines = append(lines, fb)
		}
		button = leaveButton(p, l.T(i18n.PreviewsButtonLeavePreview))
	case pv.Waitlisted:
		lines = append(lines, l.T(i18n.PreviewsWaitlisted, i18n.Data{"Name": name(p), "Position": l.Int(part.Position)}))
		button = leaveButton(p, l.T(i18n.PreviewsButtonLeaveWaitlist))
	}
	text := strings.Join(lines, "\n")
	blocks := []slack.Block{section(text)}
	if button != nil {
		blocks = append(blocks, slack.NewActionBlock(stateBlock, button))
	}
	return bot.Message{Text: text, Blocks: blocks}
}

// leftMessage answers a leave.
func leftMessage(l *i18n.Lang, m pv.Membership, now time.Time) bot.Message {
	p := m.Preview
	id := i18n.PreviewsLeft
	if m.Was == pv.Waitlisted {
		id = i18n.PreviewsLeftWaitlist
	}
	text := l.T(id, i18n.Data{"Name": name(p)})
	if m.Participant.Automation == pv.AutomationLeaving {
		text += " " + l.T(i18n.PreviewsTurningOff)
	}
	if p.HasEnded(now) {
		return bot.Message{Text: text, Blocks: []slack.Block{section(text)}}
	}
	return bot.Message{Text: text, Blocks: []slack.Block{section(text), slack.NewActionBlock(stateBlock, joinButton(p, l.T(i18n.PreviewsButtonJoinAgain)))}}
}

// listMessage lists the previews that are open or ended lately, with the
// user's place in each and a button to join or leave.
func listMessage(l *i18n.Lang, all []pv.Listing, in map[string]pv.Participant, command string, now time.Time) bot.Message {
	if len(all) == 0 {
		text := l.T(i18n.PreviewsListEmpty)
		return bot.Message{Text: text, Blocks: []slack.Block{section(text)}}
	}
	blocks := []slack.Block{section(l.T(i18n.PreviewsListHeader))}
	for i, listing := range all {
		if i == maxListed {
			blocks = append(blocks, note(l.N(i18n.PreviewsListMore, len(all)-maxListed)))
			break
		}
		blocks = append(blocks, listEntry(l, listing, in[listing.ID], now))
	}
	blocks = append(blocks, note(l.T(i18n.PreviewsListHint, i18n.Data{"Command": command})))
	return bot.Message{Text: l.T(i18n.PreviewsListText), Blocks: blocks}
}

func listEntry(l *i18n.Lang, listing pv.Listing, part pv.Participant, now time.Time) slack.Block {
	p := listing.Preview
	seats := l.N(i18n.PreviewsListIn, listing.Active)
	if p.MaxParticipants > 0 {
		seats = l.N(i18n.PreviewsListSeats, p.MaxParticipants, i18n.Data{"Active": l.Int(listing.Active)})
	}
	if listing.Waitlisted > 0 {
		seats += ", " + l.N(i18n.PreviewsListWaiting, listing.Waitlisted)
	}
	text := fmt.Sprintf("%s (`%s`) · %s · %s", name(p), p.ID, span(l, p), seats)
	if d := strings.TrimSpace(p.Description); d != "" {
		text += "\n" + bot.Escape(bot.Truncate(strings.Join(strings.Fields(d), " "), 200))
	}
	var button *slack.ButtonBlockElement
	switch {
	case p.HasEnded(now):
		text += "\n" + l.T(i18n.PreviewsListEnded)
	case part.State == pv.Active:
		text += "\n" + l.T(i18n.PreviewsListYouAreIn)
		button = leaveButton(p, l.T(i18n.PreviewsButtonLeave))
	case part.State == pv.Waitlisted:
		text += "\n" + l.T(i18n.PreviewsListPosition, i18n.Data{"Position": l.Int(part.Position)})
		button = leaveButton(p, l.T(i18n.PreviewsButtonLeaveWaitlist))
	default:
		button = joinButton(p, l.T(i18n.PreviewsButtonJoin))
	}
	if button == nil {
		return section(bot.TruncateMrkdwn(text, 2900))
	}
	return slack.NewSectionBlock(md(bot.TruncateMrkdwn(text, 2900)), nil, slack.NewAccessory(button))
}

// homeBlocks is the App Home section: the previews I am in or waiting for.
func homeBlocks(l *i18n.Lang, mine []pv.Membership) []slack.Block {
	if len(mine) == 0 {
		return nil
	}
	blocks := []slack.Block{slack.NewHeaderBlock(plain(l.T(i18n.PreviewsHomeHeader)))}
	for _, m := range mine {
		p, part := m.Preview, m.Participant
		text := l.T(i18n.PreviewsHomeUntil, i18n.Data{"Name": name(p), "End": day(l, p.End)})
		button := leaveButton(p, l.T(i18n.PreviewsButtonLeave))
		if part.State == pv.Waitlisted {
			text += "\n" + l.T(i18n.PreviewsHomePosition, i18n.Data{"Position": l.Int(part.Position)})
			button = leaveButton(p, l.T(i18n.PreviewsButtonLeaveWaitlist))
		} else if a := automationLine(l, p, part); a != "" {
			text += "\n" + a
		}
		blocks = append(blocks, slack.NewSectionBlock(md(text), nil, slack.NewAccessory(button)))
	}
	return blocks
}

// promotedMessage is the DM, in the recipient's language l, to someone
// who got a seat from the waitlist.
func promotedMessage(l *i18n.Lang, p pv.Preview) bot.Message {
	lines := []string{l.T(i18n.PreviewsPromoted, i18n.Data{"Name": name(p), "End": day(l, p.End)})}
	if p.Automation {
		lines = append(lines, l.T(i18n.PreviewsPromotedAutomation))
	}
	if fb := feedbackText(l, p.Feedback); fb != "" {
		lines = append(lines, fb)
	}
	body := strings.Join(lines, "\n")
	return bot.Message{Text: l.T(i18n.PreviewsPromotedText, i18n.Data{"Name": bot.Escape(p.Name)}),
		Blocks: []slack.Block{section(body), slack.NewActionBlock(stateBlock, leaveButton(p, l.T(i18n.PreviewsButtonLeavePreview)))}}
}

// automationFailedMessage tells the preview's owner, in their language l,
// that turning the feature on (or off) for someone failed for good. The
// reason is the receiver's or the outbox's, shown as it came.
func automationFailedMessage(l *i18n.Lang, p pv.Preview, user string, action pv.Action, reason string) bot.Message {
	id := i18n.PreviewsAutomationFailedOn
	if action == pv.Leave {
		id = i18n.PreviewsAutomationFailedOff
	}
	text := l.T(id, i18n.Data{"Name": name(p), "User": mention(user), "Reason": bot.Escape(bot.Truncate(reason, 300))})
	return bot.Message{Text: l.T(i18n.PreviewsAutomationFailedText, i18n.Data{"Name": bot.Escape(p.Name)}), Blocks: []slack.Block{section(text)}}
}

func atoiOr(s string, def int) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return def
	}
	return n
}
