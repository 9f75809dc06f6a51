package schedule

import (
	"time"

	"github.com/platformbot/platformbot/internal/cronspec"
)

// outcomes are the values of platformbot_job_runs_total's outcome label.
var outcomes = []string{"ok", "error", "panic", "skipped", "claim_error"}

// initSeries creates a job's series at zero, so that they are scraped from
// the start and an alert on increase() sees the first error or miss (a
// counter that appears at 1 shows no increase).
func (sc *Scheduler) initSeries(job Job) {
	for _, o := range outcomes {
		sc.runs.WithLabelValues(job.Name, o)
	}
	if job.Cron != "" {
		sc.missed.WithLabelValues(job.Name)
	}
}

// maxCounted bounds the occurrences countBetween walks through (a job every
// minute, down for a week, is ten thousand).
const maxCounted = 100_000

// countBetween counts the occurrences of a cron job in (from, to].
func countBetween(job Job, from, to time.Time) int {
	sched, err := cronspec.Parse(job.Cron, job.Location)
	if err != nil {
		return 0
	}
	n := 0
	for t := sched.Next(from); !t.After(to) && n < maxCounted; t = sched.Next(t) {
		n++
	}
	return n
}

// later returns the later of two times.
func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
