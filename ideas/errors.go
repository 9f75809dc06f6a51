package ideas

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/platformbot/platformbot/domain"
)

// Sentinels, each a *domain.Error; compare with errors.Is. The Store
// returns ErrNotFound and *ClosedError (an ErrClosed); the Service
// returns them with a message about the idea. Messages are plain words:
// the handlers choose the markup and escape them.
var (
	// ErrNotFound: no idea with that id.
	ErrNotFound = &domain.Error{Code: domain.NotFound, Reason: "idea_not_found", Message: "There is no such idea."}
	// ErrClosed: the idea no longer takes votes (shipped, declined,
	// merged), or cannot take a merge.
	ErrClosed = &domain.Error{Code: domain.Conflict, Reason: "idea_closed", Message: "That idea is closed."}
)

// FieldErrors are form problems keyed by field id (FieldTitle…): each an
// Invalid error with one of the field reasons below, which handlers word
// next to its input.
type FieldErrors map[string]*domain.Error

func (e FieldErrors) Error() string {
	parts := make([]string, 0, len(e))
	for _, k := range slices.Sorted(maps.Keys(e)) {
		parts = append(parts, k+": "+e[k].Message)
	}
	return "ideas: invalid input: " + strings.Join(parts, "; ")
}

// The reasons of field errors, with their Params (ints).
const (
	ReasonTitleMissing    = "title_missing"    // no title
	ReasonProblemMissing  = "problem_missing"  // no problem described
	ReasonAffectedMissing = "affected_missing" // nobody said to be affected
	ReasonTooShort        = "too_short"        // fewer than Min characters
	ReasonTooLong         = "too_long"         // more than Max characters: Count
	ReasonLinkTooLong     = "link_too_long"    // a link of more than Max characters
	ReasonLinkScheme      = "link_scheme"      // not an http(s) link with a host
	ReasonLinkChars       = "link_chars"       // a link with spaces or Slack markup
	ReasonStatusMissing   = "status_missing"   // no status, or not one of Statuses
	ReasonDeclineWhy      = "decline_why"      // declined without a reason
	ReasonNoteTooLong     = "note_too_long"    // a status note of more than Max characters
	ReasonMergeSelf       = "merge_self"       // an idea merged into itself
)

// FieldReasons are all the reasons of field errors, for the handlers'
// tests: each needs a wording.
var FieldReasons = []string{
	ReasonTitleMissing, ReasonProblemMissing, ReasonAffectedMissing, ReasonTooShort, ReasonTooLong,
	ReasonLinkTooLong, ReasonLinkScheme, ReasonLinkChars, ReasonStatusMissing, ReasonDeclineWhy,
	ReasonNoteTooLong, ReasonMergeSelf,
}

// fieldError is what is wrong with a field: a reason with its params, and
// the English message for logs and the console.
func fieldError(reason string, params map[string]any, format string, args ...any) *domain.Error {
	e := domain.Errorf(domain.Invalid, reason, format, args...)
	if params != nil {
		e = e.With(params)
	}
	return e
}

// notFound says which idea does not exist (Params: ID).
func notFound(id int64) error {
	return ErrNotFound.Withf("There is no idea #%d.", id).With(map[string]any{"ID": id})
}

// ClosedError refuses a vote or a merge on an idea that is decided or
// merged, and says where to go instead; it is an ErrClosed.
type ClosedError struct{ Idea Idea }

func (e *ClosedError) Error() string {
	return fmt.Sprintf("ideas: #%d is %s", e.Idea.ID, e.Idea.Status)
}

// Unwrap explains the refusal.
func (e *ClosedError) Unwrap() error {
	i := e.Idea
	if i.Status == Merged {
		return ErrClosed.Withf("#%d was merged into #%d: its votes moved there, so vote for #%d instead.", i.ID, i.MergedInto, i.MergedInto)
	}
	return ErrClosed.Withf("#%d is %s, so its votes are final.", i.ID, strings.ToLower(i.Status.Label()))
}
