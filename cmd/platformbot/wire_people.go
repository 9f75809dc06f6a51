package main

import (
	"context"
	"time"

	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/handlers"
	"github.com/platformbot/platformbot/people"
	"github.com/platformbot/platformbot/schedule"
	"github.com/platformbot/platformbot/storage"
)

const (
	// peopleRefreshEvery is how often one replica lists the whole
	// workspace: events keep the stored listing current in between, the
	// listing catches what they missed (the bot down, an event lost).
	peopleRefreshEvery = time.Hour
	// peopleRefreshTimeout bounds one listing: 100,000 people are 100
	// users.list calls, 5 minutes at Tier 2's 20 a minute, 15 when three
	// replicas share that budget.
	peopleRefreshTimeout = 30 * time.Minute
	// peopleFirstListing is the claim of a listing made on demand before
	// the job has ever stored one, so that one replica makes it.
	peopleFirstListing = "people-first-listing"
)

// openPeople builds the directory of people on the Slack port, then routes
// the port's user reads through it, so that every feature asking who
// someone is shares its cache and the stored listing. It runs right after
// the port exists, before anything holds it.
func (m *Main) openPeople(claims *storage.JobClaims) {
	m.People = people.New(people.Options{
		Source: bot.PeopleSource(m.Slack), Store: storage.NewPeopleStore(m.DB),
		Teams: handlers.PeopleTeams(m.Config.Teams), Now: m.Clock.Now, Log: peopleLog{m.Log},
		Claim: func(ctx context.Context, attempt time.Time) (bool, error) {
			return claims.Claim(ctx, peopleFirstListing, attempt)
		},
	})
	m.closers = append(m.closers, func() error { m.People.Close(); return nil })
	m.Slack = bot.WithPeople(m.Slack, m.People)
}

// wirePeople registers the events that keep the directory current and the
// job that lists the workspace; the stored listing is read as soon as the
// replica starts.
func (m *Main) wirePeople(context.Context) error {
	handlers.RegisterPeople(m.Router, m.People)
	m.background = append(m.background, m.People.Start)
	return m.Scheduler.Add(schedule.Job{
		Name: "people-refresh", Every: peopleRefreshEvery, Timeout: peopleRefreshTimeout, Run: m.People.Refresh,
	})
}

// peopleLog adapts zerolog to the directory's Logger.
type peopleLog struct{ l zerolog.Logger }

func (p peopleLog) Info(msg string, fields ...any) { p.l.Info().Fields(fields).Msg(msg) }
func (p peopleLog) Warn(msg string, err error, fields ...any) {
	p.l.Warn().Err(err).Fields(fields).Msg(msg)
}
