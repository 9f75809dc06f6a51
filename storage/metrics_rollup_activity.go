package storage

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"gorm.io/gorm"

	"github.com/platformbot/platformbot/metrics"
)

// The activity rollup keeps, per user and UTC year, the days the user used
// the bot (each the instant of a local midnight) as sorted seconds since
// 2000 in little-endian uint32s: a team's adoption reads one or two short
// rows per member instead of a row per member and day, and the
// organization's a row per user instead of a row per user and day.

const activityEpoch = 946684800 // 2000-01-01T00:00:00Z

func activityValue(t time.Time) (uint32, error) {
	v := t.Unix() - activityEpoch
	if v < 0 || v > math.MaxUint32 || t.Nanosecond() != 0 {
		return 0, fmt.Errorf("storage: activity day %s out of the rollup range", t.UTC().Format(time.RFC3339Nano))
	}
	return uint32(v), nil
}

func decodeDays(b []byte) ([]uint32, error) {
	if len(b)%4 != 0 {
		return nil, errors.New("storage: corrupt activity rollup")
	}
	out := make([]uint32, len(b)/4)
	for i := range out {
		out[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	return out, nil
}

func encodeDays(vs []uint32) []byte {
	out := make([]byte, 4*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint32(out[4*i:], v)
	}
	return out
}

// addActivity adds days to a row: a set union, so recording a day twice
// changes nothing.
func addActivity(days []uint32) rollupChange {
	return func(old [][]byte) ([][]byte, bool, error) {
		var cur []uint32
		if old != nil {
			var err error
			if cur, err = decodeDays(old[0]); err != nil {
				return nil, false, err
			}
		}
		all := slices.Concat(cur, days)
		slices.Sort(all)
		return [][]byte{encodeDays(slices.Compact(all))}, true, nil
	}
}

// activityBounds is [lo, hi) in activity values for r: the whole seconds
// in r.
func activityBounds(r metrics.Range) (lo, hi int64) {
	ceil := func(t time.Time) int64 {
		v := t.Unix() - activityEpoch
		if t.Nanosecond() > 0 {
			v++
		}
		return v
	}
	return ceil(r.From), ceil(r.To)
}

// anyIn reports whether the encoded sorted days hold a value in [lo, hi);
// it searches the bytes, so that a report decodes nothing.
func anyIn(days []byte, lo, hi int64) bool {
	at := func(i int) int64 { return int64(binary.LittleEndian.Uint32(days[4*i:])) }
	n := len(days) / 4
	i := sort.Search(n, func(i int) bool { return at(i) >= lo })
	return i < n && at(i) < hi
}

// activityYears returns the UTC years the ranges touch.
func activityYears(ranges []metrics.Range) (first, last int64, ok bool) {
	for _, r := range ranges {
		if !r.From.Before(r.To) {
			continue
		}
		a, b := int64(r.From.UTC().Year()), int64(r.To.Add(-time.Nanosecond).UTC().Year())
		if !ok || a < first {
			first = a
		}
		if !ok || b > last {
			last = b
		}
		ok = true
	}
	return first, last, ok
}

// eachActiveUser calls fn with each user (in id order) and which of the
// ranges they were active in; users nil means everyone.
func (s *Metrics) eachActiveUser(ctx context.Context, users []string, ranges []metrics.Range, fn func(user string, in []bool)) error {
	first, last, ok := activityYears(ranges)
	if !ok {
		return nil
	}
	bounds := make([][2]int64, len(ranges))
	for i, r := range ranges {
		bounds[i][0], bounds[i][1] = activityBounds(r)
	}
	chunks := [][]string{nil}
	if users != nil {
		chunks = slices.Collect(slices.Chunk(users, upsertChunk))
	}
	var cur []byte // the user of the rows so far, in id order
	active := make([]bool, len(ranges))
	emit := func() {
		if cur != nil {
			fn(string(cur), active)
		}
		clear(active)
	}
	for _, chunk := range chunks {
		q := &query{pg: s.db.Dialect == Postgres}
		where := "year >= " + q.arg(first) + " AND year <= " + q.arg(last)
		if chunk != nil {
			where += " AND " + in(q, "user_id", chunk)
		}
		err := s.readRaw(ctx, "SELECT user_id, days FROM "+activityRollups.name+" WHERE "+where+" ORDER BY user_id, year", q.args,
			func(vals [][]byte) error {
				if !bytes.Equal(vals[0], cur) {
					emit()
					cur = append(cur[:0], vals[0]...)
				}
				if len(vals[1])%4 != 0 {
					return errors.New("storage: corrupt activity rollup")
				}
				for i, b := range bounds {
					active[i] = active[i] || anyIn(vals[1], b[0], b[1])
				}
				return nil
			})
		if err != nil {
			return err
		}
	}
	emit()
	return nil
}

func (s *Metrics) rollupActiveUsers(ctx context.Context, users []string, ranges []metrics.Range) ([]int, error) {
	out := make([]int, len(ranges))
	err := s.eachActiveUser(ctx, users, ranges, func(_ string, in []bool) {
		for i, ok := range in {
			if ok {
				out[i]++
			}
		}
	})
	return out, err
}

func (s *Metrics) rollupActiveUserIDs(ctx context.Context, r metrics.Range) ([]string, error) {
	var ids []string
	err := s.eachActiveUser(ctx, nil, []metrics.Range{r}, func(user string, in []bool) {
		if in[0] {
			ids = append(ids, user)
		}
	})
	return ids, err
}

// rebuildActivity fills the activity rollup from bot_activity_days, read
// in key order a page at a time (a connection cannot write while it
// streams), and returns the number of raw rows.
func rebuildActivity(tx *gorm.DB) (int64, error) {
	type dayRow struct {
		UserID string
		Day    dbTime
	}
	const page = 50000
	var n int64
	var batch []rollupRow
	var key rollupKey
	var days []uint32
	var after dayRow
	for {
		var rows []dayRow
		q := tx.Table("bot_activity_days").Select("user_id, day").Order("user_id, day").Limit(page)
		if n > 0 {
			q = q.Where("user_id > ? OR (user_id = ? AND day > ?)", after.UserID, after.UserID, after.Day.Time)
		}
		if err := q.Scan(&rows).Error; err != nil {
			return n, err
		}
		for _, r := range rows {
			v, err := activityValue(r.Day.Time)
			if err != nil {
				return n, err
			}
			k := rollupKey{r.UserID, int64(r.Day.Time.Year())}
			if k != key && len(days) > 0 {
				batch = append(batch, rollupRow{key, 1, [][]byte{encodeDays(days)}})
				days = nil
			}
			key, days = k, append(days, v)
		}
		n += int64(len(rows))
		if len(rows) < page && len(days) > 0 {
			batch = append(batch, rollupRow{key, 1, [][]byte{encodeDays(days)}})
		}
		if err := writeRollups(tx, activityRollups, batch, ""); err != nil {
			return n, err
		}
		batch = batch[:0]
		if len(rows) < page {
			return n, nil
		}
		after = rows[len(rows)-1]
	}
}
