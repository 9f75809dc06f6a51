package selfservice

import (
	"context"
	"errors"
	"time"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/people"
	ss "github.com/platformbot/platformbot/selfservice"
)

// People answers ss.People from the admin list and the
// directory of people (user groups, cached there because
// usergroups.users.list is a Tier 2 method and approver checks happen on
// every click; configured teams).
type People struct {
	Admins bot.Authorizer
	People *people.Directory
}

var _ ss.People = (*People)(nil)

// IsAdmin reports whether user is on the platform team.
func (p *People) IsAdmin(ctx context.Context, user string) (bool, error) {
	if p.Admins == nil {
		return false, nil
	}
	return p.Admins.IsAdmin(ctx, user)
}

// InGroup reports whether user is in the Slack user group. When Slack is
// down, the last known members answer rather than refusing everyone; with
// none known it is unavailable.
func (p *People) InGroup(ctx context.Context, group, user string) (bool, error) {
	in, err := p.People.InGroup(ctx, group, user)
	if err != nil {
		return false, errors.Join(bot.ErrUnavailable, bot.PeopleError(err))
	}
	return in, nil
}

// Location returns the user's Slack time zone, nil when Slack does not say.
func (p *People) Location(ctx context.Context, user string) *time.Location {
	person, err := p.People.Person(ctx, user)
	if err != nil || person.TZ == "" {
		return nil
	}
	return person.Location()
}

// TeamOf attributes a user to a team (see people.Directory.TeamOf).
// Requests keep the team they were filed under.
func (p *People) TeamOf(ctx context.Context, user string) (string, error) {
	return p.People.TeamOf(ctx, user)
}
