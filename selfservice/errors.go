package selfservice

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/platformbot/platformbot/domain"
)

// Sentinels, each a *domain.Error; compare with errors.Is. Stores return
// ErrNotFound, ErrAlreadyApproved and ErrForbidden; the Service returns
// them with a message about the request, and *StateError (a Conflict)
// when a request was not in a state that allows the change. Messages are
// plain words: the handlers choose emoji, mentions and command hints.
var (
	// ErrNotFound means no request has the id.
	ErrNotFound = &domain.Error{Code: domain.NotFound, Reason: "request_not_found", Message: "There is no such request."}
	// ErrAlreadyApproved means the approver has approved this request
	// before (the unique (request, approver) constraint fired).
	ErrAlreadyApproved = &domain.Error{Code: domain.Conflict, Reason: "already_approved", Message: "You have already approved this request."}
	// ErrForbidden means the user may not do what they asked.
	ErrForbidden = &domain.Error{Code: domain.Forbidden, Reason: "forbidden", Message: "You may not do that."}
	// ErrNoSuchType means the catalog has no such request type.
	ErrNoSuchType = &domain.Error{Code: domain.Invalid, Reason: "no_such_type", Message: "There is no such request type."}
	// ErrInvalid is any other input that cannot be used: an id, a score,
	// a reported status.
	ErrInvalid = &domain.Error{Code: domain.Invalid, Reason: "invalid", Message: "That cannot be used."}
)

// StateError means a request was not in a state that allows the change:
// someone else decided first, the automation finished, and so on. Stores
// return it when an atomic conditional update touched no row. It is a
// domain.Conflict; By lets a handler say who decided.
type StateError struct {
	ID      int64
	Current State
	By      string // who made the last decision, when known
}

func (e *StateError) Error() string {
	return fmt.Sprintf("%s is already %s; nothing changed.", Ref(e.ID), e.Current.Label())
}

// Unwrap makes a StateError a domain.Conflict for errors.Is and
// domain.As.
func (e *StateError) Unwrap() error {
	return &domain.Error{Code: domain.Conflict, Reason: "state", Message: e.Error()}
}

// OnlyError is a refusal that says who may do the thing instead: one
// person (User), the members of a user group (Group), or, with neither,
// the platform team. It is a domain.Forbidden.
type OnlyError struct {
	User, Group string
	Action      string // "decide", "cancel"
	Ref         string // REQ-42
}

func (e *OnlyError) Error() string {
	who := "the platform team"
	switch {
	case e.User != "":
		who = "the requester"
	case e.Group != "":
		who = "the request type's approvers"
	}
	return fmt.Sprintf("Only %s can %s %s.", who, e.Action, e.Ref)
}

// Unwrap makes an OnlyError a domain.Forbidden that matches ErrForbidden.
func (e *OnlyError) Unwrap() error { return ErrForbidden.Withf("%s", e.Error()) }

func forbidden(format string, args ...any) error { return ErrForbidden.Withf(format, args...) }

func notFound(id int64) error { return ErrNotFound.Withf("There is no request %s.", Ref(id)) }

func invalid(format string, args ...any) error { return ErrInvalid.Withf(format, args...) }

// quoteInput quotes what a person typed for a message, cut to 40
// characters so that pasting a page does not echo a page; the handlers
// escape the message for Slack.
func quoteInput(s string) string {
	if r := []rune(s); len(r) > maxQuoted {
		s = string(r[:maxQuoted]) + "…"
	}
	return strconv.Quote(s)
}

const maxQuoted = 40

// FieldErrors are form validation errors keyed by field id: each an
// Invalid error with one of the field reasons below. Handlers word them as
// inline modal errors keyed by block id.
type FieldErrors map[string]*domain.Error

func (e FieldErrors) Error() string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e[k].Message
	}
	return "selfservice: invalid request: " + strings.Join(parts, "; ")
}

// The reasons of field errors, with their Params: numbers of characters
// and options are ints, bounds of number fields float64s, dates
// 2026-01-31.
const (
	ReasonRequired    = "required"     // a required field is blank
	ReasonOneOnly     = "one_only"     // several values for a field that takes one
	ReasonPerson      = "person"       // not a user id
	ReasonChannel     = "channel"      // not a channel id
	ReasonDate        = "date"         // not a date
	ReasonDateRange   = "date_range"   // From and/or To: the first and last dates allowed
	ReasonTextMin     = "text_min"     // Min characters
	ReasonTextMax     = "text_max"     // Max characters; Count, the characters typed
	ReasonPattern     = "pattern"      // Hint, the catalog's words for the pattern
	ReasonNumber      = "number"       // not a number
	ReasonWhole       = "whole"        // not a whole number
	ReasonNumberRange = "number_range" // Min, Max
	ReasonNumberMin   = "number_min"   // Min
	ReasonNumberMax   = "number_max"   // Max
	ReasonChoice      = "choice"       // Value, not one of the options
	ReasonTwice       = "twice"        // Value, picked twice
	ReasonPickMin     = "pick_min"     // Min options
	ReasonPickMax     = "pick_max"     // Max options
	ReasonWhyMissing  = "why_missing"  // a rejection without its reason
)

// FieldReasons are all the reasons of field errors, for the handlers'
// tests: each needs a wording.
var FieldReasons = []string{
	ReasonRequired, ReasonOneOnly, ReasonPerson, ReasonChannel, ReasonDate, ReasonDateRange,
	ReasonTextMin, ReasonTextMax, ReasonPattern, ReasonNumber, ReasonWhole, ReasonNumberRange,
	ReasonNumberMin, ReasonNumberMax, ReasonChoice, ReasonTwice, ReasonPickMin, ReasonPickMax, ReasonWhyMissing,
}

// fieldError is what is wrong with a field: a reason with its params, and
// the English message for logs, the console and the API.
func fieldError(reason string, params map[string]any, format string, args ...any) *domain.Error {
	e := domain.Errorf(domain.Invalid, reason, format, args...)
	if params != nil {
		e = e.With(params)
	}
	return e
}
