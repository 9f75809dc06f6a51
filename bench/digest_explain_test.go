package bench

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/platformbot/platformbot/handlers"
	"github.com/platformbot/platformbot/metrics"
)

// service returns the report service the bot would use, with the
// metrics-owned sections (delivery and adoption).
func (e *benchEnv) service() *metrics.Service {
	th, _ := metrics.ThresholdsFor(2023)
	return &metrics.Service{
		Store: e.store, Directory: handlers.NewMetricsTeams(handlers.NewDirectory(nil, e.cfg.Teams, time.Now)), Thresholds: th,
		Now: func() time.Time { return e.o.now },
	}
}

func (e *benchEnv) scopes() []metrics.Scope {
	scopes := []metrics.Scope{{}}
	for t := range e.o.teams {
		scopes = append(scopes, metrics.Scope{Team: teamID(t)})
	}
	return scopes
}

// printSizes prints how much data the org digest covers.
func (e *benchEnv) printSizes(ctx context.Context, svc *metrics.Service, loc *time.Location) error {
	r, err := svc.Report(ctx, metrics.Query{Days: 90, Location: loc, Sections: []string{metrics.SectionDelivery}})
	if err != nil {
		return err
	}
	d := r.Delivery
	fmt.Printf("org window %s: %d production deployments (%d successful), %d incidents; %.1f/day (%s), lead time %s (%s), CFR %.1f%% (%s), recovery %s (%s)\n",
		r.Period.Label(), d.Total, d.Deployments, d.Quality.Incidents, d.Frequency.Value, d.Frequency.Level,
		time.Duration(d.LeadTime.Value)*time.Second, d.LeadTime.Level, d.ChangeFailRate.Value*100, d.ChangeFailRate.Level,
		time.Duration(d.Recovery.Value)*time.Second, d.Recovery.Level)
	return nil
}

// captureLogger records the SQL gorm runs, with its arguments inlined.
type captureLogger struct {
	logger.Interface
	mu   sync.Mutex
	sqls []string
}

func (c *captureLogger) LogMode(logger.LogLevel) logger.Interface { return c }

func (c *captureLogger) Trace(_ context.Context, _ time.Time, fc func() (string, int64), _ error) {
	sql, _ := fc()
	c.mu.Lock()
	c.sqls = append(c.sqls, sql)
	c.mu.Unlock()
}

// explain captures the queries of the org and one team's report and prints
// their plans.
func (e *benchEnv) explain(ctx context.Context) error {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	p, err := metrics.NewPeriod(e.o.now, 90, berlin)
	if err != nil {
		return err
	}
	ranges := append([]metrics.Range{p.Previous, p.Current}, p.Buckets...)
	days := append(append([]metrics.Range(nil), p.DaysPrev...), p.DaysCur...)
	members, _ := handlers.NewMetricsTeams(handlers.NewDirectory(nil, e.cfg.Teams, time.Now)).Members(ctx, teamID(7))
	queries := []struct {
		name string
		run  func() error
	}{
		{"org DeliveryFigures", func() error { _, err := e.store.DeliveryFigures(ctx, metrics.Scope{}, ranges, days); return err }},
		{"team DeliveryFigures", func() error {
			_, err := e.store.DeliveryFigures(ctx, metrics.Scope{Team: teamID(7)}, ranges, days)
			return err
		}},
		{"org DeliveryStats", func() error { _, err := e.store.DeliveryStats(ctx, metrics.Scope{}, ranges); return err }},
		{"team DeliveryStats", func() error { _, err := e.store.DeliveryStats(ctx, metrics.Scope{Team: teamID(7)}, ranges); return err }},
		{"org DeployCounts (180 days)", func() error { _, err := e.store.DeployCounts(ctx, metrics.Scope{}, days); return err }},
		{"team DeployCounts (180 days)", func() error { _, err := e.store.DeployCounts(ctx, metrics.Scope{Team: teamID(7)}, days); return err }},
		{"org IncidentStats", func() error { _, err := e.store.IncidentStats(ctx, metrics.Scope{}, ranges); return err }},
		{"team IncidentStats", func() error { _, err := e.store.IncidentStats(ctx, metrics.Scope{Team: teamID(7)}, ranges); return err }},
		{"org ActiveUsers", func() error { _, err := e.store.ActiveUsers(ctx, nil, ranges); return err }},
		{"team ActiveUsers", func() error { _, err := e.store.ActiveUsers(ctx, members, ranges); return err }},
	}
	conn, err := e.db.SQL().Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// gorm inlines times without a zone; read them as UTC.
	if _, err := conn.ExecContext(ctx, "SET TIME ZONE 'UTC'"); err != nil {
		return err
	}
	orig := e.db.Gorm
	defer func() { e.db.Gorm = orig }()
	for _, q := range queries {
		capture := &captureLogger{Interface: logger.Discard}
		e.db.Gorm = orig.Session(&gorm.Session{Logger: capture})
		if err := q.run(); err != nil {
			return err
		}
		e.db.Gorm = orig
		for _, sql := range capture.sqls {
			rows, err := conn.QueryContext(ctx, "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "+sql)
			if err != nil {
				return fmt.Errorf("%s: %w", q.name, err)
			}
			var plan []string
			for rows.Next() {
				var line string
				if err := rows.Scan(&line); err != nil {
					rows.Close()
					return err
				}
				plan = append(plan, line)
			}
			rows.Close()
			fmt.Printf("\n── plan: %s ──\n%s\n", q.name, strings.Join(plan, "\n"))
		}
	}
	return nil
}

// timingStore wraps a metrics.Store and adds up the time of each method,
// to show where a digest's time goes.
type timingStore struct {
	metrics.Store
	mu    sync.Mutex
	spent map[string]time.Duration
	calls map[string]int
}

func (t *timingStore) add(name string, start time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.spent == nil {
		t.spent, t.calls = map[string]time.Duration{}, map[string]int{}
	}
	t.spent[name] += time.Since(start)
	t.calls[name]++
}

func (t *timingStore) DeliveryStats(ctx context.Context, sc metrics.Scope, rs []metrics.Range) ([]metrics.DeliveryStats, error) {
	defer t.add("DeliveryStats", time.Now())
	return t.Store.DeliveryStats(ctx, sc, rs)
}

// DeliveryFigures times the store's combined read of the delivery section,
// which the report service uses when the store has it.
func (t *timingStore) DeliveryFigures(ctx context.Context, sc metrics.Scope, rs, days []metrics.Range) (metrics.DeliveryFigures, error) {
	defer t.add("DeliveryFigures", time.Now())
	return t.Store.(metrics.DeliveryReader).DeliveryFigures(ctx, sc, rs, days)
}

func (t *timingStore) DeployCounts(ctx context.Context, sc metrics.Scope, rs []metrics.Range) ([]int, error) {
	defer t.add("DeployCounts", time.Now())
	return t.Store.DeployCounts(ctx, sc, rs)
}

func (t *timingStore) IncidentStats(ctx context.Context, sc metrics.Scope, rs []metrics.Range) ([]metrics.IncidentStats, error) {
	defer t.add("IncidentStats", time.Now())
	return t.Store.IncidentStats(ctx, sc, rs)
}

func (t *timingStore) ActiveUsers(ctx context.Context, users []string, rs []metrics.Range) ([]int, error) {
	defer t.add("ActiveUsers", time.Now())
	return t.Store.ActiveUsers(ctx, users, rs)
}

func (t *timingStore) ActiveUserIDs(ctx context.Context, r metrics.Range) ([]string, error) {
	defer t.add("ActiveUserIDs", time.Now())
	return t.Store.ActiveUserIDs(ctx, r)
}

func (t *timingStore) report() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var parts []string
	for _, name := range []string{"DeliveryFigures", "DeliveryStats", "IncidentStats", "DeployCounts", "ActiveUsers", "ActiveUserIDs"} {
		if t.calls[name] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d× %s", name, t.calls[name], t.spent[name].Round(time.Millisecond)))
		}
	}
	return strings.Join(parts, ", ")
}
