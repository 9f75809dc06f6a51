package previews

import (
	"errors"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/i18n"
	pv "github.com/platformbot/platformbot/previews"
)

// explain words the preview domain errors a handler returns, for Slack,
// in the asker's language; anything else goes on to the bot's error
// reply.
func (h *Handler) explain(next bot.Handler) bot.Handler {
	return bot.Explain(func(req *bot.Request, err error) string { return h.userMessage(req.L(), err) })(next)
}

// sentinels words the domain's plain errors, most precise first.
var sentinels = []struct {
	err *domain.Error
	id  i18n.ID
}{
	{pv.ErrAnswered, i18n.PreviewsAlready},
	{pv.ErrFeedbackClosed, i18n.PreviewsClosed},
	{pv.ErrNotAsked, i18n.PreviewsErrNotAsked},
	{pv.ErrUnknownResponse, i18n.PreviewsErrUnknownResponse},
	{pv.ErrNothingAnswered, i18n.PreviewsErrNothingAnswered},
	{pv.ErrNotIn, i18n.PreviewsErrNotIn},
	{pv.ErrNotFound, i18n.PreviewsErrNotFound},
	{pv.ErrDuplicate, i18n.PreviewsErrDuplicate},
	{pv.ErrEnded, i18n.PreviewsErrEnded},
	{pv.ErrAnnounced, i18n.PreviewsErrAnnounced},
	{pv.ErrInvalid, i18n.PreviewsErrInvalid},
	{pv.ErrBadAnswer, i18n.PreviewsErrBadAnswer},
}

// userMessage is a preview domain error as mrkdwn in l: an emoji for
// some, the names in bold and escaped, the hints that name the
// (configurable) command.
func (h *Handler) userMessage(l *i18n.Lang, err error) string {
	var unknown *pv.UnknownPreviewError
	var ended *pv.EndedError
	var notIn *pv.NotInError
	var announced *pv.AnnouncedError
	var in *pv.InputError
	switch {
	case errors.As(err, &unknown):
		return l.T(i18n.PreviewsUnknownPreview, i18n.Data{"ID": bot.Code(unknown.ID, 80), "Command": h.command})
	case errors.As(err, &ended):
		return l.T(i18n.PreviewsEnded, i18n.Data{"Name": name(ended.Preview), "End": day(l, ended.Preview.End)})
	case errors.As(err, &notIn):
		return l.T(i18n.PreviewsNotIn, i18n.Data{"Name": name(notIn.Preview)})
	case errors.As(err, &announced):
		return l.T(i18n.PreviewsAnnouncedToday, i18n.Data{"Name": name(announced.Preview), "Day": day(l, announced.Day)})
	case errors.As(err, &in):
		return bot.Escape(fieldMessage(l, in.Problem))
	}
	for _, s := range sentinels {
		if errors.Is(err, s.err) {
			return l.T(s.id)
		}
	}
	return bot.Escape(domain.ErrorMessage(err))
}

// fieldMessages word the reasons of what is wrong with a field of a new
// preview or an answer (previews.FieldReasons).
var fieldMessages = map[string]i18n.ID{
	pv.ReasonIDFormat:       i18n.PreviewsInvalidID,
	pv.ReasonIDTaken:        i18n.PreviewsInvalidIDTaken,
	pv.ReasonRequired:       i18n.PreviewsInvalidRequired,
	pv.ReasonTooLong:        i18n.PreviewsInvalidTooLong,
	pv.ReasonOwner:          i18n.PreviewsInvalidOwner,
	pv.ReasonChannel:        i18n.PreviewsInvalidChannel,
	pv.ReasonNumberRange:    i18n.PreviewsInvalidNumber,
	pv.ReasonStartMissing:   i18n.PreviewsInvalidStartMissing,
	pv.ReasonEndMissing:     i18n.PreviewsInvalidEndMissing,
	pv.ReasonDate:           i18n.PreviewsInvalidDate,
	pv.ReasonEndBeforeStart: i18n.PreviewsInvalidEndBeforeStart,
	pv.ReasonEndPast:        i18n.PreviewsInvalidEndPast,
	pv.ReasonNoPoints:       i18n.PreviewsInvalidNoPoints,
	pv.ReasonQuestionGone:   i18n.PreviewsInvalidQuestionGone,
	pv.ReasonRatingRange:    i18n.PreviewsInvalidRating,
}

// fieldMessage words what is wrong with a field or an answer in l, by its
// reason with its params as data (plain text: Slack shows field errors as
// they are); a reason without words keeps the domain's English message.
func fieldMessage(l *i18n.Lang, e *domain.Error) string {
	return i18n.Worded(l, fieldMessages, e.Reason, i18n.Data(e.Params), e.Message)
}
