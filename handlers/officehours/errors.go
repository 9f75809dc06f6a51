package officehours

import (
	"fmt"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/domain"
	oh "github.com/platformbot/platformbot/officehours"
)

// explain words the office-hours domain errors a handler returns, for
// Slack: anything else goes on to the bot's error reply (a reference for
// the logs, or "temporarily unavailable").
func (h *Handler) explain(next bot.Handler) bot.Handler {
	return bot.Explain(func(_ *bot.Request, err error) string { return h.userMessage(err) })(next)
}

// userMessage is a domain error as mrkdwn: an emoji for some, the message
// escaped, and the hints that name the (configurable) command.
func (h *Handler) userMessage(err error) string {
	msg := bot.Escape(h.fieldMessage(err))
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

// fieldMessage is a domain error as plain text, for inline form errors:
// the message with its command hint.
func (h *Handler) fieldMessage(err error) string {
	e, ok := domain.As(err)
	if !ok {
		return err.Error()
	}
	command := h.command
	if command == "" {
		command = "/officehours"
	}
	switch e.Reason {
	case oh.ErrNoSuchSlot.Reason:
		return e.Message + fmt.Sprintf(" Use `%s list` to see the free slots.", command)
	case oh.ErrNotFound.Reason:
		return e.Message + fmt.Sprintf(" `%s mine` lists yours.", command)
	case oh.ErrWeeklyLimit.Reason:
		return e.Message + fmt.Sprintf(" Cancel one with `%s mine` to book another.", command)
	}
	return e.Message
}
