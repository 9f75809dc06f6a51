package officehours

import (
	"context"
	"time"

	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/people"
)

// profiles names people and finds their zones for office hours, which
// show every time in the reader's zone and name hosts in select options.
// It asks the Slack port, whose user reads the directory of people answers
// from its cache and the stored listing (bot.WithPeople), so nothing is
// cached here.
type profiles struct {
	slack bot.Slack
	log   zerolog.Logger
}

func newProfiles(s bot.Slack, log zerolog.Logger) *profiles {
	return &profiles{slack: s, log: log}
}

// user returns id's profile; when Slack cannot answer it returns a profile
// with just the id (UTC, named by id) so that rendering never fails.
func (p *profiles) user(ctx context.Context, id string) bot.User {
	u, err := p.slack.UserInfo(ctx, id)
	if err != nil {
		p.log.Warn().Err(err).Str("user", id).Msg("users.info failed; showing times in UTC")
		return bot.User{ID: id, Name: id}
	}
	return u
}

// location returns the time zone of id's Slack profile.
func (p *profiles) location(ctx context.Context, id string) *time.Location {
	return p.user(ctx, id).Location()
}

// name returns a display name for plain-text places (select options)
// where a <@mention> does not render.
func (p *profiles) name(ctx context.Context, id string) string {
	return p.user(ctx, id).Person().DisplayName()
}

// TeamOf returns a function that maps a booker to their team in
// dir (see people.Directory.TeamOf). It returns "" when no team matches or
// Slack cannot answer, so a booking never fails for want of a team.
func TeamOf(dir *people.Directory, log zerolog.Logger) func(ctx context.Context, user string) string {
	return func(ctx context.Context, user string) string {
		team, err := dir.TeamOf(ctx, user)
		if err != nil {
			log.Warn().Err(err).Str("user", user).Msg("office hours: cannot resolve team membership")
		}
		return team
	}
}

// timeFormat writes a time of day; every time shown is in the reader's
// zone, which the messages name, and the day is in their language
// (formatSlotIn).
const timeFormat = "15:04"

// zone names a zone for people: "Europe/Berlin", or "UTC".
func zone(loc *time.Location) string {
	if loc == nil || loc.String() == "" || loc.String() == "Local" {
		return "UTC"
	}
	return loc.String()
}
