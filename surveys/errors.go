package surveys

import (
	"fmt"
	"time"

	"github.com/platformbot/platformbot/domain"
)

// Sentinels, each a *domain.Error; compare with errors.Is. The Store
// returns the first five; the Service returns them, the rest, or one of
// the detailed errors below, which unwrap to their sentinel. Messages are
// plain words: the handlers add emoji and the (configurable) command
// hints, and escape them.
var (
	// ErrNotFound: no such run, participant or response.
	ErrNotFound = &domain.Error{Code: domain.NotFound, Reason: "survey_not_found", Message: "There is no such survey run."}
	// ErrDuplicateRun: a run for this survey and occurrence exists already
	// (another replica, or a retried job, started it).
	ErrDuplicateRun = &domain.Error{Code: domain.Conflict, Reason: "survey_duplicate_run", Message: "That run of the survey has already started."}
	// ErrRunOpen: the survey has a run whose window is still open.
	ErrRunOpen = &domain.Error{Code: domain.Conflict, Reason: "survey_run_open", Message: "A run of this survey is open."}
	// ErrAnswered: the participant has answered this run already.
	ErrAnswered = &domain.Error{Code: domain.Conflict, Reason: "survey_answered", Message: "You've already answered this survey — thank you!"}
	// ErrRunClosed: the run no longer takes answers.
	ErrRunClosed = &domain.Error{Code: domain.Conflict, Reason: "survey_closed", Message: "This survey has closed, so it no longer takes answers."}

	// ErrNotInvited: the person is not in the run's audience (or there is
	// no such run).
	ErrNotInvited = &domain.Error{Code: domain.NotFound, Reason: "survey_not_invited", Message: "This survey wasn't sent to you, so it can't take your answers."}
	// ErrUnknownResponse: the answers a form or button refers to are gone.
	ErrUnknownResponse = &domain.Error{Code: domain.NotFound, Reason: "survey_unknown_response", Message: "I can't find those answers any more. If you haven't answered yet, use the buttons in the survey message."}
	// ErrNothingAnswered: a submission without any answer.
	ErrNothingAnswered = &domain.Error{Code: domain.Invalid, Reason: "survey_nothing_answered", Message: "Please answer at least one question."}
	// ErrUnknownSurvey: no survey is configured with the id (see
	// *UnknownSurveyError).
	ErrUnknownSurvey = &domain.Error{Code: domain.NotFound, Reason: "survey_unknown", Message: "There is no such survey."}
	// ErrEmptyAudience: the audience resolves to nobody (see
	// *EmptyAudienceError).
	ErrEmptyAudience = &domain.Error{Code: domain.Invalid, Reason: "survey_empty_audience", Message: "The survey's audience is empty. Nothing was sent."}
	// ErrBadAnswer: an answer a question cannot take (see *InputError).
	ErrBadAnswer = &domain.Error{Code: domain.Invalid, Reason: "survey_bad_answer", Message: "That answer cannot be used."}
)

// UnknownSurveyError is returned for a survey id that is not configured;
// it is an ErrUnknownSurvey.
type UnknownSurveyError struct{ ID string }

func (e *UnknownSurveyError) Error() string { return fmt.Sprintf("surveys: unknown survey %q", e.ID) }
func (e *UnknownSurveyError) Unwrap() error {
	return ErrUnknownSurvey.Withf("There is no survey called %q.", e.ID)
}

// ClosedError is returned for answers that arrive after the window
// closed; it is an ErrRunClosed.
type ClosedError struct{ ClosedAt time.Time }

func (e *ClosedError) Error() string {
	return "surveys: run closed at " + e.ClosedAt.Format(time.RFC3339)
}
func (e *ClosedError) Unwrap() error { return ErrRunClosed }

// OpenRunError is returned when a run is started while another is open;
// it is an ErrRunOpen.
type OpenRunError struct {
	Survey string
	Run    Run
}

func (e *OpenRunError) Error() string {
	return fmt.Sprintf("surveys: %s already has run %d open", e.Survey, e.Run.ID)
}
func (e *OpenRunError) Unwrap() error {
	return ErrRunOpen.Withf("%s already has a run open (run #%d). Nothing was sent.", e.Run.Title, e.Run.ID)
}

// EmptyAudienceError is returned when a survey's audience resolves to
// nobody (an empty group, a channel of bots); it is an ErrEmptyAudience.
type EmptyAudienceError struct{ Survey string }

func (e *EmptyAudienceError) Error() string { return "surveys: empty audience for " + e.Survey }
func (e *EmptyAudienceError) Unwrap() error {
	return ErrEmptyAudience.Withf("The audience of %q is empty: check its users, usergroups and channels in the configuration. Nothing was sent.", e.Survey)
}

// InputError is a bad answer to one question; handlers show it next to the
// question. It is an ErrBadAnswer with Msg, in English, as its message;
// Why lets a handler word it in the reader's language.
type InputError struct {
	Question string
	Msg      string
	Why      InputProblem
}

// InputProblem is what is wrong with an answer.
type InputProblem string

const (
	AnswerTooLong InputProblem = "too_long"      // free text over MaxTextLength
	NotAnOption   InputProblem = "not_an_option" // a value the question does not offer
	QuestionGone  InputProblem = "question_gone" // the question is not in the run
)

func (e *InputError) Error() string {
	return fmt.Sprintf("surveys: question %s: %s", e.Question, e.Msg)
}
func (e *InputError) Unwrap() error { return ErrBadAnswer.Withf("%s", e.Msg) }
