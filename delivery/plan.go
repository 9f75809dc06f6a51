package delivery

import (
	"context"
	"time"

	"github.com/platformbot/platformbot/workhours"
)

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
	for _, u := range users {
		loc := g.Zone(ctx, u)
		if s.At != nil {
			out[u] = hours.At(t, *s.At, loc).UTC()
		} else {
			out[u] = hours.Next(t, loc).UTC()
		}
	}
	return out
}
