package httpapi

import (
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// FuzzIngestStored posts deployment and incident bodies through the real
// handlers into the real store: SQLite, and PostgreSQL too when
// TEST_DATABASE_URL is set. Whatever the body, the answer is 200, 400 or
// 413 (never a 500 from a value the database refuses); an accepted body's
// ids read back unchanged; a refused body stores nothing.
func FuzzIngestStored(f *testing.F) {
	for _, s := range apiSeeds {
		f.Add(false, []byte(s))
		f.Add(true, []byte(s))
	}
	type target struct {
		db  *storage.DB
		srv *Server
	}
	dbs := []*storage.DB{storagetest.SQLite(f)}
	if os.Getenv("TEST_DATABASE_URL") != "" {
		dbs = append(dbs, storagetest.Postgres(f))
	}
	var targets []target
	for _, db := range dbs {
		store := storage.NewMetrics(db, storage.MetricsOptions{AttributionWindow: 24 * time.Hour,
			ProductionEnvironments: []string{"production"}, Now: func() time.Time { return fuzzNow }})
		targets = append(targets, target{db, newFuzzIngest(f, store)})
	}
	f.Fuzz(func(t *testing.T, incident bool, body []byte) {
		path, table := "/api/v1/deployments", "deployments"
		if incident {
			path, table = "/api/v1/incidents", "incidents"
		}
		for _, tg := range targets {
			count := func() int64 {
				var n int64
				if err := tg.db.Gorm.Table(table).Count(&n).Error; err != nil {
					t.Fatal(err)
				}
				return n
			}
			before := count()
			a := post(t, tg.srv, path, body, bearerHeader())
			a.expect(t, http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge)
			a.namesField(t, body, true)
			if a.code != http.StatusOK {
				if n := count(); n != before {
					t.Fatalf("%s: a refused body changed the %s from %d to %d rows", tg.db.Dialect, table, before, n)
				}
				continue
			}
			for _, id := range bodyIDs(t, body) {
				var got []string
				if err := tg.db.Gorm.Table(table).Where("id = ?", id).Pluck("id", &got).Error; err != nil {
					t.Fatal(err)
				}
				if len(got) != 1 || got[0] != id {
					t.Fatalf("%s: accepted id %q reads back as %q", tg.db.Dialect, id, got)
				}
			}
		}
	})
}
