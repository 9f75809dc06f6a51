package storage

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// naiveMedian is the textbook median of the union, for comparison.
func naiveMedian(arrays [][]uint32) float64 {
	all := slices.Concat(arrays...)
	slices.Sort(all)
	n := len(all)
	if n%2 == 1 {
		return float64(all[n/2])
	}
	return (float64(all[n/2-1]) + float64(all[n/2])) / 2
}

func TestMedianOfSortedArrays(t *testing.T) {
	for _, tc := range []struct {
		name   string
		arrays [][]uint32
		want   float64
	}{
		{"one", [][]uint32{{7}}, 7},
		{"even across arrays", [][]uint32{{1, 4}, {2, 10}}, 3},
		{"ties", [][]uint32{{5, 5}, {5}, {1, 9}}, 5},
		{"empty arrays ignored", [][]uint32{{}, {3, 8}, {}}, 5.5},
		{"large values", [][]uint32{{4294967295, 4294967295}}, 4294967295},
		{"half seconds", [][]uint32{{1}, {2}}, 1.5},
	} {
		if got, _ := median(tc.arrays); got != tc.want {
			t.Errorf("%s: median = %v, want %v", tc.name, got, tc.want)
		}
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for i := range 300 {
		var arrays [][]uint32
		for range 1 + rng.IntN(8) {
			a := make([]uint32, rng.IntN(20))
			for j := range a {
				a[j] = uint32(rng.IntN(50)) // many ties
				if i%3 == 0 {
					a[j] = rng.Uint32()
				}
			}
			slices.Sort(a)
			arrays = append(arrays, a)
		}
		if i%50 == 0 { // above selectLimit: the search over values
			a := make([]uint32, selectLimit+rng.IntN(100))
			for j := range a {
				a[j] = uint32(rng.IntN(1 << 20))
			}
			slices.Sort(a)
			arrays = append(arrays, a)
		}
		got, n := median(arrays)
		if n == 0 {
			continue
		}
		if want := naiveMedian(arrays); got != want {
			t.Fatalf("median(%v) = %v, want %v", arrays, got, want)
		}
	}
}

func TestMergeSamples(t *testing.T) {
	s := func(v uint32, slot uint8) sample { return sample{v, slot} }
	old := []sample{s(1, 0), s(3, 2), s(3, 5), s(9, 1)}
	got := mergeSamples(old, []sample{s(2, 0), s(3, 2)}, []sample{s(3, 5), s(9, 1), s(100, 0)})
	want := []sample{s(1, 0), s(2, 0), s(3, 2), s(3, 2)}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(sample{})); diff != "" {
		t.Errorf("mergeSamples mismatch (-want +got):\n%s", diff)
	}
	a, d := cancelCommon([]sample{s(1, 0), s(2, 0), s(2, 0)}, []sample{s(2, 0), s(4, 1)})
	if diff := cmp.Diff([][]sample{{s(1, 0), s(2, 0)}, {s(4, 1)}}, [][]sample{a, d}, cmp.AllowUnexported(sample{})); diff != "" {
		t.Errorf("cancelCommon mismatch (-want +got):\n%s", diff)
	}
	col, err := decodeSamples(encodeSamples(want))
	if err != nil || !slices.Equal(col.samples(), want) {
		t.Errorf("samples round trip = %v, %v", col.samples(), err)
	}
	if got := col.between(1, 3); !slices.Equal(got, []uint32{3, 3}) {
		t.Errorf("between(1, 3) = %v", got)
	}
}

func TestCountsRoundTrip(t *testing.T) {
	c := slotCounts{}
	c.add(95, &tally{1, 0, 0, 0, 0, 2}, 1)
	c.add(3, &tally{1, 1, 0, 0, 0, 0}, 1)
	c.add(40, &tally{1, 1, 1, 1, 1, 1}, 1)
	c.add(40, &tally{1, 1, 1, 1, 1, 1}, -1) // back to zero: dropped
	c.add(7, &tally{-1, 0, 0, 0, 0, 0}, 1)  // inconsistent rows survive
	got, err := decodeCounts(c.encode())
	if err != nil {
		t.Fatal(err)
	}
	want := map[uint8]tally{3: {1, 1}, 7: {-1}, 95: {1, 0, 0, 0, 0, 2}}
	gotv := map[uint8]tally{}
	for s, t := range got {
		gotv[s] = *t
	}
	if diff := cmp.Diff(want, gotv); diff != "" {
		t.Errorf("counts mismatch (-want +got):\n%s", diff)
	}
}

func TestDayAndSlot(t *testing.T) {
	for _, tc := range []struct {
		at   string
		day  int64
		slot int
	}{
		{"1970-01-01T00:00:00Z", 0, 0},
		{"1970-01-02T00:14:59Z", 1, 0},
		{"1970-01-02T00:15:00Z", 1, 1},
		{"1970-01-02T23:59:59Z", 1, 95},
		{"2024-03-30T23:00:00+00:00", 19812, 92}, // midnight in Berlin on 31 March 2024
	} {
		at, _ := time.Parse(time.RFC3339, tc.at)
		if day, slot := dayAndSlot(at); day != tc.day || slot != tc.slot {
			t.Errorf("dayAndSlot(%s) = %d, %d; want %d, %d", tc.at, day, slot, tc.day, tc.slot)
		}
	}
	kolkata, _ := time.LoadLocation("Asia/Kolkata")
	if !slotAligned(time.Date(2024, 5, 1, 0, 0, 0, 0, kolkata)) || slotAligned(time.Date(2024, 5, 1, 0, 7, 0, 0, time.UTC)) {
		t.Error("slotAligned: Kolkata midnight is on a slot, 00:07 is not")
	}
}

func TestSampleBins(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	vals := []uint32{0, 1, 15, 16, 17, 31, 32, 33, 1000, 1 << 31, 1<<32 - 1}
	for range 1000 {
		vals = append(vals, rng.Uint32()>>rng.IntN(32))
	}
	for _, v := range vals {
		b := sampleBin(v)
		if b < 0 || b >= sampleBins || uint64(v) < binFloor(b) || uint64(v) >= binFloor(b+1) {
			t.Fatalf("value %d in bin %d = [%d, %d)", v, b, binFloor(b), binFloor(b+1))
		}
	}
	var ss []sample
	for _, v := range vals {
		ss = append(ss, sample{v: v})
	}
	slices.SortFunc(ss, compareSamples)
	h, err := decodeBins(encodeBins(ss))
	if err != nil || total(h) != len(ss) {
		t.Fatalf("histogram of %d samples holds %d (%v)", len(ss), total(h), err)
	}
	// The samples of a bin span are where the histogram says.
	for _, b := range []int{0, 16, 40, 200, sampleBins - 1} {
		first, last := through(h, b-1), through(h, b)
		for i, s := range ss {
			if in := i >= first && i < last; in != (sampleBin(s.v) == b) {
				t.Fatalf("bin %d: sample %d (%d) misplaced", b, i, s.v)
			}
		}
	}
}
