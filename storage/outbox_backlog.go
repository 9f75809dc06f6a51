package storage

import (
	"context"
	"time"

	"github.com/platformbot/platformbot/outbox"
)

// OutboxBacklog is what waits in the pending-sends table: the figures an
// operator alerts on when Slack, the network or the dispatchers fall behind.
type OutboxBacklog struct {
	Due       int       // pending or claimed sends whose time has come
	Scheduled int       // pending sends due later (reminders, retries)
	OldestDue time.Time // NotBefore of the oldest due send; zero when none
}

// Backlog returns the pending-sends backlog at now. The age of the oldest
// due send counts from its NotBefore, not its creation, so that a reminder
// queued days ahead is not "late" until its time comes. Every query uses
// the (state, not_before) index.
func (s *OutboxStore) Backlog(ctx context.Context, now time.Time) (b OutboxBacklog, err error) {
	defer obWrap(&err, "OutboxStore.Backlog")
	now = now.UTC()
	due := s.db.WithContext(ctx).Model(&pendingSend{}).
		Where("state IN ? AND not_before <= ?", []string{outbox.Pending, outbox.Claimed}, now)
	var n int64
	if err := due.Count(&n).Error; err != nil {
		return b, err
	}
	b.Due = int(n)
	if n > 0 {
		var oldest []time.Time
		err := s.db.WithContext(ctx).Model(&pendingSend{}).
			Where("state IN ? AND not_before <= ?", []string{outbox.Pending, outbox.Claimed}, now).
			Order("not_before").Limit(1).Pluck("not_before", &oldest).Error
		if err != nil {
			return b, err
		}
		if len(oldest) == 1 {
			b.OldestDue = oldest[0].UTC()
		}
	}
	if err := s.db.WithContext(ctx).Model(&pendingSend{}).
		Where("state = ? AND not_before > ?", outbox.Pending, now).Count(&n).Error; err != nil {
		return b, err
	}
	b.Scheduled = int(n)
	return b, nil
}
