package storage_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/platformbot/platformbot/people"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

func storedPeople(t *testing.T, st *storage.PeopleStore) []people.Person {
	t.Helper()
	var all []people.Person
	if err := st.EachPerson(context.Background(), func(p people.Person) { all = append(all, p) }); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(all, func(a, b people.Person) int { return strings.Compare(a.ID, b.ID) })
	return all
}

// TestPeopleStoreListing: a listing round-trips every field; a second
// listing replaces the first, except for what an event stored as of later
// (kept, in or out of the listing); an older event changes nothing.
func TestPeopleStoreListing(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewPeopleStore(db)
		if at, err := st.ListedAt(ctx); err != nil || !at.IsZero() {
			t.Fatalf("ListedAt before any listing = %v, %v; want zero", at, err)
		}
		t0 := time.Date(2026, 11, 30, 9, 0, 0, 123456789, time.FixedZone("CET", 3600))
		ada := people.Person{ID: "U1", Name: "ada", RealName: "Ada Lovelace", TZ: "Europe/London", TZOffset: 0, Locale: "en-GB"}
		first := []people.Person{
			ada,
			{ID: "U2", Name: "bob", TZ: "America/New_York", TZOffset: -18000, Locale: "en-US", Deleted: true},
			{ID: "B1", Name: "ci", IsBot: true},
			{ID: "U3", Name: "carl"},
		}
		if err := st.ReplacePeople(ctx, first, t0); err != nil {
			t.Fatal(err)
		}
		want := slices.Clone(first)
		slices.SortFunc(want, func(a, b people.Person) int { return strings.Compare(a.ID, b.ID) })
		if diff := cmp.Diff(want, storedPeople(t, st)); diff != "" {
			t.Fatalf("stored listing mismatch (-want +got):\n%s", diff)
		}
		if at, err := st.ListedAt(ctx); err != nil || !at.Equal(t0.Truncate(time.Microsecond)) {
			t.Fatalf("ListedAt = %v, %v; want %v", at, err, t0)
		}

		t1 := t0.Add(time.Hour) // the next listing begins…
		// …and while it runs, events arrive: Ada changes zone, Dan joins.
		adaMoved := ada
		adaMoved.TZ = "Asia/Tokyo"
		if err := st.SavePerson(ctx, adaMoved, t1.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		dan := people.Person{ID: "U4", Name: "dan"}
		if err := st.SavePerson(ctx, dan, t1.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		// An event older than what is stored changes nothing.
		if err := st.SavePerson(ctx, people.Person{ID: "U4", Name: "stale"}, t1); err != nil {
			t.Fatal(err)
		}
		second := []people.Person{ada, {ID: "U2", Name: "bob", Locale: "en-US"}, {ID: "B1", Name: "ci", IsBot: true}} // carl left
		if err := st.ReplacePeople(ctx, second, t1); err != nil {
			t.Fatal(err)
		}
		want = []people.Person{{ID: "B1", Name: "ci", IsBot: true}, adaMoved, {ID: "U2", Name: "bob", Locale: "en-US"}, dan}
		if diff := cmp.Diff(want, storedPeople(t, st)); diff != "" {
			t.Errorf("after the second listing, mismatch (-want +got):\n%s", diff)
		}
		if p, ok, err := st.Person(ctx, "U1"); err != nil || !ok || p != adaMoved {
			t.Errorf("Person(U1) = %+v, %v, %v; want %+v", p, ok, err, adaMoved)
		}
		if _, ok, err := st.Person(ctx, "U3"); err != nil || ok {
			t.Errorf("Person(U3) = %v, %v; want gone with the listing that lacks him", ok, err)
		}
		if at, err := st.ListedAt(ctx); err != nil || !at.Equal(t1.Truncate(time.Microsecond)) {
			t.Errorf("ListedAt = %v, %v; want %v", at, err, t1)
		}
	})
}

// TestPeopleStoreLargeListing: a listing larger than one INSERT batch is
// stored whole and read back whole, and listing it again is an update.
func TestPeopleStoreLargeListing(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewPeopleStore(db)
		var all []people.Person
		for i := range 2500 {
			all = append(all, people.Person{ID: fmt.Sprintf("U%05d", i), Name: fmt.Sprint("dev", i), TZ: "Europe/Berlin", TZOffset: 3600})
		}
		at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
		for i := range 2 {
			if err := st.ReplacePeople(ctx, all, at.Add(time.Duration(i)*time.Hour)); err != nil {
				t.Fatal(err)
			}
			if got := storedPeople(t, st); len(got) != len(all) || got[2499] != all[2499] {
				t.Fatalf("listing %d: %d people stored, want %d", i+1, len(got), len(all))
			}
		}
	})
}
