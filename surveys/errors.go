package surveys

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors of the Store. They are not shown to people as they are.
var (
	// ErrNotFound: no such run, participant or response.
	ErrNotFound = errors.New("surveys: not found")
	// ErrDuplicateRun: a run for this survey and occurrence exists already
	// (another replica, or a retried job, started it).
	ErrDuplicateRun = errors.New("surveys: run already started for this occurrence")
	// ErrRunOpen: the survey has a run whose window is still open.
	ErrRunOpen = errors.New("surveys: a run of this survey is open")
	// ErrAnswered: the participant has answered this run already.
	ErrAnswered = errors.New("surveys: already answered")
	// ErrRunClosed: the run no longer takes answers.
	ErrRunClosed = errors.New("surveys: run closed")
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
	ErrAlreadyAnswered = &UserError{Msg: ":white_check_mark: You've already answered this survey — thank you! Use *Change* in the survey message to change your answers.", Err: ErrAnswered}
	ErrNotInvited      = &UserError{Msg: "This survey wasn't sent to you, so it can't take your answers.", Err: ErrNotFound}
	ErrUnknownResponse = &UserError{Msg: "I can't find those answers any more. If you haven't answered yet, use the buttons in the survey message.", Err: ErrNotFound}
	ErrNothingAnswered = &UserError{Msg: "Please answer at least one question."}
)

// UnknownSurveyError is returned for a survey id that is not configured.
type UnknownSurveyError struct{ ID string }

func (e *UnknownSurveyError) Error() string { return fmt.Sprintf("surveys: unknown survey %q", e.ID) }

// UserMessage says what to do instead.
func (e *UnknownSurveyError) UserMessage() string {
	return fmt.Sprintf("There is no survey called `%s`. `/pulse list` shows the surveys.", sanitize(e.ID))
}

// ClosedError is returned for answers that arrive after the window closed.
type ClosedError struct{ ClosedAt time.Time }

func (e *ClosedError) Error() string {
	return "surveys: run closed at " + e.ClosedAt.Format(time.RFC3339)
}
func (e *ClosedError) Unwrap() error { return ErrRunClosed }

// UserMessage thanks the person anyway.
func (e *ClosedError) UserMessage() string {
	return ":lock: Thanks for wanting to answer! This survey has closed, so it no longer takes answers. Watch for the next one."
}

// OpenRunError is returned when a run is started while another is open.
type OpenRunError struct {
	Survey string
	Run    Run
}

func (e *OpenRunError) Error() string {
	return fmt.Sprintf("surveys: %s already has run %d open", e.Survey, e.Run.ID)
}
func (e *OpenRunError) Unwrap() error { return ErrRunOpen }

// UserMessage explains why nothing was sent.
func (e *OpenRunError) UserMessage() string {
	return fmt.Sprintf("*%s* already has a run open (run #%d, started %s UTC, closing %s UTC). Nothing was sent.",
		sanitize(e.Run.Title), e.Run.ID, e.Run.StartedAt.UTC().Format("Mon 2 Jan 15:04"), e.Run.ClosesAt.UTC().Format("Mon 2 Jan 15:04"))
}

// EmptyAudienceError is returned when a survey's audience resolves to
// nobody (an empty group, a channel of bots).
type EmptyAudienceError struct{ Survey string }

func (e *EmptyAudienceError) Error() string { return "surveys: empty audience for " + e.Survey }

// UserMessage points at the configuration.
func (e *EmptyAudienceError) UserMessage() string {
	return fmt.Sprintf("The audience of `%s` is empty: check its users, usergroups and channels in the configuration. Nothing was sent.", sanitize(e.Survey))
}

// InputError is a bad answer to one question; handlers show it next to the
// question.
type InputError struct {
	Question string
	Msg      string
}

func (e *InputError) Error() string {
	return fmt.Sprintf("surveys: question %s: %s", e.Question, e.Msg)
}
func (e *InputError) UserMessage() string { return e.Msg }

// sanitize keeps user-supplied ids from carrying mrkdwn control characters
// into messages; the domain cannot import the bot's escaper.
func sanitize(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch r {
		case '<', '>', '&', '`', '*', '_', '~':
			continue
		}
		out = append(out, r)
	}
	if len(out) > 64 {
		out = append(out[:64], '…')
	}
	return string(out)
}
