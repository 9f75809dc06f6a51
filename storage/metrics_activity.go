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
// users is nil). Everyone is counted in SQL; a team's members are few, so
// their (day, user) rows over all the ranges are read once through the
// (user_id, day) index and counted here, which beats a distinct count per
// range.
func (s *Metrics) ActiveUsers(ctx context.Context, users []string, ranges []metrics.Range) (out []int, err error) {
	defer metricsWrap(&err, "Metrics.ActiveUsers")
	if users == nil {
		return s.activeUsersSQL(ctx, ranges)
	}
	out = make([]int, len(ranges))
	if len(users) == 0 || len(ranges) == 0 {
		return out, nil
	}
	lo, hi := ranges[0].From, ranges[0].To
	for _, r := range ranges {
		lo, hi = minTime(lo, r.From), maxTime(hi, r.To)
	}
	seen := make([]map[string]bool, len(ranges))
	for i := range seen {
		seen[i] = map[string]bool{}
	}
	for chunk := range slices.Chunk(users, upsertChunk) {
		var rows []botActivityDayRow
		err := s.db.WithContext(ctx).Where("user_id IN ? AND day >= ? AND day < ?", chunk, lo.UTC(), hi.UTC()).Find(&rows).Error
		if err != nil {
			return nil, err
		}
		for _, row := range rows {
			for i, r := range ranges {
				if r.Contains(row.Day) {
					seen[i][row.UserID] = true
				}
			}
		}
	}
	for i := range seen {
		out[i] = len(seen[i])
	}
	return out, nil
}

func (s *Metrics) activeUsersSQL(ctx context.Context, ranges []metrics.Range) ([]int, error) {
	tbl, args := s.rangesTable(ranges)
	var rows []struct{ Idx, N int }
	err := s.db.WithContext(ctx).Raw("SELECT b.idx AS idx, COUNT(DISTINCT a.user_id) AS n FROM "+tbl+
		" JOIN bot_activity_days a ON a.day >= b.lo AND a.day < b.hi GROUP BY b.idx", args...).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]int, len(ranges))
	for _, r := range rows {
		out[r.Idx] = r.N
	}
	return out, nil
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
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
