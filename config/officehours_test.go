package config

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestOfficeHoursDefaultsAndParsing(t *testing.T) {
	cfg := mustParse(t, `
timezone: Europe/Berlin
office_hours:
  hosts:
    - user: UHOST0001
      windows:
        - {days: [Tue, thursday], start: "14:00", end: "16:00"}
      blackout_dates: ["2026-12-24..2027-01-01", "2026-08-03"]
`)
	oh := cfg.OfficeHours
	got := []time.Duration{oh.SlotLength.D(), oh.Horizon.D(), oh.ReminderBefore.D(), oh.MinNotice.D(), oh.FeedbackAfter.D()}
	want := []time.Duration{30 * time.Minute, 14 * 24 * time.Hour, 15 * time.Minute, 0, 0}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("durations mismatch (-want +got):\n%s", diff)
	}
	h := oh.Hosts[0]
	if diff := cmp.Diff([]time.Weekday{time.Tuesday, time.Thursday}, h.Windows[0].Weekdays()); diff != "" {
		t.Errorf("weekdays mismatch (-want +got):\n%s", diff)
	}
	if s, e := h.Windows[0].Minutes(); s != 14*60 || e != 16*60 {
		t.Errorf("Minutes = %d, %d; want 840, 960", s, e)
	}
	if loc := h.Location(cfg.Location()); loc.String() != "Europe/Berlin" {
		t.Errorf("host zone = %s, want the top-level Europe/Berlin", loc)
	}
	ranges := Blackouts(h.BlackoutDates)
	wantRanges := []string{"2026-12-24..2027-01-01", "2026-08-03..2026-08-03"}
	var gotRanges []string
	for _, r := range ranges {
		gotRanges = append(gotRanges, r.From.Format(time.DateOnly)+".."+r.To.Format(time.DateOnly))
	}
	if diff := cmp.Diff(wantRanges, gotRanges); diff != "" {
		t.Errorf("blackouts mismatch (-want +got):\n%s", diff)
	}
}

func TestOfficeHoursProblems(t *testing.T) {
	for _, tc := range []struct {
		name string
		yaml string
		want []string // "line: fragment"
	}{
		{
			name: "bad host fields",
			yaml: `office_hours:
  hosts:
    - user: anna
      timezone: Europe/Atlantis
      windows:
        - days: [tue, funday]
          start: "2pm"
          end: "25:00"
`,
			want: []string{
				`3: office_hours.hosts[0].user: "anna" is not a Slack user id`,
				`4: office_hours.hosts[0].timezone: unknown time zone "Europe/Atlantis"`,
				`6: office_hours.hosts[0].windows[0].days[1]: "funday" is not a weekday`,
				`7: office_hours.hosts[0].windows[0].start: "2pm" is not a time`,
				`8: office_hours.hosts[0].windows[0].end: "25:00" is not a time`,
			},
		},
		{
			name: "window shorter than a slot, host without windows, duplicate host",
			yaml: `office_hours:
  slot_length: 45m
  hosts:
    - user: UHOST0001
      windows:
        - {days: [mon], start: "10:00", end: "10:30"}
    - user: UHOST0001
`,
			want: []string{
				`6: office_hours.hosts[0].windows[0].end: the window 10:00–10:30 is shorter than one slot (45m0s)`,
				`7: office_hours.hosts[1].user: host UHOST0001 is listed twice`,
				`7: office_hours.hosts[1].windows: a host needs at least one window`,
			},
		},
		{
			name: "rule ranges",
			yaml: `office_hours:
  slot_length: 3m
  horizon: 12h
  min_notice: 13h
  max_per_week: -1
  reminder_before: 8d
  blackout_dates: ["2026-13-01", "2026-05-02..2026-05-01"]
`,
			want: []string{
				`2: office_hours.slot_length: must be whole minutes between 5m and 8h`,
				`3: office_hours.horizon: must be between 1d and 366d`,
				`4: office_hours.min_notice: must be shorter than the horizon`,
				`5: office_hours.max_per_week: must be 0 (no limit) or more`,
				`6: office_hours.reminder_before: must be between 0 and 7d`,
				`7: office_hours.blackout_dates[0]: "2026-13-01" is not a date`,
				`7: office_hours.blackout_dates[1]: "2026-05-02..2026-05-01" ends before it starts`,
			},
		},
		{
			name: "unknown key",
			yaml: "office_hours:\n  slot: 30m\n",
			want: []string{`2: office_hours.slot: unknown key "slot"`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := problems(t, tc.yaml)
			for _, w := range tc.want {
				found := false
				for _, g := range got {
					if strings.Contains(g, "f.yaml:"+w) {
						found = true
					}
				}
				if !found {
					t.Errorf("missing problem %q in:\n%s", w, strings.Join(got, "\n"))
				}
			}
			if len(got) != len(tc.want) {
				t.Errorf("got %d problems, want %d:\n%s", len(got), len(tc.want), strings.Join(got, "\n"))
			}
		})
	}
}

func TestParseClockAndWeekday(t *testing.T) {
	for in, want := range map[string]int{"00:00": 0, "09:30": 570, "23:59": 1439, "24:00": 1440} {
		if got, ok := ParseClock(in); !ok || got != want {
			t.Errorf("ParseClock(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "9:30", "09:60", "24:01", "-1:00", "+1:00", "ab:cd", "09:3 "} {
		if _, ok := ParseClock(bad); ok {
			t.Errorf("ParseClock(%q) accepted", bad)
		}
	}
	for _, bad := range []string{"", "mo", "mond", "tuesdays"} {
		if _, ok := ParseWeekday(bad); ok {
			t.Errorf("ParseWeekday(%q) accepted", bad)
		}
	}
}
