package previews

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors of the Store. They are not shown to people as they are.
var (
	// ErrNotFound: no such preview, participant, ask or response.
	ErrNotFound = errors.New("previews: not found")
	// ErrDuplicate: a preview with this id exists already.
	ErrDuplicate = errors.New("previews: duplicate id")
	// ErrNotIn: the person has no seat and is not on the waitlist.
	ErrNotIn = errors.New("previews: not a participant")
	// ErrAnswered: the ask was answered already.
	ErrAnswered = errors.New("previews: already answered")
	// ErrFeedbackClosed: the preview's feedback is closed (its answers may
	// have been rewritten), so no answer can be stored.
	ErrFeedbackClosed = errors.New("previews: feedback closed")
)

// UserError is an error whose message is meant for the person who asked;
// the bot shows it as it is.
type UserError struct {
	Msg string
	Err error // the sentinel it stands for, if any
}

func (e *UserError) Error() string       { return e.Msg }
func (e *UserError) UserMessage() string { return e.Msg }
func (e *UserError) Unwrap() error       { return e.Err }

// Errors people see.
var (
	ErrAlreadyAnswered = &UserError{Msg: ":white_check_mark: You've already answered this one — thank you!", Err: ErrAnswered}
	ErrNotAsked        = &UserError{Msg: "This feedback request wasn't sent to you, so it can't take your answers.", Err: ErrNotFound}
	ErrUnknownResponse = &UserError{Msg: "I can't find that answer any more; please use the buttons in the feedback message.", Err: ErrNotFound}
	ErrNothingAnswered = &UserError{Msg: "Please answer at least one question."}
)

// UnknownPreviewError is returned for a preview id that does not exist.
type UnknownPreviewError struct{ ID string }

func (e *UnknownPreviewError) Error() string {
	return fmt.Sprintf("previews: unknown preview %q", e.ID)
}
func (e *UnknownPreviewError) Unwrap() error { return ErrNotFound }

// UserMessage says where to look instead.
func (e *UnknownPreviewError) UserMessage() string {
	return fmt.Sprintf("There is no preview called `%s`. `/preview list` shows them.", sanitize(e.ID))
}

// EndedError refuses joining a preview that is over.
type EndedError struct{ Preview Preview }

func (e *EndedError) Error() string { return "previews: " + e.Preview.ID + " has ended" }

// UserMessage says when it ended.
func (e *EndedError) UserMessage() string {
	return fmt.Sprintf("*%s* ended on %s, so it takes no new participants. Thanks for your interest!", sanitize(e.Preview.Name), e.Preview.End)
}

// NotInError is returned for leaving a preview one is not in.
type NotInError struct{ Preview Preview }

func (e *NotInError) Error() string { return "previews: not in " + e.Preview.ID }
func (e *NotInError) Unwrap() error { return ErrNotIn }

// UserMessage says so.
func (e *NotInError) UserMessage() string {
	return fmt.Sprintf("You're not in *%s*, so there is nothing to leave.", sanitize(e.Preview.Name))
}

// AnnouncedError refuses a second announcement on the same day.
type AnnouncedError struct {
	Preview Preview
	Day     string
}

func (e *AnnouncedError) Error() string {
	return "previews: " + e.Preview.ID + " already announced on " + e.Day
}

// UserMessage says what happened.
func (e *AnnouncedError) UserMessage() string {
	return fmt.Sprintf("*%s* was already announced today (%s); one announcement a day is enough.", sanitize(e.Preview.Name), e.Day)
}

// ClosedError is returned for answers after the ask's window.
type ClosedError struct{ ClosedAt time.Time }

func (e *ClosedError) Error() string {
	return "previews: feedback closed at " + e.ClosedAt.UTC().Format(time.RFC3339)
}
func (e *ClosedError) Unwrap() error { return ErrFeedbackClosed }

// UserMessage thanks the person anyway.
func (e *ClosedError) UserMessage() string {
	return ":lock: Thanks for wanting to answer! This feedback request has closed, so it no longer takes answers."
}

// InvalidError lists what is wrong with a new preview, by field (see
// Draft); handlers show each message next to its input.
type InvalidError struct{ Fields map[string]string }

func (e *InvalidError) Error() string { return fmt.Sprintf("previews: invalid preview: %v", e.Fields) }

// LaterError wraps a failure to queue a follow-up (an automation call, a
// promotion DM) after the change itself was stored: the change stands, and
// Tick queues what is owed again.
type LaterError struct{ Err error }

func (e *LaterError) Error() string { return "previews: follow-up not queued yet: " + e.Err.Error() }
func (e *LaterError) Unwrap() error { return e.Err }

// InputError is a bad answer to one question.
type InputError struct {
	Question string
	Msg      string
}

func (e *InputError) Error() string {
	return fmt.Sprintf("previews: question %s: %s", e.Question, e.Msg)
}
func (e *InputError) UserMessage() string { return e.Msg }

// sanitize keeps user-supplied ids and names from carrying mrkdwn control
// characters into messages; the domain cannot import the bot's escaper.
func sanitize(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch r {
		case '<', '>', '&', '`', '*', '_', '~':
			continue
		}
		out = append(out, r)
	}
	if len(out) > 80 {
		out = append(out[:80], '…')
	}
	return string(out)
}
