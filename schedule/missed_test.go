package schedule

import (
	"context"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

// TestMissedRunsAreCounted: occurrences that fell while no replica ran are
// counted in platformbot_job_missed_total at start, except the one caught
// up; a job that never ran has missed nothing.
func TestMissedRunsAreCounted(t *testing.T) {
	mondayTen := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name        string
		lastRun     time.Time // zero: no history
		down, grace time.Duration
		wantMissed  float64
		wantCaught  bool
	}{
		{"three weeks down, latest within grace", mondayTen.AddDate(0, 0, -21), 30 * time.Minute, time.Hour, 2, true},
		{"three weeks down, latest beyond grace", mondayTen.AddDate(0, 0, -21), 3 * time.Hour, time.Hour, 3, false},
		{"catch-up disabled", mondayTen.AddDate(0, 0, -7), 30 * time.Minute, 0, 1, false},
		{"nothing missed", mondayTen, 30 * time.Minute, time.Hour, 0, false},
		{"first start ever", time.Time{}, 30 * time.Minute, time.Hour, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			claims := &memClaims{}
			if !tc.lastRun.IsZero() {
				claims.Claim(context.Background(), "digest:weekly", tc.lastRun)
			}
			reg := prometheus.NewRegistry()
			sc, err := New(Options{Log: zerolog.Nop(), Registry: reg, Clock: clockwork.NewFakeClockAt(mondayTen.Add(tc.down)), Claims: claims, CatchUpGrace: tc.grace})
			if err != nil {
				t.Fatal(err)
			}
			ran := make(chan struct{}, 4)
			if err := sc.Add(Job{Name: "digest:weekly", Cron: "0 10 * * MON", Run: func(context.Context) error { ran <- struct{}{}; return nil }}); err != nil {
				t.Fatal(err)
			}
			// The series exist at zero before anything happens.
			if n := len(series(t, reg)); n != 1+len(outcomes) {
				t.Fatalf("series before start = %d, want %d", n, 1+len(outcomes))
			}
			sc.Start()
			defer sc.Shutdown()
			if got := series(t, reg)["platformbot_job_missed_total"]; got != tc.wantMissed {
				t.Errorf("missed = %v, want %v", got, tc.wantMissed)
			}
			select {
			case <-ran:
				if !tc.wantCaught {
					t.Error("caught up a run it should have skipped")
				}
			case <-time.After(200 * time.Millisecond):
				if tc.wantCaught {
					t.Error("the latest missed run was not caught up")
				}
			}
		})
	}
}

// series returns the gathered counters by name and labels (the missed
// counter's single series under its bare name).
func series(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			key := mf.GetName()
			for _, l := range m.GetLabel() {
				if l.GetName() == "outcome" {
					key += "/" + l.GetValue()
				}
			}
			out[key] = m.GetCounter().GetValue()
		}
	}
	return out
}
