package main

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/storage"
)

// The replica heartbeat: every replica writes its row every heartbeatEvery;
// a replica not heard of for heartbeatTTL is counted as gone. Rows of
// replicas gone for replicaForget are deleted when a replica starts.
const (
	heartbeatEvery = 5 * time.Second
	heartbeatTTL   = 3 * heartbeatEvery
	replicaForget  = time.Hour
)

// wireReplicas makes the replicas on one PostgreSQL share Slack's
// workspace-wide rate limits: each keeps a heartbeat row in the replicas
// table and sizes its Slack client's limits to budget ÷ live replicas. On
// SQLite there is one replica by construction (a second process is refused),
// and without the Web API client (console, some tests) there is nothing to
// pace, so it wires only platformbot_replicas_live, at 1.
func (m *Main) wireReplicas(context.Context) error {
	live := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "platformbot_replicas_live",
		Help: "Replicas with a recent heartbeat, as seen by this one; each sends at most 1/N of the Slack rate budget.",
	})
	if err := m.Registry.Register(live); err != nil {
		return err
	}
	if m.api == nil || m.DB.Dialect != storage.Postgres {
		live.Set(1) // this one: the dashboard shows the same panel on SQLite
		return nil
	}
	host, _ := os.Hostname()
	b := &replicaBudget{
		store: storage.NewReplicas(m.DB), clock: m.Clock, share: m.api.ShareLimits, log: m.Log, gauge: live,
		self: storage.Replica{ID: fmt.Sprintf("%s:%d:%d", host, os.Getpid(), time.Now().UnixNano()), Host: host, PID: os.Getpid(), StartedAt: m.Clock.Now()},
	}
	m.background = append(m.background, b.Start)
	m.closers = append(m.closers, b.Stop)
	return nil
}

// apiLimits turns slack.rate_limits into the Slack client's limits: a
// configured method keeps its built-in burst, and any other gets a second's
// worth.
func apiLimits(perMinute map[string]float64) map[string]bot.Limit {
	if len(perMinute) == 0 {
		return nil
	}
	out := make(map[string]bot.Limit, len(perMinute))
	for method, n := range perMinute {
		burst := max(1, int(n/60))
		if def, ok := bot.DefaultLimit(method); ok {
			burst = def.Burst
		}
		out[method] = bot.Limit{PerMinute: n, Burst: burst}
	}
	return out
}

// replicaStore is what replicaBudget needs of storage.Replicas.
type replicaStore interface {
	Beat(ctx context.Context, r storage.Replica, now time.Time) error
	Live(ctx context.Context, since time.Time) (int, error)
	Leave(ctx context.Context, id string) error
	Forget(ctx context.Context, before time.Time) (int64, error)
}

// replicaBudget keeps this replica's heartbeat row fresh and its share of
// the Slack budget in step with the number of live replicas. When the
// database cannot be reached it keeps the last share: it cannot see the
// others, and they are as likely to be alive as before.
type replicaBudget struct {
	store replicaStore
	self  storage.Replica
	clock clockwork.Clock
	share func(replicas int) bool // (*bot.API).ShareLimits
	log   zerolog.Logger
	gauge prometheus.Gauge // may be nil

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// beat writes the heartbeat, counts the live replicas (this one at least)
// and applies the share.
func (b *replicaBudget) beat(ctx context.Context) (int, error) {
	now := b.clock.Now()
	if err := b.store.Beat(ctx, b.self, now); err != nil {
		return 0, err
	}
	n, err := b.store.Live(ctx, now.Add(-heartbeatTTL))
	if err != nil {
		return 0, err
	}
	n = max(n, 1)
	if b.share(n) {
		b.log.Info().Int("replicas", n).Msg("replicas: Slack rate budget shared")
	}
	if b.gauge != nil {
		b.gauge.Set(float64(n))
	}
	return n, nil
}

// Start forgets long-gone replicas, beats once (so that the share is right
// before any fan-out starts) and keeps beating in the background until Stop.
func (b *replicaBudget) Start() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	b.cancel, b.done = cancel, make(chan struct{})
	first, stop := context.WithTimeout(ctx, heartbeatEvery)
	if _, err := b.store.Forget(first, b.clock.Now().Add(-replicaForget)); err != nil {
		b.log.Warn().Err(err).Msg("replicas: could not forget old heartbeats")
	}
	if _, err := b.beat(first); err != nil {
		b.log.Warn().Err(err).Msg("replicas: heartbeat failed; using the whole Slack budget until it works")
	}
	stop()
	go b.run(ctx, b.done)
}

func (b *replicaBudget) run(ctx context.Context, done chan struct{}) {
	defer close(done)
	t := b.clock.NewTicker(heartbeatEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.Chan():
			bctx, cancel := context.WithTimeout(ctx, heartbeatEvery)
			if _, err := b.beat(bctx); err != nil && ctx.Err() == nil {
				b.log.Warn().Err(err).Msg("replicas: heartbeat failed; keeping the current share of the Slack budget")
			}
			cancel()
		}
	}
}

// Stop ends the heartbeat and removes this replica's row, so that the
// others take over its share at once.
func (b *replicaBudget) Stop() error {
	b.mu.Lock()
	cancel, done := b.cancel, b.done
	b.cancel, b.done = nil, nil
	b.mu.Unlock()
	if cancel == nil {
		return nil
	}
	cancel()
	<-done
	ctx, stop := context.WithTimeout(context.Background(), 5*time.Second)
	defer stop()
	return b.store.Leave(ctx, b.self.ID)
}
