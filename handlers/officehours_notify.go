package handlers

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
	"github.com/platformbot/platformbot/officehours"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/outbox/slacksend"
)

// Kinds of pending sends of office hours; all are DMs.
const (
	OfficeHoursDMKind       = "officehours.dm"       // booked, cancelled
	OfficeHoursReminderKind = "officehours.reminder" // skipped if cancelled or started meanwhile
	OfficeHoursFeedbackKind = "officehours.feedback" // skipped if cancelled or a no-show
)

// OfficeHoursNotifier implements officehours.Notifier by queueing DMs in
// the outbox. Each recipient reads the time in their own Slack time zone.
type OfficeHoursNotifier struct {
	people         *ohPeople
	out            *outbox.Dispatcher
	reminderBefore time.Duration
	languages      *i18n.Chooser // nil: English
}

var _ officehours.Notifier = (*OfficeHoursNotifier)(nil)

// registerSends tells the outbox how office-hours DMs are delivered; the
// reminder and the feedback question are checked against the booking
// right before they go out.
func (h *OfficeHours) registerSends() {
	post := slacksend.Posts(h.slack)
	h.Outbox.Handle(OfficeHoursDMKind, outbox.Handler{Deliver: post, InOrder: true})
	h.Outbox.Handle(OfficeHoursReminderKind, outbox.Handler{Deliver: post, InOrder: true, Before: h.beforeReminder})
	h.Outbox.Handle(OfficeHoursFeedbackKind, outbox.Handler{Deliver: post, InOrder: true, Before: h.beforeFeedback})
}

func (h *OfficeHours) beforeReminder(ctx context.Context, s outbox.Send) (bool, string, error) {
	id, err := ohSendBooking(s.Key)
	if err != nil {
		return false, err.Error(), nil
	}
	return h.Service.ShouldRemind(ctx, id)
}

func (h *OfficeHours) beforeFeedback(ctx context.Context, s outbox.Send) (bool, string, error) {
	id, err := ohSendBooking(s.Key)
	if err != nil {
		return false, err.Error(), nil
	}
	return h.Service.ShouldAskFeedback(ctx, id)
}

// ohSendKey is kind:booking[:what]; ohSendBooking reads the booking back.
func ohSendKey(kind string, id int64, what string) string {
	key := kind + ":" + strconv.FormatInt(id, 10)
	if what != "" {
		key += ":" + what
	}
	return key
}

func ohSendBooking(key string) (int64, error) {
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
func (n *OfficeHoursNotifier) dm(ctx context.Context, kind, key, user string, msg bot.Message) error {
	s, err := slacksend.NewPost(kind, key, user, msg)
	if err != nil {
		return err
	}
	if _, err := n.out.Enqueue(ctx, s); err != nil {
		return fmt.Errorf("office hours: DM to %s: %w", user, err)
	}
	return nil
}

func ohSection(text string) slack.Block { return slack.NewSectionBlock(ohMrkdwn(text), nil, nil) }

func ohTopic(b officehours.Booking) string {
	if b.Topic == "" {
		return ""
	}
	return "\n>" + bot.Escape(b.Topic)
}

// Booked confirms a booking to both sides, with a Cancel button each.
func (n *OfficeHoursNotifier) Booked(ctx context.Context, b officehours.Booking) error {
	cancel := slack.NewActionBlock("", ohButton(ohActCancel, strconv.FormatInt(b.ID, 10), "Cancel"))
	locB := n.people.location(ctx, b.Booker)
	textB := fmt.Sprintf(":white_check_mark: You're booked: office hours with <@%s> on *%s* (%s).%s", b.Slot.Host, ohWhen(b.Slot.Start, b.Slot.End, locB), ohZone(locB), ohTopic(b))
	if n.reminderBefore > 0 {
		textB += fmt.Sprintf("\nI'll remind you %s before.", ohDuration(n.reminderBefore))
	}
	locH := n.people.location(ctx, b.Slot.Host)
	textH := fmt.Sprintf(":calendar: <@%s> booked your office hours on *%s* (%s).%s", b.Booker, ohWhen(b.Slot.Start, b.Slot.End, locH), ohZone(locH), ohTopic(b))
	return errors.Join(
		n.dm(ctx, OfficeHoursDMKind, ohSendKey("officehours.booked", b.ID, string(officehours.Booker)), b.Booker,
			bot.Message{Text: textB, Blocks: []slack.Block{ohSection(textB), cancel}}),
		n.dm(ctx, OfficeHoursDMKind, ohSendKey("officehours.booked", b.ID, string(officehours.Host)), b.Slot.Host,
			bot.Message{Text: textH, Blocks: []slack.Block{ohSection(textH), cancel}}),
	)
}

// Cancelled tells the side that did not cancel.
func (n *OfficeHoursNotifier) Cancelled(ctx context.Context, b officehours.Booking) error {
	to := b.Other(b.CancelledBy)
	loc := n.people.location(ctx, to)
	when := ohWhen(b.Slot.Start, b.Slot.End, loc)
	text := fmt.Sprintf(":x: <@%s> cancelled your office hours on *%s* (%s).", b.CancelledBy, when, ohZone(loc))
	if to == b.Booker {
		text += " Sorry! `/officehours list` shows other free slots."
	} else {
		text += " The slot is free again."
	}
	return n.dm(ctx, OfficeHoursDMKind, ohSendKey("officehours.cancelled", b.ID, ""), to, bot.Message{Text: text, Blocks: []slack.Block{ohSection(text)}})
}

// Remind reminds one side of a session that starts soon.
func (n *OfficeHoursNotifier) Remind(ctx context.Context, b officehours.Booking, p officehours.Party) error {
	to, other := b.Booker, b.Slot.Host
	if p == officehours.Host {
		to, other = b.Slot.Host, b.Booker
	}
	loc, l := n.people.location(ctx, to), n.lang(ctx, to)
	text := l.T(i18n.OfficeHoursReminder, i18n.Data{
		"Other": "<@" + other + ">", "When": ohWhenIn(l, b.Slot.Start, b.Slot.End, loc), "Zone": ohZone(loc), "Topic": ohTopic(b),
	})
	blocks := []slack.Block{ohSection(text)}
	if p == officehours.Booker {
		blocks = append(blocks, slack.NewActionBlock("", ohButton(ohActCancel, strconv.FormatInt(b.ID, 10), l.T(i18n.OfficeHoursCantMake))))
	}
	return n.dm(ctx, OfficeHoursReminderKind, ohSendKey(OfficeHoursReminderKind, b.ID, string(p)), to, bot.Message{Text: text, Blocks: blocks})
}

// AskFeedback asks the booker for a 1–5 rating with one tap.
func (n *OfficeHoursNotifier) AskFeedback(ctx context.Context, b officehours.Booking) error {
	loc, l := n.people.location(ctx, b.Booker), n.lang(ctx, b.Booker)
	text := l.T(i18n.OfficeHoursFeedbackAsk, i18n.Data{"Host": "<@" + b.Slot.Host + ">", "When": ohWhenIn(l, b.Slot.Start, b.Slot.End, loc)})
	return n.dm(ctx, OfficeHoursFeedbackKind, ohSendKey(OfficeHoursFeedbackKind, b.ID, ""), b.Booker, bot.Message{Text: text, Blocks: ohFeedbackBlocks(text, b.ID, l)})
}

// lang is the language of a DM's recipient; English without a chooser.
func (n *OfficeHoursNotifier) lang(ctx context.Context, user string) *i18n.Lang {
	if n.languages == nil {
		return i18n.Fallback()
	}
	return n.languages.User(ctx, user)
}

// ohWhenIn is ohWhen with the day in l: "Fri 4 Dec, 14:30–15:00".
func ohWhenIn(l *i18n.Lang, start, end time.Time, loc *time.Location) string {
	return l.Weekday(start, loc) + ", " + start.In(loc).Format(ohTimeFormat) + "–" + end.In(loc).Format(ohTimeFormat)
}

func ohFeedbackBlocks(text string, id int64, l *i18n.Lang) []slack.Block {
	v := strconv.FormatInt(id, 10)
	var buttons []slack.BlockElement
	for score := 1; score <= 5; score++ {
		buttons = append(buttons, ohButton(ohActRate+strconv.Itoa(score), v, strconv.Itoa(score)))
	}
	return []slack.Block{
		ohSection(text),
		slack.NewActionBlock("", buttons...),
		slack.NewActionBlock("", ohButton(ohActComment, v, l.T(i18n.OfficeHoursAddComment))),
	}
}
