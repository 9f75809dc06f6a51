package storage

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/platformbot/platformbot/metrics"
)

// Reports read the rollups of one scope: one statement per call, the rows
// of the days the ranges touch (a primary-key range scan), and every range
// is then summed in Go: whole days from their totals, and the first and
// last day of a range from the slots on its side of the boundary. Medians
// are exact: the sorted samples of those days, selected without merging
// (median in metrics_rollup_codec.go).

// dayRollup is one decoded rollup row.
type dayRollup struct {
	day     int64
	slots   []slotTally
	total   tally
	samples []sampleColumn
}

type slotTally struct {
	slot int
	t    tally
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

// readRollups reads the rows of scope on the days the ranges touch, with
// the first nSamples sample columns, ordered by day.
func (s *Metrics) readRollups(ctx context.Context, t rollupTable, scope string, ranges []metrics.Range, nSamples int) ([]dayRollup, error) {
	spans := daySpans(ranges)
	if len(spans) == 0 {
		return nil, nil
	}
	conds := make([]string, len(spans))
	args := []any{scope}
	for i, sp := range spans {
		conds[i] = "(day >= ? AND day <= ?)"
		args = append(args, sp[0], sp[1])
	}
	cols := t.valCols[:1+nSamples]
	q := "SELECT day, " + strings.Join(cols, ", ") + " FROM " + t.name + " WHERE scope = ? AND (" +
		strings.Join(conds, " OR ") + ") ORDER BY day"
	rows, err := s.db.WithContext(ctx).Raw(q, args...).Rows()
	if err != nil {
		return nil, err
	}
	var out []dayRollup
	blobs := make([][]byte, len(cols))
	dest := make([]any, 1+len(cols))
	for i := range blobs {
		dest[1+i] = &blobs[i]
	}
	for rows.Next() {
		var d dayRollup
		dest[0] = &d.day
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return nil, err
		}
		if err := d.decode(blobs, nSamples); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, d)
	}
	return out, closeRows(rows)
}

func (d *dayRollup) decode(blobs [][]byte, nSamples int) error {
	err := eachSlot(blobs[0], func(slot int, t *tally) {
		d.slots = append(d.slots, slotTally{slot, *t})
		d.total.add(t, 1)
	})
	if err != nil {
		return err
	}
	d.samples = make([]sampleColumn, nSamples)
	for m := range nSamples {
		// Scan gives every row its own copy of the bytes, so the column
		// may keep them.
		if d.samples[m], err = decodeSamples(blobs[1+m]); err != nil {
			return err
		}
	}
	return nil
}

// rangeSum is what the rows hold for one range: the summed counters and,
// per sample column, the sorted arrays whose union is the range's samples.
type rangeSum struct {
	t       tally
	samples [2][][]uint32
}

// sum adds up the rows (ordered by day) over r, a slot-aligned range.
func sum(rows []dayRollup, r metrics.Range) rangeSum {
	var out rangeSum
	first, last, ok := dayBounds(r)
	if !ok {
		return out
	}
	_, fromSlot := dayAndSlot(r.From)
	_, toSlot := dayAndSlot(r.To)
	i := sort.Search(len(rows), func(i int) bool { return rows[i].day >= first })
	for ; i < len(rows) && rows[i].day <= last; i++ {
		d := &rows[i]
		lo, hi := 0, slotsPerDay
		if d.day == first {
			lo = fromSlot
		}
		if d.day == last && toSlot > 0 {
			hi = toSlot
		}
		if lo == 0 && hi == slotsPerDay {
			out.t.add(&d.total, 1)
		} else {
			for _, st := range d.slots {
				if st.slot >= lo && st.slot < hi {
					out.t.add(&st.t, 1)
				}
			}
		}
		for m, col := range d.samples {
			if vals := col.between(lo, hi); len(vals) > 0 {
				out.samples[m] = append(out.samples[m], vals)
			}
		}
	}
	return out
}

func (s *Metrics) rollupDeliveryStats(ctx context.Context, sc metrics.Scope, ranges []metrics.Range) ([]metrics.DeliveryStats, error) {
	rows, err := s.readRollups(ctx, deploymentRollups, scopeKey(sc), ranges, 2)
	if err != nil {
		return nil, err
	}
	out := make([]metrics.DeliveryStats, len(ranges))
	for i, r := range ranges {
		sm := sum(rows, r)
		lead, leadN := median(sm.samples[sampleLead])
		rec, recN := median(sm.samples[sampleRecovery])
		out[i] = metrics.DeliveryStats{
			Deployments: int(sm.t[depDeployments]), Succeeded: int(sm.t[depSucceeded]), Failed: int(sm.t[depFailed]),
			Unplanned: int(sm.t[depUnplanned]), NoCommitTime: int(sm.t[depNoCommitTime]),
			LeadTimeN: leadN, LeadTime: lead, Recovered: recN, Recovery: rec, Unrecovered: int(sm.t[depUnrecovered]),
		}
	}
	return out, nil
}

func (s *Metrics) rollupDeployCounts(ctx context.Context, sc metrics.Scope, ranges []metrics.Range) ([]int, error) {
	rows, err := s.readRollups(ctx, deploymentRollups, scopeKey(sc), ranges, 0)
	if err != nil {
		return nil, err
	}
	out := make([]int, len(ranges))
	for i, r := range ranges {
		sm := sum(rows, r)
		out[i] = int(sm.t[depSucceeded])
	}
	return out, nil
}

func (s *Metrics) rollupIncidentStats(ctx context.Context, sc metrics.Scope, ranges []metrics.Range) ([]metrics.IncidentStats, error) {
	rows, err := s.readRollups(ctx, incidentRollups, scopeKey(sc), ranges, 1)
	if err != nil {
		return nil, err
	}
	out := make([]metrics.IncidentStats, len(ranges))
	for i, r := range ranges {
		sm := sum(rows, r)
		restore, _ := median(sm.samples[sampleRestore])
		out[i] = metrics.IncidentStats{
			Opened: int(sm.t[incOpened]), Resolved: int(sm.t[incResolved]), Restore: restore,
			Unattributed: int(sm.t[incUnattributed]), NotDeploymentCaused: int(sm.t[incExcluded]),
			UnknownDeployment: int(sm.t[incUnknown]),
		}
	}
	return out, nil
}
