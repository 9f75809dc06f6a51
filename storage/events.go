package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
)

// processedEvent is the live model of the processed_events table.
type processedEvent struct {
	EventID    string `gorm:"primaryKey"`
	ReceivedAt time.Time
}

// EventDedup remembers Events API event ids in the database, so that an
// event Slack redelivers, to this replica or another, runs once.
type EventDedup struct{ db *DB }

// NewEventDedup returns a deduper backed by db.
func NewEventDedup(db *DB) *EventDedup { return &EventDedup{db: db} }

// FirstSeen records eventID and reports whether it was new.
func (d *EventDedup) FirstSeen(ctx context.Context, eventID string) (bool, error) {
	res := d.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&processedEvent{EventID: eventID, ReceivedAt: time.Now().UTC()})
	if res.Error != nil {
		return false, res.Error
	}
	return res.RowsAffected == 1, nil
}

// ForgetEventsBefore deletes event ids older than t; Slack stops retrying
// after minutes, so a day of memory is plenty.
func (d *EventDedup) ForgetEventsBefore(ctx context.Context, t time.Time) error {
	if err := d.db.WithContext(ctx).Where("received_at < ?", t.UTC()).Delete(&processedEvent{}).Error; err != nil {
		return fmt.Errorf("storage: forget events before %s: %w", t.UTC().Format(time.RFC3339), err)
	}
	return nil
}
