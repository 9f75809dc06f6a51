package officehours

import (
	"fmt"
	"strconv"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/i18n"
	oh "github.com/platformbot/platformbot/officehours"
)

// Action ids and callback ids of the office-hours feature. Buttons that
// share a block get distinct ids ("oh:rate:1" … "oh:rate:5").
const (
	actBook    = "oh:book"    // value: slot key; opens the booking form
	actBlock   = "oh:block"   // value: slot key; host only
	actCancel  = "oh:cancel"  // value: booking id
	actNoShow  = "oh:noshow"  // value: booking id; host only
	actRate    = "oh:rate:"   // + score; value: booking id
	actComment = "oh:comment" // value: booking id; opens the comment form

	ViewBook    = "oh_book"
	ViewComment = "oh_comment"

	listSlots  = 12  // slots in /officehours list (Slack allows 50 blocks)
	modalSlots = 100 // options in the booking form's select (Slack's cap)
	homeSlots  = 5
)

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}
func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

func button(actionID, value, text string) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement(actionID, value, plain(text))
}

func contextBlock(text string) *slack.ContextBlock {
	return slack.NewContextBlock("", mrkdwn(text))
}

// slotBlocks lists slots grouped by day in loc, each with a Book button —
// or a Block button on the viewer's own slots.
func slotBlocks(slots []oh.Slot, viewer string, loc *time.Location) []slack.Block {
	var blocks []slack.Block
	lastDay := ""
	for _, s := range slots {
		start := s.Start.In(loc)
		if d := start.Format("Monday 2 January"); d != lastDay {
			blocks = append(blocks, slack.NewSectionBlock(mrkdwn("*"+d+"*"), nil, nil))
			lastDay = d
		}
		text := fmt.Sprintf("%s–%s with <@%s>", start.Format(timeFormat), s.End.In(loc).Format(timeFormat), s.Host)
		btn := button(actBook, s.Key(), "Book").WithStyle(slack.StylePrimary)
		if s.Host == viewer {
			text = fmt.Sprintf("%s–%s, your slot", start.Format(timeFormat), s.End.In(loc).Format(timeFormat))
			btn = button(actBlock, s.Key(), "Block")
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(text), nil, slack.NewAccessory(btn)))
	}
	return blocks
}

// listReply is the answer to /officehours list; note (optional) goes on
// top, e.g. "that slot was just taken".
func listReply(note string, slots []oh.Slot, viewer string, loc *time.Location) *bot.Reply {
	var blocks []slack.Block
	if note != "" {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(note), nil, nil))
	}
	if len(slots) == 0 {
		text := "There are no free office-hours slots right now. New ones open up every day; try again later."
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(text), nil, nil))
		return bot.SayBlocks(join(note, text), blocks...)
	}
	blocks = append(blocks, slack.NewHeaderBlock(plain("Free office-hours slots")))
	blocks = append(blocks, slotBlocks(slots, viewer, loc)...)
	blocks = append(blocks, contextBlock(fmt.Sprintf("Times in your time zone (%s). `/officehours book` shows every free slot in a form; `/officehours mine` lists your bookings.", zone(loc))))
	return bot.SayBlocks(join(note, fmt.Sprintf("%d free office-hours slots, the first %s", len(slots), formatSlot(slots[0].Start, slots[0].End, loc))), blocks...)
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}

// bookingLine describes a booking from viewer's side.
func bookingLine(b oh.Booking, viewer string, loc *time.Location) string {
	when := "*" + formatSlot(b.Slot.Start, b.Slot.End, loc) + "*"
	var s string
	switch {
	case b.Kind == oh.KindBlock:
		s = when + " — blocked"
	case viewer == b.Slot.Host:
		s = fmt.Sprintf("%s — <@%s> booked your office hours", when, b.Booker)
	default:
		s = fmt.Sprintf("%s with <@%s>", when, b.Slot.Host)
	}
	if b.Topic != "" {
		s += "\n_" + bot.Escape(b.Topic) + "_"
	}
	if b.NoShow() {
		s += "\n:ghost: marked as no-show"
	}
	return s + fmt.Sprintf("  `#%d`", b.ID)
}

// bookingBlocks lists bookings with Cancel (or Unblock) buttons, and a
// No-show button for the host once a session has started.
func bookingBlocks(bs []oh.Booking, viewer string, loc *time.Location, now time.Time) []slack.Block {
	var blocks []slack.Block
	for _, b := range bs {
		id := strconv.FormatInt(b.ID, 10)
		label := "Cancel"
		if b.Kind == oh.KindBlock {
			label = "Unblock"
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(bookingLine(b, viewer, loc)), nil, nil))
		buttons := []slack.BlockElement{button(actCancel, id, label)}
		if viewer == b.Slot.Host && b.Kind == oh.KindBooking && !now.Before(b.Slot.Start) && !b.NoShow() {
			buttons = append(buttons, button(actNoShow, id, "No-show"))
		}
		blocks = append(blocks, slack.NewActionBlock("", buttons...))
	}
	return blocks
}

// mineReply answers /officehours mine.
func mineReply(bs []oh.Booking, viewer string, loc *time.Location, now time.Time) *bot.Reply {
	if len(bs) == 0 {
		return bot.Say("You have no upcoming office hours. `/officehours list` shows the free slots.")
	}
	blocks := []slack.Block{slack.NewHeaderBlock(plain("Your upcoming office hours"))}
	blocks = append(blocks, bookingBlocks(bs, viewer, loc, now)...)
	blocks = append(blocks, contextBlock(fmt.Sprintf("Times in your time zone (%s). Cancel also works as `/officehours cancel ID`.", zone(loc))))
	return bot.SayBlocks(fmt.Sprintf("You have %d upcoming office-hours booking(s).", len(bs)), blocks...)
}

// agendaReply is a host's view of today and tomorrow: bookings with
// Cancel / No-show buttons and their free slots with Block buttons.
func agendaReply(bs []oh.Booking, free []oh.Slot, host string, loc *time.Location, now time.Time) *bot.Reply {
	blocks := []slack.Block{slack.NewHeaderBlock(plain("Your office hours today and tomorrow"))}
	if len(bs) == 0 {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn("Nobody has booked you today or tomorrow."), nil, nil))
	}
	blocks = append(blocks, bookingBlocks(bs, host, loc, now)...)
	if len(free) > 0 {
		blocks = append(blocks, slack.NewDividerBlock(), slack.NewSectionBlock(mrkdwn("*Still free* — block a slot you can't make:"), nil, nil))
		blocks = append(blocks, slotBlocks(free, host, loc)...)
	}
	blocks = append(blocks, contextBlock(fmt.Sprintf("Times in your time zone (%s). `/officehours list` shows everyone's free slots, `/officehours mine` all your upcoming ones.", zone(loc))))
	return bot.SayBlocks(fmt.Sprintf("You have %d office-hours booking(s) today and tomorrow.", len(bs)), blocks...)
}

// bookForm is the booking modal. selected preselects a slot (from a Book
// button); note is shown on top (e.g. "that slot was just taken").
type bookForm struct {
	Slots         []oh.Slot
	Names         map[string]string // host id → display name
	Selected      string            // slot key
	Topic         string
	TopicRequired bool
	Note          string
	Loc           *time.Location
}

func (f bookForm) view() slack.ModalViewRequest {
	var blocks []slack.Block
	if f.Note != "" {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(f.Note), nil, nil))
	}
	if len(f.Slots) == 0 {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn("There are no free slots right now. Please try again later."), nil, nil))
		return slack.ModalViewRequest{Type: slack.VTModal, CallbackID: ViewBook, Title: plain("Office hours"),
			Close: plain("Close"), Blocks: slack.Blocks{BlockSet: blocks}}
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Pick a slot"), "slot", f.options()...)
	for _, o := range sel.Options {
		if o.Value == f.Selected {
			sel.InitialOption = o
		}
	}
	topic := slack.NewPlainTextInputBlockElement(plain("e.g. Our deploys got slow since the runner upgrade"), "topic")
	topic.Multiline, topic.MaxLength, topic.InitialValue = true, 500, f.Topic
	topicBlock := slack.NewInputBlock("topic", plain("What would you like to talk about?"), nil, topic)
	topicBlock.Optional = !f.TopicRequired
	blocks = append(blocks,
		slack.NewInputBlock("slot", plain("Slot"), plain("Times in your time zone ("+zone(f.Loc)+")"), sel),
		topicBlock,
	)
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: ViewBook, Title: plain("Book office hours"),
		Submit: plain("Book"), Close: plain("Cancel"), Blocks: slack.Blocks{BlockSet: blocks},
	}
}

// options lists the slots as "Tue 2 Jun, 14:00–14:30 with Anna" (Slack
// caps option text at 75 characters and a select at 100 options). Each
// option names its day, so the list reads well wherever it is shown.
func (f bookForm) options() []*slack.OptionBlockObject {
	var out []*slack.OptionBlockObject
	for _, s := range f.Slots {
		text := formatSlot(s.Start, s.End, f.Loc) + " with " + f.Names[s.Host]
		if r := []rune(text); len(r) > 75 {
			text = string(r[:74]) + "…"
		}
		out = append(out, slack.NewOptionBlockObject(s.Key(), plain(text), nil))
	}
	return out
}

// bookedView replaces the form once the booking is made.
func bookedView(b oh.Booking, loc *time.Location, remind time.Duration) *slack.ModalViewRequest {
	text := fmt.Sprintf(":white_check_mark: You're booked with <@%s> on *%s* (%s).\n\nI've sent you and your host a DM", b.Slot.Host, formatSlot(b.Slot.Start, b.Slot.End, loc), zone(loc))
	if remind > 0 {
		text += fmt.Sprintf(" and will remind you both %s before", duration(remind))
	}
	text += "."
	return &slack.ModalViewRequest{Type: slack.VTModal, CallbackID: ViewBook, Title: plain("Booked"), Close: plain("Done"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil)}}}
}

// commentView asks for the optional feedback comment, in l.
func commentView(l *i18n.Lang, id int64, current string) slack.ModalViewRequest {
	in := slack.NewPlainTextInputBlockElement(plain(l.T(i18n.OfficeHoursCommentHint)), "comment")
	in.Multiline, in.MaxLength, in.InitialValue = true, 2000, current
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: ViewComment, Title: plain(l.T(i18n.OfficeHoursCommentTitle)),
		Submit: plain(l.T(i18n.OfficeHoursCommentSend)), Close: plain(l.T(i18n.OfficeHoursCommentCancel)), PrivateMetadata: strconv.FormatInt(id, 10),
		Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewInputBlock("comment", plain(l.T(i18n.OfficeHoursCommentLabel)), nil, in)}},
	}
}

// duration renders a lead time: "15 minutes", "1 hour", "1h30m".
func duration(d time.Duration) string {
	switch {
	case d%time.Hour == 0 && d == time.Hour:
		return "1 hour"
	case d%time.Hour == 0:
		return fmt.Sprintf("%d hours", d/time.Hour)
	case d < time.Hour:
		return fmt.Sprintf("%d minutes", d/time.Minute)
	}
	return fmt.Sprintf("%dh%02dm", d/time.Hour, d%time.Hour/time.Minute)
}
