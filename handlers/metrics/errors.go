package metrics

import (
	"errors"
	"time"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/i18n"
	mx "github.com/platformbot/platformbot/metrics"
)

// explain words the metrics' domain errors for Slack in the asker's
// language: they say what to type instead. Anything else goes on to the
// bot's error reply.
var explain = bot.Explain(userMessage)

func userMessage(req *bot.Request, err error) string {
	l := req.L()
	var window *mx.WindowError
	var until *mx.UntilError
	switch {
	case errors.As(err, &window):
		return l.T(i18n.MetricsNoDayWindow, i18n.Data{"Days": window.Days})
	case errors.As(err, &until):
		return l.T(i18n.MetricsUntilNotOver, i18n.Data{
			"Today": until.Today.Format(time.DateOnly), "Yesterday": until.Today.AddDate(0, 0, -1).Format(time.DateOnly),
		})
	}
	return bot.Escape(domain.ErrorMessage(err))
}
