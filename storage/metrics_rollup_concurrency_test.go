package storage_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/platformbot/platformbot/metrics"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// TestRollupsUnderConcurrentIngest runs ingests side by side that blame
// incidents on the same deployments, re-post the same deployments and
// send the same incidents, as concurrent webhook deliveries and API calls
// do, and checks that the rollups kept equal the rollups rebuilt from the
// raw tables, and that every deployment counts all incidents blamed on it.
func TestRollupsUnderConcurrentIngest(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		now := time.Date(2024, 11, 20, 9, 30, 0, 0, time.UTC)
		s := rollupTestStore(db, now)
		if err := s.EnsureRollups(ctx); err != nil {
			t.Fatal(err)
		}
		base := now.AddDate(0, 0, -3)
		var deps []metrics.Deployment
		for i := range 10 {
			fin := base.Add(time.Duration(i) * 10 * time.Minute)
			deps = append(deps, metrics.Deployment{ID: fmt.Sprintf("c%d", i), Source: "api", Service: "checkout", Team: "payments",
				Environment: "production", Status: metrics.StatusSuccess, StartedAt: fin.Add(-time.Minute), FinishedAt: fin,
				CommitAt: fin.Add(-time.Hour)})
		}
		ingest(t, s, metrics.Batch{Deployments: deps})
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Go(func() {
				rng := rand.New(rand.NewPCG(uint64(w), 5))
				for n := range 6 {
					var b metrics.Batch
					for k := range 2 {
						d := deps[rng.IntN(len(deps))]
						in := metrics.Incident{ID: fmt.Sprintf("w%d-%d-%d", w, n, k), Source: "api", Service: "checkout", Team: "payments",
							Title: "t", OpenedAt: d.FinishedAt.Add(time.Minute), DeploymentID: d.ID}
						if rng.IntN(2) == 0 {
							in.ResolvedAt = in.OpenedAt.Add(time.Duration(1+rng.IntN(60)) * time.Minute)
						}
						b.Incidents = append(b.Incidents, in)
					}
					if n%2 == 0 { // the same incident from every worker
						b.Incidents = append(b.Incidents, metrics.Incident{ID: fmt.Sprintf("shared-%d", n), Source: "api", Service: "checkout",
							Team: "payments", Title: "t", OpenedAt: base.Add(time.Duration(n) * time.Minute)})
					}
					d := deps[rng.IntN(len(deps))]
					d.FinishedAt = d.FinishedAt.Add(time.Duration(rng.IntN(3)) * 24 * time.Hour) // may move days
					b.Deployments = append(b.Deployments, d)
					if _, err := s.Ingest(ctx, b); err != nil {
						t.Errorf("worker %d: %v", w, err)
						return
					}
				}
			})
		}
		wg.Wait()
		kept, err := storage.DumpRollups(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.RebuildRollups(ctx); err != nil {
			t.Fatal(err)
		}
		rebuilt, err := storage.DumpRollups(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(rebuilt, kept); diff != "" {
			t.Errorf("rollups kept under concurrent ingest differ from rebuilt ones (-rebuilt +kept):\n%s", diff)
		}
		var wrong int64
		err = db.Gorm.Raw(`SELECT COUNT(*) FROM deployments d WHERE d.incidents <>
			(SELECT COUNT(*) FROM incidents i WHERE i.cause_deployment_id = d.id)`).Scan(&wrong).Error
		if err != nil || wrong != 0 {
			t.Errorf("%d deployments count their incidents wrong (%v)", wrong, err)
		}
	})
}
