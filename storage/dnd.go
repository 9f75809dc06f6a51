package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"gorm.io/gorm/clause"

	"github.com/platformbot/platformbot/delivery"
)

// dndStatus is the live model of the dnd_statuses table.
type dndStatus struct {
	UserID    string `gorm:"primaryKey"`
	Quiet     string
	LearnedAt time.Time
}

// DNDStore implements delivery.DNDStore: what the replicas learned of
// people's Do Not Disturb, so that an event that reached one replica, or
// a dnd.teamInfo answer one of them paid for, serves them all.
type DNDStore struct{ db *DB }

var _ delivery.DNDStore = (*DNDStore)(nil)

// NewDNDStore returns the Do Not Disturb statuses stored in db.
func NewDNDStore(db *DB) *DNDStore { return &DNDStore{db: db} }

// SaveDND stores answers; one older than the stored answer for the same
// person is ignored.
func (s *DNDStore) SaveDND(ctx context.Context, answers map[string]delivery.DNDAnswer) error {
	if len(answers) == 0 {
		return nil
	}
	rows := make([]dndStatus, 0, len(answers))
	for _, u := range slices.Sorted(maps.Keys(answers)) { // a fixed order: no deadlock between replicas
		a := answers[u]
		q, err := json.Marshal(a.Quiet)
		if err != nil {
			return fmt.Errorf("storage: DNDStore.SaveDND(%s): %w", u, err)
		}
		rows = append(rows, dndStatus{UserID: u, Quiet: string(q), LearnedAt: a.At.UTC()})
	}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "user_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"quiet", "learned_at"}),
		Where:     clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: "dnd_statuses.learned_at <= excluded.learned_at"}}},
	}).CreateInBatches(rows, 500).Error
	if err != nil {
		return fmt.Errorf("storage: DNDStore.SaveDND(%d people): %w", len(rows), err)
	}
	return nil
}

// LoadDND returns the stored answers about users learned at or after since.
func (s *DNDStore) LoadDND(ctx context.Context, users []string, since time.Time) (map[string]delivery.DNDAnswer, error) {
	out := map[string]delivery.DNDAnswer{}
	for chunk := range slices.Chunk(users, 500) {
		var rows []dndStatus
		if err := s.db.WithContext(ctx).Where("user_id IN ? AND learned_at >= ?", chunk, since.UTC()).Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("storage: DNDStore.LoadDND(%d people): %w", len(users), err)
		}
		for _, r := range rows {
			var q []delivery.Quiet
			if err := json.Unmarshal([]byte(r.Quiet), &q); err != nil {
				return nil, fmt.Errorf("storage: DNDStore.LoadDND(%s): %w", r.UserID, err)
			}
			out[r.UserID] = delivery.DNDAnswer{Quiet: q, At: r.LearnedAt}
		}
	}
	return out, nil
}
