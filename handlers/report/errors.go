package report

import (
	"errors"
	"time"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/i18n"
	rpt "github.com/platformbot/platformbot/report"
)

// explain words the value report's domain errors for Slack in the
// asker's language: a period that cannot be reported says why, from the
// catalog; another domain error's message is shown as it is, escaped.
// Anything else goes on to the bot's error reply.
var explain = bot.Explain(func(req *bot.Request, err error) string {
	var pe *rpt.PeriodError
	if errors.As(err, &pe) {
		if text, ok := periodProblem(req.L(), pe); ok {
			return bot.Escape(text)
		}
	}
	return bot.Escape(domain.ErrorMessage(err))
})

// periodMessages word each rpt.PeriodProblem.
var periodMessages = map[rpt.PeriodProblem]i18n.ID{
	rpt.PeriodUnknown:    i18n.ReportPeriodUnknown,
	rpt.PeriodNoQuarter:  i18n.ReportPeriodNoQuarter,
	rpt.PeriodDateFormat: i18n.ReportPeriodDateFormat,
	rpt.PeriodBackwards:  i18n.ReportPeriodBackwards,
	rpt.PeriodTooEarly:   i18n.ReportPeriodTooEarly,
	rpt.PeriodTooLong:    i18n.ReportPeriodTooLong,
	rpt.PeriodNotOver:    i18n.ReportPeriodNotOver,
	rpt.PeriodNotStarted: i18n.ReportPeriodNotStarted,
}

// periodProblem says in l why e's period cannot be reported; false for a
// problem without words (the English message is shown then).
func periodProblem(l *i18n.Lang, e *rpt.PeriodError) (string, bool) {
	id, ok := periodMessages[e.Why]
	if !ok {
		return "", false
	}
	data := i18n.Data{
		"Input": e.Input, "First": e.First, "Last": e.Last,
		"Year": e.Year, "Quarter": e.Quarter, "Days": e.Days, "Max": rpt.MaxDays,
	}
	if e.Why == rpt.PeriodNotStarted {
		loc := e.From.Location()
		data["Span"], data["Start"] = days(l, e.From, e.Until, loc), l.Date(e.From, loc)
	}
	return l.T(id, data), true
}

// days is the days first to last as the report writes them.
func days(l *i18n.Lang, first, last time.Time, loc *time.Location) string {
	if first.Equal(last) {
		return l.Date(first, loc)
	}
	return l.Span(first, last, loc)
}
