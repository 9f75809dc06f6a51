package storage

import (
	"context"
	"fmt"
	"os"
	"time"

	"gorm.io/gorm/clause"
)

// jobRun is the live model of the job_runs table.
type jobRun struct {
	Job        string    `gorm:"primaryKey"`
	Occurrence time.Time `gorm:"primaryKey"`
	ClaimedBy  string
	ClaimedAt  time.Time
}

// JobClaims implements schedule.Claims: the first replica to insert a
// (job, occurrence) row runs it.
type JobClaims struct {
	db    *DB
	owner string
}

// NewJobClaims returns claims recorded in db under this process's name.
func NewJobClaims(db *DB) *JobClaims {
	host, _ := os.Hostname()
	return &JobClaims{db: db, owner: fmt.Sprintf("%s/%d", host, os.Getpid())}
}

// Claim records occurrence of job and reports whether this caller won it.
func (c *JobClaims) Claim(ctx context.Context, job string, occurrence time.Time) (bool, error) {
	res := c.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&jobRun{
		Job: job, Occurrence: occurrence.UTC(), ClaimedBy: c.owner, ClaimedAt: time.Now().UTC(),
	})
	if res.Error != nil {
		return false, fmt.Errorf("storage.JobClaims.Claim(%q): %w", job, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// LastOccurrence returns the newest claimed occurrence of job, or zero.
func (c *JobClaims) LastOccurrence(ctx context.Context, job string) (time.Time, error) {
	var runs []jobRun
	err := c.db.WithContext(ctx).Where("job = ?", job).Order("occurrence DESC").Limit(1).Find(&runs).Error
	if err != nil {
		return time.Time{}, fmt.Errorf("storage: last occurrence of job %s: %w", job, err)
	}
	if len(runs) == 0 {
		return time.Time{}, nil
	}
	return runs[0].Occurrence.UTC(), nil
}

// ForgetJobRunsBefore deletes claims older than t.
func (c *JobClaims) ForgetJobRunsBefore(ctx context.Context, t time.Time) error {
	if err := c.db.WithContext(ctx).Where("occurrence < ?", t.UTC()).Delete(&jobRun{}).Error; err != nil {
		return fmt.Errorf("storage: forget job runs before %s: %w", t.UTC().Format(time.RFC3339), err)
	}
	return nil
}
