package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/platformbot/platformbot/metrics"
)

// The report queries join the table to a small derived table of ranges,
// (idx, lo, hi), so that one statement returns one row per range: the
// previous window, the current window and each sparkline bucket. The
// boundaries are computed in Go (local midnights, converted to UTC) and
// bound, so no SQL date function is needed. Both databases run one index
// range scan per range (a nested loop over the ranges).
//
// Medians: PostgreSQL computes them in the same statement with
// percentile_cont(0.5), which interpolates, so an even count gives the mean
// of the two middle values. SQLite has no percentile function; there a
// second statement ranks the values per range with ROW_NUMBER() and
// averages the middle one (odd count) or two (even count) — the same
// definition. windowMedians is that portable form; tests run it on
// PostgreSQL too and compare.

// percentile reports whether medians come from percentile_cont.
func (s *Metrics) percentile() bool { return s.db.Dialect == Postgres && !s.portableMedians }

// rangesTable returns the derived table of ranges, aliased b. PostgreSQL
// gets two array parameters unnested in order, which plans in well under a
// millisecond even for 180 daily ranges; SQLite gets a UNION ALL of
// single-row SELECTs.
func (s *Metrics) rangesTable(ranges []metrics.Range) (string, []any) {
	if s.db.Dialect == Postgres {
		var lo, hi []string
		for _, r := range ranges {
			lo = append(lo, r.From.UTC().Format(time.RFC3339Nano))
			hi = append(hi, r.To.UTC().Format(time.RFC3339Nano))
		}
		return "(SELECT CAST(u.ord - 1 AS integer) AS idx, u.lo, u.hi FROM unnest(CAST(? AS timestamptz[]), CAST(? AS timestamptz[])) WITH ORDINALITY AS u(lo, hi, ord)) b",
			[]any{"{" + strings.Join(lo, ",") + "}", "{" + strings.Join(hi, ",") + "}"}
	}
	var b strings.Builder
	args := make([]any, 0, 2*len(ranges))
	b.WriteString("(")
	for i, r := range ranges {
		if i > 0 {
			b.WriteString(" UNION ALL ")
		}
		fmt.Fprintf(&b, "SELECT %d AS idx, ? AS lo, ? AS hi", i)
		args = append(args, r.From.UTC(), r.To.UTC())
	}
	b.WriteString(") b")
	return b.String(), args
}

// scopeFilter restricts alias's rows to the scope's team or service.
func scopeFilter(sc metrics.Scope, alias string) (string, []any) {
	switch {
	case sc.Service != "":
		return " AND " + alias + ".service = ?", []any{sc.Service}
	case sc.Team != "":
		return " AND " + alias + ".team = ?", []any{sc.Team}
	}
	return "", nil
}

// productionIn returns the FROM … WHERE of production deployments d that
// finished in each range b, within the scope.
func (s *Metrics) productionIn(sc metrics.Scope, ranges []metrics.Range) (string, []any) {
	tbl, args := s.rangesTable(ranges)
	scope, sargs := scopeFilter(sc, "d")
	from := "FROM " + tbl + " JOIN deployments d ON d.finished_at >= b.lo AND d.finished_at < b.hi WHERE d.environment IN ?" + scope
	return from, append(append(args, s.production), sargs...)
}

const deliveryColumns = `b.idx AS idx,
	COUNT(*) AS deployments,
	SUM(CASE WHEN d.status = 'success' THEN 1 ELSE 0 END) AS succeeded,
	SUM(CASE WHEN d.status <> 'success' OR d.incidents > 0 THEN 1 ELSE 0 END) AS failed,
	SUM(CASE WHEN d.unplanned THEN 1 ELSE 0 END) AS unplanned,
	SUM(CASE WHEN d.status = 'success' AND d.lead_time_s IS NULL THEN 1 ELSE 0 END) AS no_commit_time,
	SUM(CASE WHEN d.status = 'success' AND d.lead_time_s IS NOT NULL THEN 1 ELSE 0 END) AS lead_time_n,
	COUNT(d.recovery_s) AS recovered,
	SUM(CASE WHEN d.open_incidents > 0 THEN 1 ELSE 0 END) AS unrecovered`

const (
	leadTimeValue = "CASE WHEN d.status = 'success' THEN d.lead_time_s END"
	recoveryValue = "d.recovery_s"
	restoreValue  = "i.restore_s"
)

// DeliveryStats aggregates production deployments per range.
func (s *Metrics) DeliveryStats(ctx context.Context, sc metrics.Scope, ranges []metrics.Range) (out []metrics.DeliveryStats, err error) {
	defer metricsWrap(&err, "Metrics.DeliveryStats(%+v)", sc)
	from, args := s.productionIn(sc, ranges)
	cols := deliveryColumns
	if s.percentile() {
		cols += ",\n\tpercentile_cont(0.5) WITHIN GROUP (ORDER BY " + leadTimeValue + ") AS lead_time" +
			",\n\tpercentile_cont(0.5) WITHIN GROUP (ORDER BY " + recoveryValue + ") AS recovery"
	}
	var rows []struct {
		Idx                                                     int
		Deployments, Succeeded, Failed, Unplanned, NoCommitTime int
		LeadTimeN, Recovered, Unrecovered                       int
		LeadTime, Recovery                                      sql.NullFloat64
	}
	if err := s.db.WithContext(ctx).Raw("SELECT "+cols+" "+from+" GROUP BY b.idx", args...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out = make([]metrics.DeliveryStats, len(ranges))
	for _, r := range rows {
		out[r.Idx] = metrics.DeliveryStats{
			Deployments: r.Deployments, Succeeded: r.Succeeded, Failed: r.Failed, Unplanned: r.Unplanned,
			NoCommitTime: r.NoCommitTime, LeadTimeN: r.LeadTimeN, LeadTime: r.LeadTime.Float64,
			Recovered: r.Recovered, Recovery: r.Recovery.Float64, Unrecovered: r.Unrecovered,
		}
	}
	if s.percentile() {
		return out, nil
	}
	lead, err := s.windowMedians(ctx, leadTimeValue, from, args)
	if err != nil {
		return nil, err
	}
	rec, err := s.windowMedians(ctx, recoveryValue, from, args)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].LeadTime, out[i].Recovery = lead[i], rec[i]
	}
	return out, nil
}

// windowMedians returns the median of value per range idx over the rows of
// from (a FROM … WHERE clause with range alias b), ignoring NULLs, using
// only window functions that both databases have.
func (s *Metrics) windowMedians(ctx context.Context, value, from string, args []any) (map[int]float64, error) {
	q := `SELECT idx, AVG(v) AS median FROM (
		SELECT idx, v, ROW_NUMBER() OVER (PARTITION BY idx ORDER BY v) AS rn, COUNT(*) OVER (PARTITION BY idx) AS n
		FROM (SELECT b.idx AS idx, ` + value + ` AS v ` + from + ` AND (` + value + `) IS NOT NULL) x
	) r WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY idx`
	var rows []struct {
		Idx    int
		Median float64
	}
	if err := s.db.WithContext(ctx).Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := map[int]float64{}
	for _, r := range rows {
		out[r.Idx] = r.Median
	}
	return out, nil
}

// DeployCounts counts successful production deployments per range.
func (s *Metrics) DeployCounts(ctx context.Context, sc metrics.Scope, ranges []metrics.Range) (out []int, err error) {
	defer metricsWrap(&err, "Metrics.DeployCounts(%+v)", sc)
	from, args := s.productionIn(sc, ranges)
	var rows []struct{ Idx, N int }
	q := "SELECT b.idx AS idx, COUNT(*) AS n " + from + " AND d.status = 'success' GROUP BY b.idx"
	if err := s.db.WithContext(ctx).Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out = make([]int, len(ranges))
	for _, r := range rows {
		out[r.Idx] = r.N
	}
	return out, nil
}

const incidentColumns = `b.idx AS idx,
	COUNT(*) AS opened,
	COUNT(i.resolved_at) AS resolved,
	SUM(CASE WHEN i.attribution = 'none' THEN 1 ELSE 0 END) AS unattributed,
	SUM(CASE WHEN i.attribution = 'excluded' THEN 1 ELSE 0 END) AS not_deployment_caused,
	SUM(CASE WHEN i.attribution = 'given' AND NOT EXISTS (SELECT 1 FROM deployments x WHERE x.id = i.deployment_id) THEN 1 ELSE 0 END) AS unknown_deployment`

// IncidentStats aggregates incidents opened per range.
func (s *Metrics) IncidentStats(ctx context.Context, sc metrics.Scope, ranges []metrics.Range) (out []metrics.IncidentStats, err error) {
	defer metricsWrap(&err, "Metrics.IncidentStats(%+v)", sc)
	tbl, args := s.rangesTable(ranges)
	scope, sargs := scopeFilter(sc, "i")
	from := "FROM " + tbl + " JOIN incidents i ON i.opened_at >= b.lo AND i.opened_at < b.hi WHERE 1 = 1" + scope
	args = append(args, sargs...)
	cols := incidentColumns
	if s.percentile() {
		cols += ",\n\tpercentile_cont(0.5) WITHIN GROUP (ORDER BY " + restoreValue + ") AS restore"
	}
	var rows []struct {
		Idx                                                                    int
		Opened, Resolved, Unattributed, NotDeploymentCaused, UnknownDeployment int
		Restore                                                                sql.NullFloat64
	}
	if err := s.db.WithContext(ctx).Raw("SELECT "+cols+" "+from+" GROUP BY b.idx", args...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out = make([]metrics.IncidentStats, len(ranges))
	for _, r := range rows {
		out[r.Idx] = metrics.IncidentStats{
			Opened: r.Opened, Resolved: r.Resolved, Restore: r.Restore.Float64, Unattributed: r.Unattributed,
			NotDeploymentCaused: r.NotDeploymentCaused, UnknownDeployment: r.UnknownDeployment,
		}
	}
	if s.percentile() {
		return out, nil
	}
	med, err := s.windowMedians(ctx, restoreValue, from, args)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Restore = med[i]
	}
	return out, nil
}

// KnownService reports whether any deployment or incident names service.
func (s *Metrics) KnownService(ctx context.Context, service string) (ok bool, err error) {
	defer metricsWrap(&err, "Metrics.KnownService(%q)", service)
	for _, table := range []string{"deployments", "incidents"} {
		var hits []int
		if err := s.db.WithContext(ctx).Raw("SELECT 1 FROM "+table+" WHERE service = ? LIMIT 1", service).Scan(&hits).Error; err != nil || len(hits) > 0 {
			return len(hits) > 0, err
		}
	}
	return false, nil
}
