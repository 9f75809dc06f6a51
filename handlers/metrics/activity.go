package metrics

import (
	"context"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/bot"
	mx "github.com/platformbot/platformbot/metrics"
)

// ActivityStore keeps who used the bot on which day; storage.Metrics
// implements it.
type ActivityStore interface {
	RecordActivity(ctx context.Context, acts []mx.Activity) error
}

// ActivityRecorder counts the people who use the bot, for the adoption
// figures. Its middleware only notes the user in memory (a map lookup on
// the hot path, no database write per request); Flush, run every minute by
// a scheduled job and once at shutdown, writes the new (day, user) pairs in
// one batch.
type ActivityRecorder struct {
	Store    ActivityStore
	Location *time.Location // days are calendar days in this zone
	Now      func() time.Time
	Log      zerolog.Logger

	mu      sync.Mutex
	pending map[mx.Activity]bool
	stored  map[mx.Activity]bool // today's pairs already written
	day     time.Time
}

// Middleware records the user of every request that has one.
func (a *ActivityRecorder) Middleware() bot.Middleware {
	return func(next bot.Handler) bot.Handler {
		return func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			if req.UserID != "" && req.Kind != bot.KindViewClosed {
				a.note(req.UserID)
			}
			return next(ctx, req)
		}
	}
}

func (a *ActivityRecorder) note(user string) {
	now := a.Now().In(a.Location)
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, a.Location).UTC()
	act := mx.Activity{Day: day, UserID: user}
	a.mu.Lock()
	defer a.mu.Unlock()
	if !day.Equal(a.day) {
		a.day, a.stored = day, map[mx.Activity]bool{}
	}
	if a.stored[act] {
		return
	}
	if a.pending == nil {
		a.pending = map[mx.Activity]bool{}
	}
	a.pending[act] = true
}

// Flush writes the pending pairs. On failure they stay pending and the
// next flush tries again.
func (a *ActivityRecorder) Flush(ctx context.Context) error {
	a.mu.Lock()
	batch := a.pending
	a.pending = nil
	a.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	acts := slices.SortedFunc(maps.Keys(batch), func(x, y mx.Activity) int {
		if c := x.Day.Compare(y.Day); c != 0 {
			return c
		}
		return strings.Compare(x.UserID, y.UserID)
	})
	err := a.Store.RecordActivity(ctx, acts)
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, act := range acts {
		switch {
		case err != nil:
			if a.pending == nil {
				a.pending = map[mx.Activity]bool{}
			}
			a.pending[act] = true
		case act.Day.Equal(a.day):
			a.stored[act] = true
		}
	}
	return err
}
