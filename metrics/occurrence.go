package metrics

import (
	"fmt"
	"time"

	"github.com/platformbot/platformbot/internal/cronspec"
)

// occurrenceLookback bounds how late a run may start and still be matched
// to its scheduled time.
const occurrenceLookback = 6 * time.Hour

// Occurrence returns the scheduled time of the run that starts at now: the
// latest time at or before now that the cron expression spec selects in
// loc. A run that starts late still maps to the same occurrence, so that
// replicas (or a retry) can claim it once.
func Occurrence(spec string, loc *time.Location, now time.Time) (time.Time, error) {
	sched, err := cronspec.Parse(spec, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("metrics.Occurrence(%q): %w", spec, err)
	}
	if loc == nil {
		loc = time.UTC
	}
	now = now.In(loc)
	var last time.Time
	for t := sched.Next(now.Add(-occurrenceLookback)); !t.IsZero() && !t.After(now); t = sched.Next(t) {
		last = t
	}
	if last.IsZero() {
		return time.Time{}, fmt.Errorf("metrics.Occurrence(%q): no occurrence in the %s before %s", spec, occurrenceLookback, now.Format(time.RFC3339))
	}
	return last.UTC(), nil
}
