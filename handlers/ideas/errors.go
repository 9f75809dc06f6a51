package ideas

import (
	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/domain"
)

// explain words the ideas' domain errors a handler returns, for Slack:
// their messages say which idea and where to go instead, so they are
// shown as they are, escaped. Anything else goes on to the bot's error
// reply.
var explain = bot.Explain(func(_ *bot.Request, err error) string {
	return bot.Escape(domain.ErrorMessage(err))
})
