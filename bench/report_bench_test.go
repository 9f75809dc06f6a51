package bench

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/platformbot/platformbot/metrics"
	"github.com/platformbot/platformbot/report"
	"github.com/platformbot/platformbot/storage"
)

// BenchmarkValueReport computes the quarterly value report of the last
// quarter before the data set's end (Q1 2026: 1 January – 31 March,
// compared with the 90 days before) over the digest benchmark's data —
// 1,000,000 deployments of 300 services in 40 teams, 50,000 incidents,
// bot activity — including the four PNG charts. Every section is computed
// (self-service, surveys and office hours over empty tables). It reports
// the time of the figures and of the charts separately.
func BenchmarkValueReport(b *testing.B) {
	o := benchOptions(b)
	ctx := context.Background()
	env, err := setup(ctx, o)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { env.db.Close() })
	svc := env.reportService()
	p, err := svc.Parse("last")
	if err != nil {
		b.Fatal(err)
	}
	r, err := svc.Report(ctx, p)
	if err != nil {
		b.Fatal(err)
	}
	if len(r.Unavailable) > 0 {
		b.Fatalf("unavailable: %v", r.Unavailable)
	}
	charts, missing := report.Charts(r)
	fmt.Printf("value report %s: %s successful production deployments, %d charts (%d left out), lead time %s\n",
		p.Label(), fmtFig(r.Delivery.Deployments), len(charts), len(missing), fmtFig(r.Delivery.LeadTime))
	var figures, drawing time.Duration
	for b.Loop() {
		start := time.Now()
		r, err := svc.Report(ctx, p)
		if err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		if charts, _ := report.Charts(r); len(charts) == 0 {
			b.Fatal("no charts")
		}
		figures += mid.Sub(start)
		drawing += time.Since(mid)
	}
	b.ReportMetric(float64(figures.Milliseconds())/float64(b.N), "ms/figures")
	b.ReportMetric(float64(drawing.Milliseconds())/float64(b.N), "ms/charts")
}

// reportService is the value report's service over the benchmark's stores.
func (e *benchEnv) reportService() *report.Service {
	th, _ := metrics.ThresholdsFor(2023)
	ss := storage.NewSelfServiceStore(e.db)
	return &report.Service{
		Delivery: e.service(), Activity: e.store, Catalog: ss, SelfService: ss,
		Rounds: storage.NewSurveyStore(e.db), Thresholds: th, HourlyCost: 95, Currency: "EUR",
		Location: time.UTC, Now: func() time.Time { return e.o.now },
	}
}

func fmtFig(f report.Figure) string {
	if f.Value == nil {
		return "no data"
	}
	return fmt.Sprint(*f.Value)
}
