package previews

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
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

// day renders a preview date (YYYY-MM-DD) as "Mon 2 Mar 2026".
func day(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.Format("Mon 2 Jan 2006")
}

// when renders t with Slack's date token, which every reader sees in their
// own time zone; the fallback uses loc.
func when(t time.Time, loc *time.Location) string {
	return fmt.Sprintf("<!date^%d^{date_short_pretty} at {time}|%s>", t.Unix(), t.In(loc).Format("Mon 2 Jan 15:04 MST"))
}

func name(p pv.Preview) string { return "*" + bot.Escape(p.Name) + "*" }

func joinButton(p pv.Preview, label string) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement(actJoin, p.ID, plain(label)).WithStyle(slack.StylePrimary)
}

func leaveButton(p pv.Preview, label string) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement(actLeave, p.ID, plain(label))
}

// seatsText says how many can join.
func seatsText(p pv.Preview) string {
	if p.MaxParticipants == 0 {
		return "open to everyone"
	}
	return fmt.Sprintf("%d seats (a waitlist opens when they are taken)", p.MaxParticipants)
}

// feedbackText says when participants are asked, and how answers are kept.
func feedbackText(f pv.Feedback) string {
	if len(f.Points) == 0 {
		return ""
	}
	var when []string
	for _, pt := range f.Points {
		when = append(when, pt.Label())
	}
	who := "Answers are not anonymous: the platform team sees who said what."
	if f.Anonymous {
		who = fmt.Sprintf("Answers are anonymous, and results are shown only for groups of at least %d.", f.MinGroup())
	}
	return fmt.Sprintf(":speech_balloon: We'll ask for a quick rating %s. %s", strings.Join(when, " and "), who)
}

// Announcement is what /preview announce posts to the preview's channel.
func Announcement(p pv.Preview) bot.Message {
	blocks := []slack.Block{slack.NewHeaderBlock(plain(bot.Truncate(":test_tube: Preview: "+p.Name, 150)))}
	if d := strings.TrimSpace(p.Description); d != "" {
		blocks = append(blocks, section(bot.TruncateMrkdwn(bot.Escape(d), 2900)))
	}
	facts := fmt.Sprintf("Run by <@%s> · %s to %s · %s", p.Owner, day(p.Start), day(p.End), seatsText(p))
	if p.Automation {
		facts += " · joining turns the feature on for you, leaving turns it off"
	}
	blocks = append(blocks, note(facts))
	if fb := feedbackText(p.Feedback); fb != "" {
		blocks = append(blocks, note(fb))
	}
	blocks = append(blocks, slack.NewActionBlock(stateBlock, joinButton(p, "Join the preview"), leaveButton(p, "Leave")))
	return bot.Message{Text: "Preview: " + bot.Escape(p.Name) + " — join with the button", Blocks: blocks}
}

// automationLine says how far turning the feature on got for someone.
func automationLine(p pv.Preview, part pv.Participant) string {
	switch part.Automation {
	case pv.AutomationPending:
		return ":hourglass_flowing_sand: Turning the feature on for you… (pending)"
	case pv.AutomationEnabled:
		return ":large_green_circle: The feature is on for you (enabled)."
	case pv.AutomationFailed:
		return fmt.Sprintf(":warning: Turning the feature on failed; <@%s> has been told.", p.Owner)
	}
	return ""
}

// membershipMessage answers a join: a seat, or a place on the waitlist.
func membershipMessage(m pv.Membership) bot.Message {
	p, part := m.Preview, m.Participant
	var lines []string
	var button *slack.ButtonBlockElement
	switch part.State {
	case pv.Active:
		head := ":white_check_mark: You're in " + name(p) + " until " + day(p.End) + "."
		if m.Already {
			head = ":white_check_mark: You're already in " + name(p) + " (until " + day(p.End) + ")."
		}
		lines = append(lines, head)
		if a := automationLine(p, part); a != "" {
			lines = append(lines, a)
		}
		if fb := feedbackText(p.Feedback); fb != "" {
			lines = append(lines, fb)
		}
		button = leaveButton(p, "Leave the preview")
	case pv.Waitlisted:
		lines = append(lines, fmt.Sprintf(":hourglass: %s is full. You're number %d on the waitlist; you'll get a DM when a seat frees up.", name(p), part.Position))
		button = leaveButton(p, "Leave the waitlist")
	}
	text := strings.Join(lines, "\n")
	blocks := []slack.Block{section(text)}
	if button != nil {
		blocks = append(blocks, slack.NewActionBlock(stateBlock, button))
	}
	return bot.Message{Text: text, Blocks: blocks}
}

// leftMessage answers a leave.
func leftMessage(m pv.Membership, now time.Time) bot.Message {
	p := m.Preview
	text := ":wave: You left " + name(p) + ". Thanks for trying it!"
	if m.Was == pv.Waitlisted {
		text = ":wave: You left the waitlist of " + name(p) + "."
	}
	if m.Participant.Automation == pv.AutomationLeaving {
		text += " The feature is being turned off for you."
	}
	if p.HasEnded(now) {
		return bot.Message{Text: text, Blocks: []slack.Block{section(text)}}
	}
	return bot.Message{Text: text, Blocks: []slack.Block{section(text), slack.NewActionBlock(stateBlock, joinButton(p, "Join again"))}}
}

// listMessage lists the previews that are open or ended lately, with the
// user's place in each and a button to join or leave.
func listMessage(all []pv.Listing, in map[string]pv.Participant, command string, now time.Time) bot.Message {
	if len(all) == 0 {
		text := "There are no preview programs right now. The platform team announces new ones in their channel."
		return bot.Message{Text: text, Blocks: []slack.Block{section(text)}}
	}
	blocks := []slack.Block{section(":test_tube: *Preview programs* — try platform features before everyone else.")}
	for i, l := range all {
		if i == maxListed {
			blocks = append(blocks, note(fmt.Sprintf("…and %d more.", len(all)-maxListed)))
			break
		}
		blocks = append(blocks, listEntry(l, in[l.ID], now))
	}
	blocks = append(blocks, note(fmt.Sprintf("`%s join ID` joins, `%s leave ID` leaves.", command, command)))
	return bot.Message{Text: "Preview programs", Blocks: blocks}
}

func listEntry(l pv.Listing, part pv.Participant, now time.Time) slack.Block {
	p := l.Preview
	seats := fmt.Sprintf("%d in", l.Active)
	if p.MaxParticipants > 0 {
		seats = fmt.Sprintf("%d of %d seats taken", l.Active, p.MaxParticipants)
	}
	if l.Waitlisted > 0 {
		seats += fmt.Sprintf(", %d waiting", l.Waitlisted)
	}
	text := fmt.Sprintf("%s (`%s`) · %s to %s · %s", name(p), p.ID, day(p.Start), day(p.End), seats)
	if d := strings.TrimSpace(p.Description); d != "" {
		text += "\n" + bot.Escape(bot.Truncate(strings.Join(strings.Fields(d), " "), 200))
	}
	var button *slack.ButtonBlockElement
	switch {
	case p.HasEnded(now):
		text += "\n_Ended._"
	case part.State == pv.Active:
		text += "\n:white_check_mark: You're in."
		button = leaveButton(p, "Leave")
	case part.State == pv.Waitlisted:
		text += fmt.Sprintf("\n:hourglass: You're number %d on the waitlist.", part.Position)
		button = leaveButton(p, "Leave the waitlist")
	default:
		button = joinButton(p, "Join")
	}
	if button == nil {
		return section(bot.TruncateMrkdwn(text, 2900))
	}
	return slack.NewSectionBlock(md(bot.TruncateMrkdwn(text, 2900)), nil, slack.NewAccessory(button))
}

// homeBlocks is the App Home section: the previews I am in or waiting for.
func homeBlocks(mine []pv.Membership) []slack.Block {
	if len(mine) == 0 {
		return nil
	}
	blocks := []slack.Block{slack.NewHeaderBlock(plain("Your preview programs"))}
	for _, m := range mine {
		p, part := m.Preview, m.Participant
		text := name(p) + " · until " + day(p.End)
		button := leaveButton(p, "Leave")
		if part.State == pv.Waitlisted {
			text += fmt.Sprintf("\n:hourglass: Number %d on the waitlist.", part.Position)
			button = leaveButton(p, "Leave the waitlist")
		} else if a := automationLine(p, part); a != "" {
			text += "\n" + a
		}
		blocks = append(blocks, slack.NewSectionBlock(md(text), nil, slack.NewAccessory(button)))
	}
	return blocks
}

// promotedMessage is the DM to someone who got a seat from the waitlist.
func promotedMessage(p pv.Preview, part pv.Participant) bot.Message {
	text := fmt.Sprintf(":tada: A seat freed up in %s — you're in, until %s.", name(p), day(p.End))
	lines := []string{text}
	if p.Automation {
		lines = append(lines, "The feature is being turned on for you; App Home shows when it is.")
	}
	if fb := feedbackText(p.Feedback); fb != "" {
		lines = append(lines, fb)
	}
	body := strings.Join(lines, "\n")
	return bot.Message{Text: "You're in " + bot.Escape(p.Name), Blocks: []slack.Block{section(body), slack.NewActionBlock(stateBlock, leaveButton(p, "Leave the preview"))}}
}

// automationFailedMessage tells the preview's owner that turning the
// feature on (or off) for someone failed for good.
func automationFailedMessage(p pv.Preview, user string, action pv.Action, reason string) bot.Message {
	verb := "on"
	if action == pv.Leave {
		verb = "off"
	}
	text := fmt.Sprintf(":warning: The automation of %s could not turn the feature %s for <@%s>: %s",
		name(p), verb, user, bot.Escape(bot.Truncate(reason, 300)))
	return bot.Message{Text: "Preview automation failed for " + bot.Escape(p.Name), Blocks: []slack.Block{section(text)}}
}

func atoiOr(s string, def int) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return def
	}
	return n
}
