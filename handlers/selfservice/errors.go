package selfservice

import (
	"errors"
	"strconv"
	"strings"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/i18n"
	ss "github.com/platformbot/platformbot/selfservice"
)

// explain words the self-service domain errors a handler returns, for
// Slack, in the asker's language; anything else goes on to the bot's
// error reply.
func (h *Handler) explain(next bot.Handler) bot.Handler {
	return bot.Explain(func(req *bot.Request, err error) string { return h.userMessage(req.L(), err) })(next)
}

// said is a domain error with the words of the handler that met it, which
// knows what was asked (the request, the action) where the domain's
// English message says it too.
type said struct {
	err  error
	id   i18n.ID
	data i18n.Data
}

func (s *said) Error() string { return s.err.Error() }
func (s *said) Unwrap() error { return s.err }

// refusal words err, of a call about the request ref: not found, and
// (with forbidden set) the call's refusal. StateErrors and OnlyErrors
// carry their details and are worded by userMessage.
func refusal(err error, ref string, forbidden i18n.ID) error {
	var se *ss.StateError
	var only *ss.OnlyError
	switch {
	case err == nil, errors.As(err, &se), errors.As(err, &only):
		return err
	case errors.Is(err, ss.ErrNotFound) && ref != "":
		return &said{err, i18n.SelfServiceNotFound, i18n.Data{"Ref": ref}}
	case errors.Is(err, ss.ErrForbidden) && forbidden != "":
		return &said{err, forbidden, i18n.Data{"Ref": ref}}
	}
	return err
}

// quoteInput quotes what a person typed, cut to 40 characters, as the
// domain does, for mrkdwn.
func quoteInput(s string) string {
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return bot.Escape(strconv.Quote(s))
}

// userMessage is a domain error as mrkdwn in l: who decided, who may act
// instead, an emoji for refusals, the catalog's types as a hint.
func (h *Handler) userMessage(l *i18n.Lang, err error) string {
	msg := h.words(l, err, false)
	if domain.ErrorCode(err) == domain.Forbidden {
		return ":no_entry: " + msg
	}
	return msg
}

// inlineMessage is a domain error as plain text in l, for an inline modal
// error (no mentions there).
func (h *Handler) inlineMessage(l *i18n.Lang, err error) string { return h.words(l, err, true) }

// words is a domain error in l, without emoji; plain leaves out the
// mentions that only mrkdwn shows.
func (h *Handler) words(l *i18n.Lang, err error, plain bool) string {
	var s *said
	var se *ss.StateError
	var only *ss.OnlyError
	e, _ := domain.As(err)
	switch {
	case errors.As(err, &s):
		msg := l.T(s.id, s.data)
		if errors.Is(err, ss.ErrNoSuchType) {
			msg += h.validTypes(l)
		}
		return msg
	case errors.As(err, &se):
		d := i18n.Data{"Ref": ss.Ref(se.ID), "State": stateLabel(l, se.Current)}
		if !plain && se.By != "" && (se.Current == ss.Approved || se.Current == ss.Rejected) {
			d["User"] = se.By
			return l.T(i18n.SelfServiceAlreadyBy, d)
		}
		return l.T(i18n.SelfServiceAlready, d)
	case errors.As(err, &only):
		d := i18n.Data{"Ref": only.Ref, "User": only.User, "Group": only.Group}
		switch {
		case only.Action == "decide" && only.User == "" && only.Group != "" && plain:
			return l.T(i18n.SelfServiceOnlyDecideGroupPlain, d)
		case only.Action == "decide" && only.User == "" && only.Group != "":
			return l.T(i18n.SelfServiceOnlyDecideGroup, d)
		case only.Action == "decide" && only.User == "" && only.Group == "":
			return l.T(i18n.SelfServiceOnlyDecideTeam, d)
		case only.Action == "cancel" && only.User != "" && !plain:
			return l.T(i18n.SelfServiceOnlyCancelUser, d)
		}
		return bot.Escape(only.Error()) // a refusal the catalogs do not word yet
	case e == nil:
		return bot.Escape(domain.ErrorMessage(err))
	}
	// The sentinels with their own, general message; a message with
	// details that no handler worded is shown as the domain wrote it.
	for _, g := range []struct {
		sentinel *domain.Error
		id       i18n.ID
	}{
		{ss.ErrNotFound, i18n.SelfServiceNotFoundAny},
		{ss.ErrAlreadyApproved, i18n.SelfServiceAlreadyApprovedAny},
		{ss.ErrForbidden, i18n.SelfServiceForbidden},
		{ss.ErrInvalid, i18n.SelfServiceInvalid},
	} {
		if errors.Is(err, g.sentinel) && e.Message == g.sentinel.Message {
			return l.T(g.id)
		}
	}
	return bot.Escape(e.Message)
}

// validTypes is the " Valid types: `a`, `b`." hint after an unknown type.
func (h *Handler) validTypes(l *i18n.Lang) string {
	var ids []string
	for _, t := range h.Svc.Catalog.Types() {
		ids = append(ids, "`"+t.ID+"`")
	}
	if len(ids) == 0 {
		return ""
	}
	return " " + l.T(i18n.SelfServiceValidTypes, i18n.Data{"Types": strings.Join(ids, ", ")})
}

// typeRefusal words the error of looking up the request type typeID.
func (h *Handler) typeRefusal(err error, typeID string) error {
	switch {
	case !errors.Is(err, ss.ErrNoSuchType):
		return err
	case len(h.Svc.Catalog.Types()) == 0:
		return &said{err, i18n.SelfServiceCatalogEmpty, nil}
	}
	return &said{err, i18n.SelfServiceNoSuchType, i18n.Data{"Type": quoteInput(typeID)}}
}
