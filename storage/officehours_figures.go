package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/platformbot/platformbot/metrics"
	"github.com/platformbot/platformbot/officehours"
)

var _ metrics.OfficeHoursSource = (*OfficeHoursStore)(nil)

// OfficeHoursFigures summarises office hours whose slots start in w.
//
// SlotsOffered is computed from the current schedule (so a window in the
// past is measured against today's configuration) minus the slots hosts
// blocked. Slots are offered to the whole organisation, so SlotsOffered
// ignores w.Team; bookings, no-shows and feedback are filtered by the
// booker's team as resolved when they booked.
func (s *OfficeHoursStore) OfficeHoursFigures(ctx context.Context, w metrics.Window) (_ metrics.OfficeHoursFigures, err error) {
	defer ohWrap(&err, "OfficeHoursStore.OfficeHoursFigures(%s, %s, %q)", w.From.UTC().Format("2006-01-02T15:04Z"), w.To.UTC().Format("2006-01-02T15:04Z"), w.Team)
	from, to := w.From.UTC(), w.To.UTC()
	var f metrics.OfficeHoursFigures
	if f.SlotsOffered, err = s.slotsOffered(ctx, from, to); err != nil {
		return f, err
	}
	var agg struct {
		Bookings, NoShows, FeedbackN int64
		FeedbackSum                  float64
	}
	q := s.db.WithContext(ctx).Model(&officehoursBooking{}).Scopes(ohActive).
		Select(`COUNT(*) AS bookings,
			COALESCE(SUM(CASE WHEN no_show_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS no_shows,
			COUNT(feedback_score) AS feedback_n,
			COALESCE(SUM(feedback_score), 0) AS feedback_sum`).
		Where("kind = ? AND slot_start >= ? AND slot_start < ?", officehours.KindBooking, from, to)
	if w.Team != "" {
		q = q.Where("booker_team = ?", w.Team)
	}
	if err := q.Scan(&agg).Error; err != nil {
		return f, fmt.Errorf("aggregate: %w", err)
	}
	f.Bookings, f.NoShows, f.FeedbackN = int(agg.Bookings), int(agg.NoShows), int(agg.FeedbackN)
	if agg.FeedbackN > 0 {
		f.FeedbackMean = agg.FeedbackSum / float64(agg.FeedbackN)
	}
	return f, nil
}

// slotsOffered counts the schedule's slots starting in [from, to) that no
// host blocked.
func (s *OfficeHoursStore) slotsOffered(ctx context.Context, from, to time.Time) (int, error) {
	if s.schedule == nil {
		return 0, nil
	}
	blocks, err := s.list(ctx, "blocks", func(q *gorm.DB) *gorm.DB {
		return q.Scopes(ohActive).Where("kind = ? AND slot_start >= ? AND slot_start < ?", officehours.KindBlock, from, to)
	})
	if err != nil {
		return 0, err
	}
	blocked := make(map[string]bool, len(blocks))
	for _, b := range blocks {
		blocked[b.Slot.Key()] = true
	}
	n := 0
	for _, sl := range s.schedule.Slots(from, to) {
		if !blocked[sl.Key()] {
			n++
		}
	}
	return n, nil
}
