package storage

import (
	"encoding/binary"
	"errors"
	"slices"
	"time"
)

// A rollup row covers one UTC day, split into 15-minute slots: every
// time-zone offset in use today is a multiple of 15 minutes, so a window
// that starts at local midnight anywhere (23- and 25-hour days included)
// starts on a slot boundary, and a range is exact when it adds whole days
// and, at its two ends, the slots of a day on its side of the boundary.
const (
	daySeconds  = 24 * 60 * 60
	slotSeconds = 15 * 60
	slotsPerDay = daySeconds / slotSeconds
)

// dayAndSlot returns the UTC day number (days since 1970-01-01) of t and
// its slot in that day.
func dayAndSlot(t time.Time) (day int64, slot int) {
	u := t.Unix()
	day = u / daySeconds
	if u%daySeconds < 0 {
		day--
	}
	return day, int((u - day*daySeconds) / slotSeconds)
}

// slotAligned reports whether t is a slot boundary, so that a range
// starting or ending at t can be answered from rollups.
func slotAligned(t time.Time) bool { return t.Nanosecond() == 0 && t.Unix()%slotSeconds == 0 }

// tally is the counters of one slot (or a sum of slots). Deployment and
// incident rollups give the positions their own meaning (dep* and inc*).
type tally [6]int64

func (t *tally) add(u *tally, sign int64) {
	for i := range t {
		t[i] += sign * u[i]
	}
}

func (t *tally) zero() bool { return *t == tally{} }

// slotCounts is a day's counters by slot. Encoded, it is the day's totals
// (six zig-zag varints), so that a report summing whole days reads only
// them, then for each slot with a non-zero tally in increasing order the
// slot byte and six zig-zag varints; nothing at all for an empty day.
// Signed varints keep an inconsistent row (rollups rebuilt while an older
// version ingested) from breaking the codec.
type slotCounts map[uint8]*tally

var errCorruptCounts = errors.New("storage: corrupt rollup counts")

// readTally decodes six zig-zag varints.
func readTally(b []byte, t *tally) ([]byte, error) {
	for i := range t {
		if len(b) > 0 && b[0] < 0x80 { // one byte: most counters
			t[i], b = int64(b[0]>>1)^-int64(b[0]&1), b[1:]
			continue
		}
		v, n := binary.Varint(b)
		if n <= 0 {
			return nil, errCorruptCounts
		}
		t[i], b = v, b[n:]
	}
	return b, nil
}

// splitCounts returns an encoding's day totals and its slots.
func splitCounts(b []byte) (total tally, slots []byte, err error) {
	if len(b) == 0 {
		return total, nil, nil
	}
	slots, err = readTally(b, &total)
	return total, slots, err
}

func decodeCounts(b []byte) (slotCounts, error) {
	out := slotCounts{}
	_, slots, err := splitCounts(b)
	if err != nil {
		return nil, err
	}
	for len(slots) > 0 {
		var t tally
		slot := slots[0]
		if slots, err = readTally(slots[1:], &t); err != nil {
			return nil, err
		}
		out[slot] = &t
	}
	return out, nil
}

func (c slotCounts) encode() []byte {
	slots := make([]int, 0, len(c))
	var total tally
	for s, t := range c {
		if !t.zero() {
			slots = append(slots, int(s))
			total.add(t, 1)
		}
	}
	if len(slots) == 0 {
		return nil
	}
	slices.Sort(slots)
	out := make([]byte, 0, (len(slots)+1)*8)
	for _, v := range total {
		out = binary.AppendVarint(out, v)
	}
	for _, s := range slots {
		out = append(out, byte(s))
		for _, v := range c[uint8(s)] {
			out = binary.AppendVarint(out, v)
		}
	}
	return out
}

func (c slotCounts) add(slot int, t *tally, sign int64) {
	cur := c[uint8(slot)]
	if cur == nil {
		cur = &tally{}
		c[uint8(slot)] = cur
	}
	cur.add(t, sign)
}
