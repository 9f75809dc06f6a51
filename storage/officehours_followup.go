package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/platformbot/platformbot/officehours"
)

// Reminders and feedback questions are claimed with conditional updates
// (… WHERE <column> IS NULL, then RowsAffected == 1) before they are sent,
// so that overlapping job runs, restarts and replicas send each one once.

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

// ClaimReminder marks p's reminder of booking id as sent at at; it reports
// false when someone claimed it first or the booking was cancelled.
func (s *OfficeHoursStore) ClaimReminder(ctx context.Context, id int64, p officehours.Party, at time.Time) (bool, error) {
	col := ohReminderColumn(p)
	return s.claim(ctx, "ClaimReminder", id, col, at)
}

// ReleaseReminder clears a claim whose message could not be sent, so the
// next run retries it.
func (s *OfficeHoursStore) ReleaseReminder(ctx context.Context, id int64, p officehours.Party) error {
	return s.release(ctx, "ReleaseReminder", id, ohReminderColumn(p))
}

// DueFeedback returns active, attended bookings ending in (from, to] whose
// feedback question was not claimed.
func (s *OfficeHoursStore) DueFeedback(ctx context.Context, from, to time.Time) ([]officehours.Booking, error) {
	return s.list(ctx, "DueFeedback", func(q *gorm.DB) *gorm.DB {
		return q.Scopes(ohActive).Where("kind = ? AND no_show_at IS NULL AND feedback_asked_at IS NULL AND slot_end > ? AND slot_end <= ?",
			officehours.KindBooking, from.UTC(), to.UTC())
	})
}

// ClaimFeedback marks the feedback question of booking id as sent.
func (s *OfficeHoursStore) ClaimFeedback(ctx context.Context, id int64, at time.Time) (bool, error) {
	return s.claim(ctx, "ClaimFeedback", id, "feedback_asked_at", at)
}

// ReleaseFeedback clears a feedback claim whose message could not be sent.
func (s *OfficeHoursStore) ReleaseFeedback(ctx context.Context, id int64) error {
	return s.release(ctx, "ReleaseFeedback", id, "feedback_asked_at")
}

// claim sets col to at where it is NULL on an active booking.
func (s *OfficeHoursStore) claim(ctx context.Context, op string, id int64, col string, at time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Model(&officehoursBooking{}).Scopes(ohActive).
		Where("id = ? AND "+col+" IS NULL", id).Update(col, at.UTC())
	if res.Error != nil {
		return false, fmt.Errorf("storage: OfficeHoursStore.%s(%d): %w", op, id, res.Error)
	}
	return res.RowsAffected == 1, nil
}

func (s *OfficeHoursStore) release(ctx context.Context, op string, id int64, col string) error {
	err := s.db.WithContext(ctx).Model(&officehoursBooking{}).Where("id = ?", id).Update(col, nil).Error
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
