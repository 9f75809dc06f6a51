package handlers

import (
	"fmt"
	"strconv"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/officehours"
)

// Action ids and callback ids of the office-hours feature. Buttons that
// share a block get distinct ids ("oh:rate:1" … "oh:rate:5").
const (
	ohActBook    = "oh:book"    // value: slot key; opens the booking form
	ohActBlock   = "oh:block"   // value: slot key; host only
	ohActCancel  = "oh:cancel"  // value: booking id
	ohActNoShow  = "oh:noshow"  // value: booking id; host only
	ohActRate    = "oh:rate:"   // + score; value: booking id
	ohActComment = "oh:comment" // value: booking id; opens the comment form

	ohViewBook    = "oh_book"
	ohViewComment = "oh_comment"

	ohListSlots  = 12  // slots in /officehours list (Slack allows 50 blocks)
	ohModalSlots = 100 // options in the booking form's select (Slack's cap)
	ohHomeSlots  = 5
)

func ohMrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}
func ohPlain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

func ohButton(actionID, value, text string) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement(actionID, value, ohPlain(text))
}

func ohContext(text string) *slack.ContextBlock {
	return slack.NewContextBlock("", ohMrkdwn(text))
}

// ohSlotBlocks lists slots grouped by day in loc, each with a Book button —
// or a Block button on the viewer's own slots.
func ohSlotBlocks(slots []officehours.Slot, viewer string, loc *time.Location) []slack.Block {
	var blocks []slack.Block
	lastDay := ""
	for _, s := range slots {
		start := s.Start.In(loc)
		if d := start.Format("Monday 2 January"); d != lastDay {
			blocks = append(blocks, slack.NewSectionBlock(ohMrkdwn("*"+d+"*"), nil, nil))
			lastDay = d
		}
		text := fmt.Sprintf("%s–%s with <@%s>", start.Format(ohTimeFormat), s.End.In(loc).Format(ohTimeFormat), s.Host)
		btn := ohButton(ohActBook, s.Key(), "Book").WithStyle(slack.StylePrimary)
		if s.Host == viewer {
			text = fmt.Sprintf("%s–%s, your slot", start.Format(ohTimeFormat), s.End.In(loc).Format(ohTimeFormat))
			btn = ohButton(ohActBlock, s.Key(), "Block")
		}
		blocks = append(blocks, slack.NewSectionBlock(ohMrkdwn(text), nil, slack.NewAccessory(btn)))
	}
	return blocks
}

// ohListReply is the answer to /officehours list; note (optional) goes on
// top, e.g. "that slot was just taken".
func ohListReply(note string, slots []officehours.Slot, viewer string, loc *time.Location) *bot.Reply {
	var blocks []slack.Block
	if note != "" {
		blocks = append(blocks, slack.NewSectionBlock(ohMrkdwn(note), nil, nil))
	}
	if len(slots) == 0 {
		text := "There are no free office-hours slots right now. New ones open up every day; try again later."
		blocks = append(blocks, slack.NewSectionBlock(ohMrkdwn(text), nil, nil))
		return bot.SayBlocks(ohJoin(note, text), blocks...)
	}
	blocks = append(blocks, slack.NewHeaderBlock(ohPlain("Free office-hours slots")))
	blocks = append(blocks, ohSlotBlocks(slots, viewer, loc)...)
	blocks = append(blocks, ohContext(fmt.Sprintf("Times in your time zone (%s). `/officehours book` shows every free slot in a form; `/officehours mine` lists your bookings.", ohZone(loc))))
	return bot.SayBlocks(ohJoin(note, fmt.Sprintf("%d free office-hours slots, the first %s", len(slots), ohWhen(slots[0].Start, slots[0].End, loc))), blocks...)
}

func ohJoin(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}

// ohBookingLine describes a booking from viewer's side.
func ohBookingLine(b officehours.Booking, viewer string, loc *time.Location) string {
	when := "*" + ohWhen(b.Slot.Start, b.Slot.End, loc) + "*"
	var s string
	switch {
	case b.Kind == officehours.KindBlock:
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

// ohBookingBlocks lists bookings with Cancel (or Unblock) buttons, and a
// No-show button for the host once a session has started.
func ohBookingBlocks(bs []officehours.Booking, viewer string, loc *time.Location, now time.Time) []slack.Block {
	var blocks []slack.Block
	for _, b := range bs {
		id := strconv.FormatInt(b.ID, 10)
		label := "Cancel"
		if b.Kind == officehours.KindBlock {
			label = "Unblock"
		}
		blocks = append(blocks, slack.NewSectionBlock(ohMrkdwn(ohBookingLine(b, viewer, loc)), nil, nil))
		buttons := []slack.BlockElement{ohButton(ohActCancel, id, label)}
		if viewer == b.Slot.Host && b.Kind == officehours.KindBooking && !now.Before(b.Slot.Start) && !b.NoShow() {
			buttons = append(buttons, ohButton(ohActNoShow, id, "No-show"))
		}
		blocks = append(blocks, slack.NewActionBlock("", buttons...))
	}
	return blocks
}

// ohMineReply answers /officehours mine.
func ohMineReply(bs []officehours.Booking, viewer string, loc *time.Location, now time.Time) *bot.Reply {
	if len(bs) == 0 {
		return bot.Say("You have no upcoming office hours. `/officehours list` shows the free slots.")
	}
	blocks := []slack.Block{slack.NewHeaderBlock(ohPlain("Your upcoming office hours"))}
	blocks = append(blocks, ohBookingBlocks(bs, viewer, loc, now)...)
	blocks = append(blocks, ohContext(fmt.Sprintf("Times in your time zone (%s). Cancel also works as `/officehours cancel ID`.", ohZone(loc))))
	return bot.SayBlocks(fmt.Sprintf("You have %d upcoming office-hours booking(s).", len(bs)), blocks...)
}

// ohAgendaReply is a host's view of today and tomorrow: bookings with
// Cancel / No-show buttons and their free slots with Block buttons.
func ohAgendaReply(bs []officehours.Booking, free []officehours.Slot, host string, loc *time.Location, now time.Time) *bot.Reply {
	blocks := []slack.Block{slack.NewHeaderBlock(ohPlain("Your office hours today and tomorrow"))}
	if len(bs) == 0 {
		blocks = append(blocks, slack.NewSectionBlock(ohMrkdwn("Nobody has booked you today or tomorrow."), nil, nil))
	}
	blocks = append(blocks, ohBookingBlocks(bs, host, loc, now)...)
	if len(free) > 0 {
		blocks = append(blocks, slack.NewDividerBlock(), slack.NewSectionBlock(ohMrkdwn("*Still free* — block a slot you can't make:"), nil, nil))
		blocks = append(blocks, ohSlotBlocks(free, host, loc)...)
	}
	blocks = append(blocks, ohContext(fmt.Sprintf("Times in your time zone (%s). `/officehours list` shows everyone's free slots, `/officehours mine` all your upcoming ones.", ohZone(loc))))
	return bot.SayBlocks(fmt.Sprintf("You have %d office-hours booking(s) today and tomorrow.", len(bs)), blocks...)
}

// ohBookForm is the booking modal. selected preselects a slot (from a Book
// button); note is shown on top (e.g. "that slot was just taken").
type ohBookForm struct {
	Slots         []officehours.Slot
	Names         map[string]string // host id → display name
	Selected      string            // slot key
	Topic         string
	TopicRequired bool
	Note          string
	Loc           *time.Location
}

func (f ohBookForm) view() slack.ModalViewRequest {
	var blocks []slack.Block
	if f.Note != "" {
		blocks = append(blocks, slack.NewSectionBlock(ohMrkdwn(f.Note), nil, nil))
	}
	if len(f.Slots) == 0 {
		blocks = append(blocks, slack.NewSectionBlock(ohMrkdwn("There are no free slots right now. Please try again later."), nil, nil))
		return slack.ModalViewRequest{Type: slack.VTModal, CallbackID: ohViewBook, Title: ohPlain("Office hours"),
			Close: ohPlain("Close"), Blocks: slack.Blocks{BlockSet: blocks}}
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, ohPlain("Pick a slot"), "slot", f.options()...)
	for _, o := range sel.Options {
		if o.Value == f.Selected {
			sel.InitialOption = o
		}
	}
	topic := slack.NewPlainTextInputBlockElement(ohPlain("e.g. Our deploys got slow since the runner upgrade"), "topic")
	topic.Multiline, topic.MaxLength, topic.InitialValue = true, 500, f.Topic
	topicBlock := slack.NewInputBlock("topic", ohPlain("What would you like to talk about?"), nil, topic)
	topicBlock.Optional = !f.TopicRequired
	blocks = append(blocks,
		slack.NewInputBlock("slot", ohPlain("Slot"), ohPlain("Times in your time zone ("+ohZone(f.Loc)+")"), sel),
		topicBlock,
	)
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: ohViewBook, Title: ohPlain("Book office hours"),
		Submit: ohPlain("Book"), Close: ohPlain("Cancel"), Blocks: slack.Blocks{BlockSet: blocks},
	}
}

// options lists the slots as "Tue 2 Jun, 14:00–14:30 with Anna" (Slack
// caps option text at 75 characters and a select at 100 options). Each
// option names its day, so the list reads well wherever it is shown.
func (f ohBookForm) options() []*slack.OptionBlockObject {
	var out []*slack.OptionBlockObject
	for _, s := range f.Slots {
		text := ohWhen(s.Start, s.End, f.Loc) + " with " + f.Names[s.Host]
		if r := []rune(text); len(r) > 75 {
			text = string(r[:74]) + "…"
		}
		out = append(out, slack.NewOptionBlockObject(s.Key(), ohPlain(text), nil))
	}
	return out
}

// ohBookedView replaces the form once the booking is made.
func ohBookedView(b officehours.Booking, loc *time.Location, remind time.Duration) *slack.ModalViewRequest {
	text := fmt.Sprintf(":white_check_mark: You're booked with <@%s> on *%s* (%s).\n\nI've sent you and your host a DM", b.Slot.Host, ohWhen(b.Slot.Start, b.Slot.End, loc), ohZone(loc))
	if remind > 0 {
		text += fmt.Sprintf(" and will remind you both %s before", ohDuration(remind))
	}
	text += "."
	return &slack.ModalViewRequest{Type: slack.VTModal, CallbackID: ohViewBook, Title: ohPlain("Booked"), Close: ohPlain("Done"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewSectionBlock(ohMrkdwn(text), nil, nil)}}}
}

// ohCommentView asks for the optional feedback comment.
func ohCommentView(id int64, current string) slack.ModalViewRequest {
	in := slack.NewPlainTextInputBlockElement(ohPlain("What helped, what didn't?"), "comment")
	in.Multiline, in.MaxLength, in.InitialValue = true, 2000, current
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: ohViewComment, Title: ohPlain("Office-hours feedback"),
		Submit: ohPlain("Send"), Close: ohPlain("Cancel"), PrivateMetadata: strconv.FormatInt(id, 10),
		Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewInputBlock("comment", ohPlain("Your comment"), nil, in)}},
	}
}

// ohDuration renders a lead time: "15 minutes", "1 hour", "1h30m".
func ohDuration(d time.Duration) string {
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
