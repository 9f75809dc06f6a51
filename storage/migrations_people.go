package storage

import (
	"time"

	"gorm.io/gorm"
)

// peopleMigrations create the directory of people (versions 10–19).
var peopleMigrations = []migration{
	{version: 10, name: "directory_people", up: func(tx *gorm.DB) error {
		// directoryPerson is one member of the workspace as last listed
		// (users.list) or told by an event or users.info; AsOf is when
		// the data is from, so that an older listing never overwrites a
		// newer event.
		type directoryPerson struct {
			ID       string    `gorm:"primaryKey;size:32"`
			Name     string    `gorm:"size:200;not null"`
			RealName string    `gorm:"size:200;not null"`
			TZ       string    `gorm:"size:64;not null"`
			TZOffset int       `gorm:"not null"`
			Locale   string    `gorm:"size:32;not null"`
			IsBot    bool      `gorm:"not null"`
			Deleted  bool      `gorm:"not null"`
			AsOf     time.Time `gorm:"not null;index"`
		}
		// directoryListing is the one row saying when the stored listing
		// was begun: replicas compare it with the one they hold.
		type directoryListing struct {
			ID       int       `gorm:"primaryKey;autoIncrement:false"`
			ListedAt time.Time `gorm:"not null"`
			People   int       `gorm:"not null"`
		}
		return tx.Migrator().CreateTable(&directoryPerson{}, &directoryListing{})
	}},
	{version: 11, name: "dnd_statuses", up: func(tx *gorm.DB) error {
		// dndStatus is what one replica learned of a person's Do Not
		// Disturb (a dnd_updated_user event, or a dnd.teamInfo answer),
		// shared with the others: Quiet is the JSON of the quiet spans,
		// LearnedAt when Slack said it (a newer answer wins).
		type dndStatus struct {
			UserID    string    `gorm:"primaryKey;size:32"`
			Quiet     string    `gorm:"type:text;not null"`
			LearnedAt time.Time `gorm:"not null"`
		}
		return tx.Migrator().CreateTable(&dndStatus{})
	}},
}
