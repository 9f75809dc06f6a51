package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/platformbot/platformbot/metrics"
)

// These are the raw forms of the report queries, used when the rollups
// (metrics_rollup_*.go) cannot answer: before they are built, or for a
// range that does not start and end on a 15-minute boundary. Tests compare
// both.
//
// The report queries take a list of ranges (the previous window, the
// current window, the sparkline buckets; or calendar days) and return one
// result per range. Ranges that follow each other without a gap form a
// layer: [prev, cur] is one, the buckets another, the days a third. Each
// layer is one statement with one index range scan over the whole layer,
// which assigns every row to its range with bound boundaries and groups by
// it. The boundaries are local midnights computed in Go and bound in UTC,
// so no SQL date function is needed: PostgreSQL finds the range with
// width_bucket over a timestamptz array (a binary search), SQLite with a
// CASE of comparisons.
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

// layer is a run of adjacent ranges: bounds[0] to bounds[n], split at the
// bounds in between; first is the index of its first range in the list the
// caller gave.
type layer struct {
	first  int
	bounds []time.Time
}

// layers splits ranges into runs of adjacent ranges, in order.
func layers(ranges []metrics.Range) []layer {
	var out []layer
	for i, r := range ranges {
		if n := len(out); n > 0 {
			l := &out[n-1]
			if l.bounds[len(l.bounds)-1].Equal(r.From) {
				l.bounds = append(l.bounds, r.To.UTC())
				continue
			}
		}
		out = append(out, layer{first: i, bounds: []time.Time{r.From.UTC(), r.To.UTC()}})
	}
	return out
}

// where restricts col to the layer's span.
func (l layer) where(col string) (string, []any) {
	return col + " >= ? AND " + col + " < ?", []any{l.bounds[0], l.bounds[len(l.bounds)-1]}
}

// bucket returns the SQL that numbers col's range within the layer (0 for
// the first), for rows inside the layer's span.
func (s *Metrics) bucket(col string, l layer) (string, []any) { return s.db.bucket(col, l) }

// bucket is Metrics.bucket for any table's time column.
func (db *DB) bucket(col string, l layer) (string, []any) {
	n := len(l.bounds) - 1
	if n == 1 {
		return "0", nil
	}
	if db.Dialect == Postgres {
		parts := make([]string, len(l.bounds))
		for i, b := range l.bounds {
			parts[i] = b.Format(time.RFC3339Nano)
		}
		return "(width_bucket(" + col + ", CAST(? AS timestamptz[])) - 1)", []any{"{" + strings.Join(parts, ",") + "}"}
	}
	var b strings.Builder
	args := make([]any, 0, n-1)
	b.WriteString("(CASE")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, " WHEN %s < ? THEN %d", col, i-1)
		args = append(args, l.bounds[i])
	}
	fmt.Fprintf(&b, " ELSE %d END)", n-1)
	return b.String(), args
}

// layerQuery selects a table's rows in one layer: head (FROM … WHERE and
// the conditions before the range), the range on col, then tail (the
// scope and other conditions).
type layerQuery struct {
	l        layer
	head     string
	headArgs []any
	col      string
	tail     string
	tailArgs []any
}

// from returns the FROM … WHERE over the layer's whole span.
func (q layerQuery) from() (string, []any) {
	span, spanArgs := q.l.where(q.col)
	return q.head + span + q.tail, concatArgs(q.headArgs, spanArgs, q.tailArgs)
}

func concatArgs(parts ...[]any) []any {
	var out []any
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// statement returns the layer's SELECT of idx (the range's number in the
// layer) and cols. Usually that is one scan grouped by range. On
// PostgreSQL a layer of one or two ranges (the windows, which hold most
// rows) is instead a UNION ALL of one plain aggregate per range: each is
// its own index range scan, and its medians sort only their values
// instead of every row being sorted by range first.
func (s *Metrics) statement(q layerQuery, cols string) (string, []any) {
	n := len(q.l.bounds) - 1
	if s.db.Dialect == Postgres && n <= 2 {
		var parts []string
		var args []any
		for k := range n {
			parts = append(parts, fmt.Sprintf("SELECT %d AS idx, %s %s%s >= ? AND %s < ?%s", k, cols, q.head, q.col, q.col, q.tail))
			args = append(args, concatArgs(q.headArgs, []any{q.l.bounds[k], q.l.bounds[k+1]}, q.tailArgs)...)
		}
		return strings.Join(parts, " UNION ALL "), args
	}
	idx, idxArgs := s.bucket(q.col, q.l)
	from, args := q.from()
	return "SELECT " + idx + " AS idx, " + cols + " " + from + " GROUP BY 1", concatArgs(idxArgs, args)
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

// productionIn selects the layer's production deployments d that finished
// in it, within the scope.
func (s *Metrics) productionIn(sc metrics.Scope, l layer) layerQuery {
	scope, scopeArgs := scopeFilter(sc, "d")
	return layerQuery{l: l, head: "FROM deployments d WHERE d.environment IN ? AND ", headArgs: []any{s.production},
		col: "d.finished_at", tail: scope, tailArgs: scopeArgs}
}

// run executes the layer's statement and scans into rows.
func (s *Metrics) run(ctx context.Context, q layerQuery, cols string, rows any) error {
	sql, args := s.statement(q, cols)
	return s.db.WithContext(ctx).Raw(sql, args...).Scan(rows).Error
}

const deliveryColumns = `COUNT(*) AS deployments,
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

// useRollups reports whether the rollups answer a query over ranges.
func (s *Metrics) useRollups(ctx context.Context, ranges []metrics.Range) (bool, error) {
	if !rollupsCover(ranges) {
		return false, nil
	}
	return s.rollupsReady(ctx)
}

// DeliveryStats aggregates production deployments per range, from the
// rollups when they cover the ranges, else from the raw table.
func (s *Metrics) DeliveryStats(ctx context.Context, sc metrics.Scope, ranges []metrics.Range) (out []metrics.DeliveryStats, err error) {
	defer metricsWrap(&err, "Metrics.DeliveryStats(%+v)", sc)
	ok, err := s.useRollups(ctx, ranges)
	switch {
	case err != nil:
		return nil, err
	case ok:
		if out, err := s.rollupDeliveryStats(ctx, sc, ranges); !errors.Is(err, errRollupsMoved) {
			return out, err
		}
	}
	return s.rawDeliveryStats(ctx, sc, ranges)
}

// DeliveryFigures reads a report's delivery figures: from the rollups,
// the deployment rows once for both the ranges and the days, and the
// incident rows beside them on another connection.
func (s *Metrics) DeliveryFigures(ctx context.Context, sc metrics.Scope, ranges, days []metrics.Range) (f metrics.DeliveryFigures, err error) {
	defer metricsWrap(&err, "Metrics.DeliveryFigures(%+v)", sc)
	ok, err := s.useRollups(ctx, slices.Concat(ranges, days))
	if err != nil {
		return f, err
	}
	if ok {
		g, gctx := errgroup.WithContext(ctx)
		g.Go(func() error {
			res, dt, err := s.rollupRanges(gctx, deploymentRollups, scopeKey(sc), ranges, days, 2)
			f.Stats, f.Deploys = deliveryStats(res), deployCounts(dt)
			return err
		})
		g.Go(func() (err error) {
			f.Incidents, err = s.rollupIncidentStats(gctx, sc, ranges)
			return err
		})
		if err = g.Wait(); !errors.Is(err, errRollupsMoved) {
			return f, err
		}
	}
	if f.Stats, err = s.rawDeliveryStats(ctx, sc, ranges); err != nil {
		return f, err
	}
	if f.Incidents, err = s.rawIncidentStats(ctx, sc, ranges); err != nil {
		return f, err
	}
	f.Deploys, err = s.rawDeployCounts(ctx, sc, days)
	return f, err
}

func (s *Metrics) rawDeliveryStats(ctx context.Context, sc metrics.Scope, ranges []metrics.Range) ([]metrics.DeliveryStats, error) {
	out := make([]metrics.DeliveryStats, len(ranges))
	cols := deliveryColumns
	if s.percentile() {
		cols += ",\n\tpercentile_cont(0.5) WITHIN GROUP (ORDER BY " + leadTimeValue + ") AS lead_time" +
			",\n\tpercentile_cont(0.5) WITHIN GROUP (ORDER BY " + recoveryValue + ") AS recovery"
	}
	for _, l := range layers(ranges) {
		q := s.productionIn(sc, l)
		var rows []struct {
			Idx                                                     int
			Deployments, Succeeded, Failed, Unplanned, NoCommitTime int
			LeadTimeN, Recovered, Unrecovered                       int
			LeadTime, Recovery                                      sql.NullFloat64
		}
		if err := s.run(ctx, q, cols, &rows); err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[l.first+r.Idx] = metrics.DeliveryStats{
				Deployments: r.Deployments, Succeeded: r.Succeeded, Failed: r.Failed, Unplanned: r.Unplanned,
				NoCommitTime: r.NoCommitTime, LeadTimeN: r.LeadTimeN, LeadTime: r.LeadTime.Float64,
				Recovered: r.Recovered, Recovery: r.Recovery.Float64, Unrecovered: r.Unrecovered,
			}
		}
		if s.percentile() {
			continue
		}
		lead, err := s.windowMedians(ctx, leadTimeValue, q)
		if err != nil {
			return nil, err
		}
		rec, err := s.windowMedians(ctx, recoveryValue, q)
		if err != nil {
			return nil, err
		}
		for i, v := range lead {
			out[l.first+i].LeadTime = v
		}
		for i, v := range rec {
			out[l.first+i].Recovery = v
		}
	}
	return out, nil
}

// windowMedians returns the median of value per bucket of q, ignoring
// NULLs, using only window functions that both databases have.
func (s *Metrics) windowMedians(ctx context.Context, value string, q layerQuery) (map[int]float64, error) {
	idx, idxArgs := s.bucket(q.col, q.l)
	from, args := q.from()
	sql := `SELECT idx, AVG(v) AS median FROM (
		SELECT idx, v, ROW_NUMBER() OVER (PARTITION BY idx ORDER BY v) AS rn, COUNT(*) OVER (PARTITION BY idx) AS n
		FROM (SELECT ` + idx + ` AS idx, ` + value + ` AS v ` + from + ` AND (` + value + `) IS NOT NULL) x
	) r WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY idx`
	var rows []struct {
		Idx    int
		Median float64
	}
	if err := s.db.WithContext(ctx).Raw(sql, concatArgs(idxArgs, args)...).Scan(&rows).Error; err != nil {
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
	ok, err := s.useRollups(ctx, ranges)
	switch {
	case err != nil:
		return nil, err
	case ok:
		if out, err := s.rollupDeployCounts(ctx, sc, ranges); !errors.Is(err, errRollupsMoved) {
			return out, err
		}
	}
	return s.rawDeployCounts(ctx, sc, ranges)
}

func (s *Metrics) rawDeployCounts(ctx context.Context, sc metrics.Scope, ranges []metrics.Range) ([]int, error) {
	out := make([]int, len(ranges))
	for _, l := range layers(ranges) {
		q := s.productionIn(sc, l)
		q.tail += " AND d.status = 'success'"
		var rows []struct{ Idx, N int }
		if err := s.run(ctx, q, "COUNT(*) AS n", &rows); err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[l.first+r.Idx] = r.N
		}
	}
	return out, nil
}

const incidentColumns = `COUNT(*) AS opened,
	COUNT(i.resolved_at) AS resolved,
	SUM(CASE WHEN i.attribution = 'none' THEN 1 ELSE 0 END) AS unattributed,
	SUM(CASE WHEN i.attribution = 'excluded' THEN 1 ELSE 0 END) AS not_deployment_caused,
	SUM(CASE WHEN i.attribution = 'given' AND NOT EXISTS (SELECT 1 FROM deployments x WHERE x.id = i.deployment_id) THEN 1 ELSE 0 END) AS unknown_deployment`

// IncidentStats aggregates incidents opened per range.
func (s *Metrics) IncidentStats(ctx context.Context, sc metrics.Scope, ranges []metrics.Range) (out []metrics.IncidentStats, err error) {
	defer metricsWrap(&err, "Metrics.IncidentStats(%+v)", sc)
	ok, err := s.useRollups(ctx, ranges)
	switch {
	case err != nil:
		return nil, err
	case ok:
		if out, err := s.rollupIncidentStats(ctx, sc, ranges); !errors.Is(err, errRollupsMoved) {
			return out, err
		}
	}
	return s.rawIncidentStats(ctx, sc, ranges)
}

func (s *Metrics) rawIncidentStats(ctx context.Context, sc metrics.Scope, ranges []metrics.Range) ([]metrics.IncidentStats, error) {
	out := make([]metrics.IncidentStats, len(ranges))
	cols := incidentColumns
	if s.percentile() {
		cols += ",\n\tpercentile_cont(0.5) WITHIN GROUP (ORDER BY " + restoreValue + ") AS restore"
	}
	for _, l := range layers(ranges) {
		scope, scopeArgs := scopeFilter(sc, "i")
		q := layerQuery{l: l, head: "FROM incidents i WHERE ", col: "i.opened_at", tail: scope, tailArgs: scopeArgs}
		var rows []struct {
			Idx                                                                    int
			Opened, Resolved, Unattributed, NotDeploymentCaused, UnknownDeployment int
			Restore                                                                sql.NullFloat64
		}
		if err := s.run(ctx, q, cols, &rows); err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[l.first+r.Idx] = metrics.IncidentStats{
				Opened: r.Opened, Resolved: r.Resolved, Restore: r.Restore.Float64, Unattributed: r.Unattributed,
				NotDeploymentCaused: r.NotDeploymentCaused, UnknownDeployment: r.UnknownDeployment,
			}
		}
		if s.percentile() {
			continue
		}
		med, err := s.windowMedians(ctx, restoreValue, q)
		if err != nil {
			return nil, err
		}
		for i, v := range med {
			out[l.first+i].Restore = v
		}
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
