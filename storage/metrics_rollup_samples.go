package storage

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"
)

// Samples are the lead, recovery and restore times of a rollup row, kept
// whole so that medians are exact.

// sample is one duration (whole seconds) and the slot of its day. Samples
// are kept sorted by value, then slot.
type sample struct {
	v    uint32
	slot uint8
}

func compareSamples(a, b sample) int {
	if c := cmp.Compare(a.v, b.v); c != 0 {
		return c
	}
	return cmp.Compare(a.slot, b.slot)
}

// newSample checks that seconds fits the encoding: durations are never
// negative, and times are validated to lie between 2000 and now, so 32 bits
// (136 years) always suffice.
func newSample(seconds int64, slot int) (sample, error) {
	if seconds < 0 || seconds > math.MaxUint32 {
		return sample{}, fmt.Errorf("storage: duration %d s out of the rollup range", seconds)
	}
	return sample{uint32(seconds), uint8(slot)}, nil
}

// sampleColumn is a decoded samples blob: the values (ascending) and
// their slots. The blob is the n values as little-endian uint32s followed
// by the n slot bytes.
type sampleColumn struct {
	vals  []uint32
	slots []byte
}

// decodeSamples decodes b into a new column (b may be reused after).
func decodeSamples(b []byte) (sampleColumn, error) {
	if len(b)%5 != 0 {
		return sampleColumn{}, errors.New("storage: corrupt rollup samples")
	}
	n := len(b) / 5
	c := sampleColumn{vals: make([]uint32, n), slots: slices.Clone(b[4*n:])}
	for i := range c.vals {
		c.vals[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	return c, nil
}

func (c sampleColumn) samples() []sample {
	out := make([]sample, len(c.vals))
	for i, v := range c.vals {
		out[i] = sample{v, c.slots[i]}
	}
	return out
}

// between returns the values whose slot is in [lo, hi), still ascending.
func (c sampleColumn) between(lo, hi int) []uint32 {
	if lo == 0 && hi == slotsPerDay {
		return c.vals
	}
	var out []uint32
	for i, s := range c.slots {
		if int(s) >= lo && int(s) < hi {
			out = append(out, c.vals[i])
		}
	}
	return out
}

func encodeSamples(ss []sample) []byte {
	out := make([]byte, 5*len(ss))
	for i, s := range ss {
		binary.LittleEndian.PutUint32(out[4*i:], s.v)
		out[4*len(ss)+i] = s.slot
	}
	return out
}

// mergeSamples returns old (sorted) plus add minus del (both sorted), as
// multisets. A del with no match is ignored: the row was inconsistent
// already, and a rebuild repairs it.
func mergeSamples(old, add, del []sample) []sample {
	if len(add) == 0 && len(del) == 0 {
		return old
	}
	merged := make([]sample, 0, len(old)+len(add))
	i, j := 0, 0
	for i < len(old) || j < len(add) {
		if j == len(add) || (i < len(old) && compareSamples(old[i], add[j]) <= 0) {
			merged = append(merged, old[i])
			i++
		} else {
			merged = append(merged, add[j])
			j++
		}
	}
	out := merged[:0]
	k := 0
	for _, s := range merged {
		for k < len(del) && compareSamples(del[k], s) < 0 {
			k++
		}
		if k < len(del) && del[k] == s {
			k++
			continue
		}
		out = append(out, s)
	}
	return out
}

// cancelCommon removes the samples present in both sorted lists, so that
// a record that did not change costs nothing.
func cancelCommon(add, del []sample) ([]sample, []sample) {
	var a, d []sample
	i, j := 0, 0
	for i < len(add) || j < len(del) {
		switch {
		case j == len(del) || (i < len(add) && compareSamples(add[i], del[j]) < 0):
			a = append(a, add[i])
			i++
		case i == len(add) || compareSamples(add[i], del[j]) > 0:
			d = append(d, del[j])
			j++
		default:
			i++
			j++
		}
	}
	return a, d
}

// median returns the median of the union of sorted arrays, as
// percentile_cont(0.5) defines it (the mean of the two middle values for
// an even count), and the count. It finds each middle value by a binary
// search over values, counting with a binary search in every array, so it
// never merges them.
func median(arrays [][]uint32) (float64, int) {
	n := 0
	var hi uint32
	for _, a := range arrays {
		n += len(a)
		if len(a) > 0 {
			hi = max(hi, a[len(a)-1])
		}
	}
	switch {
	case n == 0:
		return 0, 0
	case n <= selectLimit:
		a, b := middle(slices.Concat(arrays...), (n+1)/2, (n+2)/2)
		return (float64(a) + float64(b)) / 2, n
	case n%2 == 1:
		return float64(kth(arrays, (n+1)/2, hi)), n
	}
	return (float64(kth(arrays, n/2, hi)) + float64(kth(arrays, n/2+1, hi))) / 2, n
}

// selectLimit is the count up to which a median copies the samples and
// selects in place, which is cheaper than searching the arrays.
const selectLimit = 1 << 14

// middle returns the k1-th and k2-th smallest (1-based, k2 = k1 or k1+1)
// of vs, which it reorders: quickselect for the first, then the smallest
// of what lies above it.
func middle(vs []uint32, k1, k2 int) (uint32, uint32) {
	lo, hi, k := 0, len(vs)-1, k1-1
	for lo < hi {
		p := vs[lo+(hi-lo)/2]
		i, j := lo, hi
		for i <= j {
			for vs[i] < p {
				i++
			}
			for vs[j] > p {
				j--
			}
			if i <= j {
				vs[i], vs[j] = vs[j], vs[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			lo, hi = k, k
		}
	}
	a := vs[k]
	if k2 == k1 {
		return a, a
	}
	return a, slices.Min(vs[k+1:])
}

// kth returns the k-th smallest value (1-based) of the union, all values
// being at most hi.
func kth(arrays [][]uint32, k int, hi uint32) uint32 {
	lo := uint32(0)
	for lo < hi {
		mid := lo + (hi-lo)/2
		atMost := 0
		for _, a := range arrays {
			atMost += countAtMost(a, mid)
		}
		if atMost >= k {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// Each samples blob has a histogram beside it, so that a report can find
// the bin that holds a median from the histograms alone and then read only
// that bin of each large blob (metrics_rollup_median.go). Values below 16
// have a bin each; above, every power of two is split in 16 bins, so bins
// follow the order of values and a bin holds at most 1/16 of its range.

// sampleBins is the number of bins: 16 exact ones, then 16 per power of
// two from 2^4 to 2^31.
const sampleBins = 16 + 16*28

func sampleBin(v uint32) int {
	if v < 16 {
		return int(v)
	}
	e := bits.Len32(v) - 1 // 4…31
	return 16*(e-3) + int(v>>(e-4)&15)
}

// binFloor is the smallest value of bin b (b may be sampleBins: the end).
func binFloor(b int) uint64 {
	if b < 16 {
		return uint64(b)
	}
	e := b/16 + 3
	return uint64(16+b%16) << (e - 4)
}

// binCum is a non-empty bin and the samples in it and all bins before.
type binCum struct {
	bin, cum int
}

// encodeBins writes the histogram of sorted samples: for each non-empty
// bin, the gap from the previous bin and the count, as uvarints.
func encodeBins(ss []sample) []byte {
	var out []byte
	prev, n := 0, 0
	for i, s := range ss {
		n++
		b := sampleBin(s.v)
		if i+1 < len(ss) && sampleBin(ss[i+1].v) == b {
			continue
		}
		out = binary.AppendUvarint(out, uint64(b-prev))
		out = binary.AppendUvarint(out, uint64(n))
		prev, n = b, 0
	}
	return out
}

func decodeBins(b []byte) ([]binCum, error) {
	var out []binCum
	bin, cum := 0, 0
	for len(b) > 0 {
		gap, n := binary.Uvarint(b)
		if n <= 0 {
			return nil, errors.New("storage: corrupt rollup histogram")
		}
		count, m := binary.Uvarint(b[n:])
		if m <= 0 {
			return nil, errors.New("storage: corrupt rollup histogram")
		}
		b = b[n+m:]
		bin += int(gap)
		cum += int(count)
		out = append(out, binCum{bin, cum})
	}
	return out, nil
}

// through returns how many samples of histogram h are in bins up to b.
func through(h []binCum, b int) int {
	i := sort.Search(len(h), func(i int) bool { return h[i].bin > b })
	if i == 0 {
		return 0
	}
	return h[i-1].cum
}

func total(h []binCum) int {
	if len(h) == 0 {
		return 0
	}
	return h[len(h)-1].cum
}

// countAtMost is how many values of sorted a are at most v (a binary
// search without sort.Search's call per probe: medians probe a lot).
func countAtMost(a []uint32, v uint32) int {
	lo, hi := 0, len(a)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if a[mid] <= v {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}
