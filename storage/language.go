package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"github.com/platformbot/platformbot/i18n"
)

// languageChoice is the live model of the language_choices table.
type languageChoice struct {
	UserID   string `gorm:"primaryKey"`
	Code     string
	ChosenAt time.Time
}

// LanguageStore implements i18n.Choices: the languages people chose.
type LanguageStore struct{ db *DB }

var _ i18n.Choices = (*LanguageStore)(nil)

// NewLanguageStore returns the language choices stored in db.
func NewLanguageStore(db *DB) *LanguageStore { return &LanguageStore{db: db} }

// LanguageChoice returns the code a user chose.
func (s *LanguageStore) LanguageChoice(ctx context.Context, userID string) (string, bool, error) {
	var rows []languageChoice
	if err := s.db.WithContext(ctx).Where("user_id = ?", userID).Limit(1).Find(&rows).Error; err != nil {
		return "", false, fmt.Errorf("storage: LanguageStore.LanguageChoice(%s): %w", userID, err)
	}
	if len(rows) == 0 {
		return "", false, nil
	}
	return rows[0].Code, true, nil
}

// LanguageChoices returns every stored choice by user.
func (s *LanguageStore) LanguageChoices(ctx context.Context) (map[string]string, error) {
	var rows []languageChoice
	if err := s.db.WithContext(ctx).Select("user_id", "code").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("storage: LanguageStore.LanguageChoices: %w", err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.UserID] = r.Code
	}
	return out, nil
}

// SetLanguageChoice stores (or, with an empty code, removes) a choice.
func (s *LanguageStore) SetLanguageChoice(ctx context.Context, userID, code string, at time.Time) error {
	db := s.db.WithContext(ctx)
	var err error
	if code == "" {
		err = db.Where("user_id = ?", userID).Delete(&languageChoice{}).Error
	} else {
		err = db.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "user_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"code", "chosen_at"}),
		}).Create(&languageChoice{UserID: userID, Code: code, ChosenAt: storedTime(at)}).Error
	}
	if err != nil {
		return fmt.Errorf("storage: LanguageStore.SetLanguageChoice(%s, %q): %w", userID, code, err)
	}
	return nil
}
