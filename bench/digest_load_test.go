package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"golang.org/x/sync/errgroup"

	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/httpapi"
	"github.com/platformbot/platformbot/metrics"
	"github.com/platformbot/platformbot/storage"
)

// benchEnv holds the store, the config and the generated shape of the
// data: service i belongs to team i mod teams.
type benchEnv struct {
	o     options
	db    *storage.DB
	store *storage.Metrics
	cfg   *config.Config
}

func newBenchEnv(db *storage.DB, o options) *benchEnv {
	cfg := config.Defaults()
	for t := range o.teams {
		team := config.Team{ID: teamID(t), Name: fmt.Sprintf("Team %d", t)}
		for u := range 50 {
			team.Users = append(team.Users, userID(t*50+u))
		}
		cfg.Teams = append(cfg.Teams, team)
	}
	cfg.Ingest.TokenEnv = "BENCH_INGEST_TOKEN"
	cfg.Ingest.MaxBodyBytes = 4 << 20
	store := storage.NewMetrics(db, storage.MetricsOptions{
		AttributionWindow: 24 * time.Hour, ProductionEnvironments: []string{"production"},
		Now: func() time.Time { return o.now },
	})
	return &benchEnv{o: o, db: db, store: store, cfg: cfg}
}

func teamID(i int) string    { return fmt.Sprintf("team-%02d", i) }
func serviceID(i int) string { return fmt.Sprintf("svc-%03d", i) }
func userID(i int) string    { return fmt.Sprintf("UBENCH%05d", i) }

// needsData reports whether the schema lacks the requested data.
func (e *benchEnv) needsData(ctx context.Context) (bool, error) {
	if e.o.reload {
		return true, nil
	}
	var deps, incs int64
	if err := e.db.Gorm.WithContext(ctx).Raw("SELECT COUNT(*) FROM deployments").Scan(&deps).Error; err != nil {
		return false, err
	}
	if err := e.db.Gorm.WithContext(ctx).Raw("SELECT COUNT(*) FROM incidents").Scan(&incs).Error; err != nil {
		return false, err
	}
	return deps != int64(e.o.deployments) || incs != int64(e.o.incidents), nil
}

func (e *benchEnv) load(ctx context.Context) error {
	if err := e.db.Gorm.WithContext(ctx).Exec("TRUNCATE deployments, incidents, commits, webhook_deliveries, bot_activity_days, metrics_settings, " +
		"deployment_rollups, incident_rollups, bot_activity_rollups").Error; err != nil {
		return err
	}
	// Rollups of nothing are ready at once; ingest keeps them.
	if err := e.store.EnsureRollups(ctx); err != nil {
		return err
	}
	if e.o.copy {
		return e.loadByCopy(ctx)
	}
	if err := e.loadDeployments(ctx); err != nil {
		return err
	}
	if err := e.loadIncidents(ctx); err != nil {
		return err
	}
	return e.loadActivity(ctx)
}

// apiDeployment is the ingest API's JSON body.
type apiDeployment struct {
	ID          string `json:"id"`
	Service     string `json:"service"`
	Team        string `json:"team"`
	Environment string `json:"environment"`
	Status      string `json:"status"`
	CommitSHA   string `json:"commit_sha,omitempty"`
	CommitTime  string `json:"commit_time,omitempty"`
	StartedAt   string `json:"started_at"`
	FinishedAt  string `json:"finished_at"`
	Unplanned   bool   `json:"unplanned,omitempty"`
}

// loadDeployments posts the deployments, oldest first, as JSON arrays to
// POST /api/v1/deployments of an in-process server and reports the rate
// and the CPU time it took.
func (e *benchEnv) loadDeployments(ctx context.Context) error {
	os.Setenv("BENCH_INGEST_TOKEN", "bench")
	srv := httpapi.New(zerolog.Nop(), prometheus.NewRegistry())
	(&httpapi.Ingest{Store: e.store, Config: e.cfg, Now: func() time.Time { return e.o.now }, Log: zerolog.Nop()}).Register(srv)
	ts := httptest.NewServer(srv)
	defer ts.Close()

	rng := rand.New(rand.NewPCG(1, 2))
	batches := make(chan []byte, e.o.workers)
	g, gctx := errgroup.WithContext(ctx)
	cpu := e.startCPU(ctx)
	began := time.Now()
	for range e.o.workers {
		g.Go(func() error {
			for body := range batches {
				if err := post(gctx, ts.URL+"/api/v1/deployments", body); err != nil {
					return err
				}
			}
			return nil
		})
	}
	g.Go(func() error {
		defer close(batches)
		for first := 0; first < e.o.deployments; first += e.o.batch {
			var items []apiDeployment
			for i := first; i < min(first+e.o.batch, e.o.deployments); i++ {
				items = append(items, apiBody(e.deployment(rng, i)))
			}
			body, err := json.Marshal(items)
			if err != nil {
				return err
			}
			select {
			case batches <- body:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return err
	}
	elapsed := time.Since(began)
	fmt.Printf("ingest: %d deployments in %s through POST /api/v1/deployments (%d per request, %d concurrent): %.0f deployments/s\n",
		e.o.deployments, elapsed.Round(time.Millisecond), e.o.batch, e.o.workers, float64(e.o.deployments)/elapsed.Seconds())
	cpu.print(ctx, "ingest", e.o.deployments)
	return nil
}

// deployment generates deployment i, finished at its place in the
// history: 60% production, 9% failed, 3% unplanned, 5% without a commit
// time, lead times log-normal around 6h.
func (e *benchEnv) deployment(rng *rand.Rand, i int) metrics.Deployment {
	start := e.o.now.AddDate(0, 0, -e.o.days)
	step := time.Duration(e.o.days) * 24 * time.Hour / time.Duration(e.o.deployments)
	fin := start.Add(time.Duration(i) * step).Truncate(time.Second)
	svc := rng.IntN(e.o.services)
	d := metrics.Deployment{
		ID: fmt.Sprintf("dep-%08d", i), Source: "api", Service: serviceID(svc), Team: teamID(svc % e.o.teams),
		Environment: "production", Status: "success", StartedAt: fin.Add(-7 * time.Minute), FinishedAt: fin,
		Unplanned: rng.IntN(100) < 3,
	}
	if rng.IntN(100) < 40 {
		d.Environment = "staging"
	}
	if rng.IntN(100) < 9 {
		d.Status = "failure"
	}
	if rng.IntN(100) >= 5 {
		lead := time.Duration(math.Exp(rng.NormFloat64()+math.Log(6)) * float64(time.Hour))
		d.CommitSHA, d.CommitAt = fmt.Sprintf("%040x", i), fin.Add(-lead).Truncate(time.Second)
	}
	return d
}

// apiBody is d as the ingest API's JSON body.
func apiBody(d metrics.Deployment) apiDeployment {
	a := apiDeployment{ID: d.ID, Service: d.Service, Team: d.Team, Environment: d.Environment, Status: d.Status,
		CommitSHA: d.CommitSHA, StartedAt: d.StartedAt.Format(time.RFC3339), FinishedAt: d.FinishedAt.Format(time.RFC3339),
		Unplanned: d.Unplanned}
	if !d.CommitAt.IsZero() {
		a.CommitTime = d.CommitAt.Format(time.RFC3339)
	}
	return a
}

func post(ctx context.Context, url string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer bench")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST %s: %d %s", url, resp.StatusCode, msg)
	}
	return nil
}

// loadIncidents stores incidents in batches through the store (which
// attributes each): opened uniformly over the history, 10% not caused by a
// deployment, 3% still open, the rest resolved after 10 minutes to 2 days.
func (e *benchEnv) loadIncidents(ctx context.Context) error {
	rng := rand.New(rand.NewPCG(3, 4))
	start := e.o.now.AddDate(0, 0, -e.o.days)
	span := time.Duration(e.o.days) * 24 * time.Hour
	began := time.Now()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(e.o.workers)
	for first := 0; first < e.o.incidents; first += 1000 {
		var batch []metrics.Incident
		for i := first; i < min(first+1000, e.o.incidents); i++ {
			svc := rng.IntN(e.o.services)
			opened := start.Add(time.Duration(rng.Int64N(int64(span)))).Truncate(time.Second)
			in := metrics.Incident{ID: fmt.Sprintf("inc-%06d", i), Source: "api", Service: serviceID(svc), Team: teamID(svc % e.o.teams),
				Title: "incident", OpenedAt: opened, NotDeploymentCaused: rng.IntN(100) < 10}
			if rng.IntN(100) >= 3 {
				in.ResolvedAt = opened.Add(10*time.Minute + time.Duration(rng.Int64N(int64(48*time.Hour))))
				if in.ResolvedAt.After(e.o.now) {
					in.ResolvedAt = time.Time{}
				}
			}
			batch = append(batch, in)
		}
		g.Go(func() error {
			_, err := e.store.Ingest(gctx, metrics.Batch{Incidents: batch})
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	elapsed := time.Since(began)
	fmt.Printf("ingest: %d incidents (each attributed) in %s: %.0f incidents/s\n", e.o.incidents, elapsed.Round(time.Millisecond), float64(e.o.incidents)/elapsed.Seconds())
	return nil
}

// loadActivity records 30% of each team's 50 users on each of the last
// 180 days, so that adoption queries have work to do.
func (e *benchEnv) loadActivity(ctx context.Context) error {
	rng := rand.New(rand.NewPCG(5, 6))
	var acts []metrics.Activity
	for d := range 180 {
		day := time.Date(e.o.now.Year(), e.o.now.Month(), e.o.now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -d)
		for u := range e.o.teams * 50 {
			if rng.IntN(100) < 30 {
				acts = append(acts, metrics.Activity{Day: day, UserID: userID(u)})
			}
		}
	}
	if err := e.store.RecordActivity(ctx, acts); err != nil {
		return err
	}
	fmt.Printf("ingest: %d bot activity rows\n", len(acts))
	return nil
}
