package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// loadByCopy loads ten million deployments in minutes, as an import of
// years of history would: the deployments with COPY (pgx CopyFrom, one
// statement), then the incidents through the store (each attributed) and
// the bot activity, and finally the rollups, rebuilt from the raw tables
// since COPY went around them. Each step is timed.
func (e *benchEnv) loadByCopy(ctx context.Context) error {
	began := time.Now()
	n, err := e.copyDeployments(ctx)
	if err != nil {
		return err
	}
	took := time.Since(began)
	fmt.Printf("load: %d deployments by COPY in %s (%.0f/s)\n", n, took.Round(time.Second), float64(n)/took.Seconds())
	if err := e.loadIncidents(ctx); err != nil {
		return err
	}
	if err := e.loadActivity(ctx); err != nil {
		return err
	}
	st, err := e.store.RebuildRollups(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("load: rollups rebuilt from %d deployments, %d incidents and %d activity days in %s\n",
		st.Deployments, st.Incidents, st.ActivityDays, st.Took.Round(time.Second))
	fmt.Printf("load: %s in all\n", time.Since(began).Round(time.Second))
	return nil
}

var deploymentColumns = []string{"id", "source", "service", "team", "environment", "status", "commit_sha", "commit_at",
	"started_at", "finished_at", "unplanned", "lead_time_s", "incidents", "open_incidents", "created_at", "updated_at"}

// copyDeployments generates the same deployments as the ingest API load
// and copies them into the table.
func (e *benchEnv) copyDeployments(ctx context.Context) (int64, error) {
	conn, err := e.db.SQL().Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var n int64
	err = conn.Raw(func(dc any) error {
		rng := rand.New(rand.NewPCG(1, 2))
		i, began := 0, time.Now()
		rows := pgx.CopyFromFunc(func() ([]any, error) {
			if i == e.o.deployments {
				return nil, nil
			}
			if i > 0 && i%1_000_000 == 0 {
				fmt.Printf("load: %d deployments copied after %s\n", i, time.Since(began).Round(time.Second))
			}
			d := e.deployment(rng, i)
			i++
			var commitAt, lead any
			if !d.CommitAt.IsZero() {
				commitAt, lead = d.CommitAt, int64(d.FinishedAt.Sub(d.CommitAt)/time.Second)
			}
			return []any{d.ID, d.Source, d.Service, d.Team, d.Environment, d.Status, d.CommitSHA, commitAt,
				d.StartedAt, d.FinishedAt, d.Unplanned, lead, 0, 0, e.o.now, e.o.now}, nil
		})
		var err error
		n, err = dc.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{"deployments"}, deploymentColumns, rows)
		return err
	})
	return n, err
}
