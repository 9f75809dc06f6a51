package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/handlers"
	"github.com/platformbot/platformbot/handlers/home"
	hmetrics "github.com/platformbot/platformbot/handlers/metrics"
	"github.com/platformbot/platformbot/httpapi"
	"github.com/platformbot/platformbot/i18n"
	"github.com/platformbot/platformbot/metrics"
	"github.com/platformbot/platformbot/schedule"
	"github.com/platformbot/platformbot/storage"
)

// wireMetrics registers `/platform metrics`, the App Home section, the
// activity middleware, the digest jobs and the ingest API.
func (m *Main) wireMetrics(ctx context.Context) error {
	cfg := m.Config
	th, ok := metrics.ThresholdsFor(cfg.Digests.ReportYear())
	if !ok {
		return fmt.Errorf("config: digests.dora_report_year: no thresholds for %d", cfg.Digests.ReportYear())
	}
	store := m.metricsStore()
	if err := store.EnsureAttribution(ctx); err != nil {
		return err
	}
	m.ensureRollupsInBackground(store)
	teams := handlers.NewMetricsTeams(m.People)
	h := &hmetrics.Handler{
		Service: &metrics.Service{
			Store: store, Directory: teams, Thresholds: th, Now: m.Clock.Now,
			Satisfaction: storage.NewSurveyStore(m.DB),
			SelfService:  storage.NewSelfServiceStore(m.DB),
			OfficeHours:  m.officeHoursStore(),
		},
		Outbox: m.Outbox, Teams: teams, Slack: m.Slack, Digests: cfg.Digests,
		Location: cfg.Location(), Now: m.Clock.Now, Log: m.Log, Languages: m.Language,
	}
	if cfg.Delivery.On() {
		held := storage.NewOutboxStore(m.DB)
		kinds := append(slices.Clone(guardedKinds), plannedKinds...)
		h.Waiting = func(ctx context.Context, now time.Time) (int, error) { return held.WaitingKinds(ctx, kinds, now) }
	}
	h.Register(m.Router, cfg.Slack.Commands.Platform)
	m.Home.Add(home.Section{Name: "Metrics", NameID: i18n.HomeSectionMetrics, Order: 40, Render: h.HomeSection})

	rec := &hmetrics.ActivityRecorder{Store: store, Location: cfg.Location(), Now: m.Clock.Now, Log: m.Log}
	m.Router.Use(rec.Middleware())
	m.closers = append(m.closers, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return rec.Flush(ctx)
	})

	jobs := []schedule.Job{
		{Name: "metrics:activity-flush", Every: time.Minute, Run: rec.Flush},
		{Name: "metrics:forget-deliveries", Every: 24 * time.Hour, Run: func(ctx context.Context) error {
			return store.ForgetDeliveriesBefore(ctx, m.Clock.Now().Add(-7*24*time.Hour))
		}},
	}
	for _, p := range cfg.Digests.Posts {
		jobs = append(jobs, schedule.Job{Name: "digest:" + p.ID, Cron: p.Schedule, Location: p.Location(cfg.Location()),
			Run: func(ctx context.Context) error { return h.RunDigest(ctx, p) }})
	}
	for _, j := range jobs {
		if err := m.Scheduler.Add(j); err != nil {
			return err
		}
	}
	(&httpapi.Ingest{Store: store, Config: cfg, Now: m.Clock.Now, Log: m.Log}).Register(m.HTTP)
	return nil
}

// ensureRollupsInBackground builds the metrics rollups when they are
// missing (the first start of a version that has them) or were built for
// other production environments. It runs in the background, so that the
// bot serves meanwhile: reports read the raw tables until the rollups are
// ready, and ingests wait for the rebuild to finish. `platformbot migrate`
// does the same in the foreground.
func (m *Main) ensureRollupsInBackground(store *storage.Metrics) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	m.background = append(m.background, func() {
		wg.Go(func() {
			if err := m.ensureRollups(ctx, store); err != nil && ctx.Err() == nil {
				m.Log.Error().Err(err).Msg("metrics rollups: build failed; reports read the raw tables (run platformbot migrate --rebuild-rollups)")
			}
		})
	})
	m.closers = append(m.closers, func() error {
		cancel()
		wg.Wait()
		return nil
	})
}

// ensureRollups builds the rollups if they are not ready, and logs it.
func (m *Main) ensureRollups(ctx context.Context, store *storage.Metrics) error {
	if ok, err := store.RollupsReady(ctx); ok || err != nil {
		return err
	}
	m.Log.Warn().Msg("metrics rollups: building them from the raw tables; reports read the raw tables and ingests wait until done")
	began := m.Clock.Now()
	if err := store.EnsureRollups(ctx); err != nil {
		return err
	}
	m.Log.Info().Dur("took", m.Clock.Since(began)).Msg("metrics rollups: ready")
	return nil
}

// metricsStore returns the metrics store with the configured attribution.
func (m *Main) metricsStore() *storage.Metrics {
	return storage.NewMetrics(m.DB, storage.MetricsOptions{
		AttributionWindow:      m.Config.Digests.Attribution(),
		ProductionEnvironments: m.Config.Digests.Production(),
		Now:                    m.Clock.Now,
	})
}

// seedMetrics adds about 100 days of sample deployments, incidents and bot
// activity for `console --demo`, relative to now; the ids are fixed, so a
// second run updates the same rows.
func (m *Main) seedMetrics(ctx context.Context) error {
	services := m.Config.Ingest.Services
	if len(services) == 0 {
		services = []config.ServiceOwner{{ID: "checkout", Team: "payments"}, {ID: "search-api", Team: "search"}}
	}
	rng := rand.New(rand.NewPCG(42, 6))
	now := m.Clock.Now().UTC().Truncate(time.Hour)
	var b metrics.Batch
	for si, svc := range services {
		for day := 100; day >= 1; day-- {
			for n := range rng.IntN(3 + si) {
				fin := now.AddDate(0, 0, -day).Add(time.Duration(9+rng.IntN(8)) * time.Hour)
				d := metrics.Deployment{
					ID: fmt.Sprintf("demo-%s-%d-%d", svc.ID, day, n), Source: "api", Service: svc.ID, Team: svc.Team,
					Environment: "production", Status: metrics.StatusSuccess, CommitSHA: fmt.Sprintf("%x", rng.Uint64()),
					StartedAt: fin.Add(-8 * time.Minute), FinishedAt: fin, Unplanned: rng.IntN(25) == 0,
				}
				if rng.IntN(12) == 0 {
					d.Status = metrics.StatusFailure
				}
				if rng.IntN(15) != 0 { // some CI steps do not report commit times
					d.CommitAt = fin.Add(-time.Duration(1+rng.IntN(40)) * time.Hour)
				}
				b.Deployments = append(b.Deployments, d)
				if rng.IntN(14) == 0 {
					opened := fin.Add(time.Duration(10+rng.IntN(120)) * time.Minute)
					b.Incidents = append(b.Incidents, metrics.Incident{
						ID: "demo-inc-" + d.ID, Source: "api", Service: svc.ID, Team: svc.Team, Title: "Errors after a deploy of " + svc.ID,
						OpenedAt: opened, ResolvedAt: opened.Add(time.Duration(15+rng.IntN(300)) * time.Minute),
					})
				}
			}
		}
	}
	if _, err := m.metricsStore().Ingest(ctx, b); err != nil {
		return err
	}
	return m.metricsStore().RecordActivity(ctx, m.demoActivity(now, rng))
}

// demoActivity is 40 days of bot use: the configured teams' listed members
// on most days (so that team digests show adoption, as the demo user's
// requests show self-service) and a few people in no team.
func (m *Main) demoActivity(now time.Time, rng *rand.Rand) []metrics.Activity {
	var members []string
	for _, t := range m.Config.Teams {
		members = append(members, t.Users...)
	}
	var acts []metrics.Activity
	loc := m.Config.Location()
	for day := 40; day >= 0; day-- {
		t := now.In(loc).AddDate(0, 0, -day)
		midnight := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc).UTC()
		for _, u := range members {
			if rng.IntN(4) != 0 {
				acts = append(acts, metrics.Activity{Day: midnight, UserID: u})
			}
		}
		for u := range 3 + rng.IntN(6) {
			acts = append(acts, metrics.Activity{Day: midnight, UserID: fmt.Sprintf("UDEMO%04d", u)})
		}
	}
	return acts
}
