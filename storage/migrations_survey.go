package storage

import (
	"time"

	"gorm.io/gorm"
)

// surveyMigrations create the table of pending sends (shared by every
// feature that fans out) and the pulse survey tables. Versions 300–399.
var surveyMigrations = []migration{
	{version: 300, name: "pending_sends", up: func(tx *gorm.DB) error {
		// pendingSend is one message to deliver, sent once per dedupe key.
		type pendingSend struct {
			ID         int64     `gorm:"primaryKey"`
			Kind       string    `gorm:"size:32;not null"`
			DedupeKey  string    `gorm:"size:200;not null;uniqueIndex"`
			Channel    string    `gorm:"size:64;not null"`
			Payload    string    `gorm:"type:text;not null"`
			State      string    `gorm:"size:16;not null;index:idx_pending_sends_due,priority:1;index:idx_pending_sends_lease,priority:1"`
			NotBefore  time.Time `gorm:"not null;index:idx_pending_sends_due,priority:2"`
			NotAfter   *time.Time
			ClaimToken string     `gorm:"size:40;not null;default:''"`
			ClaimedBy  string     `gorm:"size:120;not null;default:''"`
			LeaseUntil *time.Time `gorm:"index:idx_pending_sends_lease,priority:2"`
			Attempts   int        `gorm:"not null;default:0"`
			LastError  string     `gorm:"size:500;not null;default:''"`
			TS         string     `gorm:"column:ts;size:32;not null;default:''"`
			CreatedAt  time.Time  `gorm:"not null;index"`
			SentAt     *time.Time
		}
		return tx.Migrator().CreateTable(&pendingSend{})
	}},
	{version: 301, name: "pulse_runs", up: func(tx *gorm.DB) error {
		// pulseRun is one sending of a survey. OpenSurvey equals SurveyID
		// while the run is open and is NULL after: its unique index allows
		// one open run per survey on both databases (NULLs never collide).
		type pulseRun struct {
			ID            int64     `gorm:"primaryKey"`
			SurveyID      string    `gorm:"size:64;not null;uniqueIndex:idx_pulse_runs_occurrence,priority:1"`
			Occurrence    string    `gorm:"size:64;not null;uniqueIndex:idx_pulse_runs_occurrence,priority:2"`
			OpenSurvey    *string   `gorm:"size:64;uniqueIndex"`
			Snapshot      string    `gorm:"type:text;not null"`
			State         string    `gorm:"size:16;not null;index"`
			StartedBy     string    `gorm:"size:64;not null"`
			StartedAt     time.Time `gorm:"not null"`
			ClosesAt      time.Time `gorm:"not null"`
			RemindAt      *time.Time
			ClosedAt      *time.Time `gorm:"index"`
			Invited       bool       `gorm:"not null;default:false"`
			Reminded      bool       `gorm:"not null;default:false"`
			ResultsPosted bool       `gorm:"not null;default:false"`
			Audience      int        `gorm:"not null;default:0"`
		}
		return tx.Migrator().CreateTable(&pulseRun{})
	}},
	{version: 302, name: "pulse_participants", up: func(tx *gorm.DB) error {
		// pulseParticipant is the participation ledger: who was asked and
		// whether they answered. It has no answer time and nothing that
		// identifies a response, so it cannot be joined to the answers.
		type pulseParticipant struct {
			RunID     int64  `gorm:"primaryKey;autoIncrement:false"`
			UserID    string `gorm:"primaryKey;size:32;index"`
			Team      string `gorm:"size:64;not null;default:''"`
			Delivered bool   `gorm:"not null;default:false"`
			Excluded  bool   `gorm:"not null;default:false"`
			Answered  bool   `gorm:"not null;default:false"`
			Channel   string `gorm:"size:32;not null;default:''"`
			TS        string `gorm:"column:ts;size:32;not null;default:''"`
		}
		return tx.Migrator().CreateTable(&pulseParticipant{})
	}},
	{version: 303, name: "pulse_answers", up: func(tx *gorm.DB) error {
		// pulseAnswer is one answer. For anonymous surveys it holds no user
		// id, no time and no sequential id: ID and ResponseID are random.
		type pulseAnswer struct {
			ID         string `gorm:"primaryKey;size:32"`
			RunID      int64  `gorm:"not null;index:idx_pulse_answers_response,priority:1"`
			ResponseID string `gorm:"size:32;not null;index:idx_pulse_answers_response,priority:2"`
			QuestionID string `gorm:"size:64;not null"`
			Team       string `gorm:"size:64;not null;default:''"`
			Value      *int
			Text       *string `gorm:"type:text"`
			UserID     *string `gorm:"size:32"`
		}
		return tx.Migrator().CreateTable(&pulseAnswer{})
	}},
	{version: 310, name: "pending_sends_any_kind", up: func(tx *gorm.DB) error {
		// The outbox carries every kind of side effect, not only Slack
		// posts: a send has a recipient (a channel, a user, a webhook's
		// name) and its deliverer's ref (a message ts, a file id).
		type pendingSend struct{}
		m := tx.Migrator()
		if err := m.RenameColumn(&pendingSend{}, "channel", "recipient"); err != nil {
			return err
		}
		return m.RenameColumn(&pendingSend{}, "ts", "ref")
	}},
	{version: 311, name: "pending_sends_after", up: func(tx *gorm.DB) error {
		// A send may follow another (a report's charts follow its
		// message): after_key names it, and followed marks a send whose
		// outcome releases its followers.
		type pendingSend struct {
			AfterKey string `gorm:"size:200;not null;default:'';index:idx_pending_sends_after"`
			Followed bool   `gorm:"not null;default:false"`
		}
		m := tx.Migrator()
		for _, col := range []string{"AfterKey", "Followed"} {
			if err := m.AddColumn(&pendingSend{}, col); err != nil {
				return err
			}
		}
		return m.CreateIndex(&pendingSend{}, "idx_pending_sends_after")
	}},
	{version: 312, name: "pulse_participants_asked_at", up: func(tx *gorm.DB) error {
		// Each person's answer window opens when they are asked, planned
		// for a decent hour in their zone (NULL: the run's start).
		type pulseParticipant struct {
			AskedAt *time.Time
		}
		return tx.Migrator().AddColumn(&pulseParticipant{}, "AskedAt")
	}},
}
