package workhours_test

import (
	"testing"
	"time"

	"github.com/platformbot/platformbot/workhours"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestNext: a send outside working hours is held until the next start, on
// the right local hour across DST changes, in zones with and without DST
// and with a half-hour offset.
func TestNext(t *testing.T) {
	w := workhours.Default()
	berlin, newYork := zone(t, "Europe/Berlin"), zone(t, "America/New_York")
	kolkata, adelaide := zone(t, "Asia/Kolkata"), zone(t, "Australia/Adelaide")
	for _, tc := range []struct {
		name string
		at   time.Time // UTC
		loc  *time.Location
		want string // local wall time, with zone
	}{
		{"Berlin, Monday 03:00 → 09:00", time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC), berlin, "2026-03-02 09:00 CET"},
		{"Berlin, inside → at once", time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC), berlin, "2026-03-02 11:00 CET"},
		{"Berlin, 17:00 sharp is after hours", time.Date(2026, 3, 2, 16, 0, 0, 0, time.UTC), berlin, "2026-03-03 09:00 CET"},
		{"Berlin, Friday evening → Monday", time.Date(2026, 3, 6, 18, 0, 0, 0, time.UTC), berlin, "2026-03-09 09:00 CET"},
		{"Berlin, across spring forward (Sun 29 Mar 2026)", time.Date(2026, 3, 27, 20, 0, 0, 0, time.UTC), berlin, "2026-03-30 09:00 CEST"},
		{"Berlin, across fall back (Sun 25 Oct 2026)", time.Date(2026, 10, 23, 20, 0, 0, 0, time.UTC), berlin, "2026-10-26 09:00 CET"},
		{"New York, across spring forward (Sun 8 Mar 2026)", time.Date(2026, 3, 7, 12, 0, 0, 0, time.UTC), newYork, "2026-03-09 09:00 EDT"},
		{"New York, across fall back (Sun 1 Nov 2026)", time.Date(2026, 10, 31, 12, 0, 0, 0, time.UTC), newYork, "2026-11-02 09:00 EST"},
		{"Kolkata, no DST, 06:00 UTC is 11:30 → at once", time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC), kolkata, "2026-03-02 11:30 IST"},
		{"Kolkata, 12:00 UTC is 17:30 → tomorrow", time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC), kolkata, "2026-03-03 09:00 IST"},
		{"Adelaide, half-hour offset, across its DST end (Sun 5 Apr 2026)", time.Date(2026, 4, 3, 12, 0, 0, 0, time.UTC), adelaide, "2026-04-06 09:00 ACST"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := w.Next(tc.at, tc.loc)
			if s := got.In(tc.loc).Format("2006-01-02 15:04 MST"); s != tc.want {
				t.Errorf("Next = %s, want %s", s, tc.want)
			}
			if got.Before(tc.at) {
				t.Errorf("Next = %s is before %s", got, tc.at)
			}
		})
	}
}

// TestAt: "send at 10:00 local" spreads one occurrence over the zones.
func TestAt(t *testing.T) {
	w := workhours.Default()
	ten, _ := workhours.ParseClock("10:00")
	occurrence := time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC) // Monday
	for _, tc := range []struct {
		zone, want string
	}{
		{"Europe/Berlin", "2026-03-02 10:00 CET"},     // 07:00 local: later today
		{"America/New_York", "2026-03-02 10:00 EST"},  // 01:00 local: later today
		{"Asia/Kolkata", "2026-03-02 11:30 IST"},      // 11:30 local: passed, but within hours
		{"Pacific/Auckland", "2026-03-03 10:00 NZDT"}, // 19:00 local: next working day
	} {
		loc := zone(t, tc.zone)
		if got := w.At(occurrence, ten, loc).In(loc).Format("2006-01-02 15:04 MST"); got != tc.want {
			t.Errorf("%s: At = %s, want %s", tc.zone, got, tc.want)
		}
	}
}

func TestParseAndValidate(t *testing.T) {
	if c, err := workhours.ParseClock("09:30"); err != nil || c.String() != "09:30" {
		t.Errorf("ParseClock(09:30) = %v, %v", c, err)
	}
	for _, bad := range []string{"9", "25:00", "nine"} {
		if _, err := workhours.ParseClock(bad); err == nil {
			t.Errorf("ParseClock(%q) succeeded", bad)
		}
	}
	if err := (workhours.Window{Start: 9 * 60, End: 17 * 60}).Validate(); err == nil {
		t.Error("a window without days validated")
	}
	bad := workhours.Default()
	bad.Start, bad.End = 17*60, 9*60
	if err := bad.Validate(); err == nil {
		t.Error("17:00–09:00 validated")
	}
	at := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	if got := bad.Next(at, time.UTC); !got.Equal(at) {
		t.Errorf("an invalid window holds the send until %s; it must not hold it", got)
	}
}
