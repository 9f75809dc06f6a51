package schedule

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/rs/zerolog"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestCronJobRunsAtItsTimeInItsZone(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	// Monday 2026-11-30 09:59:50 Berlin.
	clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 30, 9, 59, 50, 0, berlin))
	sc, err := New(Options{Log: zerolog.Nop(), Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	ran := make(chan time.Time, 1)
	if err := sc.Add(Job{Name: "pulse", Cron: "0 10 * * MON", Location: berlin, Run: func(context.Context) error {
		ran <- clock.Now()
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	sc.Start()
	defer sc.Shutdown()
	want := time.Date(2026, 11, 30, 10, 0, 0, 0, berlin)
	if next := sc.NextRun("pulse"); !next.Equal(want) {
		t.Fatalf("NextRun = %v, want %v", next, want)
	}
	if err := clock.BlockUntilContext(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	clock.Advance(10 * time.Second)
	select {
	case at := <-ran:
		if at.Before(want) {
			t.Fatalf("ran at %v, before %v", at, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("job did not run after the clock reached its time")
	}
}

func TestAddRejectsBadJobs(t *testing.T) {
	sc, err := New(Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Shutdown()
	var n atomic.Int32
	run := func(context.Context) error { n.Add(1); return nil }
	for name, job := range map[string]Job{
		"no name":   {Cron: "* * * * *", Run: run},
		"both":      {Name: "x", Cron: "* * * * *", Every: time.Second, Run: run},
		"neither":   {Name: "x", Run: run},
		"bad cron":  {Name: "x", Cron: "61 * * * *", Run: run},
		"no runner": {Name: "x", Every: time.Second},
	} {
		if err := sc.Add(job); err == nil {
			t.Errorf("%s: Add succeeded, want error", name)
		}
	}
}
