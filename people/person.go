// Package people is the bot's one directory of the workspace's people:
// who someone is (name, time zone, locale, bot or deactivated), which
// Slack user groups and channels they are in, and which configured team
// they belong to.
//
// The whole workspace is listed from Slack (users.list) by a scheduled job
// on one replica at a time and stored in the database that all replicas
// share; every replica answers from one expiring cache, then from that
// stored listing, and asks Slack (users.info) only about someone neither
// holds. Slack's user_change and team_join events update the stored
// listing between two listings. A replica starting cold reads the stored
// listing at once instead of listing the workspace itself, which at
// users.list's Tier 2 pace takes minutes for a large workspace.
//
// The package knows nothing of Slack's or the database's types: Source is
// how it asks Slack (bot adapts the Slack port to it), Store is where the
// listing lives (storage implements it).
package people

import (
	"strings"
	"sync"
	"time"
)

// Person is what the bot needs to know about one member of the workspace.
type Person struct {
	ID       string
	Name     string // the handle, e.g. "ada"
	RealName string
	TZ       string // IANA zone, e.g. "Europe/Berlin"
	TZOffset int    // seconds east of UTC, used when TZ is unknown here
	Locale   string // e.g. "en-US"; Slack sends it only when asked (include_locale)
	IsBot    bool
	Deleted  bool // deactivated
}

// slackbot is Slack's own bot, listed as a person (is_bot false).
const slackbot = "USLACKBOT"

// CanBeAsked reports whether the bot may address the person with a
// question (a survey, a feedback request): not a bot, not deactivated.
func (p Person) CanBeAsked() bool { return !p.IsBot && !p.Deleted && p.ID != slackbot }

// DisplayName returns a name for plain-text places (select options,
// fallbacks) where a <@mention> does not render: the real name, else the
// handle, else the id.
func (p Person) DisplayName() string {
	for _, n := range []string{p.RealName, p.Name} {
		if strings.TrimSpace(n) != "" {
			return n
		}
	}
	return p.ID
}

// Location returns the person's time zone: their zone when this binary
// knows it, else a fixed zone at their offset, else UTC, so that rendering
// never fails on an odd profile.
func (p Person) Location() *time.Location {
	if p.TZ != "" {
		if loc, ok := LoadZone(p.TZ); ok {
			return loc
		}
	}
	if p.TZOffset != 0 {
		return time.FixedZone(p.TZ, p.TZOffset)
	}
	return time.UTC
}

// zones caches loaded time zones: time.LoadLocation reads and parses the
// zone database on every call, and every rendering asks.
var zones sync.Map // name → *time.Location, or nil when unknown

// LoadZone is the named IANA zone, and false when it is unknown.
func LoadZone(name string) (*time.Location, bool) {
	if v, ok := zones.Load(name); ok {
		loc, _ := v.(*time.Location)
		return loc, loc != nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		loc = nil
	}
	zones.Store(name, loc)
	return loc, loc != nil
}
