package officehours

import (
	"strings"
	"time"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/i18n"
	oh "github.com/platformbot/platformbot/officehours"
)

// explain words the office-hours domain errors a handler returns, for
// Slack, in the asker's language: anything else goes on to the bot's
// error reply (a reference for the logs, or "temporarily unavailable").
func (h *Handler) explain(next bot.Handler) bot.Handler {
	return bot.Explain(h.userMessage)(next)
}

// userMessage is a domain error as mrkdwn: an emoji for some, the message
// escaped, and the hints that name the (configurable) command.
func (h *Handler) userMessage(req *bot.Request, err error) string {
	msg := bot.Escape(h.fieldMessage(req, err))
	switch e, _ := domain.As(err); {
	case e == nil:
		return msg
	case e.Code == domain.Forbidden:
		return ":no_entry: " + msg
	case e.Reason == oh.ErrSlotTaken.Reason && e.Message == oh.ErrSlotTaken.Message:
		return ":hourglass: " + msg
	}
	return msg
}

// errorIDs words the domain's errors by reason; the few that carry
// details or differ by what was clicked are worded in fieldMessage.
var errorIDs = map[string]i18n.ID{
	oh.ErrSlotTaken.Reason:        i18n.OfficeHoursErrSlotTaken,
	oh.ErrNoSuchSlot.Reason:       i18n.OfficeHoursErrNoSuchSlot,
	oh.ErrStarted.Reason:          i18n.OfficeHoursErrStarted,
	oh.ErrNotStarted.Reason:       i18n.OfficeHoursErrNotStarted,
	oh.ErrOver.Reason:             i18n.OfficeHoursErrOver,
	oh.ErrNotFound.Reason:         i18n.OfficeHoursErrNotFound,
	oh.ErrNotAllowed.Reason:       i18n.OfficeHoursErrNotAllowed,
	oh.ErrNotHost.Reason:          i18n.OfficeHoursErrNotHost,
	oh.ErrOwnSlot.Reason:          i18n.OfficeHoursErrOwnSlot,
	oh.ErrAlreadyCancelled.Reason: i18n.OfficeHoursErrAlreadyCancelled,
	oh.ErrTopicRequired.Reason:    i18n.OfficeHoursErrTopicRequired,
	oh.ErrTopicTooLong.Reason:     i18n.OfficeHoursErrTopicTooLong,
	oh.ErrCommentTooLong.Reason:   i18n.OfficeHoursErrCommentTooLong,
	oh.ErrBadScore.Reason:         i18n.OfficeHoursErrBadScore,
	oh.ErrNotBooking.Reason:       i18n.OfficeHoursErrNotBooking,
	oh.ErrNoHosts.Reason:          i18n.OfficeHoursErrNoHosts,
	oh.ErrWeeklyLimit.Reason:      i18n.OfficeHoursErrWeeklyLimit,
}

// fieldMessage is a domain error as plain text in req's language, for
// inline form errors: the message with its command hint. The domain's
// details (a limit, a span of time, a week) are taken from the rules and
// the request, as the domain's own English message has them.
func (h *Handler) fieldMessage(req *bot.Request, err error) string {
	e, ok := domain.As(err)
	if !ok {
		return err.Error()
	}
	l, data := req.L(), i18n.Data{"Command": h.cmd()}
	switch e.Reason {
	case oh.ErrSlotTaken.Reason:
		if req != nil && req.ActionID == actBlock {
			return l.T(i18n.OfficeHoursErrSlotTakenBlock)
		}
	case oh.ErrNotStarted.Reason:
		switch {
		case req != nil && strings.HasPrefix(req.ActionID, actRate):
			return l.T(i18n.OfficeHoursErrRateNotYet)
		case req != nil && req.ActionID == actNoShow:
			return l.T(i18n.OfficeHoursErrNoShowNotYet)
		}
	case oh.ErrTooSoon.Reason:
		return l.T(i18n.OfficeHoursErrTooSoon, i18n.Data{"Span": span(l, h.schedule().MinNotice)})
	case oh.ErrTooFar.Reason:
		return l.T(i18n.OfficeHoursErrTooFar, i18n.Data{"Span": span(l, h.schedule().Horizon)})
	case oh.ErrWeeklyLimit.Reason:
		if week, ok := h.weekOf(req); ok {
			data["Week"] = l.Weekday(week, h.weekZone())
			return l.N(i18n.OfficeHoursErrWeeklyLimitWeek, h.Service.Rules.MaxPerWeek, data)
		}
	}
	if id, ok := errorIDs[e.Reason]; ok {
		return l.T(id, data)
	}
	return e.Message
}

// weekOf is the first day of the week of the slot picked in a submitted
// booking form: the week whose limit a booking exceeded.
func (h *Handler) weekOf(req *bot.Request) (time.Time, bool) {
	if req == nil || h.Service == nil || h.Service.Rules.MaxPerWeek <= 0 {
		return time.Time{}, false
	}
	key, _ := formValues(req)
	_, start, err := oh.ParseSlotKey(key)
	if err != nil {
		return time.Time{}, false
	}
	from, _ := oh.WeekOf(start, h.weekZone())
	return from, true
}

func (h *Handler) weekZone() *time.Location {
	if h.Service == nil || h.Service.Rules.WeekZone == nil {
		return time.UTC
	}
	return h.Service.Rules.WeekZone
}

func (h *Handler) schedule() *oh.Schedule {
	if h.Service == nil || h.Service.Schedule == nil {
		return &oh.Schedule{}
	}
	return h.Service.Schedule
}

// span renders a notice or horizon as the schedule's rules name it: "1h",
// "45 minutes", "14 days"; other spans in l's short form ("1h 30m").
func span(l *i18n.Lang, d time.Duration) string {
	d = d.Round(time.Minute)
	const day = 24 * time.Hour
	switch {
	case d >= day && d%day == 0:
		return l.N(i18n.OfficeHoursSpanDays, int(d/day))
	case d >= time.Hour && d%time.Hour == 0:
		return l.N(i18n.OfficeHoursSpanHours, int(d/time.Hour))
	case d < time.Hour:
		return l.N(i18n.OfficeHoursSpanMinutes, int(d/time.Minute))
	}
	return l.Duration(d)
}
