package handlers

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/selfservice"
)

// SelfServicePeople answers selfservice.People from the admin list, Slack
// user groups and the configured teams. Group members are cached for a few
// minutes because usergroups.users.list is a Tier 2 method and approver
// checks happen on every click.
type SelfServicePeople struct {
	Admins bot.Authorizer
	Slack  bot.Slack
	Teams  []config.Team
	TTL    time.Duration // default 5m
	Now    func() time.Time

	mu     sync.Mutex
	groups map[string]ssGroup
}

type ssGroup struct {
	members []string
	fetched time.Time
}

var _ selfservice.People = (*SelfServicePeople)(nil)

// IsAdmin reports whether user is on the platform team.
func (p *SelfServicePeople) IsAdmin(ctx context.Context, user string) (bool, error) {
	if p.Admins == nil {
		return false, nil
	}
	return p.Admins.IsAdmin(ctx, user)
}

// InGroup reports whether user is in the Slack user group. When Slack is
// down, a stale member list is used rather than refusing everyone.
func (p *SelfServicePeople) InGroup(ctx context.Context, group, user string) (bool, error) {
	members, err := p.members(ctx, group)
	if err != nil {
		return false, err
	}
	return slices.Contains(members, user), nil
}

func (p *SelfServicePeople) members(ctx context.Context, group string) ([]string, error) {
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	ttl := p.TTL
	if ttl <= 0 {
		ttl = 5 * time.Minute
	}
	p.mu.Lock()
	g, ok := p.groups[group]
	p.mu.Unlock()
	if ok && now().Sub(g.fetched) < ttl {
		return g.members, nil
	}
	members, err := p.Slack.UserGroupMembers(ctx, group)
	if err != nil {
		if ok {
			return g.members, nil
		}
		return nil, errors.Join(bot.ErrUnavailable, err)
	}
	p.mu.Lock()
	if p.groups == nil {
		p.groups = map[string]ssGroup{}
	}
	p.groups[group] = ssGroup{members: members, fetched: now()}
	p.mu.Unlock()
	return members, nil
}

// Location returns the user's Slack time zone, nil when Slack does not say.
func (p *SelfServicePeople) Location(ctx context.Context, user string) *time.Location {
	u, err := p.Slack.UserInfo(ctx, user)
	if err != nil || u.TZ == "" {
		return nil
	}
	return u.Location()
}

// TeamOf attributes a user to a team: the first team (in config order)
// that lists the user id explicitly, else the first whose user group has
// them, else "". Requests keep the team they were filed under.
func (p *SelfServicePeople) TeamOf(ctx context.Context, user string) (string, error) {
	for _, t := range p.Teams {
		if slices.Contains(t.Users, user) {
			return t.ID, nil
		}
	}
	var errs []error
	for _, t := range p.Teams {
		if t.UserGroup == "" {
			continue
		}
		in, err := p.InGroup(ctx, t.UserGroup, user)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if in {
			return t.ID, nil
		}
	}
	return "", errors.Join(errs...)
}
