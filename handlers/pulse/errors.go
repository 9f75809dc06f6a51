package pulse

import (
	"errors"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/i18n"
	"github.com/platformbot/platformbot/surveys"
)

// explain words the survey domain errors a handler returns, for Slack;
// anything else goes on to the bot's error reply.
var explain = bot.Explain(userMessage)

// sentinelMessages words the survey sentinels that carry nothing of their
// own, in the order they are tried.
var sentinelMessages = []struct {
	err error
	id  i18n.ID
}{
	{surveys.ErrAnswered, i18n.PulseErrAnswered},
	{surveys.ErrRunClosed, i18n.PulseErrClosed},
	{surveys.ErrNotInvited, i18n.PulseErrNotInvited},
	{surveys.ErrUnknownResponse, i18n.PulseErrUnknownReply},
	{surveys.ErrNothingAnswered, i18n.PulseErrNothing},
	{surveys.ErrDuplicateRun, i18n.PulseErrDuplicateRun},
	{surveys.ErrRunOpen, i18n.PulseErrRunOpen},
	{surveys.ErrNotFound, i18n.PulseErrNoRun},
	{surveys.ErrBadAnswer, i18n.PulseErrBadAnswer},
}

// userMessage is a survey domain error as mrkdwn in the asker's language:
// an emoji for some, the ids typed in code and the hints that name the
// (configurable) command. A bad answer (an InputError) is worded by its
// reason.
func userMessage(req *bot.Request, err error) string {
	l := req.L()
	command := "/pulse"
	if req != nil && req.Command != "" {
		command = req.Command
	}
	var unknown *surveys.UnknownSurveyError
	var empty *surveys.EmptyAudienceError
	var in *surveys.InputError
	var open *surveys.OpenRunError
	switch {
	case errors.As(err, &unknown):
		return l.T(i18n.PulseUnknownSurvey, i18n.Data{"ID": bot.Code(unknown.ID, 64), "Command": command})
	case errors.As(err, &empty):
		return l.T(i18n.PulseEmptyAudience, i18n.Data{"ID": bot.Code(empty.Survey, 64)})
	case errors.As(err, &open):
		return l.T(i18n.PulseErrRunOpenOf, i18n.Data{"Title": bot.Escape(open.Run.Title), "Run": open.Run.ID})
	case errors.As(err, &in):
		return bot.Escape(inputMessage(l, in))
	}
	for _, s := range sentinelMessages {
		if errors.Is(err, s.err) {
			return l.T(s.id)
		}
	}
	return bot.Escape(domain.ErrorMessage(err))
}

// inputMessages word each surveys.InputProblem.
var inputMessages = map[surveys.InputProblem]i18n.ID{
	surveys.AnswerTooLong: i18n.PulseInputTooLong,
	surveys.NotAnOption:   i18n.PulseInputNotAnOption,
	surveys.QuestionGone:  i18n.PulseInputGone,
}

// inputMessage says in l what is wrong with an answer, as plain text (a
// modal's field error); a problem without words keeps the domain's.
func inputMessage(l *i18n.Lang, in *surveys.InputError) string {
	return i18n.Worded(l, inputMessages, in.Why, i18n.Data{"Max": surveys.MaxTextLength}, in.Msg)
}
