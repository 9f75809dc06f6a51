package surveys_test

import (
	"testing"
	"time"

	"github.com/platformbot/platformbot/surveys"
)

var berlin, _ = time.LoadLocation("Europe/Berlin")

func biweekly() surveys.Survey {
	return surveys.Survey{
		ID: "devex", Cron: "0 10 * * MON", Location: berlin, EveryWeeks: 2,
		Anchor: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), // a Monday
	}
}

func TestNextRunHonoursEveryWeeksAndZone(t *testing.T) {
	for _, tc := range []struct {
		name  string
		after time.Time
		want  time.Time
	}{
		{"anchor week itself", time.Date(2026, 1, 5, 8, 0, 0, 0, berlin), time.Date(2026, 1, 5, 10, 0, 0, 0, berlin)},
		{"skips the odd week", time.Date(2026, 1, 5, 11, 0, 0, 0, berlin), time.Date(2026, 1, 19, 10, 0, 0, 0, berlin)},
		{"across the DST change", time.Date(2026, 3, 20, 0, 0, 0, 0, berlin), time.Date(2026, 3, 30, 10, 0, 0, 0, berlin)},
		{"before the anchor", time.Date(2025, 12, 16, 0, 0, 0, 0, berlin), time.Date(2025, 12, 22, 10, 0, 0, 0, berlin)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := biweekly().NextRun(tc.after)
			if !ok || !got.Equal(tc.want) {
				t.Errorf("NextRun(%v) = %v, %v; want %v", tc.after, got.In(berlin), ok, tc.want)
			}
		})
	}
	if _, ok := (surveys.Survey{ID: "manual"}).NextRun(time.Now()); ok {
		t.Error("a survey without a cron has a next run")
	}
}

func TestOccurrenceIsStableAcrossSkewedClocks(t *testing.T) {
	want := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC) // 10:00 Berlin
	for _, skew := range []time.Duration{-20 * time.Second, 0, 300 * time.Millisecond, 45 * time.Second} {
		if got := biweekly().Occurrence(want.Add(skew)); !got.Equal(want) {
			t.Errorf("Occurrence(%v skew) = %v, want %v", skew, got, want)
		}
	}
	manual := surveys.Survey{ID: "m"}
	if got := manual.Occurrence(want.Add(42 * time.Second)); !got.Equal(want) {
		t.Errorf("Occurrence without cron = %v, want the minute %v", got, want)
	}
}
