package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/platformbot/platformbot/delivery"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// TestDNDStore: answers round-trip with their quiet spans; a newer answer
// replaces an older one and never the other way round; LoadDND leaves out
// answers older than asked and people nobody asked about.
func TestDNDStore(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := storage.NewDNDStore(db)
		ctx := context.Background()
		at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
		snooze := []delivery.Quiet{{Until: at.Add(time.Hour)}}
		hours := []delivery.Quiet{{From: at.Add(8 * time.Hour), Until: at.Add(20 * time.Hour)}}
		if err := s.SaveDND(ctx, map[string]delivery.DNDAnswer{
			"U1": {Quiet: snooze, At: at}, "U2": {At: at}, "U3": {Quiet: hours, At: at.Add(-time.Hour)},
		}); err != nil {
			t.Fatal(err)
		}
		// U1: a newer event turns Do Not Disturb off; U2: an older
		// dnd.teamInfo answer arrives late and must not win.
		if err := s.SaveDND(ctx, map[string]delivery.DNDAnswer{
			"U1": {At: at.Add(time.Minute)}, "U2": {Quiet: hours, At: at.Add(-time.Minute)},
		}); err != nil {
			t.Fatal(err)
		}
		got, err := s.LoadDND(ctx, []string{"U1", "U2", "U3", "U4"}, at.Add(-30*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]delivery.DNDAnswer{
			"U1": {Quiet: []delivery.Quiet{}, At: at.Add(time.Minute)},
			"U2": {Quiet: []delivery.Quiet{}, At: at},
		}
		norm := cmp.Transformer("utc", func(t time.Time) time.Time { return t.UTC() })
		empty := cmp.Transformer("nilQuiet", func(q []delivery.Quiet) []delivery.Quiet {
			if q == nil {
				return []delivery.Quiet{}
			}
			return q
		})
		if diff := cmp.Diff(want, got, norm, empty); diff != "" {
			t.Errorf("LoadDND (-want +got):\n%s", diff)
		}
		got, err = s.LoadDND(ctx, []string{"U3"}, at.Add(-2*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if q := got["U3"].Quiet; len(q) != 1 || !q[0].From.Equal(hours[0].From) || !q[0].Until.Equal(hours[0].Until) {
			t.Errorf("U3's quiet hours = %v, want %v", q, hours)
		}
	})
}
