package storage

import (
	"context"
	"database/sql"
	"encoding/binary"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
)

// On PostgreSQL, the statements that carry many rows or ids take each
// column as one array parameter (unnest, = ANY), so that their text, and
// so their plan, does not depend on how many they carry: pgx prepares each
// once per connection, where a list of thousands of parameters would be
// parsed and planned again on every call. They run on the connection
// around gorm, which would expand a slice into a list of parameters, and
// are written with $n placeholders.

func isPostgres(tx *gorm.DB) bool { return tx.Dialector.Name() == "postgres" }

// rollupChunk is how many rows one statement carries.
func rollupChunk(tx *gorm.DB) int {
	if isPostgres(tx) {
		return 10 * upsertChunk
	}
	return upsertChunk
}

func pgRows(tx *gorm.DB, q string, args ...any) (*sql.Rows, error) {
	return tx.Statement.ConnPool.QueryContext(tx.Statement.Context, q, args...)
}

func pgExec(tx *gorm.DB, q string, args ...any) error {
	_, err := tx.Statement.ConnPool.ExecContext(tx.Statement.Context, q, args...)
	return err
}

func keyArrays(keys []rollupKey) ([]string, []int64) {
	ss, ns := make([]string, len(keys)), make([]int64, len(keys))
	for i, k := range keys {
		ss[i], ns[i] = k.S, k.N
	}
	return ss, ns
}

func pgKeyMatch(t rollupTable) string {
	return "(" + t.keyCols[0] + ", " + t.keyCols[1] + ") IN (SELECT * FROM unnest($1::text[], $2::bigint[]))"
}

// pgRowsFrom selects t's rows from array parameters, in insertHead's
// column order.
func pgRowsFrom(t rollupTable) string {
	types := []string{"$1::text[]", "$2::bigint[]", "$3::bigint[]"}
	for i := range t.valCols {
		types = append(types, "$"+strconv.Itoa(4+i)+"::bytea[]")
	}
	return "SELECT * FROM unnest(" + strings.Join(types, ", ") + ")"
}

func rowArrays(t rollupTable, rows []rollupRow) []any {
	ss, ns, versions := make([]string, len(rows)), make([]int64, len(rows)), make([]int64, len(rows))
	cols := make([][][]byte, len(t.valCols))
	for c := range cols {
		cols[c] = make([][]byte, len(rows))
	}
	for i, r := range rows {
		ss[i], ns[i], versions[i] = r.key.S, r.key.N, r.version
		for c, v := range r.vals {
			cols[c][i] = notNull(v)
		}
	}
	args := []any{ss, ns, versions}
	for _, c := range cols {
		args = append(args, c)
	}
	return args
}

// pgUpsertDeployments writes rows, of which cur holds those that existed
// (locked), and tells the tracker what they now contribute from the
// statements' RETURNING clauses, so that the flush need not read them
// again. New rows are inserted first, with ON CONFLICT DO NOTHING: a row a
// concurrent ingest inserted meanwhile is then locked and noted before it
// is updated.
func pgUpsertDeployments(tx *gorm.DB, tr *rollupTracker, rows []deploymentRow, cur map[string]depFacts) error {
	var fresh, existing []deploymentRow
	for _, r := range rows {
		if _, ok := cur[r.ID]; ok {
			existing = append(existing, r)
		} else {
			fresh = append(fresh, r)
		}
	}
	inserted, err := pgWriteDeployments(tx, tr, fresh, "DO NOTHING")
	if err != nil {
		return err
	}
	var lost []string
	for _, r := range fresh {
		if inserted[r.ID] {
			tr.depOurs[r.ID] = true
		} else {
			lost = append(lost, r.ID)
			existing = append(existing, r)
		}
	}
	if _, err := tr.lockDeployments(tx, lost); err != nil {
		return err
	}
	sets := make([]string, len(deploymentUpdates))
	for i, c := range deploymentUpdates {
		sets[i] = c + " = excluded." + c
	}
	_, err = pgWriteDeployments(tx, tr, existing, "DO UPDATE SET "+strings.Join(sets, ", "))
	return err
}

// pgWriteDeployments inserts rows with the given conflict action and
// returns the ids the statement wrote.
func pgWriteDeployments(tx *gorm.DB, tr *rollupTracker, rows []deploymentRow, onConflict string) (map[string]bool, error) {
	written := map[string]bool{}
	if len(rows) == 0 {
		return written, nil
	}
	n := len(rows)
	var (
		ids, sources, services, teams, envs, statuses, shas = make([]string, n), make([]string, n), make([]string, n),
			make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		commitAt, started, finished, created, updated = make([]*time.Time, n), make([]time.Time, n), make([]time.Time, n),
			make([]time.Time, n), make([]time.Time, n)
		unplanned = make([]bool, n)
		leads     = make([]*int64, n)
	)
	for i, r := range rows {
		ids[i], sources[i], services[i], teams[i], envs[i], statuses[i], shas[i] = r.ID, r.Source, r.Service, r.Team, r.Environment, r.Status, r.CommitSHA
		commitAt[i], started[i], finished[i], created[i], updated[i] = r.CommitAt, r.StartedAt, r.FinishedAt, r.CreatedAt, r.UpdatedAt
		unplanned[i], leads[i] = r.Unplanned, r.LeadTimeS
	}
	q := `INSERT INTO deployments (id, source, service, team, environment, status, commit_sha, commit_at, started_at, finished_at,
			unplanned, lead_time_s, created_at, updated_at)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
			$8::timestamptz[], $9::timestamptz[], $10::timestamptz[], $11::boolean[], $12::bigint[], $13::timestamptz[], $14::timestamptz[])
		ON CONFLICT (id) ` + onConflict + `
		RETURNING ` + depFactsColumns
	res, err := pgRows(tx, q, ids, sources, services, teams, envs, statuses, shas, commitAt, started, finished, unplanned, leads, created, updated)
	if err != nil {
		return nil, err
	}
	for res.Next() {
		f, err := scanDepFacts(res)
		if err != nil {
			res.Close()
			return nil, err
		}
		tr.settled(f)
		written[f.ID] = true
	}
	return written, closeRows(res)
}

// readRaw runs a report read (q written with query's placeholders) and
// calls row with each row's values as bytes, valid until the next row:
// integers as int8 (rawInt), text and bytea as they are, NULL as nil. On
// PostgreSQL it reads with pgx itself, whose raw values point into its
// read buffer: database/sql would copy every value of every row.
func (s *Metrics) readRaw(ctx context.Context, q string, args []any, row func(vals [][]byte) error) error {
	if s.db.Dialect != Postgres {
		return readRawSQL(ctx, s.db.SQL(), q, args, row)
	}
	conn, err := s.db.SQL().Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		rows, err := dc.(*stdlib.Conn).Conn().Query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			vals := rows.RawValues()
			for i, fd := range rows.FieldDescriptions() {
				if fd.DataTypeOID == pgtype.Int8OID && fd.Format == pgtype.TextFormatCode && vals[i] != nil {
					n, err := strconv.ParseInt(string(vals[i]), 10, 64)
					if err != nil {
						return err
					}
					vals[i] = binary.BigEndian.AppendUint64(nil, uint64(n))
				}
			}
			if err := row(vals); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// readRawSQL is readRaw through database/sql, for SQLite: integers are
// scanned and passed on in PostgreSQL's binary form.
func readRawSQL(ctx context.Context, db *sql.DB, q string, args []any, row func(vals [][]byte) error) error {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return err
	}
	dest := make([]any, len(types))
	vals := make([][]byte, len(types))
	raw := make([]sql.RawBytes, len(types))
	ints := make([]sql.NullInt64, len(types))
	for i, ct := range types {
		switch strings.ToUpper(ct.DatabaseTypeName()) {
		case "INTEGER", "BIGINT", "INT":
			dest[i] = &ints[i]
		default:
			dest[i] = &raw[i]
		}
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		for i := range vals {
			switch {
			case dest[i] == &ints[i] && ints[i].Valid:
				vals[i] = binary.BigEndian.AppendUint64(vals[i][:0], uint64(ints[i].Int64))
			case dest[i] == &ints[i]:
				vals[i] = nil
			default:
				vals[i] = raw[i]
			}
		}
		if err := row(vals); err != nil {
			return err
		}
	}
	return closeRows(rows)
}

// rawInt reads an integer that readRaw passed on.
func rawInt(b []byte) int64 { return int64(binary.BigEndian.Uint64(b)) }
