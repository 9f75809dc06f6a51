package officehours

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/i18n"
	oh "github.com/platformbot/platformbot/officehours"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/outbox/slacksend"
)

// Kinds of pending sends of office hours; all are DMs.
const (
	DMKind       = "officehours.dm"       // booked, cancelled
	ReminderKind = "officehours.reminder" // skipped if cancelled or started meanwhile
	FeedbackKind = "officehours.feedback" // skipped if cancelled or a no-show
)

// Notifier implements oh.Notifier by queueing DMs in
// the outbox. Each recipient reads the time in their own Slack time zone.
type Notifier struct {
	people         *profiles
	out            *outbox.Dispatcher
	reminderBefore time.Duration
	languages      *i18n.Chooser // nil: English
	handler        *Handler      // for the command as registered
}

var _ oh.Notifier = (*Notifier)(nil)

// registerSends tells the outbox how office-hours DMs are delivered; the
// reminder and the feedback question are checked against the booking
// right before they go out.
func (h *Handler) registerSends() {
	post := slacksend.Posts(h.slack)
	h.Outbox.Handle(DMKind, outbox.Handler{Deliver: post, InOrder: true})
	h.Outbox.Handle(ReminderKind, outbox.Handler{Deliver: post, InOrder: true, Before: h.beforeReminder})
	h.Outbox.Handle(FeedbackKind, outbox.Handler{Deliver: post, InOrder: true, Before: h.beforeFeedback})
}

func (h *Handler) beforeReminder(ctx context.Context, s outbox.Send) (bool, string, error) {
	id, err := sendBooking(s.Key)
	if err != nil {
		return false, err.Error(), nil
	}
	return h.Service.ShouldRemind(ctx, id)
}

func (h *Handler) beforeFeedback(ctx context.Context, s outbox.Send) (bool, string, error) {
	id, err := sendBooking(s.Key)
	if err != nil {
		return false, err.Error(), nil
	}
	return h.Service.ShouldAskFeedback(ctx, id)
}

// sendKey is kind:booking[:what]; sendBooking reads the booking back.
func sendKey(kind string, id int64, what string) string {
	key := kind + ":" + strconv.FormatInt(id, 10)
	if what != "" {
		key += ":" + what
	}
	return key
}

func sendBooking(key string) (int64, error) {
	parts := strings.Split(key, ":")
	if len(parts) < 2 {
		return 0, fmt.Errorf("office hours: bad send key %q", key)
	}
	id, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("office hours: bad send key %q", key)
	}
	return id, nil
}

// dm queues msg to user's DM with the app under key.
func (n *Notifier) dm(ctx context.Context, kind, key, user string, msg bot.Message) error {
	s, err := slacksend.NewPost(kind, key, user, msg)
	if err != nil {
		return err
	}
	if _, err := n.out.Enqueue(ctx, s); err != nil {
		return fmt.Errorf("office hours: DM to %s: %w", user, err)
	}
	return nil
}

func section(text string) slack.Block { return slack.NewSectionBlock(mrkdwn(text), nil, nil) }

func topicLine(b oh.Booking) string {
	if b.Topic == "" {
		return ""
	}
	return "\n>" + bot.Escape(b.Topic)
}

// Booked confirms a booking to both sides, each in their language and
// zone, with a Cancel button each.
func (n *Notifier) Booked(ctx context.Context, b oh.Booking) error {
	locB, lB := n.people.location(ctx, b.Booker), n.languages.User(ctx, b.Booker)
	textB := lB.T(i18n.OfficeHoursBookedBooker, i18n.Data{
		"Host": "<@" + b.Slot.Host + ">", "When": formatSlotIn(lB, b.Slot.Start, b.Slot.End, locB), "Zone": zone(locB), "Topic": topicLine(b),
	})
	if n.reminderBefore > 0 {
		textB += "\n" + lB.T(i18n.OfficeHoursBookedRemind, i18n.Data{"Before": leadTime(lB, n.reminderBefore)})
	}
	locH, lH := n.people.location(ctx, b.Slot.Host), n.languages.User(ctx, b.Slot.Host)
	textH := lH.T(i18n.OfficeHoursBookedHost, i18n.Data{
		"Booker": "<@" + b.Booker + ">", "When": formatSlotIn(lH, b.Slot.Start, b.Slot.End, locH), "Zone": zone(locH), "Topic": topicLine(b),
	})
	return errors.Join(
		n.dm(ctx, DMKind, sendKey("officehours.booked", b.ID, string(oh.Booker)), b.Booker,
			bot.Message{Text: textB, Blocks: []slack.Block{section(textB), cancelActions(b, lB)}}),
		n.dm(ctx, DMKind, sendKey("officehours.booked", b.ID, string(oh.Host)), b.Slot.Host,
			bot.Message{Text: textH, Blocks: []slack.Block{section(textH), cancelActions(b, lH)}}),
	)
}

func cancelActions(b oh.Booking, l *i18n.Lang) slack.Block {
	return slack.NewActionBlock("", button(actCancel, strconv.FormatInt(b.ID, 10), l.T(i18n.OfficeHoursCancel)))
}

// Cancelled tells the side that did not cancel.
func (n *Notifier) Cancelled(ctx context.Context, b oh.Booking) error {
	to := b.Other(b.CancelledBy)
	loc, l := n.people.location(ctx, to), n.languages.User(ctx, to)
	id := i18n.OfficeHoursCancelledHost
	if to == b.Booker {
		id = i18n.OfficeHoursCancelledBooker
	}
	text := l.T(id, i18n.Data{
		"By": "<@" + b.CancelledBy + ">", "When": formatSlotIn(l, b.Slot.Start, b.Slot.End, loc), "Zone": zone(loc), "Command": n.command(),
	})
	return n.dm(ctx, DMKind, sendKey("officehours.cancelled", b.ID, ""), to, bot.Message{Text: text, Blocks: []slack.Block{section(text)}})
}

// Remind reminds one side of a session that starts soon.
func (n *Notifier) Remind(ctx context.Context, b oh.Booking, p oh.Party) error {
	to, other := b.Booker, b.Slot.Host
	if p == oh.Host {
		to, other = b.Slot.Host, b.Booker
	}
	loc, l := n.people.location(ctx, to), n.languages.User(ctx, to)
	text := l.T(i18n.OfficeHoursReminder, i18n.Data{
		"Other": "<@" + other + ">", "When": formatSlotIn(l, b.Slot.Start, b.Slot.End, loc), "Zone": zone(loc), "Topic": topicLine(b),
	})
	blocks := []slack.Block{section(text)}
	if p == oh.Booker {
		blocks = append(blocks, slack.NewActionBlock("", button(actCancel, strconv.FormatInt(b.ID, 10), l.T(i18n.OfficeHoursCantMake))))
	}
	return n.dm(ctx, ReminderKind, sendKey(ReminderKind, b.ID, string(p)), to, bot.Message{Text: text, Blocks: blocks})
}

// AskFeedback asks the booker for a 1–5 rating with one tap.
func (n *Notifier) AskFeedback(ctx context.Context, b oh.Booking) error {
	loc, l := n.people.location(ctx, b.Booker), n.languages.User(ctx, b.Booker)
	text := l.T(i18n.OfficeHoursFeedbackAsk, i18n.Data{"Host": "<@" + b.Slot.Host + ">", "When": formatSlotIn(l, b.Slot.Start, b.Slot.End, loc)})
	return n.dm(ctx, FeedbackKind, sendKey(FeedbackKind, b.ID, ""), b.Booker, bot.Message{Text: text, Blocks: feedbackBlocks(text, b.ID, l)})
}

// command is the command as registered, for the hints in DMs.
func (n *Notifier) command() string {
	if n.handler != nil && n.handler.command != "" {
		return n.handler.command
	}
	return "/officehours"
}

// leadTime renders how long before a session the reminder comes: "15
// minutes", "1 hour", "2 hours"; other spans in l's short form ("1h 30m").
func leadTime(l *i18n.Lang, d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return l.N(i18n.OfficeHoursLeadHours, int(d/time.Hour))
	case d < time.Hour && d%time.Minute == 0:
		return l.N(i18n.OfficeHoursLeadMinutes, int(d/time.Minute))
	}
	return l.Duration(d)
}

// formatSlotIn is formatSlot with the day in l: "Fri 4 Dec, 14:30–15:00".
func formatSlotIn(l *i18n.Lang, start, end time.Time, loc *time.Location) string {
	return l.Weekday(start, loc) + ", " + start.In(loc).Format(timeFormat) + "–" + end.In(loc).Format(timeFormat)
}

func feedbackBlocks(text string, id int64, l *i18n.Lang) []slack.Block {
	v := strconv.FormatInt(id, 10)
	var buttons []slack.BlockElement
	for score := 1; score <= 5; score++ {
		buttons = append(buttons, button(actRate+strconv.Itoa(score), v, strconv.Itoa(score)))
	}
	return []slack.Block{
		section(text),
		slack.NewActionBlock("", buttons...),
		slack.NewActionBlock("", button(actComment, v, l.T(i18n.OfficeHoursAddComment))),
	}
}
