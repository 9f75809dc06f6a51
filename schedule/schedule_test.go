package schedule

import (
	"context"
	"strings"
	"sync"
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

// memClaims is an in-memory Claims shared by several schedulers, standing
// in for the job_runs table.
type memClaims struct {
	mu   sync.Mutex
	runs map[string]time.Time // job|occurrence → occurrence
}

func (m *memClaims) Claim(_ context.Context, job string, occ time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.runs == nil {
		m.runs = map[string]time.Time{}
	}
	key := job + "|" + occ.UTC().String()
	if _, ok := m.runs[key]; ok {
		return false, nil
	}
	m.runs[key] = occ
	return true, nil
}

func (m *memClaims) LastOccurrence(_ context.Context, job string) (time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var last time.Time
	for k, occ := range m.runs {
		if strings.HasPrefix(k, job+"|") && occ.After(last) {
			last = occ
		}
	}
	return last, nil
}

func TestReplicasRunEachOccurrenceOnce(t *testing.T) {
	start := time.Date(2026, 11, 30, 9, 59, 0, 0, time.UTC)
	claims := &memClaims{}
	var runs atomic.Int32
	var clocks []*clockwork.FakeClock
	for i := range 3 {
		// Replica clocks disagree by up to two seconds.
		clock := clockwork.NewFakeClockAt(start.Add(time.Duration(i) * time.Second))
		clocks = append(clocks, clock)
		sc, err := New(Options{Log: zerolog.Nop(), Clock: clock, Claims: claims})
		if err != nil {
			t.Fatal(err)
		}
		if err := sc.Add(Job{Name: "digest:weekly", Cron: "0 10 * * *", Run: func(context.Context) error { runs.Add(1); return nil }}); err != nil {
			t.Fatal(err)
		}
		sc.Start()
		defer sc.Shutdown()
	}
	for _, c := range clocks {
		if err := c.BlockUntilContext(context.Background(), 1); err != nil {
			t.Fatal(err)
		}
		c.Advance(time.Minute)
	}
	waitFor(t, func() bool { return runs.Load() == 1 })
	time.Sleep(50 * time.Millisecond)
	if n := runs.Load(); n != 1 {
		t.Fatalf("occurrence ran %d times across 3 replicas, want 1", n)
	}
}

func TestCatchUpMissedOccurrence(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	job := func(ran chan<- struct{}) Job {
		return Job{Name: "pulse:dx", Cron: "0 10 * * MON", Location: berlin, Run: func(context.Context) error { ran <- struct{}{}; return nil }}
	}
	mondayTen := time.Date(2026, 11, 30, 10, 0, 0, 0, berlin)
	for _, tc := range []struct {
		name    string
		history bool          // the job ran before the outage
		down    time.Duration // how long after the missed occurrence we start
		want    bool
	}{
		{"missed within grace", true, 30 * time.Minute, true},
		{"missed beyond grace", true, 3 * time.Hour, false},
		{"first start ever", false, 30 * time.Minute, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			claims := &memClaims{}
			if tc.history {
				claims.Claim(context.Background(), "pulse:dx", mondayTen.AddDate(0, 0, -7))
			}
			clock := clockwork.NewFakeClockAt(mondayTen.Add(tc.down))
			sc, _ := New(Options{Log: zerolog.Nop(), Clock: clock, Claims: claims, CatchUpGrace: time.Hour})
			ran := make(chan struct{}, 2)
			sc.Add(job(ran))
			sc.Start()
			defer sc.Shutdown()
			select {
			case <-ran:
				if !tc.want {
					t.Fatal("caught up a run it should have skipped")
				}
			case <-time.After(300 * time.Millisecond):
				if tc.want {
					t.Fatal("missed run was not caught up")
				}
			}
			if tc.want {
				// A second replica starting now must not run it again.
				sc2, _ := New(Options{Log: zerolog.Nop(), Clock: clock, Claims: claims, CatchUpGrace: time.Hour})
				sc2.Add(job(ran))
				sc2.Start()
				defer sc2.Shutdown()
				select {
				case <-ran:
					t.Fatal("the caught-up occurrence ran twice")
				case <-time.After(200 * time.Millisecond):
				}
			}
		})
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestJobTimeout: a job's own timeout replaces the scheduler's, e.g. for a
// listing of a large workspace that takes longer than other jobs may.
func TestJobTimeout(t *testing.T) {
	sc, err := New(Options{Log: zerolog.Nop(), Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Shutdown()
	for _, tc := range []struct {
		timeout, atLeast, atMost time.Duration
	}{{0, 50 * time.Second, time.Minute}, {30 * time.Minute, 29 * time.Minute, 30 * time.Minute}} {
		var left time.Duration
		sc.run(Job{Name: "j", Every: time.Hour, Timeout: tc.timeout, Run: func(ctx context.Context) error {
			dl, _ := ctx.Deadline()
			left = time.Until(dl)
			return nil
		}}, time.Now())
		if left < tc.atLeast || left > tc.atMost {
			t.Errorf("Job.Timeout %s: the run had %s, want %s to %s", tc.timeout, left, tc.atLeast, tc.atMost)
		}
	}
}
