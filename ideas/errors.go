package ideas

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Sentinel errors of the Store.
var (
	// ErrNotFound: no idea with that id.
	ErrNotFound = errors.New("ideas: not found")
	// ErrClosed: the idea no longer takes votes (shipped, declined,
	// merged), or cannot take a merge.
	ErrClosed = errors.New("ideas: idea closed")
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

// UserError is an error whose message is meant for the person who asked;
// the bot shows it as it is.
type UserError struct {
	Msg string
	Err error // the sentinel it stands for, if any
}

func (e *UserError) Error() string       { return e.Msg }
func (e *UserError) UserMessage() string { return e.Msg }
func (e *UserError) Unwrap() error       { return e.Err }

// notFound says which idea does not exist.
func notFound(id int64) error {
	return &UserError{Msg: fmt.Sprintf("There is no idea #%d.", id), Err: ErrNotFound}
}

// ClosedError refuses a vote or a merge on an idea that is decided or
// merged, and says where to go instead.
type ClosedError struct{ Idea Idea }

func (e *ClosedError) Error() string {
	return fmt.Sprintf("ideas: #%d is %s", e.Idea.ID, e.Idea.Status)
}
func (e *ClosedError) Unwrap() error { return ErrClosed }

// UserMessage explains the refusal.
func (e *ClosedError) UserMessage() string {
	i := e.Idea
	if i.Status == Merged {
		return fmt.Sprintf("#%d was merged into #%d: its votes moved there, so vote for #%d instead.", i.ID, i.MergedInto, i.MergedInto)
	}
	return fmt.Sprintf("#%d is %s, so its votes are final.", i.ID, strings.ToLower(i.Status.Label()))
}
