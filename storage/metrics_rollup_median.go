package storage

import (
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/platformbot/platformbot/metrics"
)

// A median over busy days is found in two reads. The first brings each
// busy day's histogram: with the samples read whole (quiet and cut days)
// it tells how many samples there are, so which ranks are the middle
// ones, and which bin holds each. The second reads, from each busy day,
// only the samples in those bins: a bin's samples are contiguous in the
// sorted blob, at an offset the histogram gives. The middle values are
// then selected among the samples of those bins. Each row carries a
// version; if a row changed between the reads, the report reads again.

// errRollupsMoved is returned when the rows changed between the two reads
// of every attempt; the caller then reads the raw tables.
var errRollupsMoved = errors.New("storage: rollups changed while a report read them")

// rangeResult is a range's counters and, per sample column, the median and
// the number of samples.
type rangeResult struct {
	t      tally
	median [2]float64
	n      [2]int
}

// rollupRanges answers ranges (counters and medians) and days (counters
// only) from one read of the rollups of scope.
func (s *Metrics) rollupRanges(ctx context.Context, t rollupTable, scope string, ranges, days []metrics.Range, nSamples int) ([]rangeResult, []tally, error) {
	for range 3 {
		rows, err := s.readRollups(ctx, t, scope, ranges, days, nSamples)
		if err != nil {
			return nil, nil, err
		}
		out, moved, err := s.resolve(ctx, t, scope, rows, ranges, nSamples)
		if err != nil {
			return nil, nil, err
		}
		if !moved {
			dt, err := tallies(rows, days)
			return out, dt, err
		}
	}
	return nil, nil, errRollupsMoved
}

// colDay names one sample column of one day.
type colDay struct {
	day int64
	col int
}

// medianPlan is the median of one range's samples in one column, found
// between the two reads: ranks k, their bins b, and how many samples lie
// in bins before b[0].
type medianPlan struct {
	rs     *rangeSamples
	col    int
	out    *float64
	k, b   [2]int
	before int
}

func (s *Metrics) resolve(ctx context.Context, t rollupTable, scope string, rows []dayRollup, ranges []metrics.Range, nSamples int) ([]rangeResult, bool, error) {
	out := make([]rangeResult, len(ranges))
	ts, err := tallies(rows, ranges)
	if err != nil {
		return nil, false, err
	}
	var plans []*medianPlan
	need := map[colDay][2]int{} // the bins to read of each busy day's column
	for i, r := range ranges {
		out[i].t = ts[i]
		if nSamples == 0 {
			continue
		}
		samples := samplesIn(rows, r)
		for m := range nSamples {
			rs := &samples[m]
			n := rs.countThrough(m, sampleBins)
			out[i].n[m] = n
			switch {
			case n == 0:
				continue
			case len(rs.days) == 0:
				out[i].median[m], _ = median(rs.arrays)
				continue
			}
			p := &medianPlan{rs: rs, col: m, out: &out[i].median[m], k: [2]int{(n + 1) / 2, (n + 2) / 2}}
			for j, k := range p.k {
				p.b[j] = sort.Search(sampleBins, func(b int) bool { return rs.countThrough(m, b) >= k })
			}
			p.before = rs.countThrough(m, p.b[0]-1)
			for _, d := range rs.days {
				key := colDay{d.day, m}
				span, ok := need[key]
				if !ok {
					span = p.b
				}
				need[key] = [2]int{min(span[0], p.b[0]), max(span[1], p.b[1])}
			}
			plans = append(plans, p)
		}
	}
	if len(plans) == 0 {
		return out, false, nil
	}
	fetched, moved, err := s.readBins(ctx, t, scope, rows, need)
	if err != nil || moved {
		return nil, moved, err
	}
	for _, p := range plans {
		p.finish(fetched)
	}
	return out, false, nil
}

// countThrough counts the samples of column m in bins up to b (all of them
// for b = sampleBins; none for b = -1).
func (rs *rangeSamples) countThrough(m, b int) int {
	n := 0
	end := binFloor(min(b+1, sampleBins))
	if b < 0 {
		end = 0
	}
	for _, a := range rs.arrays {
		if b >= sampleBins-1 {
			n += len(a)
			continue
		}
		n += sort.Search(len(a), func(i int) bool { return uint64(a[i]) >= end })
	}
	for _, d := range rs.days {
		n += through(d.cols[m].hist, b)
	}
	return n
}

// fetchedBins are samples read from one busy day's column: the samples of
// a span of bins, the first being the first-th of the day.
type fetchedBins struct {
	first int
	vals  []uint32
}

// readBins reads the needed bins of busy days, one statement per 500 of
// them, each a substr of the samples blob; moved reports that a row's
// version is no longer the one the first read saw.
func (s *Metrics) readBins(ctx context.Context, t rollupTable, scope string, rows []dayRollup, need map[colDay][2]int) (map[colDay]fetchedBins, bool, error) {
	byDay := map[int64]*dayRollup{}
	for i := range rows {
		byDay[rows[i].day] = &rows[i]
	}
	out := map[colDay]fetchedBins{}
	var keys []colDay
	var args []any
	for k, span := range need {
		h := byDay[k.day].cols[k.col].hist
		first, last := through(h, span[0]-1), through(h, span[1])
		out[k] = fetchedBins{first: first}
		if last > first {
			keys = append(keys, k)
			args = append(args, k.day, k.col, 4*first+1, 4*(last-first))
		}
	}
	cases := make([]string, t.sampleColumns())
	for m := range cases {
		cases[m] = " WHEN " + string(rune('0'+m)) + " THEN substr(r." + t.valCols[1+2*m] + ", v.column3, v.column4)"
	}
	const chunk = 500
	for i := 0; i < len(keys); i += chunk {
		n := min(chunk, len(keys)-i)
		vals := strings.TrimSuffix(strings.Repeat("(CAST(? AS bigint), CAST(? AS integer), CAST(? AS integer), CAST(? AS integer)), ", n), ", ")
		q := "SELECT v.column1, v.column2, r.version, CASE v.column2" + strings.Join(cases, "") + " END FROM (VALUES " + vals +
			") AS v JOIN " + t.name + " r ON r.scope = ? AND r.day = v.column1"
		a := append(append([]any(nil), args[4*i:4*(i+n)]...), scope)
		moved, err := s.scanBins(ctx, q, a, byDay, out)
		if err != nil || moved {
			return nil, moved, err
		}
	}
	return out, false, nil
}

func (s *Metrics) scanBins(ctx context.Context, q string, args []any, byDay map[int64]*dayRollup, out map[colDay]fetchedBins) (bool, error) {
	rows, err := s.db.WithContext(ctx).Raw(q, args...).Rows()
	if err != nil {
		return false, err
	}
	defer rows.Close()
	for rows.Next() {
		var k colDay
		var version int64
		var b []byte
		if err := rows.Scan(&k.day, &k.col, &version, &b); err != nil {
			return false, err
		}
		if version != byDay[k.day].version || len(b)%4 != 0 {
			return true, nil
		}
		f := out[k]
		f.vals = make([]uint32, len(b)/4)
		for i := range f.vals {
			f.vals[i] = uint32(b[4*i]) | uint32(b[4*i+1])<<8 | uint32(b[4*i+2])<<16 | uint32(b[4*i+3])<<24
		}
		out[k] = f
	}
	return false, closeRows(rows)
}

// finish selects the middle values among the samples in bins b[0]…b[1].
func (p *medianPlan) finish(fetched map[colDay]fetchedBins) {
	lo, hi := binFloor(p.b[0]), binFloor(p.b[1]+1)
	var arrays [][]uint32
	for _, a := range p.rs.arrays {
		i := sort.Search(len(a), func(i int) bool { return uint64(a[i]) >= lo })
		j := sort.Search(len(a), func(i int) bool { return uint64(a[i]) >= hi })
		arrays = append(arrays, a[i:j])
	}
	for _, d := range p.rs.days {
		f := fetched[colDay{d.day, p.col}]
		h := d.cols[p.col].hist
		first, last := through(h, p.b[0]-1)-f.first, through(h, p.b[1])-f.first
		if last > first {
			arrays = append(arrays, f.vals[first:last])
		}
	}
	var top uint32
	for _, a := range arrays {
		if len(a) > 0 {
			top = max(top, a[len(a)-1])
		}
	}
	a, b := kth(arrays, p.k[0]-p.before, top), kth(arrays, p.k[1]-p.before, top)
	*p.out = (float64(a) + float64(b)) / 2
}
