package handlers

import (
	"context"

	"github.com/platformbot/platformbot/metrics"
	"github.com/platformbot/platformbot/people"
)

// MetricsTeams is the metrics feature's view of the configured teams, as
// the directory of people resolves them (explicit user ids plus the
// members of each team's Slack user group). It implements
// metrics.Directory.
type MetricsTeams struct{ dir *people.Directory }

// NewMetricsTeams returns the teams of dir.
func NewMetricsTeams(dir *people.Directory) *MetricsTeams { return &MetricsTeams{dir: dir} }

// Teams returns the configured teams in config order.
func (d *MetricsTeams) Teams() []metrics.Team {
	teams := d.dir.Teams()
	out := make([]metrics.Team, len(teams))
	for i, t := range teams {
		out[i] = metrics.Team{ID: t.ID, Name: t.Name}
	}
	return out
}

// Team returns the team with an id, for parsing commands.
func (d *MetricsTeams) Team(id string) (metrics.Team, bool) {
	t, ok := d.dir.Team(id)
	return metrics.Team{ID: t.ID, Name: t.Name}, ok
}

// Members returns the team's users: listed ones and its user group's.
func (d *MetricsTeams) Members(ctx context.Context, teamID string) ([]string, error) {
	return d.dir.TeamMembers(ctx, teamID)
}

// TeamOf returns the team userID belongs to (see people.Directory.TeamOf).
func (d *MetricsTeams) TeamOf(ctx context.Context, userID string) (string, error) {
	return d.dir.TeamOf(ctx, userID)
}
