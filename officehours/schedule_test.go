package officehours

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// starts returns the UTC start instants of slots as RFC 3339 strings, with
// the host when hosts is true.
func starts(slots []Slot, hosts bool) []string {
	var out []string
	for _, s := range slots {
		v := s.Start.Format(time.RFC3339)
		if hosts {
			v = s.Host + " " + v
		}
		out = append(out, v)
	}
	return out
}

func TestSlotsAcrossDaylightSaving(t *testing.T) {
	berlin, newYork := mustLoad(t, "Europe/Berlin"), mustLoad(t, "America/New_York")
	tueThu := func(start, end int) []Window {
		return []Window{{time.Tuesday, start, end}, {time.Thursday, start, end}}
	}
	for _, tc := range []struct {
		name     string
		loc      *time.Location
		windows  []Window
		slot     time.Duration
		from, to string
		want     []string
	}{
		{
			name: "Berlin 14:00 stays 14:00 local across DST start (Mar 29 2026)",
			loc:  berlin, windows: tueThu(14*60, 16*60), slot: time.Hour,
			from: "2026-03-26T00:00:00Z", to: "2026-04-01T00:00:00Z",
			want: []string{
				"2026-03-26T13:00:00Z", "2026-03-26T14:00:00Z", // Thu, CET (+1)
				"2026-03-31T12:00:00Z", "2026-03-31T13:00:00Z", // Tue, CEST (+2)
			},
		},
		{
			name: "Berlin 14:00 stays 14:00 local across DST end (Oct 25 2026)",
			loc:  berlin, windows: tueThu(14*60, 16*60), slot: time.Hour,
			from: "2026-10-22T00:00:00Z", to: "2026-10-28T00:00:00Z",
			want: []string{
				"2026-10-22T12:00:00Z", "2026-10-22T13:00:00Z", // Thu, CEST
				"2026-10-27T13:00:00Z", "2026-10-27T14:00:00Z", // Tue, CET
			},
		},
		{
			name: "Berlin spring-forward night skips the 02:00 slot that does not exist",
			loc:  berlin, windows: []Window{{time.Sunday, 60, 4 * 60}}, slot: time.Hour,
			from: "2026-03-28T00:00:00Z", to: "2026-03-30T00:00:00Z",
			want: []string{"2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z"}, // 01:00 CET, 03:00 CEST
		},
		{
			name: "Berlin fall-back night takes the first 02:00",
			loc:  berlin, windows: []Window{{time.Sunday, 60, 4 * 60}}, slot: time.Hour,
			from: "2026-10-24T00:00:00Z", to: "2026-10-26T00:00:00Z",
			want: []string{"2026-10-24T23:00:00Z", "2026-10-25T00:00:00Z", "2026-10-25T02:00:00Z"},
		},
		{
			name: "New York 09:00 stays 09:00 local across DST start (Mar 8 2026)",
			loc:  newYork, windows: []Window{{time.Monday, 9 * 60, 10 * 60}}, slot: 30 * time.Minute,
			from: "2026-03-02T00:00:00Z", to: "2026-03-10T00:00:00Z",
			want: []string{
				"2026-03-02T14:00:00Z", "2026-03-02T14:30:00Z", // EST (−5)
				"2026-03-09T13:00:00Z", "2026-03-09T13:30:00Z", // EDT (−4)
			},
		},
		{
			name: "New York 09:00 stays 09:00 local across DST end (Nov 1 2026)",
			loc:  newYork, windows: []Window{{time.Monday, 9 * 60, 10 * 60}}, slot: 30 * time.Minute,
			from: "2026-10-26T00:00:00Z", to: "2026-11-03T00:00:00Z",
			want: []string{
				"2026-10-26T13:00:00Z", "2026-10-26T13:30:00Z",
				"2026-11-02T14:00:00Z", "2026-11-02T14:30:00Z",
			},
		},
		{
			name: "New York spring-forward night skips 02:00 and 02:30",
			loc:  newYork, windows: []Window{{time.Sunday, 90, 4 * 60}}, slot: 30 * time.Minute,
			from: "2026-03-08T00:00:00Z", to: "2026-03-09T00:00:00Z",
			want: []string{"2026-03-08T06:30:00Z", "2026-03-08T07:00:00Z", "2026-03-08T07:30:00Z"}, // 01:30 EST, 03:00 EDT, 03:30 EDT
		},
		{
			name: "New York fall-back night: 01:30 is the first (EDT) one",
			loc:  newYork, windows: []Window{{time.Sunday, 90, 3 * 60}}, slot: 30 * time.Minute,
			from: "2026-11-01T00:00:00Z", to: "2026-11-02T00:00:00Z",
			want: []string{"2026-11-01T05:30:00Z", "2026-11-01T07:00:00Z", "2026-11-01T07:30:00Z"}, // 01:30 EDT, 02:00 EST, 02:30 EST
		},
		{
			name: "a window shorter than a slot at its end leaves the remainder unused",
			loc:  time.UTC, windows: []Window{{time.Wednesday, 10 * 60, 11*60 + 45}}, slot: 30 * time.Minute,
			from: "2026-05-06T00:00:00Z", to: "2026-05-07T00:00:00Z",
			want: []string{"2026-05-06T10:00:00Z", "2026-05-06T10:30:00Z", "2026-05-06T11:00:00Z"},
		},
		{
			name: "range bounds are half-open on the slot start",
			loc:  time.UTC, windows: []Window{{time.Wednesday, 10 * 60, 12 * 60}}, slot: 30 * time.Minute,
			from: "2026-05-06T10:30:00Z", to: "2026-05-06T11:30:00Z",
			want: []string{"2026-05-06T10:30:00Z", "2026-05-06T11:00:00Z"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &Schedule{SlotLength: tc.slot, Hosts: []HostSchedule{{User: "UHOST", Location: tc.loc, Windows: tc.windows}}}
			got := s.Slots(utc(tc.from), utc(tc.to))
			if diff := cmp.Diff(tc.want, starts(got, false)); diff != "" {
				t.Errorf("slots mismatch (-want +got):\n%s", diff)
			}
			for _, sl := range got {
				if sl.End.Sub(sl.Start) != tc.slot {
					t.Errorf("slot %s lasts %s, want %s", sl.Start, sl.End.Sub(sl.Start), tc.slot)
				}
				if local := sl.Start.In(tc.loc); local.Minute()%int(tc.slot.Minutes()) != 0 {
					t.Errorf("slot %s starts at %s local, off the slot grid", sl.Start, local.Format("15:04"))
				}
			}
		})
	}
}

func TestSlotsBlackoutsAndHosts(t *testing.T) {
	berlin, newYork := mustLoad(t, "Europe/Berlin"), mustLoad(t, "America/New_York")
	anna := HostSchedule{User: "UANNA", Location: berlin, Windows: []Window{{time.Tuesday, 14 * 60, 15 * 60}, {time.Thursday, 14 * 60, 15 * 60}}}
	bob := HostSchedule{User: "UBOB", Location: newYork, Windows: []Window{{time.Tuesday, 8 * 60, 9 * 60}}}
	for _, tc := range []struct {
		name   string
		global []DateRange
		anna   []DateRange
		want   []string
	}{
		{
			name: "no blackouts: both hosts, sorted by start",
			want: []string{"UANNA 2026-06-02T12:00:00Z", "UBOB 2026-06-02T12:00:00Z", "UANNA 2026-06-04T12:00:00Z", "UANNA 2026-06-09T12:00:00Z", "UBOB 2026-06-09T12:00:00Z"},
		},
		{
			name:   "a global blackout day removes every host's slots that local day",
			global: []DateRange{{day("2026-06-02"), day("2026-06-02")}},
			want:   []string{"UANNA 2026-06-04T12:00:00Z", "UANNA 2026-06-09T12:00:00Z", "UBOB 2026-06-09T12:00:00Z"},
		},
		{
			name: "a host's blackout range is inclusive and only affects that host",
			anna: []DateRange{{day("2026-06-02"), day("2026-06-04")}},
			want: []string{"UBOB 2026-06-02T12:00:00Z", "UANNA 2026-06-09T12:00:00Z", "UBOB 2026-06-09T12:00:00Z"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := anna
			a.Blackouts = tc.anna
			s := &Schedule{SlotLength: time.Hour, Blackouts: tc.global, Hosts: []HostSchedule{a, bob}}
			got := s.Slots(utc("2026-06-01T00:00:00Z"), utc("2026-06-10T00:00:00Z"))
			if diff := cmp.Diff(tc.want, starts(got, true)); diff != "" {
				t.Errorf("slots mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBlackoutUsesHostLocalDate(t *testing.T) {
	// 23:00–24:00 in Los Angeles on Jun 1 is Jun 2 in UTC: the blackout
	// of Jun 1 (local) must remove it, the blackout of Jun 2 must not.
	la := mustLoad(t, "America/Los_Angeles")
	h := HostSchedule{User: "UHOST", Location: la, Windows: []Window{{time.Monday, 23 * 60, 24 * 60}}}
	from, to := utc("2026-06-01T00:00:00Z"), utc("2026-06-03T00:00:00Z")
	for _, tc := range []struct {
		blackout string
		want     int
	}{{"2026-06-01", 0}, {"2026-06-02", 1}} {
		s := &Schedule{SlotLength: time.Hour, Blackouts: []DateRange{{day(tc.blackout), day(tc.blackout)}}, Hosts: []HostSchedule{h}}
		if got := len(s.Slots(from, to)); got != tc.want {
			t.Errorf("blackout %s: %d slots, want %d", tc.blackout, got, tc.want)
		}
	}
}

func TestBookableHorizonAndNotice(t *testing.T) {
	h := HostSchedule{User: "UHOST", Location: time.UTC, Windows: []Window{
		{time.Monday, 9 * 60, 11 * 60}, {time.Wednesday, 9 * 60, 11 * 60},
	}}
	now := utc("2026-06-01T08:30:00Z") // Monday
	for _, tc := range []struct {
		name    string
		notice  time.Duration
		horizon time.Duration
		want    []string
	}{
		{
			name: "no notice: the next slot 30 minutes out is bookable", notice: 0, horizon: 3 * 24 * time.Hour,
			want: []string{"2026-06-01T09:00:00Z", "2026-06-01T10:00:00Z", "2026-06-03T09:00:00Z", "2026-06-03T10:00:00Z"},
		},
		{
			name: "one hour notice drops 09:00", notice: time.Hour, horizon: 3 * 24 * time.Hour,
			want: []string{"2026-06-01T10:00:00Z", "2026-06-03T09:00:00Z", "2026-06-03T10:00:00Z"},
		},
		{
			name: "notice lands exactly on a slot start: it is still bookable", notice: 90 * time.Minute, horizon: 3 * 24 * time.Hour,
			want: []string{"2026-06-01T10:00:00Z", "2026-06-03T09:00:00Z", "2026-06-03T10:00:00Z"},
		},
		{
			name: "horizon ending exactly at a slot start excludes it", notice: 0, horizon: 48*time.Hour + 30*time.Minute,
			want: []string{"2026-06-01T09:00:00Z", "2026-06-01T10:00:00Z"},
		},
		{
			name: "one-day horizon", notice: 0, horizon: 24 * time.Hour,
			want: []string{"2026-06-01T09:00:00Z", "2026-06-01T10:00:00Z"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &Schedule{SlotLength: time.Hour, MinNotice: tc.notice, Horizon: tc.horizon, Hosts: []HostSchedule{h}}
			if diff := cmp.Diff(tc.want, starts(s.Bookable(now), false)); diff != "" {
				t.Errorf("bookable mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckBookable(t *testing.T) {
	h := HostSchedule{User: "UHOST", Location: time.UTC, Windows: []Window{{time.Monday, 9 * 60, 11 * 60}}}
	s := &Schedule{SlotLength: time.Hour, MinNotice: 2 * time.Hour, Horizon: 14 * 24 * time.Hour, Hosts: []HostSchedule{h}}
	now := utc("2026-06-01T06:00:00Z")
	for _, tc := range []struct {
		name  string
		host  string
		start string
		want  error
	}{
		{"ok", "UHOST", "2026-06-01T09:00:00Z", nil},
		{"unknown host", "UOTHER", "2026-06-01T09:00:00Z", ErrNoSuchSlot},
		{"off the grid", "UHOST", "2026-06-01T09:30:00Z", ErrNoSuchSlot},
		{"outside the window", "UHOST", "2026-06-02T09:00:00Z", ErrNoSuchSlot},
		{"already started", "UHOST", "2026-05-25T09:00:00Z", ErrStarted},
		{"inside the minimum notice", "UHOST", "2026-06-01T09:00:00Z", ErrTooSoon},
		{"beyond the horizon", "UHOST", "2026-06-15T09:00:00Z", ErrTooFar},
	} {
		t.Run(tc.name, func(t *testing.T) {
			at := now
			if tc.want == ErrTooSoon {
				at = utc("2026-06-01T07:30:00Z")
			}
			_, err := s.CheckBookable(tc.host, utc(tc.start), at)
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("CheckBookable = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestWeekOf(t *testing.T) {
	berlin := mustLoad(t, "Europe/Berlin")
	for _, tc := range []struct{ at, from, to string }{
		{"2026-03-25T10:00:00Z", "2026-03-22T23:00:00Z", "2026-03-29T22:00:00Z"}, // the week DST starts: 167 hours
		{"2026-03-22T23:30:00Z", "2026-03-22T23:00:00Z", "2026-03-29T22:00:00Z"}, // Monday 00:30 local
		{"2026-03-22T22:30:00Z", "2026-03-15T23:00:00Z", "2026-03-22T23:00:00Z"}, // Sunday 23:30 local
	} {
		from, to := WeekOf(utc(tc.at), berlin)
		if got := []string{from.Format(time.RFC3339), to.Format(time.RFC3339)}; !cmp.Equal(got, []string{tc.from, tc.to}) {
			t.Errorf("WeekOf(%s) = %v, want [%s %s]", tc.at, got, tc.from, tc.to)
		}
	}
}

func TestSlotKeyRoundTrip(t *testing.T) {
	s := Slot{Host: "U012AB3CD", Start: utc("2026-06-01T09:00:00Z")}
	host, start, err := ParseSlotKey(s.Key())
	if err != nil || host != s.Host || !start.Equal(s.Start) {
		t.Fatalf("ParseSlotKey(%q) = %q, %v, %v", s.Key(), host, start, err)
	}
	for _, bad := range []string{"", "U1", "U1.", ".123", "U1.abc", "U1.-5"} {
		if _, _, err := ParseSlotKey(bad); err == nil {
			t.Errorf("ParseSlotKey(%q) succeeded, want an error", bad)
		}
	}
}

func BenchmarkBookable(b *testing.B) {
	berlin := mustLoad(b, "Europe/Berlin")
	var hosts []HostSchedule
	for i := range 20 {
		hosts = append(hosts, HostSchedule{User: "UHOST" + string(rune('A'+i)), Location: berlin, Windows: []Window{
			{time.Tuesday, 9 * 60, 17 * 60}, {time.Thursday, 9 * 60, 17 * 60},
		}})
	}
	s := &Schedule{SlotLength: 30 * time.Minute, Horizon: 28 * 24 * time.Hour, Hosts: hosts}
	now := utc("2026-06-01T06:00:00Z")
	b.ReportAllocs()
	for b.Loop() {
		if len(s.Bookable(now)) == 0 {
			b.Fatal("no slots")
		}
	}
}
