package bot

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strings"

	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/i18n"
)

// userFacing is implemented by errors whose message is meant for the person
// who asked: domain packages define such errors without importing bot.
type userFacing interface {
	error
	UserMessage() string
}

// UserError is an error shown to the user as it is.
type UserError struct{ Msg string }

func (e *UserError) Error() string       { return e.Msg }
func (e *UserError) UserMessage() string { return e.Msg }

// Errorf returns an error whose message the user sees.
func Errorf(format string, args ...any) error {
	return &UserError{Msg: fmt.Sprintf(format, args...)}
}

// Refusal is an error shown to the user in their language: a catalog
// message with its data. Its Error text is the English one.
type Refusal struct {
	ID   i18n.ID
	Data i18n.Data
}

// Refuse returns an error whose message the user sees in their language.
func Refuse(id i18n.ID, data ...i18n.Data) error {
	r := &Refusal{ID: id}
	if len(data) > 0 {
		r.Data = data[0]
	}
	return r
}

func (r *Refusal) Error() string { return r.In(i18n.Fallback()) }

// UserMessage is the English message (for callers without a language).
func (r *Refusal) UserMessage() string { return r.Error() }

// In renders the refusal in l.
func (r *Refusal) In(l *i18n.Lang) string { return l.T(r.ID, r.Data) }

// FieldErrors are validation errors of a modal submission, keyed by block id;
// the runtime answers them with response_action "errors" so they show inline
// and the user's other input is kept.
type FieldErrors map[string]string

func (e FieldErrors) Error() string {
	parts := make([]string, 0, len(e))
	for k, v := range e {
		parts = append(parts, k+": "+v)
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// ErrUnavailable marks errors caused by a dependency that is down (the
// database, Slack); the user is asked to retry rather than shown a ref.
var ErrUnavailable = errors.New("temporarily unavailable")

// ErrRateLimited marks a call that Slack's rate limits kept from being
// made or that Slack answered 429 until the retries ran out. It wraps
// ErrUnavailable; background senders wait their turn again instead of
// counting it as a failure.
var ErrRateLimited = fmt.Errorf("rate limited: %w", ErrUnavailable)

// temporary is implemented by errors of dependencies that may recover.
type temporary interface{ Temporary() bool }

// newRef returns a short reference that ties a user's error message to the
// log line with the details.
func newRef() string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// errorReply turns a handler error into what the user sees, and reports
// whether the error is the bot's fault (to be logged with a ref).
func errorReply(req *Request, err error, unavailable func(error) bool) (reply *Reply, internal bool, ref string) {
	var fe FieldErrors
	if errors.As(err, &fe) && req.Kind == KindViewSubmission {
		return &Reply{ViewErrors: fe}, false, ""
	}
	l := req.L()
	var rf *Refusal
	if errors.As(err, &rf) {
		return Say(rf.In(l)), false, ""
	}
	if errors.Is(err, ErrForbidden) {
		return Say(l.T(i18n.BotForbidden)), false, ""
	}
	var uf userFacing
	if errors.As(err, &uf) {
		return Say(uf.UserMessage()), false, ""
	}
	if de, ok := domain.As(err); ok && de.Code != domain.Internal {
		// A feature's handlers word their domain errors; this is the
		// plain message of one they left as it is.
		return Say(Escape(de.Message)), false, ""
	}
	var tmp temporary
	if errors.Is(err, ErrUnavailable) || (errors.As(err, &tmp) && tmp.Temporary()) || (unavailable != nil && unavailable(err)) {
		return Say(l.T(i18n.BotUnavailable)), true, ""
	}
	ref = newRef()
	return Say(l.T(i18n.BotInternalError, i18n.Data{"Ref": ref})), true, ref
}
