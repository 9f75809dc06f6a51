package storage

import (
	"context"
	"fmt"
	"strings"
)

// UsePortableMedians makes s compute medians with window functions on
// every database, so that tests can compare them with percentile_cont.
func (s *Metrics) UsePortableMedians() { s.portableMedians = true }

// UseRawQueries makes s answer reports from the raw tables only, so that
// tests can compare them with the rollups.
func (s *Metrics) UseRawQueries() { s.rawOnly = true }

// SetInlineLimit sets the size up to which a day's samples are read with
// its counters; 0 makes every report read medians in two steps.
func (s *Metrics) SetInlineLimit(n int) { s.inlineLimit = n }

// DumpRollups lists every rollup row as text, in key order, so that tests
// can compare incrementally kept rollups with rebuilt ones.
func DumpRollups(ctx context.Context, db *DB) ([]string, error) {
	var out []string
	for _, t := range []rollupTable{deploymentRollups, incidentRollups, activityRollups} {
		rows, err := db.WithContext(ctx).Raw("SELECT " + t.keyCols[0] + ", " + t.keyCols[1] + ", " +
			strings.Join(t.valCols, ", ") + " FROM " + t.name + " ORDER BY 1, 2").Rows()
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k rollupKey
			vals := make([][]byte, len(t.valCols))
			dest := []any{&k.S, &k.N}
			for i := range vals {
				dest = append(dest, &vals[i])
			}
			if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, fmt.Sprintf("%s %s %d %x", t.name, k.S, k.N, vals))
		}
		if err := closeRows(rows); err != nil {
			return nil, err
		}
	}
	return out, nil
}
