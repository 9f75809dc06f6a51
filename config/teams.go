package config

import (
	"fmt"
	"regexp"
)

// Team is a group of engineers that metrics, survey breakdowns and adoption
// figures are reported by. Membership comes from a Slack user group and/or
// explicit user ids; deployments and incidents name their team by ID.
type Team struct {
	ID        string   `yaml:"id"`   // short slug used in the ingest API and /platform metrics
	Name      string   `yaml:"name"` // shown in digests
	UserGroup string   `yaml:"usergroup"`
	Users     []string `yaml:"users"`
}

var slugRe = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

func (c *Config) validateTeams(v *validator) {
	seen := map[string]bool{}
	for i, t := range c.Teams {
		p := fmt.Sprintf("teams[%d]", i)
		v.slugID(p+".id", seen, t.ID, "id", "team id")
		v.userGroupID(p+".usergroup", t.UserGroup, false)
		for j, u := range t.Users {
			v.userID(fmt.Sprintf("%s.users[%d]", p, j), u)
		}
	}
}

// Team returns the team with the given id.
func (c *Config) Team(id string) (Team, bool) {
	for _, t := range c.Teams {
		if t.ID == id {
			return t, true
		}
	}
	return Team{}, false
}

// validateTeamRefs checks that digests and services name declared teams;
// it runs after the sections themselves, which cannot see teams:.
func (c *Config) validateTeamRefs(v *validator) {
	for i, p := range c.Digests.Posts {
		if _, ok := c.Team(p.Team); p.Team != "" && !ok {
			v.add(fmt.Sprintf("digests.posts[%d].team", i), "unknown team %q (teams are declared under teams:)", p.Team)
		}
	}
	for i, s := range c.Ingest.Services {
		if _, ok := c.Team(s.Team); s.Team != "" && !ok {
			v.add(fmt.Sprintf("ingest.services[%d].team", i), "unknown team %q (teams are declared under teams:)", s.Team)
		}
	}
}
