// Package storage keeps platformbot's state in PostgreSQL or SQLite through
// gorm. It implements the small interfaces the domain packages declare; the
// domain packages never import gorm.
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names the database engine behind a DB.
type Dialect string

const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// DefaultURL is used when DATABASE_URL is empty: an embedded SQLite file.
const DefaultURL = "sqlite:platformbot.db"

// DB is an open database.
type DB struct {
	Gorm    *gorm.DB
	Dialect Dialect
	sql     *sql.DB
	unlock  func() // releases the SQLite single-process lock
}

// Options tune the connection pool; zero values get sane defaults.
type Options struct {
	MaxOpenConns    int
	MaxIdleConns    int
	ConnMaxLifetime time.Duration
}

// Open opens the database named by rawURL: postgres:// or postgresql:// for
// PostgreSQL; sqlite:PATH, file:PATH or "" (DefaultURL) for SQLite.
func Open(ctx context.Context, rawURL string, opt Options) (*DB, error) {
	if rawURL == "" {
		rawURL = DefaultURL
	}
	dialect, dsn, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	cfg := &gorm.Config{
		TranslateError:         true,
		SkipDefaultTransaction: true,
		Logger:                 logger.Discard,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	}
	db := &DB{Dialect: dialect, unlock: func() {}}
	switch dialect {
	case Postgres:
		db.Gorm, err = gorm.Open(postgres.New(postgres.Config{DSN: dsn}), cfg)
	case SQLite:
		if path := sqlitePath(dsn); !inMemory(path) {
			if db.unlock, err = lockFile(path); err != nil {
				return nil, err
			}
		}
		db.Gorm, err = gorm.Open(sqlite.Open(dsn), cfg)
	}
	if err != nil {
		db.unlock()
		return nil, fmt.Errorf("storage: open %s: %w", dialect, err)
	}
	if db.sql, err = db.Gorm.DB(); err != nil {
		db.unlock()
		return nil, err
	}
	db.configurePool(opt)
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("storage: connect to %s: %w", dialect, err)
	}
	return db, nil
}

func (db *DB) configurePool(opt Options) {
	if db.Dialect == SQLite {
		// SQLite has one writer; a single connection turns lock contention
		// into queueing instead of "database is locked" errors.
		db.sql.SetMaxOpenConns(1)
		return
	}
	if opt.MaxOpenConns == 0 {
		opt.MaxOpenConns = 20
	}
	if opt.MaxIdleConns == 0 {
		// All of them: with fewer, a burst of more concurrent queries
		// than idle slots closes connections after each query and opens
		// new ones for the next (a PostgreSQL backend each), which made
		// click handling under load ten times slower (bench/README.md).
		opt.MaxIdleConns = opt.MaxOpenConns
	}
	if opt.ConnMaxLifetime == 0 {
		opt.ConnMaxLifetime = 30 * time.Minute
	}
	db.sql.SetMaxOpenConns(opt.MaxOpenConns)
	db.sql.SetMaxIdleConns(opt.MaxIdleConns)
	db.sql.SetConnMaxLifetime(opt.ConnMaxLifetime)
}

// ParseURL splits a DATABASE_URL into its dialect and driver DSN. Only
// three forms are accepted — postgres:// (or postgresql://), sqlite:PATH and
// file:PATH (SQLite's URI form) — so that a typo or a stray value is one
// clear error instead of a new SQLite file named after it. The error never
// repeats the value, which may hold a password.
func ParseURL(rawURL string) (Dialect, string, error) {
	switch {
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		if _, err := url.Parse(rawURL); err != nil {
			return "", "", fmt.Errorf("DATABASE_URL: not a valid postgres:// URL")
		}
		return Postgres, rawURL, nil
	case strings.Contains(rawURL, "://") && !strings.HasPrefix(rawURL, "file:"):
		return "", "", fmt.Errorf("DATABASE_URL: expected postgres://…, sqlite:PATH or file:PATH, got scheme %q", strings.SplitN(rawURL, "://", 2)[0])
	case !strings.HasPrefix(rawURL, "sqlite:") && !strings.HasPrefix(rawURL, "file:"):
		return "", "", errors.New("DATABASE_URL: expected postgres://user:pass@host:5432/db, sqlite:PATH (e.g. sqlite:platformbot.db) or file:PATH")
	}
	dsn := strings.TrimPrefix(rawURL, "sqlite:")
	path := sqlitePath(dsn)
	if path == "" {
		return "", "", errors.New("DATABASE_URL: sqlite: needs a file path, e.g. sqlite:platformbot.db")
	}
	if !inMemory(path) {
		if dir := filepath.Dir(path); dir != "." {
			if _, err := os.Stat(dir); err != nil {
				return "", "", fmt.Errorf("DATABASE_URL: directory %s does not exist", dir)
			}
		}
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return SQLite, dsn + sep + "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)", nil
}

// sqlitePath returns the file a SQLite DSN names: PATH of "PATH?…",
// "file:PATH?…" and "file:///PATH?…".
func sqlitePath(dsn string) string {
	path, _, _ := strings.Cut(dsn, "?")
	if rest, ok := strings.CutPrefix(path, "file:"); ok {
		path = rest
		if rest, ok := strings.CutPrefix(path, "//"); ok { // file://[localhost]/abs/path
			path = strings.TrimPrefix(rest, "localhost")
		}
	}
	return path
}

func inMemory(path string) bool { return path == ":memory:" || strings.HasPrefix(path, ":memory:") }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return db.sql.PingContext(ctx)
}

// SQL returns the underlying pool, for pinned connections and stats.
func (db *DB) SQL() *sql.DB { return db.sql }

// Close closes the pool and releases the SQLite lock.
func (db *DB) Close() error {
	err := db.sql.Close()
	db.unlock()
	return err
}

// Transact runs fn in a transaction: committed if fn returns nil, rolled back
// otherwise. Helpers called from fn take the *gorm.DB they are given.
func (db *DB) Transact(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return db.Gorm.WithContext(ctx).Transaction(fn)
}

// WithContext returns a session bound to ctx, for single statements.
func (db *DB) WithContext(ctx context.Context) *gorm.DB { return db.Gorm.WithContext(ctx) }

// timePtr stores a zero time as NULL, any other in UTC.
func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}
