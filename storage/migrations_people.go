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
}
