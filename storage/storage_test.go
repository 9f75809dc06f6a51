package storage_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"

	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		n, err := db.PendingMigrations(ctx)
		if err != nil || n != 0 {
			t.Fatalf("PendingMigrations = %d, %v; want 0, nil", n, err)
		}
		if !db.Gorm.Migrator().HasTable("processed_events") {
			t.Fatal("processed_events table missing")
		}
	})
}

func TestSQLiteRefusesSecondProcess(t *testing.T) {
	path := "sqlite:" + filepath.Join(t.TempDir(), "bot.db")
	db, err := storage.Open(context.Background(), path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := storage.Open(context.Background(), path, storage.Options{}); !errors.Is(err, storage.ErrLocked) {
		t.Fatalf("second Open error = %v, want ErrLocked", err)
	}
	db.Close()
	again, err := storage.Open(context.Background(), path, storage.Options{})
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	again.Close()
}

func TestParseURL(t *testing.T) {
	for _, tc := range []struct {
		in      string
		dialect storage.Dialect
		wantErr bool
	}{
		{"postgres://u@localhost/db", storage.Postgres, false},
		{"postgresql://u@localhost/db", storage.Postgres, false},
		{"sqlite:bot.db", storage.SQLite, false},
		{"file:bot.db", storage.SQLite, false},
		{"file:bot.db?cache=shared", storage.SQLite, false},
		{"sqlite::memory:", storage.SQLite, false},
		{"bot.db", "", true},  // a bare path: was silently a new SQLite file
		{"garbage", "", true}, // issue 15: DATABASE_URL=garbage created ./garbage
		{"localhost:5432", "", true},
		{"mysql://x", "", true},
		{"sqlite:", "", true},
		{"sqlite:/no/such/dir/bot.db", "", true},
	} {
		d, _, err := storage.ParseURL(tc.in)
		if (err != nil) != tc.wantErr || d != tc.dialect {
			t.Errorf("ParseURL(%q) = %q, %v; want %q, err=%v", tc.in, d, err, tc.dialect, tc.wantErr)
		}
	}
}

// TestPoolKeepsItsConnections: a burst of concurrent queries leaves every
// connection it opened idle for the next one, rather than closing those
// beyond an idle limit (a new PostgreSQL backend for each later query).
func TestPoolKeepsItsConnections(t *testing.T) {
	url := storagetest.PostgresURL(t)
	db, err := storage.Open(context.Background(), url, storage.Options{MaxOpenConns: 12})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for range 3 {
		var wg sync.WaitGroup
		for range 12 {
			wg.Go(func() {
				if err := db.Gorm.Exec("SELECT pg_sleep(0.05)").Error; err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	if s := db.SQL().Stats(); s.MaxIdleClosed > 0 || s.OpenConnections != 12 {
		t.Errorf("after three bursts of 12: %d connections closed for want of idle slots, %d open; want 0 and 12", s.MaxIdleClosed, s.OpenConnections)
	}
}
