package storage

import (
	"context"
	"errors"
	"slices"
	"sort"
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

// dayRollup is one decoded rollup row.
type dayRollup struct {
	day     int64
	version int64
	slots   []slotTally
	total   tally
	cols    []sampleCol
}

type slotTally struct {
	slot int
	t    tally
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

// readRollups reads the rows of scope on the days the ranges touch, with
// the first nSamples sample columns, ordered by day.
func (s *Metrics) readRollups(ctx context.Context, t rollupTable, scope string, ranges []metrics.Range, nSamples int) ([]dayRollup, error) {
	spans := daySpans(ranges)
	if len(spans) == 0 {
		return nil, nil
	}
	cols := []string{"day", "version", "counts"}
	var args []any
	cut := cutDays(ranges)
	for m := range nSamples {
		samples, bins := t.valCols[1+2*m], t.valCols[2+2*m]
		cols = append(cols, bins, "CASE WHEN length("+samples+") <= ? OR day IN ? THEN "+samples+" END")
		args = append(args, s.inlineLimit, cut)
	}
	conds := make([]string, len(spans))
	args = append(args, scope)
	for i, sp := range spans {
		conds[i] = "(day >= ? AND day <= ?)"
		args = append(args, sp[0], sp[1])
	}
	q := "SELECT " + strings.Join(cols, ", ") + " FROM " + t.name + " WHERE scope = ? AND (" +
		strings.Join(conds, " OR ") + ") ORDER BY day"
	rows, err := s.db.WithContext(ctx).Raw(q, args...).Rows()
	if err != nil {
		return nil, err
	}
	var out []dayRollup
	blobs := make([][]byte, 1+2*nSamples)
	dest := make([]any, 2+len(blobs))
	for i := range blobs {
		dest[2+i] = &blobs[i]
	}
	for rows.Next() {
		var d dayRollup
		dest[0], dest[1] = &d.day, &d.version
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

// decode reads counts, then for each sample column its histogram and its
// samples (nil when withheld). Scan gives every row its own copy of the
// bytes, so the row may keep them.
func (d *dayRollup) decode(blobs [][]byte, nSamples int) error {
	var err error
	if d.slots, err = decodeSlots(blobs[0]); err != nil {
		return err
	}
	for i := range d.slots {
		d.total.add(&d.slots[i].t, 1)
	}
	d.cols = make([]sampleCol, nSamples)
	for m := range nSamples {
		c := &d.cols[m]
		if c.hist, err = decodeBins(blobs[1+2*m]); err != nil {
			return err
		}
		if blobs[2+2*m] == nil && len(c.hist) > 0 {
			c.withheld = true
			continue
		}
		if c.data, err = decodeSamples(blobs[2+2*m]); err != nil {
			return err
		}
		if len(c.data.vals) != total(c.hist) {
			return errors.New("storage: rollup histogram does not match its samples")
		}
	}
	return nil
}

// rangeSamples are a range's samples of one column: sorted arrays read
// whole, and busy whole days of which only the histogram was read.
type rangeSamples struct {
	arrays [][]uint32
	days   []*dayRollup
}

// rangeSum is what the rows hold for one range.
type rangeSum struct {
	t       tally
	samples [2]rangeSamples
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
		for m := range d.cols {
			c := &d.cols[m]
			switch {
			case c.withheld: // a whole day: cut days are never withheld
				out.samples[m].days = append(out.samples[m].days, d)
			default:
				if vals := c.data.between(lo, hi); len(vals) > 0 {
					out.samples[m].arrays = append(out.samples[m].arrays, vals)
				}
			}
		}
	}
	return out
}

func (s *Metrics) rollupDeliveryStats(ctx context.Context, sc metrics.Scope, ranges []metrics.Range) ([]metrics.DeliveryStats, error) {
	res, err := s.rollupRanges(ctx, deploymentRollups, scopeKey(sc), ranges, 2)
	if err != nil {
		return nil, err
	}
	out := make([]metrics.DeliveryStats, len(ranges))
	for i, r := range res {
		out[i] = metrics.DeliveryStats{
			Deployments: int(r.t[depDeployments]), Succeeded: int(r.t[depSucceeded]), Failed: int(r.t[depFailed]),
			Unplanned: int(r.t[depUnplanned]), NoCommitTime: int(r.t[depNoCommitTime]),
			LeadTimeN: r.n[sampleLead], LeadTime: r.median[sampleLead],
			Recovered: r.n[sampleRecovery], Recovery: r.median[sampleRecovery], Unrecovered: int(r.t[depUnrecovered]),
		}
	}
	return out, nil
}

func (s *Metrics) rollupDeployCounts(ctx context.Context, sc metrics.Scope, ranges []metrics.Range) ([]int, error) {
	res, err := s.rollupRanges(ctx, deploymentRollups, scopeKey(sc), ranges, 0)
	if err != nil {
		return nil, err
	}
	out := make([]int, len(ranges))
	for i, r := range res {
		out[i] = int(r.t[depSucceeded])
	}
	return out, nil
}

func (s *Metrics) rollupIncidentStats(ctx context.Context, sc metrics.Scope, ranges []metrics.Range) ([]metrics.IncidentStats, error) {
	res, err := s.rollupRanges(ctx, incidentRollups, scopeKey(sc), ranges, 1)
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
