package bot

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"

	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/i18n"
)

// UserError is an error shown to the user as it is: mrkdwn a handler
// wrote, e.g. a domain error worded by Explain (its cause, kept for
// errors.Is).
type UserError struct {
	Msg string
	Err error
}

func (e *UserError) Error() string { return e.Msg }
func (e *UserError) Unwrap() error { return e.Err }

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
	var ue *UserError
	if errors.As(err, &ue) {
		return Say(ue.Msg), false, ""
	}
	if de, ok := domain.As(err); ok && de.Code != domain.Internal {
		// One no feature worded (see Explain).
		return Say(DomainText(de)), false, ""
	}
	var tmp temporary
	if errors.Is(err, ErrUnavailable) || (errors.As(err, &tmp) && tmp.Temporary()) || (unavailable != nil && unavailable(err)) {
		return Say(l.T(i18n.BotUnavailable)), true, ""
	}
	ref = newRef()
	return Say(l.T(i18n.BotInternalError, i18n.Data{"Ref": ref})), true, ref
}

// Explain is the middleware through which a feature words its domain
// errors for Slack: word returns the mrkdwn for one (an emoji, the
// escaped message, hints naming the configurable command), or "" to leave
// it to DomainText. Internal domain errors and any other error go on to
// the bot's error reply: "something went wrong" with a logged reference.
func Explain(word func(req *Request, err error) string) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, req *Request) (*Reply, error) {
			reply, err := next(ctx, req)
			if e, ok := domain.As(err); ok && e.Code != domain.Internal {
				text := word(req, err)
				if text == "" {
					text = DomainText(e)
				}
				return nil, &UserError{Msg: text, Err: err}
			}
			return reply, err
		}
	}
}

// codeEmoji marks a domain error's kind in a reply.
var codeEmoji = map[domain.Code]string{
	domain.Invalid:   ":warning:",
	domain.NotFound:  ":mag:",
	domain.Conflict:  ":information_source:",
	domain.Forbidden: ":no_entry:",
}

// DomainText is a domain error as a reply's mrkdwn when its feature has
// no better words: the emoji of its code and its message, escaped.
func DomainText(e *domain.Error) string {
	msg := Escape(e.Message)
	if emoji := codeEmoji[e.Code]; emoji != "" && msg != "" {
		return emoji + " " + msg
	}
	return msg
}
