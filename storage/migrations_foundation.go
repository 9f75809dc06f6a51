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
	{version: 2, name: "job_runs", up: func(tx *gorm.DB) error {
		// jobRun is one claimed occurrence of a scheduled job: the primary
		// key makes "run once across replicas" a unique-constraint race.
		type jobRun struct {
			Job        string    `gorm:"primaryKey;size:200"`
			Occurrence time.Time `gorm:"primaryKey"`
			ClaimedBy  string    `gorm:"size:200;not null"`
			ClaimedAt  time.Time `gorm:"not null"`
		}
		return tx.Migrator().CreateTable(&jobRun{})
	}},
}
