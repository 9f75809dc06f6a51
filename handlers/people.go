package handlers

import (
	"context"
	"fmt"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/people"
)

// RegisterPeople keeps the directory of people current between two
// listings from Slack's events: user_change (a profile, zone or
// deactivation changed) and team_join (someone new). Each event is
// delivered to one replica, which stores it for all.
func RegisterPeople(r *bot.Router, dir *people.Directory) {
	r.Event(string(slackevents.UserChange), func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		ev, ok := req.Event.(*slackevents.UserChangeEvent)
		if !ok {
			return nil, fmt.Errorf("user_change: unexpected payload %T", req.Event)
		}
		u := ev.User
		return nil, dir.Update(ctx, people.Person{
			ID: u.ID, Name: u.Name, RealName: u.RealName, TZ: u.TZ, TZOffset: u.TZOffset, Locale: u.Locale,
			IsBot: u.IsBot, Deleted: u.Deleted,
		})
	})
	r.Event(string(slackevents.TeamJoin), func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		ev, ok := req.Event.(*slackevents.TeamJoinEvent)
		if !ok || ev.User == nil {
			return nil, fmt.Errorf("team_join: unexpected payload %T", req.Event)
		}
		return nil, dir.Update(ctx, personOf(ev.User))
	})
}

func personOf(u *slack.User) people.Person {
	return people.Person{
		ID: u.ID, Name: u.Name, RealName: u.RealName, TZ: u.TZ, TZOffset: u.TZOffset, Locale: u.Locale,
		IsBot: u.IsBot, Deleted: u.Deleted,
	}
}

// PeopleTeams converts the configured teams for the directory.
func PeopleTeams(teams []config.Team) []people.Team {
	out := make([]people.Team, len(teams))
	for i, t := range teams {
		out[i] = people.Team{ID: t.ID, Name: t.Name, Users: t.Users, UserGroup: t.UserGroup}
	}
	return out
}

// NewDirectory returns a directory of people asking s, held in memory only
// (the console, tests); the program's shares its listing through the
// database (cmd/platformbot/wire_people.go).
func NewDirectory(s bot.Slack, teams []config.Team, now func() time.Time) *people.Directory {
	var src people.Source
	if s != nil {
		src = bot.PeopleSource(s)
	}
	return people.New(people.Options{Source: src, Teams: PeopleTeams(teams), Now: now})
}
