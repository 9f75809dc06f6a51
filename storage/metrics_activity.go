package storage

import (
	"context"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/platformbot/platformbot/metrics"
)

type botActivityDayRow struct {
	UserID string    `gorm:"primaryKey"`
	Day    time.Time `gorm:"primaryKey"`
}

func (botActivityDayRow) TableName() string { return "bot_activity_days" }

// RecordActivity stores who used the bot on which day; a user seen twice on
// a day is stored once. The user's activity rollup for the year gets the
// day in the same transaction.
func (s *Metrics) RecordActivity(ctx context.Context, acts []metrics.Activity) (err error) {
	defer metricsWrap(&err, "Metrics.RecordActivity")
	if len(acts) == 0 {
		return nil
	}
	rows := make([]botActivityDayRow, len(acts))
	days := map[rollupKey][]uint32{}
	for i, a := range acts {
		rows[i] = botActivityDayRow{Day: a.Day.UTC(), UserID: a.UserID}
		v, err := activityValue(a.Day)
		if err != nil {
			return err
		}
		k := rollupKey{a.UserID, int64(a.Day.UTC().Year())}
		days[k] = append(days[k], v)
	}
	changes := map[rollupKey]rollupChange{}
	for k, vs := range days {
		changes[k] = addActivity(vs)
	}
	return s.db.Transact(ctx, func(tx *gorm.DB) error {
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(rows, upsertChunk).Error; err != nil {
			return err
		}
		return applyRollups(tx, activityRollups, changes)
	})
}

// ActiveUsers counts distinct users per range, among users (everyone when
// users is nil).
func (s *Metrics) ActiveUsers(ctx context.Context, users []string, ranges []metrics.Range) (out []int, err error) {
	defer metricsWrap(&err, "Metrics.ActiveUsers")
	if users != nil && len(users) == 0 {
		return make([]int, len(ranges)), nil
	}
	if users != nil {
		users = slices.Compact(slices.Sorted(slices.Values(users)))
	}
	ok, err := s.rollupsReady(ctx)
	if err != nil {
		return nil, err
	}
	if ok {
		return s.rollupActiveUsers(ctx, users, ranges)
	}
	return s.rawActiveUsers(ctx, users, ranges)
}

// rawActiveUsers counts from the raw table. Each layer of ranges is one
// statement: the distinct (range, user) pairs, counted per range.
func (s *Metrics) rawActiveUsers(ctx context.Context, users []string, ranges []metrics.Range) ([]int, error) {
	out := make([]int, len(ranges))
	// Users are split into disjoint chunks, so per-chunk counts add up.
	chunks := [][]string{nil}
	if users != nil {
		chunks = slices.Collect(slices.Chunk(users, upsertChunk))
	}
	for _, l := range layers(ranges) {
		for _, chunk := range chunks {
			q := layerQuery{l: l, head: "FROM bot_activity_days a WHERE ", col: "a.day"}
			if chunk != nil {
				q.head, q.headArgs = "FROM bot_activity_days a WHERE a.user_id IN ? AND ", []any{chunk}
			}
			idx, idxArgs := s.bucket(q.col, l)
			from, args := q.from()
			sql := "SELECT idx, COUNT(*) AS n FROM (SELECT DISTINCT " + idx + " AS idx, a.user_id " + from + ") x GROUP BY idx"
			var rows []struct{ Idx, N int }
			if err := s.db.WithContext(ctx).Raw(sql, concatArgs(idxArgs, args)...).Scan(&rows).Error; err != nil {
				return nil, err
			}
			for _, r := range rows {
				out[l.first+r.Idx] += r.N
			}
		}
	}
	return out, nil
}

// ActiveUserIDs lists the distinct users of a range.
func (s *Metrics) ActiveUserIDs(ctx context.Context, r metrics.Range) (ids []string, err error) {
	defer metricsWrap(&err, "Metrics.ActiveUserIDs")
	ok, err := s.rollupsReady(ctx)
	if err != nil || ok {
		if err == nil {
			ids, err = s.rollupActiveUserIDs(ctx, r)
		}
		return ids, err
	}
	err = s.db.WithContext(ctx).Model(&botActivityDayRow{}).Distinct("user_id").
		Where("day >= ? AND day < ?", r.From.UTC(), r.To.UTC()).Order("user_id").Pluck("user_id", &ids).Error
	return ids, err
}
