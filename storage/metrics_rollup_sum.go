package storage

import (
	"sort"
	"time"

	"github.com/platformbot/platformbot/metrics"
)

// Summing the rows of a scope over ranges. The counters of a layer of
// adjacent ranges (the two windows; the sparkline buckets; the calendar
// days) are summed in one pass over its rows: a row inside one range adds
// its total, a row a boundary cuts has each of its slots added to the
// range it falls in. Samples are gathered per range.

// tallies sums the counters of rows (ordered by day) over each range.
func tallies(rows []dayRollup, ranges []metrics.Range) ([]tally, error) {
	out := make([]tally, len(ranges))
	for _, l := range rollupLayers(ranges) {
		bounds := make([]int64, len(l.bounds))
		for i, b := range l.bounds {
			bounds[i] = b.Unix()
		}
		sums := out[l.first : l.first+len(bounds)-1]
		first, last, _ := dayBounds(metrics.Range{From: l.bounds[0], To: l.bounds[len(l.bounds)-1]})
		i := sort.Search(len(rows), func(i int) bool { return rows[i].day >= first })
		k := 0 // the range the previous row ended in
		for ; i < len(rows) && rows[i].day <= last; i++ {
			d := &rows[i]
			start, end := d.day*daySeconds, (d.day+1)*daySeconds
			for k+1 < len(bounds)-1 && bounds[k+1] <= start {
				k++
			}
			if bounds[k] <= start && end <= bounds[k+1] {
				sums[k].add(&d.total, 1)
				continue
			}
			var err error
			if k, err = spreadSlots(d.counts, start, bounds, k, sums); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// rollupLayers is layers of the non-empty ranges: bounds strictly
// increase in each. Empty ranges sum to nothing.
func rollupLayers(ranges []metrics.Range) []layer {
	var out []layer
	for i, r := range ranges {
		if !r.From.Before(r.To) {
			continue
		}
		if n := len(out); n > 0 {
			l := &out[n-1]
			if l.first+len(l.bounds)-1 == i && l.bounds[len(l.bounds)-1].Equal(r.From) {
				l.bounds = append(l.bounds, r.To)
				continue
			}
		}
		out = append(out, layer{first: i, bounds: []time.Time{r.From, r.To}})
	}
	return out
}

// spreadSlots adds each encoded slot of a row that starts at start to
// the range of bounds it falls in (none before the first or after the last
// bound), from range k on, and returns the range of the last slot.
func spreadSlots(b []byte, start int64, bounds []int64, k int, sums []tally) (int, error) {
	n := len(bounds) - 1
	var t tally
	for len(b) > 0 {
		at := start + int64(b[0])*slotSeconds
		var err error
		if b, err = readTally(b[1:], &t); err != nil {
			return k, err
		}
		for k+1 < n && bounds[k+1] <= at {
			k++
		}
		if at >= bounds[0] && at < bounds[n] {
			sums[k].add(&t, 1)
		}
	}
	return k, nil
}

// rangeSamples are a range's samples of one column: sorted arrays read
// whole, and busy whole days of which only the histogram was read.
type rangeSamples struct {
	arrays [][]uint32
	days   []*dayRollup
}

// samplesIn gathers the samples of rows (ordered by day) in r, a
// slot-aligned range.
func samplesIn(rows []dayRollup, r metrics.Range) [2]rangeSamples {
	var out [2]rangeSamples
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
		for m := range d.cols {
			c := &d.cols[m]
			switch {
			case c.withheld: // a whole day: cut days are never withheld
				out[m].days = append(out[m].days, d)
			default:
				if vals := c.data.between(lo, hi); len(vals) > 0 {
					out[m].arrays = append(out[m].arrays, vals)
				}
			}
		}
	}
	return out
}
