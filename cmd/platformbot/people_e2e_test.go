package main

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/internal/fakeslack"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// TestPeopleDirectoryAcrossReplicas: three processes share PostgreSQL and
// one fake Slack. As they start, and then each hour, one of them lists the workspace (the job's
// claim) and the others answer from the stored listing; an event that
// reaches one of them reaches all through the store; a process starting
// later uses the stored listing at once. Nobody calls users.info.
func TestPeopleDirectoryAcrossReplicas(t *testing.T) {
	if os.Getenv("TEST_DATABASE_URL") == "" {
		t.Skip("set TEST_DATABASE_URL: replicas share PostgreSQL")
	}
	dbURL := storagetest.PostgresURL(t)
	fake := fakeslack.New()
	defer fake.Close()
	fake.AddUser(slack.User{ID: "U0PEOPLE01", Name: "ada", TZ: "Europe/Berlin", TZOffset: 3600, Locale: "de-DE"})
	fake.AddUser(slack.User{ID: "U0PEOPLE02", Name: "bob", TZ: "America/New_York", TZOffset: -18000})
	fake.AddUser(slack.User{ID: "B0PEOPLE01", Name: "ci", IsBot: true})
	cfg, err := config.Parse("people.yaml", []byte("\n"))
	if err != nil {
		t.Fatal(err)
	}
	clock := clockwork.NewFakeClockAt(testStart)
	var procs []*pulseProcess
	for range 3 {
		p := startPulseMain(t, fake, cfg, dbURL, clock)
		defer p.stop(t)
		procs = append(procs, p)
	}
	st := storage.NewPeopleStore(procs[0].m.DB)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	for hour := 0; hour <= 2; hour++ {
		// Hour 0: no listing was ever stored, so the first replica to
		// start lists the workspace at once (one of the three, by claim).
		if hour > 0 {
			clock.Advance(time.Hour)
		}
		want := testStart.Add(time.Duration(hour) * time.Hour)
		for at, err := st.ListedAt(ctx); !at.Equal(want); at, err = st.ListedAt(ctx) {
			if err != nil || ctx.Err() != nil {
				t.Fatalf("hour %d: listing stored at %v (%v), want %v", hour, at, err, want)
			}
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(200 * time.Millisecond) // room for a second listing to show up
		if n := len(fake.Calls("users.list")); n != hour+1 {
			t.Fatalf("after %d hours: users.list ×%d, want one at start and one an hour across the three replicas", hour, n)
		}
	}
	for i, p := range procs {
		person, err := p.m.People.Person(ctx, "U0PEOPLE01")
		if err != nil || person.Locale != "de-DE" || person.Location().String() != "Europe/Berlin" {
			t.Errorf("replica %d: Person = %+v, %v; want the listed profile", i, person, err)
		}
	}

	id, err := fake.SendEvent("user_change", &slackevents.UserChangeEvent{Type: "user_change",
		User: slackevents.User{ID: "U0PEOPLE02", Name: "bob", TZ: "America/New_York", TZOffset: -18000, Deleted: true}}, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fake.WaitAck(ctx, id); err != nil {
		t.Fatal(err)
	}
	for p, _, err := st.Person(ctx, "U0PEOPLE02"); !p.Deleted; p, _, err = st.Person(ctx, "U0PEOPLE02") { // events are acked before they are handled
		if err != nil || ctx.Err() != nil {
			t.Fatalf("the user_change event never reached the stored listing: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	clock.Advance(16 * time.Minute) // past the cache's freshness: every replica reads the store again
	late := startPulseMain(t, fake, cfg, dbURL, clock)
	defer late.stop(t)
	for i, p := range append(procs, late) {
		for user, want := range map[string]bool{"U0PEOPLE01": true, "U0PEOPLE02": false, "B0PEOPLE01": false} {
			if got, err := p.m.People.CanBeAsked(ctx, user); got != want || err != nil {
				t.Errorf("replica %d: CanBeAsked(%s) = %v, %v; want %v", i, user, got, err, want)
			}
		}
	}
	if lists, infos := len(fake.Calls("users.list")), len(fake.Calls("users.info")); lists != 3 || infos != 0 {
		t.Errorf("users.list ×%d, users.info ×%d; want the first listing, the two hourly ones and no lookups", lists, infos)
	}
}
