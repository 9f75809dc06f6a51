package storage

import (
	"time"

	"gorm.io/gorm"
)

// previewMigrations create the preview program tables. Versions 600–699.
var previewMigrations = []migration{
	{version: 600, name: "previews", up: func(tx *gorm.DB) error {
		// preview is one preview program, configured (synced at start) or
		// created with /preview new. Ticket is bumped by every change of
		// seats: the UPDATE takes the row lock that serialises joins and
		// leaves of the preview, and its value orders the waitlist.
		type preview struct {
			ID              string    `gorm:"primaryKey;size:64"`
			Name            string    `gorm:"size:100;not null"`
			Description     string    `gorm:"type:text;not null;default:''"`
			Owner           string    `gorm:"size:32;not null"`
			Channel         string    `gorm:"size:32;not null"`
			MaxParticipants int       `gorm:"not null;default:0"`
			StartDate       string    `gorm:"size:10;not null"`
			EndDate         string    `gorm:"size:10;not null"`
			StartAt         time.Time `gorm:"not null"`
			EndAt           time.Time `gorm:"not null;index"`
			Feedback        string    `gorm:"type:text;not null"`
			Source          string    `gorm:"size:16;not null"`
			CreatedBy       string    `gorm:"size:32;not null;default:''"`
			CreatedAt       time.Time `gorm:"not null"`
			Ticket          int64     `gorm:"not null;default:0"`
			FeedbackClosed  bool      `gorm:"not null;default:false"`
		}
		return tx.Migrator().CreateTable(&preview{})
	}},
	{version: 601, name: "preview_participants", up: func(tx *gorm.DB) error {
		// previewParticipant is one person in one preview: seated,
		// waitlisted (in Queue order) or gone. The primary key makes a
		// double click one row.
		type previewParticipant struct {
			PreviewID     string    `gorm:"primaryKey;size:64;index:idx_preview_participants_queue,priority:1"`
			UserID        string    `gorm:"primaryKey;size:32;index"`
			State         string    `gorm:"size:16;not null;index:idx_preview_participants_queue,priority:2"`
			Queue         int64     `gorm:"not null;default:0;index:idx_preview_participants_queue,priority:3"`
			Team          string    `gorm:"size:64;not null;default:''"`
			Generation    int       `gorm:"not null;default:1"`
			FirstJoinedAt time.Time `gorm:"not null"`
			FirstActiveAt *time.Time
			JoinedAt      time.Time `gorm:"not null"`
			ActiveSince   *time.Time
			LeftAt        *time.Time
			Automation    string    `gorm:"size:16;not null;default:''"`
			Seq           int64     `gorm:"not null;default:0"`
			NoticeOwed    bool      `gorm:"not null;default:false"`
			ChangedAt     time.Time `gorm:"not null"`
		}
		return tx.Migrator().CreateTable(&previewParticipant{})
	}},
	{version: 602, name: "preview_asks", up: func(tx *gorm.DB) error {
		// previewAsk is the feedback ledger: who was asked at which point
		// and whether they answered. No answer, no answer time.
		type previewAsk struct {
			PreviewID string    `gorm:"primaryKey;size:64"`
			PointID   string    `gorm:"primaryKey;size:32"`
			UserID    string    `gorm:"primaryKey;size:32;index"`
			AskedAt   time.Time `gorm:"not null"`
			ClosesAt  time.Time `gorm:"not null"`
			RemindAt  *time.Time
			Invited   bool `gorm:"not null;default:false"`
			Delivered bool `gorm:"not null;default:false"`
			Reminded  bool `gorm:"not null;default:false"`
			Answered  bool `gorm:"not null;default:false"`
		}
		return tx.Migrator().CreateTable(&previewAsk{})
	}},
	{version: 603, name: "preview_answers", up: func(tx *gorm.DB) error {
		// previewAnswer is one answer. For anonymous previews it holds no
		// user id, no time and no sequential id: ID and ResponseID are
		// random.
		type previewAnswer struct {
			ID         string  `gorm:"primaryKey;size:32"`
			PreviewID  string  `gorm:"size:64;not null;index:idx_preview_answers_response,priority:1"`
			ResponseID string  `gorm:"size:32;not null;index:idx_preview_answers_response,priority:2"`
			PointID    string  `gorm:"size:32;not null"`
			QuestionID string  `gorm:"size:64;not null"`
			Value      *int    ``
			Text       *string `gorm:"type:text"`
			UserID     *string `gorm:"size:32"`
			AnsweredAt *time.Time
		}
		return tx.Migrator().CreateTable(&previewAnswer{})
	}},
}
