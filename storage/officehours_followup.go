package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/platformbot/platformbot/officehours"
)

// Reminders and feedback questions are queued in the outbox, each under a
// key of its own, and then marked here as queued: the columns keep the
// job from queueing them again (which would be a no-op anyway), and say
// when they were queued.

func ohReminderColumn(p officehours.Party) string {
	if p == officehours.Host {
		return "host_reminded_at"
	}
	return "booker_reminded_at"
}

// DueReminders returns active bookings starting in (from, to] that still
// owe a reminder to at least one side.
func (s *OfficeHoursStore) DueReminders(ctx context.Context, from, to time.Time) ([]officehours.Booking, error) {
	return s.list(ctx, "DueReminders", func(q *gorm.DB) *gorm.DB {
		return q.Scopes(ohActive).Where("kind = ? AND slot_start > ? AND slot_start <= ? AND (booker_reminded_at IS NULL OR host_reminded_at IS NULL)",
			officehours.KindBooking, from.UTC(), to.UTC())
	})
}

// Reminded records that p's reminder of booking id is queued.
func (s *OfficeHoursStore) Reminded(ctx context.Context, id int64, p officehours.Party, at time.Time) error {
	return s.mark(ctx, "Reminded", id, ohReminderColumn(p), at)
}

// DueFeedback returns active, attended bookings ending in (from, to] whose
// feedback question was not claimed.
func (s *OfficeHoursStore) DueFeedback(ctx context.Context, from, to time.Time) ([]officehours.Booking, error) {
	return s.list(ctx, "DueFeedback", func(q *gorm.DB) *gorm.DB {
		return q.Scopes(ohActive).Where("kind = ? AND no_show_at IS NULL AND feedback_asked_at IS NULL AND slot_end > ? AND slot_end <= ?",
			officehours.KindBooking, from.UTC(), to.UTC())
	})
}

// FeedbackAsked records that the feedback question of booking id is
// queued.
func (s *OfficeHoursStore) FeedbackAsked(ctx context.Context, id int64, at time.Time) error {
	return s.mark(ctx, "FeedbackAsked", id, "feedback_asked_at", at)
}

// mark sets col to at unless it is set already.
func (s *OfficeHoursStore) mark(ctx context.Context, op string, id int64, col string, at time.Time) error {
	err := s.db.WithContext(ctx).Model(&officehoursBooking{}).Where("id = ? AND "+col+" IS NULL", id).Update(col, at.UTC()).Error
	if err != nil {
		return fmt.Errorf("storage: OfficeHoursStore.%s(%d): %w", op, id, err)
	}
	return nil
}

// SaveFeedback stores the score; the latest answer wins.
func (s *OfficeHoursStore) SaveFeedback(ctx context.Context, id int64, score int, at time.Time) error {
	return s.saveFeedback(ctx, "SaveFeedback", id, map[string]any{"feedback_score": score, "feedback_at": at.UTC()})
}

// SaveFeedbackComment stores the optional comment.
func (s *OfficeHoursStore) SaveFeedbackComment(ctx context.Context, id int64, comment string, at time.Time) error {
	return s.saveFeedback(ctx, "SaveFeedbackComment", id, map[string]any{"feedback_comment": comment, "feedback_at": at.UTC()})
}

func (s *OfficeHoursStore) saveFeedback(ctx context.Context, op string, id int64, cols map[string]any) error {
	res := s.db.WithContext(ctx).Model(&officehoursBooking{}).Where("id = ?", id).Updates(cols)
	if res.Error != nil {
		return fmt.Errorf("storage: OfficeHoursStore.%s(%d): %w", op, id, res.Error)
	}
	if res.RowsAffected == 0 {
		return officehours.ErrNotFound
	}
	return nil
}
