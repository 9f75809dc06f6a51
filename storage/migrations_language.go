package storage

import (
	"time"

	"gorm.io/gorm"
)

// languageMigrations create the table of languages people chose
// (versions 850–899).
var languageMigrations = []migration{
	{version: 850, name: "language_choices", up: func(tx *gorm.DB) error {
		// languageChoice is the language a person chose with /platform
		// language; no row: their Slack locale decides.
		type languageChoice struct {
			UserID   string    `gorm:"primaryKey;size:32"`
			Code     string    `gorm:"size:16;not null"`
			ChosenAt time.Time `gorm:"not null"`
		}
		return tx.Migrator().CreateTable(&languageChoice{})
	}},
}
