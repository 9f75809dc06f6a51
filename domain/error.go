// Package domain holds what every domain package (selfservice,
// officehours, surveys, metrics…) shares with the adapters around it: the
// one error type. It imports nothing of the project.
//
// A domain error says what kind of failure it is (Code), which one for
// the feature (Reason) with its details (Params), what happened in plain
// English (Message) and why (Err, the wrapped cause). The handlers choose
// the words: they word a Reason from their catalog in the reader's
// language with the Params as its data, and choose the emoji, mentions and
// hints (command names are configurable). The Message, without markup, is
// for logs, the console, the HTTP API and reasons no handler words.
// Anything that is not a domain error is a failure of the bot ("something
// went wrong", logged with a reference).
package domain

import (
	"errors"
	"fmt"
	"maps"
)

// Code is the kind of failure, for adapters that answer without reading
// the message (a Slack reply's emoji, an HTTP status).
type Code string

const (
	Invalid   Code = "invalid"   // the input is wrong: a value, an id, a choice
	NotFound  Code = "not_found" // nothing has that id (for this person)
	Conflict  Code = "conflict"  // the state changed first: taken, decided, cancelled
	Forbidden Code = "forbidden" // not for this person
	Internal  Code = "internal"  // the bot's own failure; the cause says which
)

// Error is a failure the person who asked can act on.
type Error struct {
	Code Code
	// Reason names the failure within its feature ("slot_taken",
	// "weekly_limit"): errors.Is matches errors with the same Code and
	// Reason, so a message can carry details while callers test against
	// a sentinel.
	Reason string
	// Params are the details a wording of the Reason needs, by name
	// ("Max": 120, "ID": 42), as data: numbers as numbers, for the
	// handler to format in the reader's language.
	Params  map[string]any
	Message string // plain English; no markup
	Err     error  // the cause, if any
}

// Errorf returns an error of code and reason whose message is formatted.
func Errorf(code Code, reason, format string, args ...any) *Error {
	return &Error{Code: code, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string {
	msg := string(e.Code)
	if e.Reason != "" {
		msg += " (" + e.Reason + ")"
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Is matches a target *Error with the same Code and, if the target has
// one, the same Reason.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && (t.Reason == "" || t.Reason == e.Reason)
}

// Withf returns a copy of e with a more precise message: e stays a
// sentinel that errors.Is matches.
func (e *Error) Withf(format string, args ...any) *Error {
	w := *e
	w.Message = fmt.Sprintf(format, args...)
	return &w
}

// With returns a copy of e with params added to its Params.
func (e *Error) With(params map[string]any) *Error {
	w := *e
	w.Params = make(map[string]any, len(e.Params)+len(params))
	maps.Copy(w.Params, e.Params)
	maps.Copy(w.Params, params)
	return &w
}

// Wrap returns a copy of e caused by cause.
func (e *Error) Wrap(cause error) *Error {
	w := *e
	w.Err = cause
	return &w
}

// As returns the domain error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// ErrorCode returns the code of the domain error in err's chain: "" for
// nil, Internal for any other error.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	if e, ok := As(err); ok {
		return e.Code
	}
	return Internal
}

// ErrorMessage returns the message of the domain error in err's chain
// (for an Internal one, or any other error, a generic one: the cause is
// for logs, not people).
func ErrorMessage(err error) string {
	if e, ok := As(err); ok && e.Code != Internal {
		return e.Message
	}
	if err == nil {
		return ""
	}
	return "Internal error."
}
