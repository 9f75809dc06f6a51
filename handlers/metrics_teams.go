package handlers

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/metrics"
)

// MetricsTeams is the metrics feature's view of the configured teams:
// explicit user ids plus the members of each team's Slack user group,
// cached for a while because usergroups.users.list is a Tier 2 method.
// It implements metrics.Directory.
type MetricsTeams struct {
	teams []config.Team
	slack bot.Slack
	now   func() time.Time
	ttl   time.Duration

	mu     sync.Mutex
	groups map[string]mxGroup
}

type mxGroup struct {
	members []string
	until   time.Time
}

// NewMetricsTeams returns a directory of teams.
func NewMetricsTeams(teams []config.Team, s bot.Slack, now func() time.Time) *MetricsTeams {
	return &MetricsTeams{teams: teams, slack: s, now: now, ttl: 10 * time.Minute, groups: map[string]mxGroup{}}
}

// Teams returns the configured teams in config order.
func (d *MetricsTeams) Teams() []metrics.Team {
	out := make([]metrics.Team, len(d.teams))
	for i, t := range d.teams {
		out[i] = metrics.Team{ID: t.ID, Name: t.Name}
	}
	return out
}

// Team returns the team with an id, for parsing commands.
func (d *MetricsTeams) Team(id string) (metrics.Team, bool) {
	for _, t := range d.teams {
		if t.ID == id {
			return metrics.Team{ID: t.ID, Name: t.Name}, true
		}
	}
	return metrics.Team{}, false
}

// Members returns the team's users: listed ones and its user group's.
func (d *MetricsTeams) Members(ctx context.Context, teamID string) ([]string, error) {
	for _, t := range d.teams {
		if t.ID != teamID {
			continue
		}
		members := slices.Clone(t.Users)
		if t.UserGroup != "" {
			group, err := d.group(ctx, t.UserGroup)
			if err != nil {
				return nil, err
			}
			members = append(members, group...)
		}
		slices.Sort(members)
		return slices.Compact(members), nil
	}
	return nil, nil
}

// TeamOf returns the first configured team that userID belongs to.
func (d *MetricsTeams) TeamOf(ctx context.Context, userID string) (string, error) {
	for _, t := range d.teams {
		members, err := d.Members(ctx, t.ID)
		if err != nil {
			return "", err
		}
		if slices.Contains(members, userID) {
			return t.ID, nil
		}
	}
	return "", nil
}

func (d *MetricsTeams) group(ctx context.Context, id string) ([]string, error) {
	d.mu.Lock()
	g, ok := d.groups[id]
	d.mu.Unlock()
	if ok && d.now().Before(g.until) {
		return g.members, nil
	}
	members, err := d.slack.UserGroupMembers(ctx, id)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	d.groups[id] = mxGroup{members: members, until: d.now().Add(d.ttl)}
	d.mu.Unlock()
	return members, nil
}
