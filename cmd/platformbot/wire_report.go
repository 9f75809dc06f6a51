package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/config"
	handlers "github.com/platformbot/platformbot/handlers/report"
	"github.com/platformbot/platformbot/httpapi"
	"github.com/platformbot/platformbot/metrics"
	"github.com/platformbot/platformbot/report"
	"github.com/platformbot/platformbot/schedule"
	"github.com/platformbot/platformbot/storage"
)

// ReportJob names the scheduled value report's job.
const ReportJob = "report:quarterly"

// wireReport registers `/platform report`, the scheduled value report and
// GET /api/v1/report. Its figures come from the metrics store and the
// features' stores, the request board's ranking and the preview programs
// included (both wired before).
func (m *Main) wireReport(ctx context.Context) error {
	cfg := m.Config
	th, ok := metrics.ThresholdsFor(cfg.Digests.ReportYear())
	if !ok {
		return fmt.Errorf("config: digests.dora_report_year: no thresholds for %d", cfg.Digests.ReportYear())
	}
	store := m.metricsStore()
	ss := storage.NewSelfServiceStore(m.DB)
	loc := cfg.Report.Location(cfg.Location())
	svc := &report.Service{
		Delivery: &metrics.Service{Store: store, Thresholds: th, Now: m.Clock.Now},
		Activity: store, Catalog: ss, SelfService: ss, Items: reportItems(cfg),
		OfficeHours: m.officeHoursStore(), Rounds: storage.NewSurveyStore(m.DB),
		Thresholds: th, HourlyCost: cfg.Report.HourlyCost, Currency: cfg.Report.Currency, TopIdeas: cfg.Report.TopIdeas,
		Location: loc, Now: m.Clock.Now,
	}
	if m.ideas != nil {
		svc.Ideas = reportIdeas{m.ideas}
	}
	if m.Previews != nil {
		svc.Previews = reportPreviews{m.Previews}
	}
	up, ok := m.Slack.(bot.Uploader)
	if !ok {
		up = noUploads{}
	}
	h := &handlers.Handler{Service: svc, Outbox: m.Outbox, Slack: m.Slack, Files: up, Admins: m.Admins, Channel: cfg.Report.Channel, Log: m.Log, Languages: m.Language}
	h.Register(m.Router, cfg.Slack.Commands.Platform)
	if s := cfg.Report.Schedule; s != "" {
		err := m.Scheduler.Add(schedule.Job{Name: ReportJob, Cron: s, Location: loc, Run: func(ctx context.Context) error {
			occ, err := metrics.Occurrence(s, loc, m.Clock.Now())
			if err != nil {
				return err
			}
			return h.RunScheduled(ctx, occ)
		}})
		if err != nil {
			return err
		}
	}
	(&httpapi.Report{Service: svc, Token: cfg.ReportToken, Log: m.Log}).Register(m.HTTP)
	return nil
}

func reportItems(cfg *config.Config) []report.Item {
	items := make([]report.Item, 0, len(cfg.Catalog))
	for _, t := range cfg.Catalog {
		items = append(items, report.Item{ID: t.ID, Title: t.Title})
	}
	return items
}

// noUploads stands in for a Slack port that cannot upload (a test's
// hand-made port): the charts fail for good, the report itself is posted.
type noUploads struct{}

func (noUploads) UploadFile(context.Context, bot.File) (string, error) {
	return "", errors.New("this Slack port cannot upload files")
}

// seedReport adds what `console --demo` needs for a value report of the
// last quarter, beyond what the other features seed (their data covers
// the last weeks): deployments and bot activity from 101 to 200 days
// back, and three survey rounds in the last quarter. Fixed ids make a
// second run update the same rows.
func (m *Main) seedReport(ctx context.Context) error {
	rng := rand.New(rand.NewPCG(7, 11))
	now := m.Clock.Now().UTC().Truncate(time.Hour)
	var b metrics.Batch
	for day := 200; day > 100; day-- {
		for n := range 2 + rng.IntN(5) {
			fin := now.AddDate(0, 0, -day).Add(time.Duration(9+rng.IntN(8)) * time.Hour)
			d := metrics.Deployment{
				ID: fmt.Sprintf("demo-q-%d-%d", day, n), Source: "api", Service: "checkout", Team: "payments",
				Environment: "production", Status: metrics.StatusSuccess, StartedAt: fin.Add(-8 * time.Minute), FinishedAt: fin,
				CommitAt: fin.Add(-time.Duration(2+rng.IntN(30)+day/10) * time.Hour), Unplanned: rng.IntN(30) == 0,
			}
			if rng.IntN(10) == 0 {
				d.Status = metrics.StatusFailure
			}
			b.Deployments = append(b.Deployments, d)
		}
	}
	if _, err := m.metricsStore().Ingest(ctx, b); err != nil {
		return err
	}
	loc := m.Config.Location()
	var acts []metrics.Activity
	for day := 200; day > 40; day-- {
		t := now.In(loc).AddDate(0, 0, -day)
		midnight := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc).UTC()
		for u := range 2 + (200-day)/25 + rng.IntN(4) {
			acts = append(acts, metrics.Activity{Day: midnight, UserID: fmt.Sprintf("UDEMO%04d", u)})
		}
	}
	if err := m.metricsStore().RecordActivity(ctx, acts); err != nil {
		return err
	}
	return m.seedReportRounds(ctx)
}

// seedReportRounds closes three demo runs of the first survey inside the
// last quarter, so that its satisfaction chart has points.
func (m *Main) seedReportRounds(ctx context.Context) error {
	all := surveysFromConfig(m.Config)
	if len(all) == 0 {
		return nil
	}
	p, err := report.ParsePeriod("last", m.Clock.Now(), m.Config.Location())
	if err != nil {
		return err
	}
	st := storage.NewSurveyStore(m.DB)
	for i, day := range []int{12, 40, 68} {
		at := p.From.AddDate(0, 0, day).Add(9 * time.Hour).UTC()
		if err := seedRun(ctx, st, all[0], fmt.Sprintf("demo:report:%d", i+1), at, 10+3*i, i); err != nil {
			return err
		}
	}
	return nil
}
