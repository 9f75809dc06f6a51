package storage_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/platformbot/platformbot/people"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// BenchmarkColdDirectory measures what a replica starting cold spends
// reading a stored listing of 100,000 people into its directory
// (PostgreSQL with TEST_DATABASE_URL, else SQLite).
func BenchmarkColdDirectory(b *testing.B) {
	db := storagetest.SQLite(b)
	if os.Getenv("TEST_DATABASE_URL") != "" {
		db = storagetest.Postgres(b)
	}
	ctx := context.Background()
	st := storage.NewPeopleStore(db)
	zones := []string{"Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC"}
	all := make([]people.Person, 100_000)
	for i := range all {
		all[i] = people.Person{ID: fmt.Sprintf("U%08d", i), Name: fmt.Sprint("dev", i), RealName: fmt.Sprint("Developer ", i),
			TZ: zones[i%len(zones)], Locale: "en-US"}
	}
	if err := st.ReplacePeople(ctx, all, time.Now()); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		d := people.New(people.Options{Store: st})
		if err := d.WaitListing(ctx); err != nil {
			b.Fatal(err)
		}
		if _, ok := d.Known(all[len(all)-1].ID); !ok {
			b.Fatal("the last person is not held")
		}
		d.Close()
	}
}
