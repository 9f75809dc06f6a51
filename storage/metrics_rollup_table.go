package storage

import (
	"cmp"
	"database/sql"
	"slices"
	"strings"

	"gorm.io/gorm"
)

// rollupTable names a rollup table: a two-column key (a string and an
// integer: scope and day, or user and year), a version that counts the
// row's changes, and binary value columns.
type rollupTable struct {
	name    string
	keyCols [2]string
	valCols []string
}

var (
	deploymentRollups = rollupTable{"deployment_rollups", [2]string{"scope", "day"},
		[]string{"counts", "lead_times", "lead_bins", "recoveries", "recovery_bins"}}
	incidentRollups = rollupTable{"incident_rollups", [2]string{"scope", "day"}, []string{"counts", "restores", "restore_bins"}}
	activityRollups = rollupTable{"bot_activity_rollups", [2]string{"user_id", "year"}, []string{"days"}}
)

// sampleColumns is how many sample columns (each a samples blob and its
// histogram, after counts) t has.
func (t rollupTable) sampleColumns() int { return (len(t.valCols) - 1) / 2 }

type rollupKey struct {
	S string
	N int64
}

func compareKeys(a, b rollupKey) int {
	if c := strings.Compare(a.S, b.S); c != 0 {
		return c
	}
	return cmp.Compare(a.N, b.N)
}

// rollupChange computes a row's new values from its old ones (nil when
// the row does not exist); keep false deletes the row. It may be called
// again with other old values when a concurrent transaction created the
// row first, so it must not mutate what it closes over.
type rollupChange func(old [][]byte) (vals [][]byte, keep bool, err error)

// applyRollups changes the rows of keys, in key order. Rows that exist are
// read and locked (FOR UPDATE on PostgreSQL, in key order, so concurrent
// ingests cannot deadlock on them), changed and written back; rows that do
// not exist are inserted with ON CONFLICT DO NOTHING, and the keys a
// concurrent transaction inserted first go round again, now locked.
func applyRollups(tx *gorm.DB, t rollupTable, changes map[rollupKey]rollupChange) error {
	pending := make([]rollupKey, 0, len(changes))
	for k := range changes {
		pending = append(pending, k)
	}
	slices.SortFunc(pending, compareKeys)
	for len(pending) > 0 {
		var retry []rollupKey
		for chunk := range slices.Chunk(pending, rollupChunk(tx)) {
			lost, err := applyChunk(tx, t, chunk, changes)
			if err != nil {
				return err
			}
			retry = append(retry, lost...)
		}
		pending = retry
	}
	return nil
}

func applyChunk(tx *gorm.DB, t rollupTable, keys []rollupKey, changes map[rollupKey]rollupChange) (lost []rollupKey, err error) {
	old, err := selectRollups(tx, t, keys, true)
	if err != nil {
		return nil, err
	}
	var update, insert []rollupRow
	var del []rollupKey
	for _, k := range keys {
		prev, exists := old[k]
		vals, keep, err := changes[k](prev.vals)
		if err != nil {
			return nil, err
		}
		switch {
		case exists && keep:
			update = append(update, rollupRow{k, prev.version + 1, vals})
		case exists:
			del = append(del, k)
		case keep:
			insert = append(insert, rollupRow{k, 1, vals})
		}
	}
	if err := writeRollups(tx, t, update, "DO UPDATE SET "+excludedAssignments(append([]string{"version"}, t.valCols...))); err != nil {
		return nil, err
	}
	if err := deleteRollups(tx, t, del); err != nil {
		return nil, err
	}
	inserted, err := insertRollups(tx, t, insert)
	if err != nil {
		return nil, err
	}
	for _, r := range insert {
		if !inserted[r.key] {
			lost = append(lost, r.key)
		}
	}
	return lost, nil
}

type rollupRow struct {
	key     rollupKey
	version int64
	vals    [][]byte
}

// keyValues is "(CAST(? AS text), CAST(? AS bigint)), …" for n keys and
// their arguments: typed, so that the VALUES compare with the key columns.
func keyValues(keys []rollupKey) (string, []any) {
	var b strings.Builder
	args := make([]any, 0, 2*len(keys))
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(CAST(? AS text), CAST(? AS bigint))")
		args = append(args, k.S, k.N)
	}
	return b.String(), args
}

func keyMatch(t rollupTable, keys []rollupKey) (string, []any) {
	vals, args := keyValues(keys)
	return "(" + t.keyCols[0] + ", " + t.keyCols[1] + ") IN (VALUES " + vals + ")", args
}

// selectRollups reads the rows of keys, locking them on PostgreSQL when
// lock is set.
func selectRollups(tx *gorm.DB, t rollupTable, keys []rollupKey, lock bool) (map[rollupKey]rollupRow, error) {
	out := map[rollupKey]rollupRow{}
	if len(keys) == 0 {
		return out, nil
	}
	q := "SELECT " + t.keyCols[0] + ", " + t.keyCols[1] + ", version, " + strings.Join(t.valCols, ", ") + " FROM " + t.name + " WHERE "
	order := " ORDER BY " + t.keyCols[0] + ", " + t.keyCols[1]
	var rows *sql.Rows
	var err error
	if isPostgres(tx) {
		if lock {
			order += " FOR UPDATE"
		}
		ss, ns := keyArrays(keys)
		rows, err = pgRows(tx, q+pgKeyMatch(t)+order, ss, ns)
	} else {
		match, args := keyMatch(t, keys)
		rows, err = tx.Raw(q+match+order, args...).Rows()
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		r := rollupRow{vals: make([][]byte, len(t.valCols))}
		dest := []any{&r.key.S, &r.key.N, &r.version}
		for i := range r.vals {
			dest = append(dest, &r.vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		out[r.key] = r
	}
	return out, closeRows(rows)
}

func excludedAssignments(cols []string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c + " = excluded." + c
	}
	return strings.Join(parts, ", ")
}

// rowValues is the VALUES list of rows and its arguments.
func rowValues(t rollupTable, rows []rollupRow) (string, []any) {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", 3+len(t.valCols)), ", ") + ")"
	var b strings.Builder
	args := make([]any, 0, len(rows)*(3+len(t.valCols)))
	for i, r := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(one)
		args = append(args, r.key.S, r.key.N, r.version)
		for _, v := range r.vals {
			args = append(args, notNull(v))
		}
	}
	return "VALUES " + b.String(), args
}

// notNull makes an empty column an empty blob: the columns are NOT NULL.
func notNull(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

func insertHead(t rollupTable) string {
	return "INSERT INTO " + t.name + " (" + t.keyCols[0] + ", " + t.keyCols[1] + ", version, " + strings.Join(t.valCols, ", ") + ") "
}

// rowsSource is the VALUES (or, on PostgreSQL, the unnest of arrays) of
// rows, in insertHead's column order.
func rowsSource(tx *gorm.DB, t rollupTable, rows []rollupRow) (string, []any) {
	if isPostgres(tx) {
		return pgRowsFrom(t), rowArrays(t, rows)
	}
	return rowValues(t, rows)
}

// run queries q with args: on PostgreSQL around gorm (pgRows), elsewhere
// through it. (A statement without results must be run with Exec: SQLite
// would only execute it when its rows are read.)
func run(tx *gorm.DB, q string, args []any) (*sql.Rows, error) {
	if isPostgres(tx) {
		return pgRows(tx, q, args...)
	}
	return tx.Raw(q, args...).Rows()
}

// writeRollups inserts rows with the given conflict action (rows that
// exist are updated; the rebuild inserts into empty tables).
func writeRollups(tx *gorm.DB, t rollupTable, rows []rollupRow, onConflict string) error {
	if onConflict != "" {
		onConflict = " ON CONFLICT (" + t.keyCols[0] + ", " + t.keyCols[1] + ") " + onConflict
	}
	for chunk := range slices.Chunk(rows, rollupChunk(tx)) {
		src, args := rowsSource(tx, t, chunk)
		var err error
		if isPostgres(tx) {
			err = pgExec(tx, insertHead(t)+src+onConflict, args...)
		} else {
			err = tx.Exec(insertHead(t)+src+onConflict, args...).Error
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// insertRollups inserts rows that did not exist and returns the keys it
// inserted: a key missing from the answer was inserted concurrently.
func insertRollups(tx *gorm.DB, t rollupTable, rows []rollupRow) (map[rollupKey]bool, error) {
	out := map[rollupKey]bool{}
	tail := " ON CONFLICT (" + t.keyCols[0] + ", " + t.keyCols[1] + ") DO NOTHING RETURNING " + t.keyCols[0] + ", " + t.keyCols[1]
	for chunk := range slices.Chunk(rows, rollupChunk(tx)) {
		src, args := rowsSource(tx, t, chunk)
		rs, err := run(tx, insertHead(t)+src+tail, args)
		if err != nil {
			return nil, err
		}
		for rs.Next() {
			var k rollupKey
			if err := rs.Scan(&k.S, &k.N); err != nil {
				rs.Close()
				return nil, err
			}
			out[k] = true
		}
		if err := closeRows(rs); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func deleteRollups(tx *gorm.DB, t rollupTable, keys []rollupKey) error {
	for chunk := range slices.Chunk(keys, rollupChunk(tx)) {
		var err error
		if isPostgres(tx) {
			ss, ns := keyArrays(chunk)
			err = pgExec(tx, "DELETE FROM "+t.name+" WHERE "+pgKeyMatch(t), ss, ns)
		} else {
			match, args := keyMatch(t, chunk)
			err = tx.Exec("DELETE FROM "+t.name+" WHERE "+match, args...).Error
		}
		if err != nil {
			return err
		}
	}
	return nil
}
