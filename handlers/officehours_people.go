package handlers

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/config"
)

// ohPeople caches users.info answers for a few minutes: office hours show
// every time in the reader's zone and name hosts in select options, which
// would otherwise cost a users.info call per rendering.
type ohPeople struct {
	slack bot.Slack
	log   zerolog.Logger
	now   func() time.Time
	ttl   time.Duration

	mu    sync.Mutex
	users map[string]ohCachedUser
}

type ohCachedUser struct {
	user  bot.User
	until time.Time
}

func newOHPeople(s bot.Slack, log zerolog.Logger, now func() time.Time) *ohPeople {
	return &ohPeople{slack: s, log: log, now: now, ttl: 10 * time.Minute, users: map[string]ohCachedUser{}}
}

// user returns id's profile; when Slack cannot answer it returns a profile
// with just the id (UTC, named by id) so that rendering never fails.
func (p *ohPeople) user(ctx context.Context, id string) bot.User {
	p.mu.Lock()
	c, ok := p.users[id]
	p.mu.Unlock()
	if ok && p.now().Before(c.until) {
		return c.user
	}
	u, err := p.slack.UserInfo(ctx, id)
	until := p.now().Add(p.ttl)
	if err != nil {
		// Remember the failure briefly too: users.info is rate limited,
		// and asking again at once for an unknown user only queues.
		p.log.Warn().Err(err).Str("user", id).Msg("users.info failed; showing times in UTC")
		u, until = bot.User{ID: id, Name: id}, p.now().Add(time.Minute)
	}
	p.mu.Lock()
	p.users[id] = ohCachedUser{user: u, until: until}
	p.mu.Unlock()
	return u
}

// location returns the time zone of id's Slack profile.
func (p *ohPeople) location(ctx context.Context, id string) *time.Location {
	return p.user(ctx, id).Location()
}

// name returns a display name for plain-text places (select options)
// where a <@mention> does not render.
func (p *ohPeople) name(ctx context.Context, id string) string {
	u := p.user(ctx, id)
	for _, n := range []string{u.RealName, u.Name} {
		if strings.TrimSpace(n) != "" {
			return n
		}
	}
	return id
}

// OfficeHoursTeamOf returns a function that maps a user to the id of the
// first configured team listing them, by user id or by membership of the
// team's Slack user group (looked up when needed and cached for ten
// minutes). It returns "" when no team matches or Slack cannot answer, so
// a booking never fails for want of a team.
func OfficeHoursTeamOf(teams []config.Team, s bot.Slack, log zerolog.Logger) func(ctx context.Context, user string) string {
	var mu sync.Mutex
	groups := map[string][]string{}
	fetched := map[string]time.Time{}
	members := func(ctx context.Context, group string) []string {
		mu.Lock()
		defer mu.Unlock()
		if at, ok := fetched[group]; ok && time.Since(at) < 10*time.Minute {
			return groups[group]
		}
		m, err := s.UserGroupMembers(ctx, group)
		if err != nil {
			log.Warn().Err(err).Str("usergroup", group).Msg("office hours: cannot resolve team membership")
			return groups[group] // stale beats nothing
		}
		groups[group], fetched[group] = m, time.Now()
		return m
	}
	return func(ctx context.Context, user string) string {
		for _, t := range teams {
			if slices.Contains(t.Users, user) {
				return t.ID
			}
		}
		for _, t := range teams {
			if t.UserGroup != "" && slices.Contains(members(ctx, t.UserGroup), user) {
				return t.ID
			}
		}
		return ""
	}
}

// Time formats: every time shown is in the reader's zone, which the
// messages name.
const (
	ohDayFormat  = "Mon 2 Jan"
	ohTimeFormat = "15:04"
)

// ohWhen renders a slot as "Tue 2 Jun, 14:00–14:30" in loc.
func ohWhen(start, end time.Time, loc *time.Location) string {
	s, e := start.In(loc), end.In(loc)
	return s.Format(ohDayFormat) + ", " + s.Format(ohTimeFormat) + "–" + e.Format(ohTimeFormat)
}

// ohZone names a zone for people: "Europe/Berlin", or "UTC".
func ohZone(loc *time.Location) string {
	if loc == nil || loc.String() == "" || loc.String() == "Local" {
		return "UTC"
	}
	return loc.String()
}
