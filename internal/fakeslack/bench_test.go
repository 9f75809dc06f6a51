package fakeslack_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// Reference load: what the real bot's benchmark should use too, so the numbers
// compare.
const (
	benchEnvelopes = 20_000
	benchInflight  = 100
)

// BenchmarkBareSlackGoAck measures the ceiling slack-go itself puts on a
// Socket Mode bot: one socket, a consumer that only drains Events and acks.
// The real bot is compared against these numbers.
func BenchmarkBareSlackGoAck(b *testing.B) {
	srv := newServer(b)
	startBot(b, srv, ackAll)
	ctx := context.Background()
	if err := srv.WaitConnections(ctx, 1); err != nil {
		b.Fatal(err)
	}
	cmd := slack.SlashCommand{Command: "/dora", Text: "weekly", UserID: "U1", ChannelID: "C1", TriggerID: "1.2.3"}
	// Warm up (buffers, maps, scheduler) outside the measurement.
	if _, err := srv.Blast(ctx, benchEnvelopes/4, benchInflight, cmd); err != nil {
		b.Fatal(err)
	}
	var all []time.Duration
	var elapsed time.Duration
	for b.Loop() {
		srv.ResetAcks()
		start := time.Now()
		lat, err := srv.Blast(ctx, benchEnvelopes, benchInflight, cmd)
		elapsed += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		all = append(all, lat...)
	}
	reportLatencies(b, all, elapsed)
}

// reportLatencies reports throughput and the p50/p99 ack latency.
func reportLatencies(b *testing.B, lat []time.Duration, elapsed time.Duration) {
	b.Helper()
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "envelopes/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
