package ideas

import (
	"context"

	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/config"
	dom "github.com/platformbot/platformbot/ideas"
)

// Directory resolves team membership (explicit users and Slack user
// groups); handlers.MetricsTeams implements it with a cache, so the
// Tier 2 usergroups.users.list is not called on every click.
type Directory interface {
	Members(ctx context.Context, teamID string) ([]string, error)
	TeamOf(ctx context.Context, userID string) (string, error)
}

// Teams implements ideas.Teams from the configured teams. A directory
// error never blocks a vote: the vote counts without a team and the error
// is logged.
type Teams struct {
	Dir    Directory
	Config []config.Team
	Log    zerolog.Logger
}

var _ dom.Teams = (*Teams)(nil)

// TeamOf returns the user's team, "" for none or when it cannot be told.
func (t *Teams) TeamOf(ctx context.Context, user string) string {
	id, err := t.Dir.TeamOf(ctx, user)
	if err != nil {
		t.Log.Warn().Err(err).Str("user", user).Msg("ideas: team unknown; counted without a team")
		return ""
	}
	return id
}

// All returns the configured teams with their current sizes; a team whose
// members cannot be read has size 0 (its votes then weigh 1).
func (t *Teams) All(ctx context.Context) []dom.Team {
	out := make([]dom.Team, len(t.Config))
	for k, c := range t.Config {
		out[k] = dom.Team{ID: c.ID, Name: t.Name(c.ID)}
		members, err := t.Dir.Members(ctx, c.ID)
		if err != nil {
			t.Log.Warn().Err(err).Str("team", c.ID).Msg("ideas: team size unknown")
			continue
		}
		out[k].Size = len(members)
	}
	return out
}

// Name returns a team's display name: its name, else its id.
func (t *Teams) Name(id string) string {
	for _, c := range t.Config {
		if c.ID == id && c.Name != "" {
			return c.Name
		}
	}
	return id
}
