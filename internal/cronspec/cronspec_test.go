package cronspec_test

import (
	"errors"
	"testing"
	"time"

	"github.com/platformbot/platformbot/internal/cronspec"
)

func TestParse(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	sched, err := cronspec.Parse("0 10 * * MON", berlin)
	if err != nil {
		t.Fatal(err)
	}
	// Monday 2026-03-30 is after the switch to summer time: 10:00 CEST.
	got := sched.Next(time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC))
	if want := time.Date(2026, 3, 30, 8, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Next = %s, want %s", got.UTC(), want)
	}
	if _, err := cronspec.Parse("@daily", nil); err != nil {
		t.Errorf("@daily: %v", err)
	}
	for _, bad := range []string{"TZ=", "CRON_TZ=Europe/Berlin 0 10 * * *", "0 10 * *", "61 * * * *", "0 0 10 * * MON"} {
		if _, err := cronspec.Parse(bad, nil); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	if _, err := cronspec.Parse("TZ=", nil); !errors.Is(err, cronspec.ErrZonePrefix) {
		t.Errorf("TZ= gave %v, want ErrZonePrefix", err)
	}
}
