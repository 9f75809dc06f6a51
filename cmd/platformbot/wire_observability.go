package main

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/storage"
)

// wireObservability registers the metrics read at scrape time, which the
// dashboard (deploy/grafana) and the alert rules (deploy/prometheus) use:
// the database pool as database/sql sees it (go_sql_*), whether the
// database answers, and the outbox backlog, which is shared by the
// replicas and so read from the table rather than counted in memory.
func (m *Main) wireObservability() error {
	return errors.Join(
		m.Registry.Register(collectors.NewDBStatsCollector(m.DB.SQL(), "platformbot")),
		m.Registry.Register(&storeCollector{
			ping: m.DB.Ping, backlog: storage.NewOutboxStore(m.DB).Backlog, now: m.Clock.Now, log: m.Log,
		}),
	)
}

// wireSocketGauge exports whether this replica's Socket Mode connection is
// up and hearing from Slack (the same check as /readyz's "slack").
func (m *Main) wireSocketGauge() error {
	rt := m.Runtime
	return m.Registry.Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "platformbot_slack_socket_up",
		Help: "1 while this replica's Socket Mode connection is open and Slack was heard from recently, else 0.",
	}, func() float64 {
		if rt.Ready(context.Background()) != nil {
			return 0
		}
		return 1
	}))
}

// scrapeTimeout bounds the queries of one scrape: an unreachable database
// must not hold the scrape until Prometheus gives up on it.
const scrapeTimeout = 2 * time.Second

// storeCollector reads the database at scrape time. When the database does
// not answer, it reports platformbot_database_up 0 and leaves the backlog
// out rather than reporting a backlog of zero; a failed backlog query is
// logged and left out too, since an error would fail the whole scrape.
type storeCollector struct {
	ping    func(context.Context) error
	backlog func(context.Context, time.Time) (storage.OutboxBacklog, error)
	now     func() time.Time
	log     zerolog.Logger
}

var (
	dbUpDesc = prometheus.NewDesc("platformbot_database_up",
		"1 when the database answered a ping at scrape time, else 0.", nil, nil)
	outboxDueDesc = prometheus.NewDesc("platformbot_outbox_due_sends",
		"Pending sends (survey DMs, reminders, digests) whose time has come and that are not sent yet, across replicas.", nil, nil)
	outboxScheduledDesc = prometheus.NewDesc("platformbot_outbox_scheduled_sends",
		"Pending sends due later (reminders, retries after a 429), across replicas.", nil, nil)
	outboxOldestDesc = prometheus.NewDesc("platformbot_outbox_oldest_due_seconds",
		"How long the oldest due send has been waiting since its time came; 0 when none is due.", nil, nil)
)

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{dbUpDesc, outboxDueDesc, outboxScheduledDesc, outboxOldestDesc} {
		ch <- d
	}
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	if err := c.ping(ctx); err != nil {
		ch <- prometheus.MustNewConstMetric(dbUpDesc, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(dbUpDesc, prometheus.GaugeValue, 1)
	now := c.now()
	b, err := c.backlog(ctx, now)
	if err != nil {
		c.log.Warn().Err(err).Msg("metrics: cannot read the outbox backlog")
		return
	}
	age := 0.0
	if !b.OldestDue.IsZero() {
		age = max(0, now.Sub(b.OldestDue).Seconds())
	}
	ch <- prometheus.MustNewConstMetric(outboxDueDesc, prometheus.GaugeValue, float64(b.Due))
	ch <- prometheus.MustNewConstMetric(outboxScheduledDesc, prometheus.GaugeValue, float64(b.Scheduled))
	ch <- prometheus.MustNewConstMetric(outboxOldestDesc, prometheus.GaugeValue, age)
}
