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

	"github.com/platformbot/platformbot/internal/cronspec"
)

// Job is one periodic job. Exactly one of Cron and Every is set.
type Job struct {
	// Name is stable across releases and replicas: it keys the lock that
	// makes a job run once per occurrence.
	Name     string
	Cron     string         // five-field cron expression
	Location *time.Location // for Cron; default UTC
	Every    time.Duration
	// Timeout bounds one run; zero means the scheduler's (Options.Timeout).
	Timeout time.Duration
	Run     func(ctx context.Context) error
}

// Claims records which occurrences of which jobs have run, in the database
// that all replicas share, so that each occurrence runs once across
// replicas — whatever their clock skew — and a missed one can be caught up.
type Claims interface {
	// Claim records occurrence of job and reports whether this caller won it.
	Claim(ctx context.Context, job string, occurrence time.Time) (bool, error)
	// LastOccurrence returns the newest claimed occurrence of job, or zero.
	LastOccurrence(ctx context.Context, job string) (time.Time, error)
}

// Scheduler runs Jobs.
type Scheduler struct {
	s       gocron.Scheduler
	log     zerolog.Logger
	runs    *prometheus.CounterVec
	missed  *prometheus.CounterVec
	timeout time.Duration
	clock   clockwork.Clock
	claims  Claims
	grace   time.Duration
	jobs    []Job
}

// Options configure a Scheduler.
type Options struct {
	Log      zerolog.Logger
	Registry prometheus.Registerer // nil: no metrics
	Clock    clockwork.Clock       // nil: the real clock; tests pass a fake
	Claims   Claims                // nil: single instance, no catch-up
	// CatchUpGrace is how late a cron occurrence missed while no replica
	// was running may still run at Start (0: never).
	CatchUpGrace time.Duration
	Timeout      time.Duration // per run; default 5m
}

// New returns a stopped scheduler.
func New(opt Options) (*Scheduler, error) {
	gopts := []gocron.SchedulerOption{gocron.WithLogger(logAdapter{opt.Log})}
	if opt.Clock != nil {
		gopts = append(gopts, gocron.WithClock(opt.Clock))
	}
	s, err := gocron.NewScheduler(gopts...)
	if err != nil {
		return nil, fmt.Errorf("schedule.New: %w", err)
	}
	if opt.Clock == nil {
		opt.Clock = clockwork.NewRealClock()
	}
	sc := &Scheduler{s: s, log: opt.Log, timeout: opt.Timeout, clock: opt.Clock, claims: opt.Claims, grace: opt.CatchUpGrace}
	if sc.timeout == 0 {
		sc.timeout = 5 * time.Minute
	}
	// The job's label is "name", not "job", which Prometheus gives every
	// scraped series (the scrape job) and would rename to exported_job.
	sc.runs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "platformbot_job_runs_total", Help: "Scheduled job runs by job name and outcome (ok, error, panic, skipped: another replica ran it, claim_error).",
	}, []string{"name", "outcome"})
	sc.missed = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "platformbot_job_missed_total", Help: "Occurrences of cron jobs that no replica ran and that will not be caught up, as found by this replica when it started.",
	}, []string{"name"})
	if opt.Registry != nil {
		for _, c := range []prometheus.Collector{sc.runs, sc.missed} {
			if err := opt.Registry.Register(c); err != nil {
				return nil, fmt.Errorf("schedule.New: %w", err)
			}
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
	_, err := sc.s.NewJob(def, gocron.NewTask(func() { sc.run(job, sc.occurrence(job)) }),
		gocron.WithName(job.Name),
		gocron.WithSingletonMode(gocron.LimitModeReschedule),
	)
	if err != nil {
		return fmt.Errorf("schedule.Add(%q): %w", job.Name, err)
	}
	sc.jobs = append(sc.jobs, job)
	sc.initSeries(job)
	return nil
}

// occurrence names the run that is starting now: the scheduled minute for
// cron jobs, the interval's bucket for periodic ones. Replicas agree on it
// even when their clocks differ by seconds.
func (sc *Scheduler) occurrence(job Job) time.Time {
	now := sc.clock.Now().UTC()
	if job.Every > 0 {
		return now.Truncate(job.Every)
	}
	return now.Round(time.Minute) // gocron may fire a hair early or late
}

// run claims the occurrence (when several replicas share claims) and runs
// the job with a deadline, panic recovery, a log line and a metric.
func (sc *Scheduler) run(job Job, occurrence time.Time) {
	timeout := sc.timeout
	if job.Timeout > 0 {
		timeout = job.Timeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	log := sc.log.With().Str("job", job.Name).Time("occurrence", occurrence).Logger()
	if sc.claims != nil {
		won, err := sc.claims.Claim(ctx, job.Name, occurrence)
		if err != nil {
			sc.runs.WithLabelValues(job.Name, "claim_error").Inc()
			log.Error().Err(err).Msg("job not run: cannot claim its occurrence")
			return
		}
		if !won {
			sc.runs.WithLabelValues(job.Name, "skipped").Inc()
			log.Debug().Msg("occurrence already run by another replica")
			return
		}
	}
	start := time.Now()
	outcome := "ok"
	defer func() {
		if v := recover(); v != nil {
			outcome = "panic"
			log.Error().Interface("panic", v).Msg("job panicked")
		}
		sc.runs.WithLabelValues(job.Name, outcome).Inc()
	}()
	if err := job.Run(ctx); err != nil {
		outcome = "error"
		log.Error().Err(err).Dur("duration", time.Since(start)).Msg("job failed")
		return
	}
	log.Debug().Dur("duration", time.Since(start)).Msg("job ran")
}

// Start catches up missed cron occurrences, then starts running jobs.
func (sc *Scheduler) Start() {
	sc.catchUp()
	sc.s.Start()
}

// catchUp runs, once, the latest occurrence of each cron job that was due
// while no replica ran, if it is at most CatchUpGrace old and the job has
// run before (a job seen for the first time has missed nothing). gocron
// itself never catches up. The other occurrences due in that time are
// counted as missed.
func (sc *Scheduler) catchUp() {
	if sc.claims == nil {
		return
	}
	now := sc.clock.Now().UTC()
	for _, job := range sc.jobs {
		if job.Cron == "" {
			continue
		}
		last, err := sc.claims.LastOccurrence(context.Background(), job.Name)
		if err != nil {
			sc.log.Error().Err(err).Str("job", job.Name).Msg("catch-up: cannot read job history")
			continue
		}
		if last.IsZero() {
			continue
		}
		missed := countBetween(job, last, now)
		if sc.grace > 0 {
			if occ, ok := latestBefore(job, later(last, now.Add(-sc.grace)), now); ok {
				missed--
				sc.log.Info().Str("job", job.Name).Time("occurrence", occ).Msg("catching up a missed run")
				go sc.run(job, occ)
			}
		}
		if missed > 0 {
			sc.missed.WithLabelValues(job.Name).Add(float64(missed))
			sc.log.Warn().Str("job", job.Name).Int("missed", missed).Time("last_run", last).
				Msg("runs were due while no replica ran and are too old to catch up (scheduler.catch_up_grace)")
		}
	}
}

// latestBefore returns the latest occurrence of a cron job in (from, to].
func latestBefore(job Job, from, to time.Time) (time.Time, bool) {
	sched, err := cronspec.Parse(job.Cron, job.Location)
	if err != nil {
		return time.Time{}, false
	}
	var found time.Time
	for t := sched.Next(from); !t.After(to); t = sched.Next(t) {
		found = t
	}
	return found.UTC(), !found.IsZero()
}

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
