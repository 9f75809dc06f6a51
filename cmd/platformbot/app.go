package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot"
	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/delivery"
	"github.com/platformbot/platformbot/handlers"
	"github.com/platformbot/platformbot/handlers/home"
	"github.com/platformbot/platformbot/httpapi"
	"github.com/platformbot/platformbot/i18n"
	"github.com/platformbot/platformbot/ideas"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/people"
	"github.com/platformbot/platformbot/previews"
	"github.com/platformbot/platformbot/schedule"
	"github.com/platformbot/platformbot/storage"
)

// Main is the whole program, shared by the binary and the end-to-end tests:
// Open wires everything, Run serves, Close tears down. `run` and `console`
// build the same Main and differ only in the Slack port they plug in.
type Main struct {
	Env    Env
	Config *config.Config
	Log    zerolog.Logger
	Clock  clockwork.Clock // tests pass a fake clock

	Registry  *prometheus.Registry
	Metrics   *bot.Metrics
	DB        *storage.DB
	Slack     bot.Slack // set before Open by console and tests; else the Web API
	People    *people.Directory
	Admins    *bot.Admins
	Router    *bot.Router
	Home      *home.Tab
	Scheduler *schedule.Scheduler
	HTTP      *httpapi.Server
	Runtime   *bot.Runtime
	Outbox    *outbox.Dispatcher // every side effect goes out through it
	// Language picks the language of a person or a channel.
	Language *i18n.Chooser
	// Previews runs the preview programs; its Summary feeds the value
	// report.
	Previews *previews.Service

	// AckBudget overrides how long a handler may take before its envelope
	// is acked without the reply (tests shorten it).
	AckBudget time.Duration
	// ManualOutbox delivers sends only when settle drains them, one at a
	// time: the console does, so that what it prints comes in the order it
	// was decided (a script reads the same every time).
	ManualOutbox bool

	api   *bot.API       // the Web API client, when Slack is the real thing
	ideas *ideas.Service // the request board, which the value report ranks
	// delivery knows each person's zone and working hours: surveys plan
	// their invitations with it; it holds the self-initiated DMs when
	// delivery.enabled.
	delivery *delivery.Gate
	// background loops run on every replica (unlike scheduled jobs, which
	// run once across replicas), e.g. the outbox dispatcher; Run and the
	// console start them.
	background []func()
	// settlers wait for the background work a request started (outbox
	// sends, notifications, DM updates); the console runs them between
	// scripted lines.
	settlers []func(context.Context) error
	closers  []func() error
}

// builtinConfigName names the built-in example in messages.
const builtinConfigName = "built-in platformbot.example.yaml"

// readConfig returns the configuration `run` uses: the file path
// (PLATFORMBOT_CONFIG), else ./platformbot.yaml, else the built-in example.
// `config validate` with no file checks the same.
func readConfig(path string) (name string, data []byte, err error) {
	if path == "" {
		if _, err := os.Stat("platformbot.yaml"); err == nil {
			path = "platformbot.yaml"
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", nil, fmt.Errorf("config: %w", err)
		}
	}
	if path == "" {
		return builtinConfigName, platformbot.ExampleConfig, nil
	}
	data, err = os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil, fmt.Errorf("config: %s does not exist", path)
	} else if err != nil {
		return "", nil, fmt.Errorf("config: %w", err)
	}
	return path, data, nil
}

// loadConfig reads and validates the configuration, logging its warnings.
func loadConfig(path string, log zerolog.Logger) (*config.Config, error) {
	name, data, err := readConfig(path)
	if err != nil {
		return nil, err
	}
	if name == builtinConfigName {
		log.Info().Msg("no platformbot.yaml and PLATFORMBOT_CONFIG unset: using the built-in example configuration")
	}
	cfg, err := config.Parse(name, data)
	if err != nil {
		return nil, err
	}
	for _, w := range cfg.Warnings() {
		log.Warn().Str("config", name).Msg(w.String(name))
	}
	return cfg, nil
}

// Open loads configuration, opens and migrates the database, and wires the
// router, features, scheduler and HTTP server. It starts nothing.
func (m *Main) Open(ctx context.Context) error {
	if m.Config == nil {
		cfg, err := loadConfig(m.Env.ConfigPath, m.Log)
		if err != nil {
			return err
		}
		m.Config = cfg
	}
	if m.Clock == nil {
		m.Clock = clockwork.NewRealClock()
	}
	m.Registry = prometheus.NewRegistry()
	m.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.Metrics = bot.NewMetrics(m.Registry)

	db, err := storage.Open(ctx, m.Env.DatabaseURL, storage.Options{})
	if err != nil {
		return err
	}
	m.DB = db
	m.closers = append(m.closers, db.Close)
	if err := db.Migrate(ctx); err != nil {
		return err
	}

	if m.Slack == nil {
		m.api = bot.NewAPI(bot.APIConfig{
			BotToken: m.Env.BotToken, AppToken: m.Env.AppToken, APIURL: m.Env.APIURL,
			Log: m.Log, Metrics: m.Metrics, Limits: apiLimits(m.Config.Slack.RateLimits),
		})
		m.Slack = m.api
	}
	claims := storage.NewJobClaims(db)
	m.openPeople(claims)
	m.Admins = &bot.Admins{Users: m.Config.Admins.Users, Group: m.Config.Admins.UserGroup, Members: m.People}
	m.Router = bot.NewRouter(m.Admins, bot.Chain(bot.ChainConfig{
		Log: m.Log, Metrics: m.Metrics, Timeout: 30 * time.Second, Unavailable: storage.IsUnavailable,
	})...)
	m.openLanguage()
	handlers.RegisterCommands(m.Router, m.Config.Slack.Commands)
	m.Home = &home.Tab{Slack: m.Slack, Log: m.Log, Languages: m.Language, Command: m.Config.Slack.Commands.Platform}
	m.Home.Register(m.Router)
	(&handlers.DirectMessages{Router: m.Router, Slack: m.Slack}).Register(m.Router)

	m.Scheduler, err = schedule.New(schedule.Options{
		Log: m.Log, Registry: m.Registry, Clock: m.Clock,
		Claims: claims, CatchUpGrace: m.Config.Scheduler.CatchUpGrace.D(),
	})
	if err != nil {
		return err
	}
	if err := m.Scheduler.Add(housekeeping(db, claims, m.Clock)); err != nil {
		return err
	}
	m.HTTP = httpapi.New(m.Log, m.Registry)
	m.HTTP.AddCheck("database", db.Ping)

	for _, wire := range []func(context.Context) error{m.wireReplicas, m.wirePeople, m.wireOutbox, m.wireDelivery, m.wireSelfService, m.wireOfficeHours, m.wireSurveys, m.wireMetrics, m.wireIdeas, m.wirePreviews, m.wireReport, m.wireLanguage} {
		if err := wire(ctx); err != nil {
			return err
		}
	}
	return m.wireObservability()
}

// Run connects to Slack over Socket Mode and serves until ctx is done.
func (m *Main) Run(ctx context.Context) error {
	if err := m.HTTP.Start(m.Env.HTTPAddr); err != nil {
		return fmt.Errorf("HTTP_ADDR: cannot listen on %s: %w", m.Env.HTTPAddr, err)
	}
	m.Log.Info().Str("addr", m.HTTP.Addr()).Msg("http server listening")
	if m.api == nil {
		return errors.New("run needs the Slack Web API client (Main.Slack must be unset)")
	}
	m.Runtime = bot.NewRuntime(bot.RuntimeConfig{
		API: m.api.Client(), Router: m.Router, Slack: m.Slack, Log: m.Log, Metrics: m.Metrics,
		Dedup: storage.NewEventDedup(m.DB), AckBudget: m.AckBudget,
	})
	m.HTTP.AddCheck("slack", m.Runtime.Ready)
	if err := m.wireSocketGauge(); err != nil {
		return err
	}
	m.startBackground()
	err := m.Runtime.Run(ctx)
	m.shutdown()
	return err
}

// settle waits until the background work started so far has finished.
func (m *Main) settle(ctx context.Context) error {
	for _, s := range m.settlers {
		if err := s(ctx); err != nil {
			return err
		}
	}
	return m.Outbox.Drain(ctx)
}

// startBackground starts the scheduler and the per-replica loops.
func (m *Main) startBackground() {
	m.Scheduler.Start()
	for _, start := range m.background {
		start()
	}
}

// shutdown stops the scheduler and the HTTP server, in that order, after the
// runtime has finished its in-flight envelopes.
func (m *Main) shutdown() {
	if err := m.Scheduler.Shutdown(); err != nil {
		m.Log.Warn().Err(err).Msg("scheduler shutdown")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := m.HTTP.Shutdown(ctx); err != nil {
		m.Log.Warn().Err(err).Msg("http shutdown")
	}
}

// Close releases everything Open acquired, last first.
func (m *Main) Close() error {
	var errs []error
	for i := len(m.closers) - 1; i >= 0; i-- {
		errs = append(errs, m.closers[i]())
	}
	m.closers = nil
	return errors.Join(errs...)
}

// housekeeping forgets Slack event ids after a day (Slack stops redelivering
// within minutes) and job claims after 90 days (catch-up looks back hours).
func housekeeping(db *storage.DB, claims *storage.JobClaims, clock clockwork.Clock) schedule.Job {
	return schedule.Job{Name: "housekeeping", Every: time.Hour, Run: func(ctx context.Context) error {
		now := clock.Now()
		return errors.Join(
			storage.NewEventDedup(db).ForgetEventsBefore(ctx, now.Add(-24*time.Hour)),
			claims.ForgetJobRunsBefore(ctx, now.AddDate(0, 0, -90)),
		)
	}}
}
