package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
)

// replica is the live model of the replicas table.
type replica struct {
	ID        string `gorm:"primaryKey"`
	Host      string
	PID       int `gorm:"column:pid"`
	StartedAt time.Time
	SeenAt    time.Time
}

// Replica names one running process in the replicas table.
type Replica struct {
	ID        string // unique per process start, e.g. host:pid:random
	Host      string
	PID       int
	StartedAt time.Time
}

// Replicas is the heartbeat table of running processes. Each process
// writes its row every few seconds; a row not written for a while belongs to
// a process that is gone (killed, partitioned). It exists so that replicas
// can divide Slack's workspace-wide rate limits between them; with SQLite
// there is only ever one process, so nobody needs to ask.
type Replicas struct{ db *DB }

// NewReplicas returns the replicas table of db.
func NewReplicas(db *DB) *Replicas { return &Replicas{db: db} }

// Beat records that r is alive at now, adding its row on the first beat.
func (s *Replicas) Beat(ctx context.Context, r Replica, now time.Time) error {
	row := replica{ID: r.ID, Host: r.Host, PID: r.PID, StartedAt: r.StartedAt.UTC(), SeenAt: now.UTC()}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{"seen_at"}),
	}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("storage: Replicas.Beat(%s): %w", r.ID, err)
	}
	return nil
}

// Live counts the replicas seen at or after since.
func (s *Replicas) Live(ctx context.Context, since time.Time) (int, error) {
	var n int64
	if err := s.db.WithContext(ctx).Model(&replica{}).Where("seen_at >= ?", since.UTC()).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("storage: Replicas.Live: %w", err)
	}
	return int(n), nil
}

// Leave removes r's row, so that the others take over its share at once
// rather than after its heartbeat has expired.
func (s *Replicas) Leave(ctx context.Context, id string) error {
	if err := s.db.WithContext(ctx).Where("id = ?", id).Delete(&replica{}).Error; err != nil {
		return fmt.Errorf("storage: Replicas.Leave(%s): %w", id, err)
	}
	return nil
}

// Forget deletes the rows of replicas last seen before t (processes that
// died without leaving) and returns how many.
func (s *Replicas) Forget(ctx context.Context, before time.Time) (int64, error) {
	res := s.db.WithContext(ctx).Where("seen_at < ?", before.UTC()).Delete(&replica{})
	if res.Error != nil {
		return 0, fmt.Errorf("storage: Replicas.Forget: %w", res.Error)
	}
	return res.RowsAffected, nil
}
