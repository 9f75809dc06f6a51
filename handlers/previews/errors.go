package previews

import (
	"errors"
	"sync"
	"time"

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
		return bot.Escape(fieldMessage(l, in.Msg))
	}
	for _, s := range sentinels {
		if errors.Is(err, s.err) {
			return l.T(s.id)
		}
	}
	return bot.Escape(domain.ErrorMessage(err))
}

// message is a catalog message with its data.
type message struct {
	id   i18n.ID
	data i18n.Data
}

// fieldMessages are the messages the domain writes next to a field of a
// new preview or at an answer (previews.InvalidError, InputError), by
// their English text: the domain words them in English only, so a message
// is found by what the English catalog says for it. A message the domain
// words differently stays English (TestFieldMessagesInGerman notices).
var fieldMessages = sync.OnceValue(func() map[string]message {
	msgs := []message{
		{i18n.PreviewsInvalidID, nil}, {i18n.PreviewsInvalidIDTaken, nil}, {i18n.PreviewsInvalidRequired, nil},
		{i18n.PreviewsInvalidOwner, nil}, {i18n.PreviewsInvalidChannel, nil}, {i18n.PreviewsInvalidStartMissing, nil},
		{i18n.PreviewsInvalidEndMissing, nil}, {i18n.PreviewsInvalidDate, nil}, {i18n.PreviewsInvalidEndBeforeStart, nil},
		{i18n.PreviewsInvalidEndPast, nil}, {i18n.PreviewsInvalidNoPoints, nil}, {i18n.PreviewsInvalidQuestionGone, nil},
		{i18n.PreviewsInvalidRating, nil},
	}
	for _, n := range []int{pv.MaxName, pv.MaxDescription, pv.MaxQuestionText, pv.MaxTextAnswer} {
		msgs = append(msgs, message{i18n.PreviewsInvalidTooLong, i18n.Data{"Max": n}})
	}
	for _, r := range [][2]int{{0, pv.MaxParticipants}, {0, int(pv.MaxFeedbackAfter / (24 * time.Hour))}, {2, pv.MaxParticipants}} {
		msgs = append(msgs, message{i18n.PreviewsInvalidNumber, i18n.Data{"Min": r[0], "Max": r[1]}})
	}
	en := i18n.Fallback()
	out := make(map[string]message, len(msgs))
	for _, m := range msgs {
		out[en.T(m.id, m.data)] = m
	}
	return out
})

// fieldMessage renders a domain's field message in l (plain text: Slack
// shows field errors as they are).
func fieldMessage(l *i18n.Lang, msg string) string {
	if m, ok := fieldMessages()[msg]; ok {
		return l.T(m.id, m.data)
	}
	return msg
}
