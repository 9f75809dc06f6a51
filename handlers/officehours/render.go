package officehours

import (
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

// words renders the replies, forms and lists of office hours in one
// language, naming the command as registered.
type words struct {
	l       *i18n.Lang
	command string
}

// when renders a slot in w's language: "Tue 2 Jun, 14:00–14:30".
func (w words) when(start, end time.Time, loc *time.Location) string {
	return formatSlotIn(w.l, start, end, loc)
}

// footer is the context line under a list: the zone and the hints.
func (w words) footer(id i18n.ID, loc *time.Location) slack.Block {
	return contextBlock(w.l.T(id, i18n.Data{"Zone": zone(loc), "Command": w.command}))
}

// slotBlocks lists slots grouped by day in loc, each with a Book button —
// or a Block button on the viewer's own slots.
func (w words) slotBlocks(slots []oh.Slot, viewer string, loc *time.Location) []slack.Block {
	var blocks []slack.Block
	lastDay := ""
	for _, s := range slots {
		start, end := s.Start.In(loc), s.End.In(loc)
		if d := w.l.Weekday(start, loc); d != lastDay {
			blocks = append(blocks, slack.NewSectionBlock(mrkdwn("*"+d+"*"), nil, nil))
			lastDay = d
		}
		data := i18n.Data{"Start": start.Format(timeFormat), "End": end.Format(timeFormat), "Host": "<@" + s.Host + ">"}
		text := w.l.T(i18n.OfficeHoursSlotWith, data)
		btn := button(actBook, s.Key(), w.l.T(i18n.OfficeHoursButtonBook)).WithStyle(slack.StylePrimary)
		if s.Host == viewer {
			text = w.l.T(i18n.OfficeHoursSlotOwn, data)
			btn = button(actBlock, s.Key(), w.l.T(i18n.OfficeHoursButtonBlock))
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(text), nil, slack.NewAccessory(btn)))
	}
	return blocks
}

// listReply is the answer to /officehours list.
func (w words) listReply(slots []oh.Slot, viewer string, loc *time.Location) *bot.Reply {
	if len(slots) == 0 {
		text := w.l.T(i18n.OfficeHoursListEmpty)
		return bot.SayBlocks(text, slack.NewSectionBlock(mrkdwn(text), nil, nil))
	}
	blocks := []slack.Block{slack.NewHeaderBlock(plain(w.l.T(i18n.OfficeHoursListTitle)))}
	blocks = append(blocks, w.slotBlocks(slots, viewer, loc)...)
	blocks = append(blocks, w.footer(i18n.OfficeHoursListFooter, loc))
	summary := w.l.N(i18n.OfficeHoursListSummary, len(slots), i18n.Data{"When": w.when(slots[0].Start, slots[0].End, loc)})
	return bot.SayBlocks(summary, blocks...)
}

// bookingLine describes a booking from viewer's side.
func (w words) bookingLine(b oh.Booking, viewer string, loc *time.Location) string {
	data := i18n.Data{"When": w.when(b.Slot.Start, b.Slot.End, loc), "Booker": "<@" + b.Booker + ">", "Host": "<@" + b.Slot.Host + ">"}
	var s string
	switch {
	case b.Kind == oh.KindBlock:
		s = w.l.T(i18n.OfficeHoursLineBlocked, data)
	case viewer == b.Slot.Host:
		s = w.l.T(i18n.OfficeHoursLineHost, data)
	default:
		s = w.l.T(i18n.OfficeHoursLineBooker, data)
	}
	if b.Topic != "" {
		s += "\n_" + bot.Escape(b.Topic) + "_"
	}
	if b.NoShow() {
		s += "\n" + w.l.T(i18n.OfficeHoursLineNoShow)
	}
	return s + "  `#" + strconv.FormatInt(b.ID, 10) + "`"
}

// bookingBlocks lists bookings with Cancel (or Unblock) buttons, and a
// No-show button for the host once a session has started.
func (w words) bookingBlocks(bs []oh.Booking, viewer string, loc *time.Location, now time.Time) []slack.Block {
	var blocks []slack.Block
	for _, b := range bs {
		id := strconv.FormatInt(b.ID, 10)
		label := w.l.T(i18n.OfficeHoursCancel)
		if b.Kind == oh.KindBlock {
			label = w.l.T(i18n.OfficeHoursButtonUnblock)
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(w.bookingLine(b, viewer, loc)), nil, nil))
		buttons := []slack.BlockElement{button(actCancel, id, label)}
		if viewer == b.Slot.Host && b.Kind == oh.KindBooking && !now.Before(b.Slot.Start) && !b.NoShow() {
			buttons = append(buttons, button(actNoShow, id, w.l.T(i18n.OfficeHoursButtonNoShow)))
		}
		blocks = append(blocks, slack.NewActionBlock("", buttons...))
	}
	return blocks
}

// mineReply answers /officehours mine.
func (w words) mineReply(bs []oh.Booking, viewer string, loc *time.Location, now time.Time) *bot.Reply {
	if len(bs) == 0 {
		return bot.Say(w.l.T(i18n.OfficeHoursMineEmpty, i18n.Data{"Command": w.command}))
	}
	blocks := []slack.Block{slack.NewHeaderBlock(plain(w.l.T(i18n.OfficeHoursMineTitle)))}
	blocks = append(blocks, w.bookingBlocks(bs, viewer, loc, now)...)
	blocks = append(blocks, w.footer(i18n.OfficeHoursMineFooter, loc))
	return bot.SayBlocks(w.l.N(i18n.OfficeHoursMineSummary, len(bs)), blocks...)
}

// agendaReply is a host's view of today and tomorrow: bookings with
// Cancel / No-show buttons and their free slots with Block buttons.
func (w words) agendaReply(bs []oh.Booking, free []oh.Slot, host string, loc *time.Location, now time.Time) *bot.Reply {
	blocks := []slack.Block{slack.NewHeaderBlock(plain(w.l.T(i18n.OfficeHoursAgendaTitle)))}
	if len(bs) == 0 {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(w.l.T(i18n.OfficeHoursAgendaEmpty)), nil, nil))
	}
	blocks = append(blocks, w.bookingBlocks(bs, host, loc, now)...)
	if len(free) > 0 {
		blocks = append(blocks, slack.NewDividerBlock(), slack.NewSectionBlock(mrkdwn(w.l.T(i18n.OfficeHoursAgendaFree)), nil, nil))
		blocks = append(blocks, w.slotBlocks(free, host, loc)...)
	}
	blocks = append(blocks, w.footer(i18n.OfficeHoursAgendaFooter, loc))
	return bot.SayBlocks(w.l.N(i18n.OfficeHoursAgendaSummary, len(bs)), blocks...)
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
	L             *i18n.Lang // the language of the person booking
}

func (f bookForm) view() slack.ModalViewRequest {
	l := f.L
	if l == nil {
		l = i18n.Fallback()
	}
	var blocks []slack.Block
	if f.Note != "" {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(f.Note), nil, nil))
	}
	if len(f.Slots) == 0 {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(l.T(i18n.OfficeHoursFormEmpty)), nil, nil))
		return slack.ModalViewRequest{Type: slack.VTModal, CallbackID: ViewBook, Title: plain(l.T(i18n.OfficeHoursFormEmptyTitle)),
			Close: plain(l.T(i18n.OfficeHoursFormClose)), Blocks: slack.Blocks{BlockSet: blocks}}
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(l.T(i18n.OfficeHoursFormSlotPick)), "slot", f.options(l)...)
	for _, o := range sel.Options {
		if o.Value == f.Selected {
			sel.InitialOption = o
		}
	}
	topic := slack.NewPlainTextInputBlockElement(plain(l.T(i18n.OfficeHoursFormTopicHint)), "topic")
	topic.Multiline, topic.MaxLength, topic.InitialValue = true, 500, f.Topic
	topicBlock := slack.NewInputBlock("topic", plain(l.T(i18n.OfficeHoursFormTopic)), nil, topic)
	topicBlock.Optional = !f.TopicRequired
	blocks = append(blocks,
		slack.NewInputBlock("slot", plain(l.T(i18n.OfficeHoursFormSlot)), plain(l.T(i18n.OfficeHoursFormSlotHint, i18n.Data{"Zone": zone(f.Loc)})), sel),
		topicBlock,
	)
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: ViewBook, Title: plain(l.T(i18n.OfficeHoursFormTitle)),
		Submit: plain(l.T(i18n.OfficeHoursFormSubmit)), Close: plain(l.T(i18n.OfficeHoursFormCancel)), Blocks: slack.Blocks{BlockSet: blocks},
	}
}

// options lists the slots as "Tue 2 Jun, 14:00–14:30 with Anna" (Slack
// caps option text at 75 characters and a select at 100 options). Each
// option names its day, so the list reads well wherever it is shown.
func (f bookForm) options(l *i18n.Lang) []*slack.OptionBlockObject {
	var out []*slack.OptionBlockObject
	for _, s := range f.Slots {
		text := l.T(i18n.OfficeHoursFormOption, i18n.Data{"When": formatSlotIn(l, s.Start, s.End, f.Loc), "Host": f.Names[s.Host]})
		if r := []rune(text); len(r) > 75 {
			text = string(r[:74]) + "…"
		}
		out = append(out, slack.NewOptionBlockObject(s.Key(), plain(text), nil))
	}
	return out
}

// bookedView replaces the form once the booking is made, in l.
func bookedView(l *i18n.Lang, b oh.Booking, loc *time.Location, remind time.Duration) *slack.ModalViewRequest {
	text := l.T(i18n.OfficeHoursBookedText, i18n.Data{"Host": "<@" + b.Slot.Host + ">", "When": formatSlotIn(l, b.Slot.Start, b.Slot.End, loc), "Zone": zone(loc)})
	if remind > 0 {
		text += "\n\n" + l.T(i18n.OfficeHoursBookedDMRemind, i18n.Data{"Before": leadTime(l, remind)})
	} else {
		text += "\n\n" + l.T(i18n.OfficeHoursBookedDM)
	}
	return &slack.ModalViewRequest{Type: slack.VTModal, CallbackID: ViewBook, Title: plain(l.T(i18n.OfficeHoursBookedTitle)), Close: plain(l.T(i18n.OfficeHoursBookedDone)),
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
