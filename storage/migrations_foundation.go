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
	{version: 3, name: "replicas", up: func(tx *gorm.DB) error {
		// replica is one running process's heartbeat: replicas count the
		// rows seen recently to share Slack's workspace-wide rate limits.
		type replica struct {
			ID        string    `gorm:"primaryKey;size:200"`
			Host      string    `gorm:"size:200;not null"`
			PID       int       `gorm:"column:pid;not null"`
			StartedAt time.Time `gorm:"not null"`
			SeenAt    time.Time `gorm:"not null;index"`
		}
		return tx.Migrator().CreateTable(&replica{})
	}},
}
