package previews

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/platformbot/platformbot/domain"
)

// Sentinels, each a *domain.Error; compare with errors.Is. The Store
// returns the first five; the Service returns them, the rest, or one of
// the detailed errors below, which unwrap to their sentinel. Messages are
// plain words: the handlers add emoji and the (configurable) command
// hints, and escape them.
var (
	// ErrNotFound: no such preview, participant, ask or response.
	ErrNotFound = &domain.Error{Code: domain.NotFound, Reason: "preview_not_found", Message: "There is no such preview."}
	// ErrDuplicate: a preview with this id exists already.
	ErrDuplicate = &domain.Error{Code: domain.Conflict, Reason: "preview_duplicate", Message: "A preview with this id exists already."}
	// ErrNotIn: the person has no seat and is not on the waitlist.
	ErrNotIn = &domain.Error{Code: domain.NotFound, Reason: "preview_not_in", Message: "You're not in that preview, so there is nothing to leave."}
	// ErrAnswered: the ask was answered already.
	ErrAnswered = &domain.Error{Code: domain.Conflict, Reason: "preview_answered", Message: "You've already answered this one — thank you!"}
	// ErrFeedbackClosed: the preview's feedback is closed (its answers may
	// have been rewritten), so no answer can be stored.
	ErrFeedbackClosed = &domain.Error{Code: domain.Conflict, Reason: "preview_feedback_closed", Message: "This feedback request has closed, so it no longer takes answers."}

	// ErrNotAsked: the feedback request was not sent to the person.
	ErrNotAsked = &domain.Error{Code: domain.NotFound, Reason: "preview_not_asked", Message: "This feedback request wasn't sent to you, so it can't take your answers."}
	// ErrUnknownResponse: the answer a form or button refers to is gone.
	ErrUnknownResponse = &domain.Error{Code: domain.NotFound, Reason: "preview_unknown_response", Message: "I can't find that answer any more; please use the buttons in the feedback message."}
	// ErrNothingAnswered: a submission without any answer.
	ErrNothingAnswered = &domain.Error{Code: domain.Invalid, Reason: "preview_nothing_answered", Message: "Please answer at least one question."}
	// ErrEnded: the preview is over (see *EndedError).
	ErrEnded = &domain.Error{Code: domain.Conflict, Reason: "preview_ended", Message: "That preview has ended."}
	// ErrAnnounced: the preview was announced today (see *AnnouncedError).
	ErrAnnounced = &domain.Error{Code: domain.Conflict, Reason: "preview_announced", Message: "That preview was already announced today."}
	// ErrInvalid: a new preview has problems (see *InvalidError).
	ErrInvalid = &domain.Error{Code: domain.Invalid, Reason: "preview_invalid", Message: "The preview cannot be created as it is."}
	// ErrBadAnswer: an answer a question cannot take (see *InputError).
	ErrBadAnswer = &domain.Error{Code: domain.Invalid, Reason: "preview_bad_answer", Message: "That answer cannot be used."}
)

// UnknownPreviewError is returned for a preview id that does not exist;
// it is an ErrNotFound.
type UnknownPreviewError struct{ ID string }

func (e *UnknownPreviewError) Error() string {
	return fmt.Sprintf("previews: unknown preview %q", e.ID)
}
func (e *UnknownPreviewError) Unwrap() error {
	return ErrNotFound.Withf("There is no preview called %q.", e.ID)
}

// EndedError refuses joining a preview that is over; it is an ErrEnded.
type EndedError struct{ Preview Preview }

func (e *EndedError) Error() string { return "previews: " + e.Preview.ID + " has ended" }
func (e *EndedError) Unwrap() error {
	return ErrEnded.Withf("%s ended on %s, so it takes no new participants. Thanks for your interest!", e.Preview.Name, e.Preview.End)
}

// NotInError is returned for leaving a preview one is not in; it is an
// ErrNotIn.
type NotInError struct{ Preview Preview }

func (e *NotInError) Error() string { return "previews: not in " + e.Preview.ID }
func (e *NotInError) Unwrap() error {
	return ErrNotIn.Withf("You're not in %s, so there is nothing to leave.", e.Preview.Name)
}

// AnnouncedError refuses a second announcement on the same day; it is an
// ErrAnnounced.
type AnnouncedError struct {
	Preview Preview
	Day     string
}

func (e *AnnouncedError) Error() string {
	return "previews: " + e.Preview.ID + " already announced on " + e.Day
}
func (e *AnnouncedError) Unwrap() error {
	return ErrAnnounced.Withf("%s was already announced today (%s); one announcement a day is enough.", e.Preview.Name, e.Day)
}

// ClosedError is returned for answers after the ask's window; it is an
// ErrFeedbackClosed.
type ClosedError struct{ ClosedAt time.Time }

func (e *ClosedError) Error() string {
	return "previews: feedback closed at " + e.ClosedAt.UTC().Format(time.RFC3339)
}
func (e *ClosedError) Unwrap() error { return ErrFeedbackClosed }

// InvalidError lists what is wrong with a new preview, by field (see
// Draft): each an Invalid error with one of the field reasons below, which
// handlers word next to its input. It is an ErrInvalid.
type InvalidError struct{ Fields map[string]*domain.Error }

func (e *InvalidError) Error() string { return "previews: invalid preview: " + e.messages("; ") }
func (e *InvalidError) Unwrap() error { return ErrInvalid.Withf("%s", e.messages(" ")) }

// messages are the English messages by field, sorted by field.
func (e *InvalidError) messages(sep string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(e.Fields)) {
		parts = append(parts, k+": "+e.Fields[k].Message)
	}
	return strings.Join(parts, sep)
}

// LaterError wraps a failure to queue a follow-up (an automation call, a
// promotion DM) after the change itself was stored: the change stands, and
// Tick queues what is owed again.
type LaterError struct{ Err error }

func (e *LaterError) Error() string { return "previews: follow-up not queued yet: " + e.Err.Error() }
func (e *LaterError) Unwrap() error { return e.Err }

// InputError is a bad answer to one question: Problem says what is wrong
// (an Invalid error with one of the field reasons below). It is an
// ErrBadAnswer with the problem's message.
type InputError struct {
	Question string
	Problem  *domain.Error
}

func (e *InputError) Error() string {
	return fmt.Sprintf("previews: question %s: %s", e.Question, e.Problem.Message)
}
func (e *InputError) Unwrap() error { return ErrBadAnswer.Withf("%s", e.Problem.Message) }

// The reasons of what is wrong with a field of a new preview
// (InvalidError) or an answer (InputError), with their Params (ints).
const (
	ReasonIDFormat       = "id_format"        // not a slug
	ReasonIDTaken        = "id_taken"         // another preview has the id
	ReasonRequired       = "required"         // a required text is blank
	ReasonTooLong        = "too_long"         // Max characters
	ReasonOwner          = "owner"            // not a user id
	ReasonChannel        = "channel"          // not a channel id
	ReasonNumberRange    = "number_range"     // not a whole number from Min to Max
	ReasonStartMissing   = "start_missing"    // no first day
	ReasonEndMissing     = "end_missing"      // no last day
	ReasonDate           = "date"             // not a date
	ReasonEndBeforeStart = "end_before_start" // the last day is before the first
	ReasonEndPast        = "end_past"         // the last day is over
	ReasonNoPoints       = "no_points"        // questions but no feedback point to ask them at
	ReasonQuestionGone   = "question_gone"    // an answer to a question the feedback no longer has
	ReasonRatingRange    = "rating_range"     // a rating outside 1–5
)

// FieldReasons are all the reasons of field and answer problems, for the
// handlers' tests: each needs a wording.
var FieldReasons = []string{
	ReasonIDFormat, ReasonIDTaken, ReasonRequired, ReasonTooLong, ReasonOwner, ReasonChannel, ReasonNumberRange,
	ReasonStartMissing, ReasonEndMissing, ReasonDate, ReasonEndBeforeStart, ReasonEndPast, ReasonNoPoints,
	ReasonQuestionGone, ReasonRatingRange,
}

// fieldError is what is wrong with a field or an answer: a reason with
// its params, and the English message for logs and the console.
func fieldError(reason string, params map[string]any, msg string) *domain.Error {
	e := &domain.Error{Code: domain.Invalid, Reason: reason, Message: msg}
	if params != nil {
		e = e.With(params)
	}
	return e
}
