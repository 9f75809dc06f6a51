// Package cronspec is the one reader of the cron expressions in the
// configuration: config validates with it, the scheduler and the features
// that compute occurrences (surveys, digests) read with it, so all agree on
// the dialect: five fields or an @descriptor, as gocron's CronJob(expr,
// false) runs them, with the zone given apart.
package cronspec

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ErrZonePrefix refuses a TZ= or CRON_TZ= prefix: the zone is configured
// with a timezone key, and robfig/cron v3.0.1 panics on "TZ=" alone.
var ErrZonePrefix = errors.New("set the time zone with the timezone key, not TZ= in the expression")

// Parse reads expr as a schedule in loc (nil: UTC).
func Parse(expr string, loc *time.Location) (cron.Schedule, error) {
	if strings.HasPrefix(expr, "TZ=") || strings.HasPrefix(expr, "CRON_TZ=") {
		return nil, ErrZonePrefix
	}
	sched, err := parser.Parse(expr)
	if err != nil {
		return nil, fmt.Errorf("cronspec: %w", err)
	}
	if loc == nil {
		loc = time.UTC
	}
	if spec, ok := sched.(*cron.SpecSchedule); ok {
		spec.Location = loc
	}
	return sched, nil
}
