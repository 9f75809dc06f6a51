package storage

import (
	"context"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Rollups are only as right as the data and settings they were built
// from. The metrics_settings row "rollups" records the format and the
// production environments they were built with; reports read them only
// when it matches this process's (until then, from the raw tables), and
// EnsureRollups rebuilds them when it does not: at the first start of a
// version that has them, and after the production environments change.

// rollupFormat changes whenever what a rollup row holds changes, so that
// the next start rebuilds them.
const rollupFormat = "1"

func (s *Metrics) rollupsWant() string {
	return "format=" + rollupFormat + " production=" + strings.Join(s.production, ",")
}

// rollupsReady reports whether reports may read the rollups; a positive
// answer is kept for the life of the store.
func (s *Metrics) rollupsReady(ctx context.Context) (bool, error) {
	if s.rawOnly {
		return false, nil
	}
	if s.ready.Load() {
		return true, nil
	}
	var cur metricsSettingRow
	if err := s.db.WithContext(ctx).Where("name = ?", "rollups").Limit(1).Find(&cur).Error; err != nil {
		return false, err
	}
	ok := cur.Value == s.rollupsWant()
	s.ready.Store(ok)
	return ok, nil
}

// RollupsReady reports whether reports read the rollups: whether they were
// built for this store's settings.
func (s *Metrics) RollupsReady(ctx context.Context) (ok bool, err error) {
	defer metricsWrap(&err, "Metrics.RollupsReady")
	return s.rollupsReady(ctx)
}

// RebuildStats says what a rebuild read.
type RebuildStats struct {
	Deployments, Incidents, ActivityDays int64
	Took                                 time.Duration
}

// EnsureRollups rebuilds the rollups when they were built with another
// format or other production environments (or never). Replicas starting
// together rebuild once: the first holds the tables' lock, the others then
// find the work done.
func (s *Metrics) EnsureRollups(ctx context.Context) (err error) {
	defer metricsWrap(&err, "Metrics.EnsureRollups")
	if ok, err := s.rollupsReady(ctx); ok || err != nil {
		return err
	}
	return s.db.Transact(ctx, func(tx *gorm.DB) error {
		if err := lockRollups(tx); err != nil {
			return err
		}
		var cur metricsSettingRow
		if err := tx.Where("name = ?", "rollups").Limit(1).Find(&cur).Error; err != nil {
			return err
		}
		if cur.Value == s.rollupsWant() {
			return nil
		}
		_, err := s.rebuild(tx)
		return err
	})
}

// RebuildRollups recomputes every rollup from the raw tables, in one
// transaction; ingests wait for it. `platformbot migrate
// --rebuild-rollups` runs it.
func (s *Metrics) RebuildRollups(ctx context.Context) (st RebuildStats, err error) {
	defer metricsWrap(&err, "Metrics.RebuildRollups")
	err = s.db.Transact(ctx, func(tx *gorm.DB) error {
		if err := lockRollups(tx); err != nil {
			return err
		}
		st, err = s.rebuild(tx)
		return err
	})
	return st, err
}

// lockRollups keeps ingests from changing the rollups until the
// transaction ends. An ingest that changed raw rows before the lock
// applies its difference after the rebuild, which did not see its
// uncommitted rows, so nothing is counted twice or lost. SQLite has one
// writer anyway.
func lockRollups(tx *gorm.DB) error {
	if tx.Dialector.Name() != "postgres" {
		return nil
	}
	return tx.Exec("LOCK TABLE " + deploymentRollups.name + ", " + incidentRollups.name + ", " + activityRollups.name + " IN EXCLUSIVE MODE").Error
}

func (s *Metrics) rebuild(tx *gorm.DB) (RebuildStats, error) {
	began := time.Now()
	var st RebuildStats
	for _, t := range []rollupTable{deploymentRollups, incidentRollups, activityRollups} {
		if err := tx.Exec("DELETE FROM " + t.name).Error; err != nil {
			return st, err
		}
	}
	var err error
	if st.Deployments, err = s.rebuildDeployments(tx); err != nil {
		return st, err
	}
	if st.Incidents, err = rebuildIncidents(tx); err != nil {
		return st, err
	}
	if st.ActivityDays, err = rebuildActivity(tx); err != nil {
		return st, err
	}
	err = tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "name"}}, DoUpdates: clause.AssignmentColumns([]string{"value"})}).
		Create(&metricsSettingRow{Name: "rollups", Value: s.rollupsWant()}).Error
	if err == nil {
		s.ready.Store(true)
	}
	st.Took = time.Since(began)
	return st, err
}

// rebuildSpan is how many days of raw rows a rebuild holds in memory at
// once (at 10 million deployments over two years, about 800,000); rows are
// bucketed by day, so no rollup row spans two reads. Each span's rows are
// written in key order, so that a scope's days lie together on disk and a
// report reads few pages.
const rebuildSpan = 64

// rebuildDeployments sums the production deployments, rebuildSpan days
// at a time, with the same code as the incremental path.
func (s *Metrics) rebuildDeployments(tx *gorm.DB) (int64, error) {
	return rebuildByDay(tx, deploymentRollups, "deployments", "finished_at", "environment IN ?", []any{s.production},
		func(tx *gorm.DB, from, to time.Time, d rollupDeltas) (int, error) {
			rows, err := tx.Raw("SELECT "+depFactsColumns+" FROM deployments WHERE environment IN ? AND finished_at >= ? AND finished_at < ?",
				s.production, from, to).Rows()
			if err != nil {
				return 0, err
			}
			var facts []depFacts
			for rows.Next() {
				f, err := scanDepFacts(rows)
				if err != nil {
					rows.Close()
					return 0, err
				}
				facts = append(facts, f)
			}
			if err := closeRows(rows); err != nil {
				return 0, err
			}
			for i := range facts {
				if err := s.deployment(d, &facts[i], 1); err != nil {
					return 0, err
				}
			}
			return len(facts), nil
		})
}

func rebuildIncidents(tx *gorm.DB) (int64, error) {
	return rebuildByDay(tx, incidentRollups, "incidents", "opened_at", "1 = 1", nil,
		func(tx *gorm.DB, from, to time.Time, d rollupDeltas) (int, error) {
			found, err := loadIncFactsOpened(tx, from, to)
			if err != nil {
				return 0, err
			}
			for _, f := range found {
				if err := incident(d, &f, 1); err != nil {
					return 0, err
				}
			}
			return len(found), nil
		})
}

// rebuildByDay walks table's rows matching cond from the first to the last
// day of col, rebuildSpan days at a time: read adds each span's rows to
// the deltas, which are then written as new rollup rows.
func rebuildByDay(tx *gorm.DB, t rollupTable, table, col, cond string, args []any,
	read func(tx *gorm.DB, from, to time.Time, d rollupDeltas) (int, error)) (int64, error) {
	var bounds struct{ First, Last dbTime }
	if err := tx.Raw("SELECT MIN("+col+") AS first, MAX("+col+") AS last FROM "+table+" WHERE "+cond, args...).Scan(&bounds).Error; err != nil {
		return 0, err
	}
	if !bounds.First.Valid {
		return 0, nil
	}
	var n int64
	first, _ := dayAndSlot(bounds.First.Time)
	for from := time.Unix(first*daySeconds, 0).UTC(); !from.After(bounds.Last.Time); from = from.AddDate(0, 0, rebuildSpan) {
		d := rollupDeltas{}
		k, err := read(tx, from, from.AddDate(0, 0, rebuildSpan), d)
		if err != nil {
			return n, err
		}
		n += int64(k)
		var rows []rollupRow
		for key, rd := range d {
			if !rd.normalize() {
				continue
			}
			vals, _, err := rd.change(t.sampleColumns())(nil)
			if err != nil {
				return n, err
			}
			rows = append(rows, rollupRow{key, 1, vals})
		}
		slices.SortFunc(rows, func(a, b rollupRow) int { return compareKeys(a.key, b.key) })
		if err := writeRollups(tx, t, rows, ""); err != nil {
			return n, err
		}
	}
	return n, nil
}
