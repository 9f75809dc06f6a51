// Package schedule runs platformbot's periodic jobs (survey runs, reminders,
// digests, SLA nudges) with gocron, with our logger, metrics and, when
// several replicas share PostgreSQL, a locker that runs each occurrence once.
package schedule

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

// Job is one periodic job. Exactly one of Cron and Every is set.
type Job struct {
	// Name is stable across releases and replicas: it keys the lock that
	// makes a job run once per occurrence.
	Name     string
	Cron     string         // five-field cron expression
	Location *time.Location // for Cron; default UTC
	Every    time.Duration
	Run      func(ctx context.Context) error
}

// Scheduler runs Jobs.
type Scheduler struct {
	s       gocron.Scheduler
	log     zerolog.Logger
	runs    *prometheus.CounterVec
	timeout time.Duration
}

// Options configure a Scheduler.
type Options struct {
	Log      zerolog.Logger
	Registry prometheus.Registerer // nil: no metrics
	Clock    clockwork.Clock       // nil: the real clock; tests pass a fake
	Locker   gocron.Locker         // nil: single instance
	Timeout  time.Duration         // per run; default 5m
}

// New returns a stopped scheduler.
func New(opt Options) (*Scheduler, error) {
	gopts := []gocron.SchedulerOption{gocron.WithLogger(logAdapter{opt.Log})}
	if opt.Clock != nil {
		gopts = append(gopts, gocron.WithClock(opt.Clock))
	}
	if opt.Locker != nil {
		gopts = append(gopts, gocron.WithDistributedLocker(opt.Locker))
	}
	s, err := gocron.NewScheduler(gopts...)
	if err != nil {
		return nil, fmt.Errorf("schedule.New: %w", err)
	}
	sc := &Scheduler{s: s, log: opt.Log, timeout: opt.Timeout}
	if sc.timeout == 0 {
		sc.timeout = 5 * time.Minute
	}
	sc.runs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "platformbot_job_runs_total", Help: "Scheduled job runs by job and outcome.",
	}, []string{"job", "outcome"})
	if opt.Registry != nil {
		if err := opt.Registry.Register(sc.runs); err != nil {
			return nil, fmt.Errorf("schedule.New: %w", err)
		}
	}
	return sc, nil
}

// Add schedules a job. A slow run never overlaps the next one.
func (sc *Scheduler) Add(job Job) error {
	if job.Name == "" || job.Run == nil {
		return errors.New("schedule.Add: job needs a Name and a Run func")
	}
	var def gocron.JobDefinition
	switch {
	case job.Cron != "" && job.Every == 0:
		loc := job.Location
		if loc == nil {
			loc = time.UTC
		}
		def = gocron.CronJob("CRON_TZ="+loc.String()+" "+job.Cron, false)
	case job.Cron == "" && job.Every > 0:
		def = gocron.DurationJob(job.Every)
	default:
		return fmt.Errorf("schedule.Add(%q): set exactly one of Cron and Every", job.Name)
	}
	_, err := sc.s.NewJob(def, gocron.NewTask(sc.wrap(job)),
		gocron.WithName(job.Name),
		gocron.WithSingletonMode(gocron.LimitModeReschedule),
	)
	if err != nil {
		return fmt.Errorf("schedule.Add(%q): %w", job.Name, err)
	}
	return nil
}

// wrap adds a deadline, panic recovery, a log line and a metric to a run.
func (sc *Scheduler) wrap(job Job) func() {
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), sc.timeout)
		defer cancel()
		start := time.Now()
		outcome := "ok"
		defer func() {
			if v := recover(); v != nil {
				outcome = "panic"
				sc.log.Error().Str("job", job.Name).Interface("panic", v).Msg("job panicked")
			}
			sc.runs.WithLabelValues(job.Name, outcome).Inc()
		}()
		if err := job.Run(ctx); err != nil {
			outcome = "error"
			sc.log.Error().Err(err).Str("job", job.Name).Dur("duration", time.Since(start)).Msg("job failed")
			return
		}
		sc.log.Debug().Str("job", job.Name).Dur("duration", time.Since(start)).Msg("job ran")
	}
}

// Start starts running jobs.
func (sc *Scheduler) Start() { sc.s.Start() }

// Shutdown stops the scheduler and waits for running jobs.
func (sc *Scheduler) Shutdown() error { return sc.s.Shutdown() }

// NextRun returns when the named job runs next (zero if unknown).
func (sc *Scheduler) NextRun(name string) time.Time {
	for _, j := range sc.s.Jobs() {
		if j.Name() == name {
			t, _ := j.NextRun()
			return t
		}
	}
	return time.Time{}
}

// logAdapter routes gocron's logging into zerolog.
type logAdapter struct{ l zerolog.Logger }

func (a logAdapter) Debug(msg string, args ...any) { a.l.Debug().Fields(args).Msg(msg) }
func (a logAdapter) Info(msg string, args ...any)  { a.l.Info().Fields(args).Msg(msg) }
func (a logAdapter) Warn(msg string, args ...any)  { a.l.Warn().Fields(args).Msg(msg) }
func (a logAdapter) Error(msg string, args ...any) { a.l.Error().Fields(args).Msg(msg) }
