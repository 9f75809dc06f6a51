// Package bench holds whole-flow benchmarks: they print figures and never
// fail on time. See bench/README.md for how to run them and the figures.
package bench

import (
	"context"
	"io"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/handlers"
	"github.com/platformbot/platformbot/internal/fakeslack"
)

// The same load for both bots so the figures compare.
const (
	ackEnvelopes = 20_000
	ackInflight  = 100
)

var helpCmd = slack.SlashCommand{Command: "/platform", Text: "help", UserID: "UBENCH0001", ChannelID: "CBENCH0001", TriggerID: "1.2.3"}

// BenchmarkAckBareSlackGo is the ceiling: a slack-go Socket Mode client
// whose consumer only drains Events and acks, with no routing, logging or
// metrics.
func BenchmarkAckBareSlackGo(b *testing.B) {
	srv := fakeslack.New()
	defer srv.Close()
	client := socketmode.New(srv.NewClient())
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = client.RunContext(ctx) })
	wg.Go(func() {
		for {
			select {
			case evt := <-client.Events:
				if evt.Request != nil && evt.Request.EnvelopeID != "" {
					_ = client.Ack(*evt.Request)
				}
			case <-ctx.Done():
				return
			}
		}
	})
	defer func() { cancel(); wg.Wait() }()
	blast(b, srv)
}

// BenchmarkAckPlatformbot drives the real runtime, router, middleware
// (logging at info, Prometheus metrics) and the /platform help handler,
// replying with the help text in the ack.
func BenchmarkAckPlatformbot(b *testing.B) {
	srv := fakeslack.New()
	defer srv.Close()
	log := zerolog.New(io.Discard).Level(zerolog.InfoLevel)
	metrics := bot.NewMetrics(prometheus.NewRegistry())
	api := bot.NewAPI(bot.APIConfig{BotToken: fakeslack.BotToken, AppToken: fakeslack.AppToken, APIURL: srv.APIURL(), Log: log, Metrics: metrics})
	router := bot.NewRouter(nil, bot.Chain(bot.ChainConfig{Log: log, Metrics: metrics, Timeout: 30 * time.Second})...)
	handlers.RegisterCommands(router, config.Defaults().Slack.Commands)
	rt := bot.NewRuntime(bot.RuntimeConfig{API: api.Client(), Router: router, Slack: api, Log: log, Metrics: metrics})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = rt.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	blast(b, srv)
}

// blast warms up, then sends ackEnvelopes slash commands per iteration with
// ackInflight outstanding and reports envelopes/s and p50/p99 ack latency.
func blast(b *testing.B, srv *fakeslack.Server) {
	b.Helper()
	ctx := context.Background()
	if err := srv.WaitConnections(ctx, 1); err != nil {
		b.Fatal(err)
	}
	if _, err := srv.Blast(ctx, ackEnvelopes/4, ackInflight, helpCmd); err != nil {
		b.Fatal(err)
	}
	var all []time.Duration
	var elapsed time.Duration
	for b.Loop() {
		srv.ResetAcks()
		start := time.Now()
		lat, err := srv.Blast(ctx, ackEnvelopes, ackInflight, helpCmd)
		elapsed += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		all = append(all, lat...)
	}
	slices.Sort(all)
	pct := func(p float64) float64 { return float64(all[int(p*float64(len(all)-1))].Microseconds()) / 1000 }
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "envelopes/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
