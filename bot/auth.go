package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// Authorizer answers whether a user belongs to the platform team.
type Authorizer interface {
	IsAdmin(ctx context.Context, userID string) (bool, error)
}

// ErrForbidden is returned when a user may not do what they asked.
var ErrForbidden = &UserError{Msg: ":no_entry: Only the platform team can do that."}

// RequireAdmin wraps a handler so that only admins reach it.
func RequireAdmin(auth Authorizer, h Handler) Handler {
	return func(ctx context.Context, req *Request) (*Reply, error) {
		if err := requireAdmin(ctx, auth, req.UserID); err != nil {
			return nil, err
		}
		return h(ctx, req)
	}
}

func requireAdmin(ctx context.Context, auth Authorizer, userID string) error {
	if auth == nil {
		return ErrForbidden
	}
	ok, err := auth.IsAdmin(ctx, userID)
	if err != nil {
		return fmt.Errorf("bot: checking admin %s: %w", userID, err)
	}
	if !ok {
		return forbidden{userID}
	}
	return nil
}

// forbidden is a refusal that the log middleware records with the user.
type forbidden struct{ user string }

func (f forbidden) Error() string { return "forbidden for " + f.user }
func (f forbidden) Is(target error) bool {
	return target == error(ErrForbidden)
}

// Admins is the configured platform team: explicit user ids and/or the
// members of a Slack user group, as the directory of people knows them
// (cached there, because usergroups.users.list is a Tier 2 method, and
// the last known members answer while Slack does not).
type Admins struct {
	Users   []string
	Group   string       // Slack user group id, optional
	Members GroupMembers // answers for Group; *people.Directory
}

// GroupMembers answers whether someone is in a Slack user group.
type GroupMembers interface {
	InGroup(ctx context.Context, groupID, userID string) (bool, error)
}

// IsAdmin reports whether userID is in the admin list or the admin group.
// When neither Slack nor the directory knows the group's members it fails
// with ErrUnavailable rather than refusing everyone as if they were not
// admins.
func (a *Admins) IsAdmin(ctx context.Context, userID string) (bool, error) {
	if slices.Contains(a.Users, userID) {
		return true, nil
	}
	if a.Group == "" || a.Members == nil {
		return false, nil
	}
	in, err := a.Members.InGroup(ctx, a.Group, userID)
	if err != nil {
		return false, errors.Join(ErrUnavailable, PeopleError(err))
	}
	return in, nil
}
