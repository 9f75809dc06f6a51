package storage

import (
	"time"

	"gorm.io/gorm"
)

var ideaMigrations = []migration{
	{version: 700, name: "ideas", up: func(tx *gorm.DB) error {
		// idea is one request on the board. votes is kept equal to the
		// rows of idea_votes by the transactions that change them (each
		// locks the idea row first); version grows with every change the
		// board message shows, so stale updates of it can be skipped.
		type idea struct {
			ID         int64  `gorm:"primaryKey;autoIncrement"`
			Title      string `gorm:"size:200;not null"`
			Problem    string `gorm:"type:text;not null"`
			Affected   string `gorm:"type:text;not null;default:''"`
			Link       string `gorm:"size:600;not null;default:''"`
			Author     string `gorm:"size:32;not null;index"`
			AuthorTeam string `gorm:"size:64;not null;default:''"`
			Status     string `gorm:"size:16;not null;index"`
			Reason     string `gorm:"type:text;not null;default:''"`
			StatusBy   string `gorm:"size:32;not null;default:''"`
			StatusAt   *time.Time
			MergedInto *int64    `gorm:"index"`
			Votes      int       `gorm:"not null;default:0"`
			Version    int64     `gorm:"not null;default:1"`
			Channel    string    `gorm:"size:32;not null;default:''"`
			TS         string    `gorm:"column:ts;size:32;not null;default:''"`
			CreatedAt  time.Time `gorm:"not null;index"`
			UpdatedAt  time.Time `gorm:"not null"`
		}
		// ideaVote is one person's vote; the primary key (idea, user) is
		// what makes a vote count once, however many clicks arrive at once.
		// team is the voter's team when they voted.
		type ideaVote struct {
			IdeaID    int64     `gorm:"primaryKey;autoIncrement:false"`
			UserID    string    `gorm:"primaryKey;size:32;index"`
			Team      string    `gorm:"size:64;not null;default:''"`
			CreatedAt time.Time `gorm:"not null"`
		}
		return tx.Migrator().CreateTable(&idea{}, &ideaVote{})
	}},
}
