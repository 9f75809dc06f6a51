package ideas

import (
	"errors"
	"fmt"

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
// idea is worded from the idea itself; other messages by domainText.
func errorText(l *i18n.Lang, err error) string {
	var closed *dom.ClosedError
	if errors.As(err, &closed) {
		i := closed.Idea
		if i.Status == dom.Merged {
			return l.T(i18n.IdeasErrMerged, i18n.Data{"ID": i.ID, "Into": i.MergedInto})
		}
		return l.T(i18n.IdeasErrDecided, i18n.Data{"ID": i.ID, "Status": stateText(l, i.Status)})
	}
	return domainText(l, domain.ErrorMessage(err))
}

// domainMessages are the messages the ideas domain writes for people (in
// English, with numbers in them), each with the catalog message that
// says the same and the names of its numbers in the message's data. The
// domain stays free of languages; TestDomainMessagesTranslated fails
// when it writes a message this table lacks.
var domainMessages = []struct {
	format string
	id     i18n.ID
	keys   []string
}{
	{"There is no such idea.", i18n.IdeasErrNoSuchIdea, nil},
	{"There is no idea #%d.", i18n.IdeasErrNoIdea, []string{"ID"}},
	{"There is no idea #%d or #%d.", i18n.IdeasErrNoIdeas, []string{"ID", "Into"}},
	{"That idea is closed.", i18n.IdeasErrClosed, nil},
	{"Give the idea a title.", i18n.IdeasFieldTitleMissing, nil},
	{"Describe the problem.", i18n.IdeasFieldProblemMissing, nil},
	{"Say who is affected.", i18n.IdeasFieldAffectedMissing, nil},
	{"Use at least %d characters.", i18n.IdeasFieldMin, []string{"Min"}},
	{"Use at most %d characters (this has %d).", i18n.IdeasFieldMaxHas, []string{"Max", "Count"}},
	{"Use at most %d characters.", i18n.IdeasFieldMax, []string{"Max"}},
	{"Use a link of at most %d characters.", i18n.IdeasFieldLinkMax, []string{"Max"}},
	{"Use a web link starting with https:// (or http://).", i18n.IdeasFieldLinkScheme, nil},
	{"The link must not contain spaces, <, > or |.", i18n.IdeasFieldLinkChars, nil},
	{"Choose a status.", i18n.IdeasFieldStatus, nil},
	{"Say why it is declined: every voter reads it.", i18n.IdeasFieldReason, nil},
	{"An idea cannot be merged into itself.", i18n.IdeasFieldSelf, nil},
}

// domainText is one of the domain's messages in l: recognised by its
// format (the numbers read back must write the same message) and
// rendered from the catalog. A message the table lacks stays as written.
func domainText(l *i18n.Lang, msg string) string {
	for _, m := range domainMessages {
		if nums, ok := scan(m.format, len(m.keys), msg); ok {
			data := i18n.Data{}
			for k, key := range m.keys {
				data[key] = nums[k]
			}
			return l.T(m.id, data)
		}
	}
	return msg
}

// scan reads n integers out of msg by format; ok only if they write msg
// exactly.
func scan(format string, n int, msg string) ([]any, bool) {
	if n == 0 {
		return nil, msg == format
	}
	nums := make([]int64, n)
	ptrs, args := make([]any, n), make([]any, n)
	for k := range nums {
		ptrs[k] = &nums[k]
	}
	if got, err := fmt.Sscanf(msg, format, ptrs...); err != nil || got != n {
		return nil, false
	}
	for k := range nums {
		args[k] = nums[k]
	}
	return args, fmt.Sprintf(format, args...) == msg
}
