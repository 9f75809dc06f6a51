// Package storagetest opens migrated, isolated databases for tests: SQLite
// always, and PostgreSQL when TEST_DATABASE_URL is set (then an unreachable
// server fails the test instead of skipping it).
package storagetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/platformbot/platformbot/storage"
)

// Each runs fn as a subtest on every available database: "sqlite", and
// "postgres" when TEST_DATABASE_URL is set.
func Each(t *testing.T, fn func(t *testing.T, db *storage.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	if os.Getenv("TEST_DATABASE_URL") != "" {
		t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
	}
}

// SQLite returns a migrated SQLite database in a temporary directory.
func SQLite(t testing.TB) *storage.DB {
	t.Helper()
	return open(t, "sqlite:"+filepath.Join(t.TempDir(), "test.db"))
}

// Postgres returns a migrated PostgreSQL database in a schema of its own,
// dropped when the test ends. It skips when TEST_DATABASE_URL is unset.
func Postgres(t testing.TB) *storage.DB {
	t.Helper()
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		t.Skip("TEST_DATABASE_URL not set")
	}
	schema := "t_" + randomHex(6)
	admin, err := storage.Open(context.Background(), base, storage.Options{MaxOpenConns: 2})
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL is set but PostgreSQL is unreachable: %v", err)
	}
	if err := admin.Gorm.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Gorm.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	return open(t, withSearchPath(t, base, schema))
}

// URL returns a database URL for a fresh, unmigrated PostgreSQL schema, for
// tests that start whole processes. It skips when TEST_DATABASE_URL is unset.
func PostgresURL(t testing.TB) string {
	t.Helper()
	db := Postgres(t)
	var schema string
	db.Gorm.Raw("SELECT current_schema()").Scan(&schema)
	return withSearchPath(t, os.Getenv("TEST_DATABASE_URL"), schema)
}

func withSearchPath(t testing.TB, base, schema string) string {
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func open(t testing.TB, dbURL string) *storage.DB {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, dbURL, storage.Options{MaxOpenConns: 10})
	if err != nil {
		t.Fatalf("open %s: %v", dbURL, err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
