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

// FieldErrors are form problems keyed by field id (FieldTitle…);
// handlers show each next to its input.
type FieldErrors map[string]string

func (e FieldErrors) Error() string {
	parts := make([]string, 0, len(e))
	for _, k := range slices.Sorted(maps.Keys(e)) {
		parts = append(parts, k+": "+e[k])
	}
	return "ideas: invalid input: " + strings.Join(parts, "; ")
}

// notFound says which idea does not exist.
func notFound(id int64) error { return ErrNotFound.Withf("There is no idea #%d.", id) }

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
