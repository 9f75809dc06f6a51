package previews

import (
	"errors"
	"fmt"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/domain"
	pv "github.com/platformbot/platformbot/previews"
)

// explain words the preview domain errors a handler returns, for Slack;
// anything else goes on to the bot's error reply.
func (h *Handler) explain(next bot.Handler) bot.Handler {
	return bot.Explain(func(_ *bot.Request, err error) string { return h.userMessage(err) })(next)
}

// userMessage is a preview domain error as mrkdwn: an emoji for some, the
// names in bold, the message escaped and the hints that name the
// (configurable) command.
func (h *Handler) userMessage(err error) string {
	var unknown *pv.UnknownPreviewError
	var ended *pv.EndedError
	var notIn *pv.NotInError
	var announced *pv.AnnouncedError
	var in *pv.InputError
	switch {
	case errors.As(err, &unknown):
		return fmt.Sprintf("There is no preview called %s. `%s list` shows them.", bot.Code(unknown.ID, 80), h.command)
	case errors.As(err, &ended):
		return fmt.Sprintf("%s ended on %s, so it takes no new participants. Thanks for your interest!", name(ended.Preview), bot.Escape(ended.Preview.End))
	case errors.As(err, &notIn):
		return fmt.Sprintf("You're not in %s, so there is nothing to leave.", name(notIn.Preview))
	case errors.As(err, &announced):
		return fmt.Sprintf("%s was already announced today (%s); one announcement a day is enough.", name(announced.Preview), bot.Escape(announced.Day))
	case errors.As(err, &in):
		return bot.Escape(in.Msg)
	case errors.Is(err, pv.ErrAnswered):
		return ":white_check_mark: " + bot.Escape(pv.ErrAnswered.Message)
	case errors.Is(err, pv.ErrFeedbackClosed):
		return ":lock: Thanks for wanting to answer! " + bot.Escape(pv.ErrFeedbackClosed.Message)
	}
	return bot.Escape(domain.ErrorMessage(err))
}
