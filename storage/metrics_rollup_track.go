package storage

import (
	"database/sql"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/platformbot/platformbot/metrics"
)

// Rollups are kept in the transaction that changes the raw rows. Every
// code path that changes a deployment or an incident first tells the
// transaction's tracker which rows it is about to change; the tracker
// reads what those rows contribute to the rollups before the change, and
// at the end (flush) what they contribute after it, and applies the
// difference. A re-posted deployment thus leaves its old day and scope
// and joins its new ones, and an incident attributed later flips the
// change-failure flag of the deployment it blames on that deployment's
// day, whatever path made the change.

// depFacts are the columns of a deployment that its contribution to the
// rollups depends on.
type depFacts struct {
	ID, Service, Team, Environment, Status string
	FinishedAt                             time.Time
	Unplanned                              bool
	LeadTimeS, RecoveryS                   sql.NullInt64
	Incidents, OpenIncidents               int
}

const depFactsColumns = "id, service, team, environment, status, finished_at, unplanned, lead_time_s, recovery_s, incidents, open_incidents"

func scanDepFacts(rows *sql.Rows) (depFacts, error) {
	var f depFacts
	var fin dbTime
	err := rows.Scan(&f.ID, &f.Service, &f.Team, &f.Environment, &f.Status, &fin, &f.Unplanned,
		&f.LeadTimeS, &f.RecoveryS, &f.Incidents, &f.OpenIncidents)
	f.FinishedAt = fin.Time
	return f, err
}

// incFacts are the columns of an incident that its contribution depends
// on; Unknown is whether it names a deployment that was never ingested.
type incFacts struct {
	ID, Service, Team string
	OpenedAt          time.Time
	Resolved          bool
	RestoreS          sql.NullInt64
	Attribution       string
	Unknown           bool
}

const incFactsColumns = `i.id, i.service, i.team, i.opened_at, i.resolved_at IS NOT NULL, i.restore_s, i.attribution,
	(i.attribution = 'given' AND NOT EXISTS (SELECT 1 FROM deployments x WHERE x.id = i.deployment_id))`

func scanIncFacts(rows *sql.Rows) (incFacts, error) {
	var f incFacts
	var opened dbTime
	err := rows.Scan(&f.ID, &f.Service, &f.Team, &opened, &f.Resolved, &f.RestoreS, &f.Attribution, &f.Unknown)
	f.OpenedAt = opened.Time
	return f, err
}

// Positions in a deployment tally.
const (
	depDeployments = iota // production deployments
	depSucceeded
	depFailed // failed, or caused an incident
	depUnplanned
	depNoCommitTime // successful without a lead time
	depUnrecovered  // an attributed incident still open
)

// Positions in an incident tally.
const (
	incOpened = iota
	incResolved
	incUnattributed
	incExcluded // not deployment-caused
	incUnknown  // names a deployment never ingested
)

// Sample columns of each table, in valCols order after counts.
const (
	sampleLead = iota
	sampleRecovery
)

const sampleRestore = 0

// rowDelta is the change to one rollup row: counters by slot, and samples
// to add and remove per sample column.
type rowDelta struct {
	counts   slotCounts
	add, del [2][]sample
}

type rollupDeltas map[rollupKey]*rowDelta

func (d rollupDeltas) at(k rollupKey) *rowDelta {
	r := d[k]
	if r == nil {
		r = &rowDelta{counts: slotCounts{}}
		d[k] = r
	}
	return r
}

// record adds (sign 1) or removes (sign -1) one contribution to the rows
// of scopes on day.
func (d rollupDeltas) record(scopes []string, day int64, slot int, t *tally, samples [2]*sample, sign int64) {
	for _, sc := range scopes {
		r := d.at(rollupKey{sc, day})
		r.counts.add(slot, t, sign)
		for m, s := range samples {
			switch {
			case s == nil:
			case sign > 0:
				r.add[m] = append(r.add[m], *s)
			default:
				r.del[m] = append(r.del[m], *s)
			}
		}
	}
}

// Scope keys of the rollup rows.
const orgScope = "*"

func teamScope(team string) string       { return "t:" + team }
func serviceScope(service string) string { return "s:" + service }

// scopeKey is the rollup scope of a report scope.
func scopeKey(sc metrics.Scope) string {
	switch {
	case sc.Service != "":
		return serviceScope(sc.Service)
	case sc.Team != "":
		return teamScope(sc.Team)
	}
	return orgScope
}

// scopesOf lists the rollup scopes a record of service and team counts in:
// the organization, its service and its team (if it has one).
func scopesOf(service, team string) []string {
	if team == "" {
		return []string{orgScope, serviceScope(service)}
	}
	return []string{orgScope, serviceScope(service), teamScope(team)}
}

func flag(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// deployment records what f contributes: production deployments only, on
// the day they finished.
func (s *Metrics) deployment(d rollupDeltas, f *depFacts, sign int64) error {
	if f == nil || !slices.Contains(s.production, f.Environment) {
		return nil
	}
	day, slot := dayAndSlot(f.FinishedAt)
	ok := f.Status == metrics.StatusSuccess
	t := tally{depDeployments: 1, depSucceeded: flag(ok), depFailed: flag(!ok || f.Incidents > 0),
		depUnplanned: flag(f.Unplanned), depNoCommitTime: flag(ok && !f.LeadTimeS.Valid), depUnrecovered: flag(f.OpenIncidents > 0)}
	var samples [2]*sample
	if ok && f.LeadTimeS.Valid {
		s, err := newSample(f.LeadTimeS.Int64, slot)
		if err != nil {
			return err
		}
		samples[sampleLead] = &s
	}
	if f.RecoveryS.Valid {
		s, err := newSample(f.RecoveryS.Int64, slot)
		if err != nil {
			return err
		}
		samples[sampleRecovery] = &s
	}
	d.record(scopesOf(f.Service, f.Team), day, slot, &t, samples, sign)
	return nil
}

// incident records what f contributes, on the day it opened.
func incident(d rollupDeltas, f *incFacts, sign int64) error {
	if f == nil {
		return nil
	}
	day, slot := dayAndSlot(f.OpenedAt)
	t := tally{incOpened: 1, incResolved: flag(f.Resolved), incUnattributed: flag(f.Attribution == attrNone),
		incExcluded: flag(f.Attribution == attrExcluded), incUnknown: flag(f.Unknown)}
	var samples [2]*sample
	if f.RestoreS.Valid {
		s, err := newSample(f.RestoreS.Int64, slot)
		if err != nil {
			return err
		}
		samples[sampleRestore] = &s
	}
	d.record(scopesOf(f.Service, f.Team), day, slot, &t, samples, sign)
	return nil
}

// inIDs runs "SELECT cols FROM from WHERE col IN ids" (= ANY on
// PostgreSQL) and calls scan for each row; lock locks the rows on
// PostgreSQL, in col order.
func inIDs(tx *gorm.DB, cols, from, col string, ids []string, lock bool, scan func(*sql.Rows) error) error {
	if len(ids) == 0 {
		return nil
	}
	q := "SELECT " + cols + " FROM " + from + " WHERE " + col
	chunks := [][]string{ids}
	if !isPostgres(tx) {
		chunks = slices.Collect(slices.Chunk(ids, upsertChunk))
	}
	for _, chunk := range chunks {
		var rows *sql.Rows
		var err error
		if isPostgres(tx) {
			tail := ""
			if lock {
				tail = " ORDER BY " + col + " FOR UPDATE"
			}
			rows, err = pgRows(tx, q+" = ANY($1)"+tail, chunk)
		} else {
			rows, err = tx.Raw(q+" IN ?", chunk).Rows()
		}
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return err
			}
		}
		if err := closeRows(rows); err != nil {
			return err
		}
	}
	return nil
}

func loadDepFacts(tx *gorm.DB, ids []string, lock bool) (map[string]depFacts, error) {
	out := map[string]depFacts{}
	err := inIDs(tx, depFactsColumns, "deployments", "id", ids, lock, func(rows *sql.Rows) error {
		f, err := scanDepFacts(rows)
		out[f.ID] = f
		return err
	})
	return out, err
}

// loadIncFacts reads the incidents whose col (i.id or i.deployment_id) is
// one of ids.
func loadIncFacts(tx *gorm.DB, col string, ids []string, lock bool) (map[string]incFacts, error) {
	out := map[string]incFacts{}
	err := inIDs(tx, incFactsColumns, "incidents i", col, ids, lock, func(rows *sql.Rows) error {
		f, err := scanIncFacts(rows)
		out[f.ID] = f
		return err
	})
	return out, err
}

// loadIncFactsOpened reads the incidents opened in [from, to).
func loadIncFactsOpened(tx *gorm.DB, from, to time.Time) ([]incFacts, error) {
	rows, err := tx.Raw("SELECT "+incFactsColumns+" FROM incidents i WHERE i.opened_at >= ? AND i.opened_at < ?", from, to).Rows()
	if err != nil {
		return nil, err
	}
	var out []incFacts
	for rows.Next() {
		f, err := scanIncFacts(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, f)
	}
	return out, closeRows(rows)
}

func closeRows(rows *sql.Rows) error {
	err := rows.Err()
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	return err
}

// applyDeltas applies the non-empty row deltas to table t.
func applyDeltas(tx *gorm.DB, t rollupTable, d rollupDeltas) error {
	changes := map[rollupKey]rollupChange{}
	for k, rd := range d {
		if rd.normalize() {
			changes[k] = rd.change(t.sampleColumns())
		}
	}
	return applyRollups(tx, t, changes)
}

// normalize sorts the samples, cancels what is both added and removed and
// drops zero counters; it reports whether anything is left to apply.
func (rd *rowDelta) normalize() bool {
	left := false
	for s, t := range rd.counts {
		if t.zero() {
			delete(rd.counts, s)
		} else {
			left = true
		}
	}
	for m := range rd.add {
		slices.SortFunc(rd.add[m], compareSamples)
		slices.SortFunc(rd.del[m], compareSamples)
		rd.add[m], rd.del[m] = cancelCommon(rd.add[m], rd.del[m])
		left = left || len(rd.add[m]) > 0 || len(rd.del[m]) > 0
	}
	return left
}

// change applies rd to a row with nSamples sample columns (each a blob
// and its histogram) after its counts; the row is kept while it holds
// anything.
func (rd *rowDelta) change(nSamples int) rollupChange {
	return func(old [][]byte) ([][]byte, bool, error) {
		counts := slotCounts{}
		if old != nil {
			var err error
			if counts, err = decodeCounts(old[0]); err != nil {
				return nil, false, err
			}
		}
		for s, t := range rd.counts {
			counts.add(int(s), t, 1)
		}
		vals := make([][]byte, 1+2*nSamples)
		vals[0] = counts.encode()
		keep := len(vals[0]) > 0
		for m := range nSamples {
			var cur []sample
			if old != nil {
				col, err := decodeSamples(old[1+2*m])
				if err != nil {
					return nil, false, err
				}
				cur = col.samples()
			}
			merged := mergeSamples(cur, rd.add[m], rd.del[m])
			vals[1+2*m], vals[2+2*m] = encodeSamples(merged), encodeBins(merged)
			keep = keep || len(merged) > 0
		}
		return vals, keep, nil
	}
}
