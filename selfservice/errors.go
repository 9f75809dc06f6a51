package selfservice

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Error is a refusal or a problem the person who asked should read as it
// is. It satisfies the bot's user-facing error contract (UserMessage)
// without this package importing bot.
type Error struct {
	Msg string
	err error // optional sentinel, for errors.Is
}

func (e *Error) Error() string       { return e.Msg }
func (e *Error) UserMessage() string { return e.Msg }
func (e *Error) Unwrap() error       { return e.err }

// Sentinels returned by Store implementations and wrapped by the Service.
var (
	// ErrNotFound means no request has the id.
	ErrNotFound = errors.New("selfservice: request not found")
	// ErrAlreadyApproved means the approver has approved this request
	// before (the unique (request, approver) constraint fired).
	ErrAlreadyApproved = errors.New("selfservice: already approved by this approver")
	// ErrForbidden means the user may not do what they asked.
	ErrForbidden = errors.New("selfservice: forbidden")
)

// StateError means a request was not in a state that allows the change:
// someone else decided first, the automation finished, and so on. Stores
// return it when an atomic conditional update touched no row.
type StateError struct {
	ID      int64
	Current State
	By      string // who made the last decision, when known
}

func (e *StateError) Error() string {
	return fmt.Sprintf("selfservice: %s is %s", Ref(e.ID), e.Current)
}

// UserMessage says what happened instead.
func (e *StateError) UserMessage() string {
	msg := fmt.Sprintf("%s is already %s", Ref(e.ID), e.Current.Label())
	if e.By != "" && (e.Current == Approved || e.Current == Rejected) {
		msg += fmt.Sprintf(" (by <@%s>)", e.By)
	}
	return msg + "; nothing changed."
}

func forbidden(format string, args ...any) error {
	return &Error{Msg: ":no_entry: " + fmt.Sprintf(format, args...), err: ErrForbidden}
}

// quoteInput quotes what a person typed for an error message, which the
// bot shows as mrkdwn: &, < and > are escaped so that "<!channel>" or a
// link in the input is shown, never sent as a mention or a link.
// quoteInput quotes what someone typed for a reply: escaped for mrkdwn and
// cut to 40 characters, so that pasting a page does not echo a page.
func quoteInput(s string) string {
	if r := []rune(s); len(r) > maxQuoted {
		s = string(r[:maxQuoted]) + "…"
	}
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(strconv.Quote(s))
}

const maxQuoted = 40

func notFound(id int64) error {
	return &Error{Msg: fmt.Sprintf("There is no request %s.", Ref(id)), err: ErrNotFound}
}

// FieldErrors are form validation errors keyed by field id. Handlers turn
// them into inline modal errors keyed by block id.
type FieldErrors map[string]string

func (e FieldErrors) Error() string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e[k]
	}
	return "selfservice: invalid request: " + strings.Join(parts, "; ")
}
