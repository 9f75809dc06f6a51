package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/platformbot/platformbot/metrics"
)

// Attribution is stored, not computed per query: each incident keeps the
// deployment it is blamed on, and each deployment keeps how many incidents
// it caused, how many are open and its recovery time. Reports then read
// one row per deployment. Whatever can change an attribution redoes it in
// the same transaction: an incident arriving (or changing), a deployment
// arriving that is a better candidate, or the attribution settings
// changing (EnsureAttribution).

// upsertIncidents inserts or updates incidents by id, attributing each.
func (s *Metrics) upsertIncidents(tx *gorm.DB, tr *rollupTracker, incs []metrics.Incident) error {
	if len(incs) == 0 {
		return nil
	}
	affected := map[string]bool{}
	incs = lastByID(incs, func(i metrics.Incident) string { return i.ID })
	ids := make([]string, len(incs))
	for i, in := range incs {
		ids[i] = in.ID
	}
	if err := tr.lockIncidents(tx, ids); err != nil {
		return err
	}
	for _, in := range incs {
		if err := s.upsertIncident(tx, tr, in, affected); err != nil {
			return err
		}
	}
	return s.refreshDeployments(tx, tr, slices.Sorted(maps.Keys(affected)))
}

// incidentUpdates are the columns a re-sent incident overwrites.
var incidentUpdates = []string{"source", "service", "team", "title", "opened_at", "resolved_at",
	"deployment_id", "not_deployment_caused", "attribution", "cause_deployment_id", "restore_s", "updated_at"}

// upsertIncident stores one incident (locked by the caller if it existed)
// and marks the deployments its attribution left or joined. A new one is
// inserted with ON CONFLICT DO NOTHING; if a concurrent ingest inserted it
// meanwhile, it is locked, noted and updated from what that ingest stored.
func (s *Metrics) upsertIncident(tx *gorm.DB, tr *rollupTracker, in metrics.Incident, affected map[string]bool) error {
	now := s.now().UTC()
	for {
		if tr.notedAbsent(in.ID) && !tr.incOurs[in.ID] {
			if err := tr.lockIncidents(tx, []string{in.ID}); err != nil {
				return err
			}
		}
		var old incidentRow
		found := tx.Where("id = ?", in.ID).Limit(1).Find(&old)
		if found.Error != nil {
			return found.Error
		}
		if found.RowsAffected == 1 && tr.notedAbsent(in.ID) && !tr.incOurs[in.ID] {
			continue // committed by another ingest since the lock: lock and note it first
		}
		row := incidentRow{
			ID: in.ID, Source: in.Source, Service: in.Service, Team: in.Team, Title: in.Title,
			OpenedAt: in.OpenedAt.UTC(), DeploymentID: in.DeploymentID, NotDeploymentCaused: in.NotDeploymentCaused,
			CreatedAt: now, UpdatedAt: now,
		}
		if !in.ResolvedAt.IsZero() {
			at := in.ResolvedAt.UTC()
			row.ResolvedAt = &at
		} else if in.KeepResolution && found.RowsAffected == 1 {
			row.ResolvedAt = old.ResolvedAt
		}
		if row.ResolvedAt != nil {
			restore := int64(row.ResolvedAt.Sub(row.OpenedAt) / time.Second)
			row.RestoreS = &restore
		}
		if err := s.attribute(tx, &row); err != nil {
			return err
		}
		conflict := clause.OnConflict{Columns: []clause.Column{{Name: "id"}}, DoUpdates: clause.AssignmentColumns(incidentUpdates)}
		if found.RowsAffected == 0 {
			conflict = clause.OnConflict{DoNothing: true}
		}
		r := tx.Clauses(conflict).Create(&row)
		if r.Error != nil {
			return r.Error
		}
		if r.RowsAffected == 0 {
			continue // inserted concurrently: locked and noted at the top
		}
		if found.RowsAffected == 0 {
			tr.incOurs[in.ID] = true
		}
		markCauses(affected, old.CauseDeploymentID, row.CauseDeploymentID)
		return nil
	}
}

func markCauses(set map[string]bool, ids ...*string) {
	for _, id := range ids {
		if id != nil {
			set[*id] = true
		}
	}
}

// attribute sets an incident's attribution, in this order: the deployment
// the sender named; else the latest production deployment of the same
// service that finished within the attribution window before the incident
// opened (both ends included); else none. An incident marked as not
// deployment-caused is never attributed.
func (s *Metrics) attribute(tx *gorm.DB, row *incidentRow) error {
	switch {
	case row.DeploymentID != "":
		id := row.DeploymentID
		row.Attribution, row.CauseDeploymentID = attrGiven, &id
		return nil
	case row.NotDeploymentCaused:
		row.Attribution, row.CauseDeploymentID = attrExcluded, nil
		return nil
	}
	var ids []string
	err := tx.Model(&deploymentRow{}).
		Where("service = ? AND environment IN ? AND finished_at >= ? AND finished_at <= ?",
			row.Service, s.production, row.OpenedAt.Add(-s.window).UTC(), row.OpenedAt.UTC()).
		Order("finished_at DESC, id DESC").Limit(1).Pluck("id", &ids).Error
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		row.Attribution, row.CauseDeploymentID = attrNone, nil
		return nil
	}
	row.Attribution, row.CauseDeploymentID = attrWindow, &ids[0]
	return nil
}

// reattributeAround redoes the attribution of incidents that the given
// (new or changed) deployments may affect: those blamed on or naming them,
// and those of the same services attributed by time that opened within the
// window after one of them finished.
func (s *Metrics) reattributeAround(tx *gorm.DB, tr *rollupTracker, deps []deploymentRow) error {
	byID := map[string]incidentRow{}
	collect := func(q *gorm.DB) error {
		var rows []incidentRow
		if err := q.Find(&rows).Error; err != nil {
			return err
		}
		for _, r := range rows {
			byID[r.ID] = r
		}
		return nil
	}
	services := map[string]bool{}
	var lo, hi time.Time
	for chunk := range slices.Chunk(deps, upsertChunk) {
		ids := make([]string, len(chunk))
		for i, d := range chunk {
			ids[i] = d.ID
			if !slices.Contains(s.production, d.Environment) {
				continue
			}
			services[d.Service] = true
			if lo.IsZero() || d.FinishedAt.Before(lo) {
				lo = d.FinishedAt
			}
			if d.FinishedAt.After(hi) {
				hi = d.FinishedAt
			}
		}
		// Two queries, not one with OR: PostgreSQL scans the whole
		// table for the OR of two IN lists, and each alone uses its index.
		if err := collect(tx.Where("cause_deployment_id IN ?", ids)); err != nil {
			return err
		}
		if err := collect(tx.Where("deployment_id IN ?", ids)); err != nil {
			return err
		}
	}
	for chunk := range slices.Chunk(slices.Sorted(maps.Keys(services)), upsertChunk) {
		q := tx.Where("service IN ? AND attribution IN ? AND opened_at >= ? AND opened_at <= ?",
			chunk, []string{attrWindow, attrNone}, lo, hi.Add(s.window))
		if err := collect(q); err != nil {
			return err
		}
	}
	incs := slices.Collect(maps.Values(byID))
	// Incidents naming a deployment this transaction creates stop counting
	// as naming an unknown one.
	if err := tr.namingNew(tx, incs); err != nil {
		return err
	}
	return s.reattribute(tx, tr, incs)
}

// reattribute recomputes the attribution of incidents, stores the changed
// ones and refreshes every deployment involved.
func (s *Metrics) reattribute(tx *gorm.DB, tr *rollupTracker, incs []incidentRow) error {
	affected := map[string]bool{}
	var changed []incidentRow
	for _, in := range incs {
		oldCause, oldAttr := in.CauseDeploymentID, in.Attribution
		if err := s.attribute(tx, &in); err != nil {
			return err
		}
		markCauses(affected, oldCause, in.CauseDeploymentID)
		if in.Attribution != oldAttr || !ptrEqual(in.CauseDeploymentID, oldCause) {
			changed = append(changed, in)
		}
	}
	ids := make([]string, len(changed))
	for i, in := range changed {
		ids[i] = in.ID
	}
	if err := tr.lockIncidents(tx, ids); err != nil {
		return err
	}
	for _, in := range changed {
		err := tx.Model(&incidentRow{}).Where("id = ?", in.ID).
			Updates(map[string]any{"attribution": in.Attribution, "cause_deployment_id": in.CauseDeploymentID}).Error
		if err != nil {
			return err
		}
	}
	return s.refreshDeployments(tx, tr, slices.Sorted(maps.Keys(affected)))
}

func ptrEqual(a, b *string) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// refreshDeployments recomputes, from the incidents attributed to each
// deployment, its incident count, open incidents and recovery time (from
// its finish to the resolution of its last incident, once all are
// resolved). The deployments are locked first, so that two ingests
// blaming incidents on the same deployment count each other's.
func (s *Metrics) refreshDeployments(tx *gorm.DB, tr *rollupTracker, ids []string) error {
	type agg struct {
		ID       string
		N        int
		Resolved int
		Last     dbTime
	}
	for chunk := range slices.Chunk(ids, upsertChunk) {
		deps, err := tr.lockDeployments(tx, chunk)
		if err != nil {
			return err
		}
		var aggs []agg
		err = tx.Raw(`SELECT cause_deployment_id AS id, COUNT(*) AS n, COUNT(resolved_at) AS resolved, MAX(resolved_at) AS last
			FROM incidents WHERE cause_deployment_id IN ? GROUP BY cause_deployment_id`, chunk).Scan(&aggs).Error
		if err != nil {
			return err
		}
		byID := map[string]agg{}
		for _, a := range aggs {
			byID[a.ID] = a
		}
		for _, id := range chunk {
			d, ok := deps[id]
			if !ok {
				continue
			}
			a := byID[id]
			var recovery *int64
			if a.N > 0 && a.Resolved == a.N && a.Last.Valid && !a.Last.Time.Before(d.FinishedAt) {
				v := int64(a.Last.Time.Sub(d.FinishedAt) / time.Second)
				recovery = &v
			}
			if d.Incidents == a.N && d.OpenIncidents == a.N-a.Resolved && sameInt64(d.RecoveryS, recovery) {
				continue
			}
			err := tx.Model(&deploymentRow{}).Where("id = ?", id).
				Updates(map[string]any{"incidents": a.N, "open_incidents": a.N - a.Resolved, "recovery_s": recovery}).Error
			if err != nil {
				return err
			}
		}
	}
	return nil
}

func sameInt64(a sql.NullInt64, b *int64) bool {
	return (!a.Valid && b == nil) || (a.Valid && b != nil && a.Int64 == *b)
}

type metricsSettingRow struct {
	Name  string `gorm:"primaryKey"`
	Value string
}

func (metricsSettingRow) TableName() string { return "metrics_settings" }

// EnsureAttribution redoes every time-based attribution when the
// attribution window or the production environments differ from those the
// stored attributions were made with, so that changing the config changes
// history consistently. It is cheap when nothing changed.
func (s *Metrics) EnsureAttribution(ctx context.Context) (err error) {
	defer metricsWrap(&err, "Metrics.EnsureAttribution")
	want := fmt.Sprintf("window=%s production=%s", s.window, strings.Join(s.production, ","))
	return s.db.Transact(ctx, func(tx *gorm.DB) error {
		var cur metricsSettingRow
		if err := tx.Where("name = ?", "attribution").Limit(1).Find(&cur).Error; err != nil {
			return err
		}
		if cur.Value == want {
			return nil
		}
		if cur.Value != "" {
			tr := s.track()
			if err := s.reattributeAll(tx, tr); err != nil {
				return err
			}
			if err := tr.flush(tx); err != nil {
				return err
			}
		}
		return tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "name"}}, DoUpdates: clause.AssignmentColumns([]string{"value"})}).
			Create(&metricsSettingRow{Name: "attribution", Value: want}).Error
	})
}

func (s *Metrics) reattributeAll(tx *gorm.DB, tr *rollupTracker) error {
	var incs []incidentRow
	if err := tx.Where("attribution IN ?", []string{attrWindow, attrNone}).Order("id").Find(&incs).Error; err != nil {
		return err
	}
	return s.reattribute(tx, tr, incs)
}

// dbTime scans a timestamp that SQLite may return as text (aggregates lose
// the column's declared type) as well as a time.Time.
type dbTime struct {
	Time  time.Time
	Valid bool
}

var dbTimeLayouts = []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999"}

// Value implements driver.Valuer; gorm wants both halves to map a field.
func (t dbTime) Value() (driver.Value, error) {
	if !t.Valid {
		return nil, nil
	}
	return t.Time, nil
}

// Scan implements sql.Scanner.
func (t *dbTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*t = dbTime{}
		return nil
	case time.Time:
		*t = dbTime{x.UTC(), true}
		return nil
	case []byte:
		return t.Scan(string(x))
	case string:
		for _, layout := range dbTimeLayouts {
			if p, err := time.Parse(layout, x); err == nil {
				*t = dbTime{p.UTC(), true}
				return nil
			}
		}
	}
	return fmt.Errorf("storage: cannot scan %T %v as a time", v, v)
}

// CloseIncident resolves an open incident at t and reports whether the
// incident exists; closing a resolved one keeps its first resolution.
func (s *Metrics) CloseIncident(ctx context.Context, id string, t time.Time) (found bool, err error) {
	defer metricsWrap(&err, "Metrics.CloseIncident(%q)", id)
	err = s.transact(ctx, func(tx *gorm.DB) error {
		tr := s.track()
		var row incidentRow
		for {
			if err := tr.lockIncidents(tx, []string{id}); err != nil {
				return err
			}
			r := tx.Where("id = ?", id).Limit(1).Find(&row)
			if r.Error != nil || r.RowsAffected == 0 {
				return r.Error
			}
			if !tr.notedAbsent(id) {
				break
			}
			// Committed by an ingest between the lock and the read: again.
		}
		found = true
		if row.ResolvedAt != nil {
			return nil
		}
		at := t.UTC()
		if at.Before(row.OpenedAt) {
			at = row.OpenedAt
		}
		restore := int64(at.Sub(row.OpenedAt) / time.Second)
		err := tx.Model(&incidentRow{}).Where("id = ?", id).
			Updates(map[string]any{"resolved_at": at, "restore_s": restore, "updated_at": s.now().UTC()}).Error
		if err != nil {
			return err
		}
		if row.CauseDeploymentID != nil {
			if err := s.refreshDeployments(tx, tr, []string{*row.CauseDeploymentID}); err != nil {
				return err
			}
		}
		return tr.flush(tx)
	})
	return found, err
}
