package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/platformbot/platformbot/outbox"
)

// Busy reports whether sends are due or on their way: pending ones due by
// now, and claimed ones whose lease has not ended. The console waits for it
// to turn false before reading a scripted line.
func (s *OutboxStore) Busy(ctx context.Context, now time.Time) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&pendingSend{}).
		Where("(state = ? AND not_before <= ?) OR (state = ? AND lease_until > ?)", outbox.Pending, now.UTC(), outbox.Claimed, now.UTC()).
		Limit(1).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("OutboxStore.Busy: %w", err)
	}
	return n > 0, nil
}
