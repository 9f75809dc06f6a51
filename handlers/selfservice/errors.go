package selfservice

import (
	"errors"
	"fmt"
	"strings"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/domain"
	ss "github.com/platformbot/platformbot/selfservice"
)

// explain words the self-service domain errors a handler returns, for
// Slack; anything else goes on to the bot's error reply.
func (h *Handler) explain(next bot.Handler) bot.Handler {
	return bot.Explain(func(_ *bot.Request, err error) string { return h.userMessage(err) })(next)
}

// userMessage is a domain error as mrkdwn: who decided, who may act
// instead, an emoji for refusals, the catalog's types as a hint.
func (h *Handler) userMessage(err error) string {
	var se *ss.StateError
	var only *ss.OnlyError
	switch {
	case errors.As(err, &se):
		msg := fmt.Sprintf("%s is already %s", ss.Ref(se.ID), se.Current.Label())
		if se.By != "" && (se.Current == ss.Approved || se.Current == ss.Rejected) {
			msg += fmt.Sprintf(" (by <@%s>)", se.By)
		}
		return msg + "; nothing changed."
	case errors.As(err, &only):
		who := "the platform team"
		switch {
		case only.User != "":
			who = "<@" + only.User + ">"
		case only.Group != "":
			who = "members of <!subteam^" + only.Group + ">"
		}
		return fmt.Sprintf(":no_entry: Only %s can %s %s.", who, only.Action, only.Ref)
	}
	msg := bot.Escape(domain.ErrorMessage(err))
	switch {
	case errors.Is(err, ss.ErrForbidden):
		return ":no_entry: " + msg
	case errors.Is(err, ss.ErrNoSuchType):
		var ids []string
		for _, t := range h.Svc.Catalog.Types() {
			ids = append(ids, "`"+t.ID+"`")
		}
		if len(ids) > 0 {
			msg += " Valid types: " + strings.Join(ids, ", ") + "."
		}
	}
	return msg
}
