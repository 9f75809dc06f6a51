package ideas

import (
	"errors"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/i18n"
	dom "github.com/platformbot/platformbot/ideas"
)

// explain words the ideas' domain errors a handler returns, for Slack, in
// the asker's language: which idea and where to go instead. Anything
// else goes on to the bot's error reply.
var explain = bot.Explain(func(req *bot.Request, err error) string {
	return bot.Escape(errorText(req.L(), err))
})

// errorText is a domain error of the board as plain text in l. A closed
// idea is worded from the idea itself; others by reasonText.
func errorText(l *i18n.Lang, err error) string {
	var closed *dom.ClosedError
	if errors.As(err, &closed) {
		i := closed.Idea
		if i.Status == dom.Merged {
			return l.T(i18n.IdeasErrMerged, i18n.Data{"ID": i.ID, "Into": i.MergedInto})
		}
		return l.T(i18n.IdeasErrDecided, i18n.Data{"ID": i.ID, "Status": stateText(l, i.Status)})
	}
	if e, ok := domain.As(err); ok && e.Code != domain.Internal {
		return reasonText(l, e)
	}
	return domain.ErrorMessage(err)
}

// reasonMessages word the reasons of the ideas domain: its field errors
// (ideas.FieldReasons) and its closed sentinel. A missing idea is worded
// by notFoundMessage.
var reasonMessages = map[string]i18n.ID{
	dom.ErrClosed.Reason:      i18n.IdeasErrClosed,
	dom.ReasonTitleMissing:    i18n.IdeasFieldTitleMissing,
	dom.ReasonProblemMissing:  i18n.IdeasFieldProblemMissing,
	dom.ReasonAffectedMissing: i18n.IdeasFieldAffectedMissing,
	dom.ReasonTooShort:        i18n.IdeasFieldMin,
	dom.ReasonTooLong:         i18n.IdeasFieldMaxHas,
	dom.ReasonLinkTooLong:     i18n.IdeasFieldLinkMax,
	dom.ReasonLinkScheme:      i18n.IdeasFieldLinkScheme,
	dom.ReasonLinkChars:       i18n.IdeasFieldLinkChars,
	dom.ReasonStatusMissing:   i18n.IdeasFieldStatus,
	dom.ReasonDeclineWhy:      i18n.IdeasFieldReason,
	dom.ReasonNoteTooLong:     i18n.IdeasFieldMax,
	dom.ReasonMergeSelf:       i18n.IdeasFieldSelf,
}

// reasonText words one of the domain's errors in l by its reason, with
// its params as the message's data; a reason without words keeps the
// domain's English message.
func reasonText(l *i18n.Lang, e *domain.Error) string {
	if e.Reason == dom.ErrNotFound.Reason {
		return l.T(notFoundMessage(e.Params), i18n.Data(e.Params))
	}
	return i18n.Worded(l, reasonMessages, e.Reason, i18n.Data(e.Params), e.Message)
}

// notFoundMessage says which ideas are missing: the ones the error names
// (ID, and Into for a merge), or none.
func notFoundMessage(params map[string]any) i18n.ID {
	_, one := params["ID"]
	_, other := params["Into"]
	switch {
	case one && other:
		return i18n.IdeasErrNoIdeas
	case one:
		return i18n.IdeasErrNoIdea
	}
	return i18n.IdeasErrNoSuchIdea
}
