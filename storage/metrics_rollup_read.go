package storage

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/platformbot/platformbot/metrics"
)

// Reports read the rollups of one scope: one statement for the days the
// ranges touch (a primary-key range scan), and every range is then summed
// in Go: whole days from their totals, the first and last day of a range
// from the slots on its side of the boundary. Medians are exact: a day's
// samples come with the counters when they are few (or the day is cut by a
// boundary); for a busy day only its histogram comes, and a second
// statement reads just the bins that hold the medians
// (metrics_rollup_median.go), so that the cost of a report hardly grows
// with the number of deployments a day holds.

// defaultInlineLimit is the size up to which a samples blob is read whole.
const defaultInlineLimit = 2048

// dayRollup is one decoded rollup row: its day totals, and its slots as
// encoded, for the days a boundary cuts.
type dayRollup struct {
	day     int64
	version int64
	counts  []byte
	total   tally
	cols    []sampleCol
}

// sampleCol is one sample column of a row: its histogram, and its samples
// unless they were withheld (a busy whole day).
type sampleCol struct {
	hist     []binCum
	data     sampleColumn
	withheld bool
}

// rollupsCover reports whether every range starts and ends on a slot
// boundary, so that rollups answer it exactly; others are answered from
// the raw tables.
func rollupsCover(ranges []metrics.Range) bool {
	for _, r := range ranges {
		if !slotAligned(r.From) || !slotAligned(r.To) {
			return false
		}
	}
	return true
}

// dayBounds returns the first and last day a range touches; ok is false
// for an empty range.
func dayBounds(r metrics.Range) (first, last int64, ok bool) {
	if !r.From.Before(r.To) {
		return 0, 0, false
	}
	first, _ = dayAndSlot(r.From)
	last, slot := dayAndSlot(r.To)
	if slot == 0 {
		last--
	}
	return first, last, true
}

// daySpans merges the days the ranges touch into disjoint spans.
func daySpans(ranges []metrics.Range) [][2]int64 {
	var spans [][2]int64
	for _, r := range ranges {
		if first, last, ok := dayBounds(r); ok {
			spans = append(spans, [2]int64{first, last})
		}
	}
	slices.SortFunc(spans, func(a, b [2]int64) int { return int(a[0] - b[0]) })
	var out [][2]int64
	for _, s := range spans {
		if n := len(out); n > 0 && s[0] <= out[n-1][1]+1 {
			out[n-1][1] = max(out[n-1][1], s[1])
			continue
		}
		out = append(out, s)
	}
	return out
}

// cutDays lists the days a range boundary cuts (a boundary inside a day):
// their samples are needed slot by slot, so they are always read whole.
func cutDays(ranges []metrics.Range) []int64 {
	var out []int64
	for _, r := range ranges {
		for _, t := range []time.Time{r.From, r.To} {
			if day, slot := dayAndSlot(t); slot > 0 {
				out = append(out, day)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// readRollups reads the rows of scope on the days that ranges (which
// need samples) and days (which need counters only) touch, with the first
// nSamples sample columns, ordered by day.
func (s *Metrics) readRollups(ctx context.Context, t rollupTable, scope string, ranges, days []metrics.Range, nSamples int) ([]dayRollup, error) {
	all := slices.Concat(ranges, days)
	spans := daySpans(all)
	if len(spans) == 0 {
		return nil, nil
	}
	q := &query{pg: s.db.Dialect == Postgres}
	cols := []string{"day", "version", "counts"}
	cut, cutAll := cutDays(ranges), cutDays(all)
	for m := range nSamples {
		samples, bins := t.valCols[1+2*m], t.valCols[2+2*m]
		// Written twice: SQLite's placeholders are positional.
		inline := func() string {
			return "length(" + samples + ") <= " + q.arg(s.inlineLimit) + " OR " + in(q, "day", cut)
		}
		cols = append(cols, "CASE WHEN "+inline()+" THEN NULL ELSE "+bins+" END")
		cols = append(cols, "CASE WHEN "+inline()+" THEN "+samples+" END")
	}
	conds := make([]string, len(spans))
	where := "scope = " + q.arg(scope)
	for i, sp := range spans {
		conds[i] = "(day >= " + q.arg(sp[0]) + " AND day <= " + q.arg(sp[1]) + ")"
	}
	out := make([]dayRollup, 0, spans[len(spans)-1][1]-spans[0][0]+1)
	err := s.readRaw(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+t.name+" WHERE "+where+
		" AND ("+strings.Join(conds, " OR ")+") ORDER BY day", q.args, func(vals [][]byte) error {
		d := dayRollup{day: rawInt(vals[0]), version: rawInt(vals[1])}
		_, isCut := slices.BinarySearch(cutAll, d.day)
		if err := d.decode(vals[2:], nSamples, isCut); err != nil {
			return err
		}
		out = append(out, d)
		return nil
	})
	return out, err
}

// query builds a statement's arguments with the dialect's placeholders,
// for the report reads that go around gorm (it costs more than the rest of
// a small read).
type query struct {
	pg   bool
	args []any
}

func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	if q.pg {
		return "$" + strconv.Itoa(len(q.args))
	}
	return "?"
}

// in is "col IN (…)", or "col = ANY($n)" on PostgreSQL (one parameter,
// so that the statement's text does not depend on len(vals)).
func in[T int64 | string](q *query, col string, vals []T) string {
	if q.pg {
		return col + " = ANY(" + q.arg(vals) + ")"
	}
	if len(vals) == 0 {
		return "0 = 1"
	}
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = q.arg(v)
	}
	return col + " IN (" + strings.Join(parts, ", ") + ")"
}

// decode reads counts (keeping the slots of a cut day), then for each
// sample column its samples, or its histogram when they were withheld. The blobs are the driver's buffers,
// valid until the next row: what the row keeps is copied.
func (d *dayRollup) decode(blobs [][]byte, nSamples int, cut bool) error {
	total, slots, err := splitCounts(blobs[0])
	if err != nil {
		return err
	}
	d.total = total
	if cut {
		d.counts = slices.Clone(slots)
	}
	d.cols = make([]sampleCol, nSamples)
	for m := range nSamples {
		c := &d.cols[m]
		if blobs[2+2*m] == nil && len(blobs[1+2*m]) > 0 { // withheld: its histogram came instead
			c.withheld = true
			if c.hist, err = decodeBins(blobs[1+2*m]); err != nil {
				return err
			}
			continue
		}
		if c.data, err = decodeSamples(blobs[2+2*m]); err != nil {
			return err
		}
	}
	return nil
}

func (s *Metrics) rollupDeliveryStats(ctx context.Context, sc metrics.Scope, ranges []metrics.Range) ([]metrics.DeliveryStats, error) {
	res, _, err := s.rollupRanges(ctx, deploymentRollups, scopeKey(sc), ranges, nil, 2)
	if err != nil {
		return nil, err
	}
	return deliveryStats(res), nil
}

func deliveryStats(res []rangeResult) []metrics.DeliveryStats {
	out := make([]metrics.DeliveryStats, len(res))
	for i, r := range res {
		out[i] = metrics.DeliveryStats{
			Deployments: int(r.t[depDeployments]), Succeeded: int(r.t[depSucceeded]), Failed: int(r.t[depFailed]),
			Unplanned: int(r.t[depUnplanned]), NoCommitTime: int(r.t[depNoCommitTime]),
			LeadTimeN: r.n[sampleLead], LeadTime: r.median[sampleLead],
			Recovered: r.n[sampleRecovery], Recovery: r.median[sampleRecovery], Unrecovered: int(r.t[depUnrecovered]),
		}
	}
	return out
}

func (s *Metrics) rollupDeployCounts(ctx context.Context, sc metrics.Scope, ranges []metrics.Range) ([]int, error) {
	_, days, err := s.rollupRanges(ctx, deploymentRollups, scopeKey(sc), nil, ranges, 0)
	if err != nil {
		return nil, err
	}
	return deployCounts(days), nil
}

func deployCounts(days []tally) []int {
	out := make([]int, len(days))
	for i, t := range days {
		out[i] = int(t[depSucceeded])
	}
	return out
}

func (s *Metrics) rollupIncidentStats(ctx context.Context, sc metrics.Scope, ranges []metrics.Range) ([]metrics.IncidentStats, error) {
	res, _, err := s.rollupRanges(ctx, incidentRollups, scopeKey(sc), ranges, nil, 1)
	if err != nil {
		return nil, err
	}
	out := make([]metrics.IncidentStats, len(ranges))
	for i, r := range res {
		out[i] = metrics.IncidentStats{
			Opened: int(r.t[incOpened]), Resolved: int(r.t[incResolved]), Restore: r.median[sampleRestore],
			Unattributed: int(r.t[incUnattributed]), NotDeploymentCaused: int(r.t[incExcluded]),
			UnknownDeployment: int(r.t[incUnknown]),
		}
	}
	return out, nil
}
