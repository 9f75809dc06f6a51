package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/platformbot/platformbot"
	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/console"
	"github.com/platformbot/platformbot/handlers"
	hselfservice "github.com/platformbot/platformbot/handlers/selfservice"
	"github.com/platformbot/platformbot/selfservice"
	"github.com/platformbot/platformbot/storage"
)

// TestDemoSeedFollowsTheRules: `console --demo` seeded requests with an
// empty team and without the required Until date, and activity only for
// people in no team, so `/platform metrics payments` said "no data" for
// adoption and self-service although the demo user had requests. Every
// seeded request now validates through the catalog as a form would, has
// its requester's team, and the demo team's digest has figures.
func TestDemoSeedFollowsTheRules(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "demo.db")
	env := map[string]string{"DATABASE_URL": "sqlite:" + dbPath, "LOG_LEVEL": "error"}
	var out strings.Builder
	err := runConsole(t.Context(), consoleRun{
		In: strings.NewReader("/platform metrics payments 30d\n"), Out: &out, User: "UCONSOLE", Demo: true,
		Getenv: func(k string) string { return env[k] }, Clock: clockwork.NewFakeClockAt(walkthroughNow),
	})
	if err != nil {
		t.Fatalf("console: %v\n%s", err, out.String())
	}
	for _, section := range []string{"*Adoption*", "*Self-service*"} {
		_, after, _ := strings.Cut(out.String(), section+"\n")
		if strings.HasPrefix(after, "no data") {
			t.Errorf("the demo team's digest says %s no data:\n%s", section, out.String())
		}
	}

	cfg, err := config.Parse("example", platformbot.ExampleConfig)
	if err != nil {
		t.Fatal(err)
	}
	catalog, err := selfservice.NewCatalog(selfServiceCatalog(cfg.Catalog))
	if err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(context.Background(), "sqlite:"+dbPath, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store := storage.NewSelfServiceStore(db)
	// The console's Slack: no user group members.
	people := &hselfservice.People{People: handlers.NewDirectory(console.New(console.Options{}).Slack(), cfg.Teams, time.Now)}
	n := 0
	for id := int64(1); ; id++ {
		r, err := store.Request(context.Background(), id)
		if errors.Is(err, selfservice.ErrNotFound) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		typ, ok := catalog.Type(r.Type)
		if !ok {
			t.Fatalf("%s: type %q is not in the catalog", r.Ref(), r.Type)
		}
		in := selfservice.Input{}
		for _, f := range r.Fields {
			in[f.ID] = f.Values
		}
		if _, err := typ.Validate(in, r.CreatedAt.In(cfg.Location())); err != nil {
			t.Errorf("%s (%s) would be refused by its form: %v", r.Ref(), r.Type, err)
		}
		team, _ := people.TeamOf(context.Background(), r.Requester)
		if r.Team != team {
			t.Errorf("%s by %s has team %q, want %q", r.Ref(), r.Requester, r.Team, team)
		}
	}
	if n < 5 {
		t.Errorf("%d demo requests, want at least 5", n)
	}
}
