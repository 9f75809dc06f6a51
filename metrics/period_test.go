package metrics_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/platformbot/platformbot/metrics"
)

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestPeriodBoundariesAreLocalMidnights(t *testing.T) {
	berlin := mustLoad(t, "Europe/Berlin")
	// Monday 1 April 2024, 09:00 in Berlin (07:00 UTC); DST began on
	// Sunday 31 March, so that day had 23 hours.
	now := time.Date(2024, 4, 1, 7, 0, 0, 0, time.UTC)
	p, err := metrics.NewPeriod(now, 7, berlin)
	if err != nil {
		t.Fatal(err)
	}
	want := metrics.Range{
		From: time.Date(2024, 3, 24, 23, 0, 0, 0, time.UTC), // 25 Mar 00:00 CET
		To:   time.Date(2024, 3, 31, 22, 0, 0, 0, time.UTC), // 1 Apr 00:00 CEST
	}
	if diff := cmp.Diff(want, p.Current); diff != "" {
		t.Errorf("Current mismatch (-want +got):\n%s", diff)
	}
	if p.Previous.To != p.Current.From || p.Previous.From != time.Date(2024, 3, 17, 23, 0, 0, 0, time.UTC) {
		t.Errorf("Previous = %+v", p.Previous)
	}
	if len(p.Buckets) != 7 || len(p.DaysCur) != 7 || len(p.DaysPrev) != 7 {
		t.Fatalf("buckets %d, days %d/%d", len(p.Buckets), len(p.DaysCur), len(p.DaysPrev))
	}
	if last := p.DaysCur[6]; last.To.Sub(last.From) != 23*time.Hour {
		t.Errorf("31 March lasted %s in Berlin, want 23h", last.To.Sub(last.From))
	}
	if got := p.Label(); got != "last 7 days (25–31 Mar 2024)" {
		t.Errorf("Label() = %q", got)
	}
}

func TestPeriodBuckets(t *testing.T) {
	now := time.Date(2024, 5, 15, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		days, buckets int
		label         string
	}{
		{7, 7, "last 7 days (8–14 May 2024)"},
		{30, 10, "last 30 days (15 Apr – 14 May 2024)"},
		{90, 15, "last 90 days (15 Feb – 14 May 2024)"},
	} {
		p, err := metrics.NewPeriod(now, tc.days, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Buckets) != tc.buckets {
			t.Errorf("%dd: %d buckets, want %d", tc.days, len(p.Buckets), tc.buckets)
		}
		if p.Buckets[0].From != p.Current.From || p.Buckets[len(p.Buckets)-1].To != p.Current.To {
			t.Errorf("%dd: buckets do not cover the window", tc.days)
		}
		for i := 1; i < len(p.Buckets); i++ {
			if p.Buckets[i].From != p.Buckets[i-1].To {
				t.Errorf("%dd: gap between buckets %d and %d", tc.days, i-1, i)
			}
		}
		if p.Label() != tc.label {
			t.Errorf("%dd: Label() = %q, want %q", tc.days, p.Label(), tc.label)
		}
	}
	var we *metrics.WindowError
	if _, err := metrics.NewPeriod(now, 14, time.UTC); !errors.As(err, &we) {
		t.Errorf("14-day window error = %v", err)
	}
}

func TestRangeIsHalfOpen(t *testing.T) {
	r := metrics.Range{From: time.Date(2024, 1, 8, 0, 0, 0, 0, time.UTC), To: time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC)}
	if !r.Contains(r.From) || r.Contains(r.To) || !r.Contains(r.To.Add(-time.Nanosecond)) {
		t.Error("a range contains its start and not its end")
	}
}

func TestParseWindow(t *testing.T) {
	for in, want := range map[string]int{"7d": 7, "30D": 30, "90d": 90, "14d": 0, "7": 0} {
		got, ok := metrics.ParseWindow(in)
		if got != want || ok != (want != 0) {
			t.Errorf("ParseWindow(%q) = %d, %v", in, got, ok)
		}
	}
}

func TestOccurrence(t *testing.T) {
	berlin := mustLoad(t, "Europe/Berlin")
	for _, tc := range []struct {
		name, spec string
		now, want  time.Time
	}{
		{"on time", "0 9 * * MON", time.Date(2024, 4, 1, 7, 0, 0, 500, time.UTC), time.Date(2024, 4, 1, 7, 0, 0, 0, time.UTC)},
		{"late by 20 minutes", "0 9 * * MON", time.Date(2024, 4, 1, 7, 20, 0, 0, time.UTC), time.Date(2024, 4, 1, 7, 0, 0, 0, time.UTC)},
		{"hourly picks the latest", "0 * * * *", time.Date(2024, 4, 1, 7, 30, 0, 0, time.UTC), time.Date(2024, 4, 1, 7, 0, 0, 0, time.UTC)},
	} {
		got, err := metrics.Occurrence(tc.spec, berlin, tc.now)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("%s: Occurrence = %s, %v; want %s", tc.name, got, err, tc.want)
		}
	}
	if _, err := metrics.Occurrence("0 9 * * MON", berlin, time.Date(2024, 4, 3, 12, 0, 0, 0, time.UTC)); err == nil {
		t.Error("no occurrence in the last 6 hours must be an error")
	}
}

// TestSpanPeriod: a quarter across a DST change, compared with the same
// number of days before; buckets of uneven length give per-day rates.
func TestSpanPeriod(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, berlin)
	to := time.Date(2026, 4, 1, 0, 0, 0, 0, berlin) // 90 days, DST on 29 March
	buckets := []metrics.Range{{From: from.UTC(), To: from.AddDate(0, 0, 80).UTC()}, {From: from.AddDate(0, 0, 80).UTC(), To: to.UTC()}}
	p, err := metrics.SpanPeriod(from, to, berlin, buckets)
	if err != nil {
		t.Fatal(err)
	}
	if p.Days != 90 || len(p.DaysCur) != 90 || len(p.DaysPrev) != 90 ||
		!p.Previous.From.Equal(time.Date(2025, 10, 3, 0, 0, 0, 0, berlin)) || !p.Previous.To.Equal(from) || !p.Current.To.Equal(to) {
		t.Errorf("period = %d days, previous %s – %s, current to %s", p.Days, p.Previous.From, p.Previous.To, p.Current.To)
	}
	if d := p.DaysCur[87]; d.Days() != 1 || d.To.Sub(d.From) != 23*time.Hour {
		t.Errorf("29 March = %s – %s", d.From, d.To)
	}
	if buckets[1].Days() != 10 {
		t.Errorf("last bucket = %v days", buckets[1].Days())
	}
	for _, bad := range [][]metrics.Range{nil, buckets[:1], {{From: from.AddDate(0, 0, 1).UTC(), To: to.UTC()}}} {
		if _, err := metrics.SpanPeriod(from, to, berlin, bad); err == nil {
			t.Errorf("buckets %v accepted", bad)
		}
	}
	if _, err := metrics.SpanPeriod(from, from.Add(5*time.Hour), berlin, buckets); err == nil {
		t.Error("a span of part of a day accepted")
	}
}
