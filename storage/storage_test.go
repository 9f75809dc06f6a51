package storage_test

import (
	"context"
	"errors"
	"path/filepath"
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
		{"bot.db", storage.SQLite, false},
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
