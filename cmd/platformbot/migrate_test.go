package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/platformbot/platformbot"
	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/metrics"
	"github.com/platformbot/platformbot/storage"
)

// TestMigrateRebuildsRollups builds the rollups with `migrate`, changes a
// raw row behind platformbot's back, and checks that only `migrate
// --rebuild-rollups` brings the rollups (and so the digests) up to date.
func TestMigrateRebuildsRollups(t *testing.T) {
	ctx := context.Background()
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "bot.db")
	env := map[string]string{"DATABASE_URL": dbURL, "LOG_LEVEL": "error"}
	out, err := execute(t, env, "", "migrate")
	if err != nil || !strings.Contains(out, "metrics rollups built") {
		t.Fatalf("first migrate: %v\n%s", err, out)
	}

	cfg, err := config.Parse("example", platformbot.ExampleConfig)
	if err != nil {
		t.Fatal(err)
	}
	finished := time.Date(2024, 5, 2, 10, 0, 0, 0, time.UTC)
	withStore := func(fn func(*storage.DB, *storage.Metrics)) {
		db, err := storage.Open(ctx, dbURL, storage.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		fn(db, storage.NewMetrics(db, storage.MetricsOptions{AttributionWindow: cfg.Digests.Attribution(), ProductionEnvironments: cfg.Digests.Production()}))
	}
	day := []metrics.Range{{From: time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC), To: time.Date(2024, 5, 3, 0, 0, 0, 0, time.UTC)}}
	deployments := func() int {
		var n int
		withStore(func(_ *storage.DB, s *storage.Metrics) {
			if ok, err := s.RollupsReady(ctx); !ok || err != nil {
				t.Fatalf("rollups ready = %v, %v", ok, err)
			}
			st, err := s.DeliveryStats(ctx, metrics.Scope{}, day)
			if err != nil {
				t.Fatal(err)
			}
			n = st[0].Deployments
		})
		return n
	}
	// A row restored from elsewhere: the rollups do not know it.
	withStore(func(db *storage.DB, _ *storage.Metrics) {
		err := db.Gorm.Exec(`INSERT INTO deployments (id, source, service, team, environment, status, commit_sha, started_at, finished_at,
			unplanned, incidents, open_incidents, created_at, updated_at) VALUES ('restored', 'api', 'checkout', 'payments', ?, 'success', '', ?, ?, false, 0, 0, ?, ?)`,
			cfg.Digests.Production()[0], finished.Add(-time.Minute), finished, finished, finished).Error
		if err != nil {
			t.Fatal(err)
		}
	})
	if out, err := execute(t, env, "", "migrate"); err != nil || strings.Contains(out, "rollups") {
		t.Fatalf("migrate with ready rollups: %v\n%s", err, out)
	}
	if n := deployments(); n != 0 {
		t.Fatalf("before the rebuild the rollups count %d deployments, want 0", n)
	}
	out, err = execute(t, env, "", "migrate", "--rebuild-rollups")
	if err != nil || !strings.Contains(out, "metrics rollups rebuilt from 1 deployments, 0 incidents and 0 bot activity days") {
		t.Fatalf("migrate --rebuild-rollups: %v\n%s", err, out)
	}
	if n := deployments(); n != 1 {
		t.Fatalf("after the rebuild the rollups count %d deployments, want 1", n)
	}
}
