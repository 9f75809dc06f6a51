package storage

import (
	"context"
	"slices"
	"time"

	"gorm.io/gorm/clause"

	"github.com/platformbot/platformbot/metrics"
)

type botActivityDayRow struct {
	Day    time.Time `gorm:"primaryKey"`
	UserID string    `gorm:"primaryKey"`
}

func (botActivityDayRow) TableName() string { return "bot_activity_days" }

// RecordActivity stores who used the bot on which day; a user seen twice on
// a day is stored once.
func (s *Metrics) RecordActivity(ctx context.Context, acts []metrics.Activity) (err error) {
	defer metricsWrap(&err, "Metrics.RecordActivity")
	if len(acts) == 0 {
		return nil
	}
	rows := make([]botActivityDayRow, len(acts))
	for i, a := range acts {
		rows[i] = botActivityDayRow{Day: a.Day.UTC(), UserID: a.UserID}
	}
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(rows, upsertChunk).Error
}

// ActiveUsers counts distinct users per range, among users (everyone when
// users is nil).
func (s *Metrics) ActiveUsers(ctx context.Context, users []string, ranges []metrics.Range) (out []int, err error) {
	defer metricsWrap(&err, "Metrics.ActiveUsers")
	out = make([]int, len(ranges))
	if users != nil && len(users) == 0 {
		return out, nil
	}
	tbl, args := s.rangesTable(ranges)
	q := "SELECT b.idx AS idx, COUNT(DISTINCT a.user_id) AS n FROM " + tbl + " JOIN bot_activity_days a ON a.day >= b.lo AND a.day < b.hi"
	// Users are split into disjoint chunks, so per-chunk distinct counts add up.
	chunks := [][]string{nil}
	if users != nil {
		slices.Sort(users)
		chunks = slices.Collect(slices.Chunk(slices.Compact(users), upsertChunk))
	}
	for _, chunk := range chunks {
		qc, ac := q, args
		if chunk != nil {
			qc, ac = q+" WHERE a.user_id IN ?", append(slices.Clone(args), chunk)
		}
		var rows []struct{ Idx, N int }
		if err := s.db.WithContext(ctx).Raw(qc+" GROUP BY b.idx", ac...).Scan(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.Idx] += r.N
		}
	}
	return out, nil
}

// ActiveUserIDs lists the distinct users of a range.
func (s *Metrics) ActiveUserIDs(ctx context.Context, r metrics.Range) (ids []string, err error) {
	defer metricsWrap(&err, "Metrics.ActiveUserIDs")
	err = s.db.WithContext(ctx).Model(&botActivityDayRow{}).Distinct("user_id").
		Where("day >= ? AND day < ?", r.From.UTC(), r.To.UTC()).Order("user_id").Pluck("user_id", &ids).Error
	return ids, err
}

type digestPostRow struct {
	DigestID   string    `gorm:"primaryKey"`
	Occurrence time.Time `gorm:"primaryKey"`
	Channel    string
	ClaimedAt  time.Time
	PostedAt   *time.Time
	TS         string `gorm:"column:ts"`
}

func (digestPostRow) TableName() string { return "digest_posts" }

// ClaimDigest claims one occurrence of a scheduled digest and reports
// whether this caller won; the primary key makes the claim atomic across
// replicas.
func (s *Metrics) ClaimDigest(ctx context.Context, digestID string, occurrence time.Time, channel string) (ok bool, err error) {
	defer metricsWrap(&err, "Metrics.ClaimDigest(%q, %s)", digestID, occurrence)
	r := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&digestPostRow{
		DigestID: digestID, Occurrence: occurrence.UTC(), Channel: channel, ClaimedAt: s.now().UTC(),
	})
	return r.RowsAffected == 1, r.Error
}

// DigestPosted records the posted message of a claimed occurrence.
func (s *Metrics) DigestPosted(ctx context.Context, digestID string, occurrence time.Time, ts string) (err error) {
	defer metricsWrap(&err, "Metrics.DigestPosted(%q)", digestID)
	now := s.now().UTC()
	return s.db.WithContext(ctx).Model(&digestPostRow{}).
		Where("digest_id = ? AND occurrence = ?", digestID, occurrence.UTC()).
		Updates(map[string]any{"posted_at": now, "ts": ts}).Error
}

// ReleaseDigest gives up a claim whose post failed, so that a retry of the
// same occurrence may post it.
func (s *Metrics) ReleaseDigest(ctx context.Context, digestID string, occurrence time.Time) (err error) {
	defer metricsWrap(&err, "Metrics.ReleaseDigest(%q)", digestID)
	return s.db.WithContext(ctx).Where("digest_id = ? AND occurrence = ? AND posted_at IS NULL", digestID, occurrence.UTC()).
		Delete(&digestPostRow{}).Error
}
