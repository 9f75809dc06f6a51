package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
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

func (f forbidden) Error() string       { return "forbidden for " + f.user }
func (f forbidden) UserMessage() string { return ErrForbidden.Msg }
func (f forbidden) Is(target error) bool {
	return target == error(ErrForbidden)
}

// Admins is the configured platform team: explicit user ids and/or the
// members of a Slack user group, cached for a short while because
// usergroups.users.list is a Tier 2 method.
type Admins struct {
	Users []string
	Group string // Slack user group id, optional
	Slack Slack
	TTL   time.Duration

	mu      sync.Mutex
	members []string
	fetched time.Time
}

// IsAdmin reports whether userID is in the admin list or the admin group.
func (a *Admins) IsAdmin(ctx context.Context, userID string) (bool, error) {
	if slices.Contains(a.Users, userID) {
		return true, nil
	}
	if a.Group == "" || a.Slack == nil {
		return false, nil
	}
	return a.InGroup(ctx, userID)
}

// InGroup reports whether userID is a member of the admin user group.
func (a *Admins) InGroup(ctx context.Context, userID string) (bool, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	ttl := a.TTL
	if ttl == 0 {
		ttl = 5 * time.Minute
	}
	if a.fetched.IsZero() || time.Since(a.fetched) > ttl {
		m, err := a.Slack.UserGroupMembers(ctx, a.Group)
		if err != nil {
			if !a.fetched.IsZero() {
				return slices.Contains(a.members, userID), nil // stale beats refusing everyone
			}
			return false, errors.Join(ErrUnavailable, err)
		}
		a.members, a.fetched = m, time.Now()
	}
	return slices.Contains(a.members, userID), nil
}
