package delivery

import (
	"context"
	"time"

	"github.com/platformbot/platformbot/people"
	"github.com/platformbot/platformbot/workhours"
)

// knower is the part of the directory that answers from what it holds.
type knower interface {
	Known(id string) (people.Person, bool)
}

// Schedule is when the sends of one occurrence go out: within Hours, and,
// if At is set, at that local time of day in each person's zone ("send at
// 10:00 local"). A zero Hours means the gate's.
type Schedule struct {
	Hours workhours.Window
	At    *workhours.Clock
}

// Plan returns, for each user, when a send planned for the occurrence t
// should reach them: the next start of their working hours if t is
// outside them, or the At time of day in their zone. One occurrence stays
// one occurrence; only the moment each person gets it differs. The result
// is never before t.
func (g *Gate) Plan(ctx context.Context, users []string, t time.Time, s Schedule) map[string]time.Time {
	hours := s.Hours
	if hours == (workhours.Window{}) {
		hours = g.opt.Hours
	}
	out := make(map[string]time.Time, len(users))
	zone := func(u string) *time.Location { return g.Zone(ctx, u) }
	unknown := 0
	if k, ok := g.opt.People.(knower); ok {
		// One lookup per person would be one users.info each for people
		// the directory has not listed: plan from what it holds.
		zone = func(u string) *time.Location {
			if p, ok := k.Known(u); ok && p.TZ != "" {
				if loc, ok := people.LoadZone(p.TZ); ok {
					return loc
				}
			}
			unknown++
			return g.opt.Zone
		}
	}
	defer func() {
		if unknown > 0 {
			g.opt.Log("delivery: planning in the default zone for people whose zone is not known",
				"users", unknown, "zone", g.opt.Zone.String())
		}
	}()
	for _, u := range users {
		loc := zone(u)
		if s.At != nil {
			out[u] = hours.At(t, *s.At, loc).UTC()
		} else {
			out[u] = hours.Next(t, loc).UTC()
		}
	}
	return out
}
