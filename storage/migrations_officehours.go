package storage

import (
	"time"

	"gorm.io/gorm"
)

var officeHoursMigrations = []migration{
	{version: 200, name: "officehours_bookings", up: func(tx *gorm.DB) error {
		// officehoursBooking is a held office-hours slot: a developer's
		// booking or a host's block. A row is never deleted; cancelling
		// sets cancelled_at, which takes it out of the partial unique index
		// below and so frees the slot while keeping the history.
		type officehoursBooking struct {
			ID               int64     `gorm:"primaryKey;autoIncrement"`
			Kind             string    `gorm:"size:16;not null"`
			HostID           string    `gorm:"size:32;not null"`
			SlotStart        time.Time `gorm:"not null;index;index:idx_officehours_bookings_booker,priority:2"`
			SlotEnd          time.Time `gorm:"not null"`
			BookerID         string    `gorm:"size:32;not null;index:idx_officehours_bookings_booker,priority:1"`
			BookerTeam       string    `gorm:"size:64;not null;default:''"`
			Topic            string    `gorm:"type:text;not null;default:''"`
			CreatedAt        time.Time `gorm:"not null"`
			CancelledAt      *time.Time
			CancelledBy      string `gorm:"size:32;not null;default:''"`
			NoShowAt         *time.Time
			BookerRemindedAt *time.Time
			HostRemindedAt   *time.Time
			FeedbackAskedAt  *time.Time
			FeedbackScore    *int
			FeedbackComment  string `gorm:"type:text;not null;default:''"`
			FeedbackAt       *time.Time
		}
		// officehoursBooker has one row per person who ever booked. The
		// booking transaction updates it first: on PostgreSQL that row lock
		// serialises one person's concurrent bookings, so the weekly limit
		// cannot be passed by booking two slots at once.
		type officehoursBooker struct {
			UserID   string    `gorm:"primaryKey;size:32"`
			LockedAt time.Time `gorm:"not null"`
		}
		if err := tx.Migrator().CreateTable(&officehoursBooking{}, &officehoursBooker{}); err != nil {
			return err
		}
		// One active holder per host slot. Partial unique indexes work the
		// same on PostgreSQL and SQLite.
		return tx.Exec(`CREATE UNIQUE INDEX ux_officehours_bookings_active_slot
			ON officehours_bookings (host_id, slot_start) WHERE cancelled_at IS NULL`).Error
	}},
}
