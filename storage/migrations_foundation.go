package storage

import (
	"time"

	"gorm.io/gorm"
)

var foundationMigrations = []migration{
	{version: 1, name: "processed_events", up: func(tx *gorm.DB) error {
		// processedEvent remembers Events API event ids so that an event
		// redelivered by Slack (retries, several connections) runs once.
		type processedEvent struct {
			EventID    string    `gorm:"primaryKey;size:64"`
			ReceivedAt time.Time `gorm:"not null;index"`
		}
		return tx.Migrator().CreateTable(&processedEvent{})
	}},
}
