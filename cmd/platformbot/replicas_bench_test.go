package main

import (
	"cmp"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	benchBuildOnce sync.Once
	benchBin       string
	benchBuildErr  error
)

// benchEnv reads a positive integer knob from the environment.
func benchEnv(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkFanoutReplicas sends a survey to FANOUT_BENCH_USERS (default
// 10,000) people through 1 and through 3 platformbot processes (built
// without the race detector) sharing one PostgreSQL, against the fake
// Slack allowing FANOUT_BENCH_RATE chat.postMessage a minute (default
// 6,000, burst 20; 429 with Retry-After above it). The replicas' budget
// (slack.rate_limits) is FANOUT_BENCH_CLIENT_RATE (default 97 % of the
// fake's), which they divide between them through the replicas table.
// FANOUT_BENCH_REPLICAS lists the replica counts (default "1,3"). Giving
// N replicas N times the budget shows what they would do without sharing.
//
// It reports the fraction of the allowed rate achieved from the moment
// every replica has listed the workspace (its last users.list call; before
// that, people are looked up one by one at users.info's pace) to the last
// DM, counting the DMs in that window against the allowed sends in it (the
// fake's burst included); sends/s in that window; the seconds from `/pulse
// send` to the last listing and to the last DM; the 429s and the duplicate
// DMs (must be 0). Needs TEST_DATABASE_URL:
//
//	TEST_DATABASE_URL=… go test ./cmd/platformbot -run '^$' -bench FanoutReplicas -benchtime 1x -timeout 30m
func BenchmarkFanoutReplicas(b *testing.B) {
	if testing.Short() {
		b.Skip("a fan-out over three processes: skipped with -short")
	}
	if os.Getenv("TEST_DATABASE_URL") == "" {
		b.Skip("set TEST_DATABASE_URL: replicas share PostgreSQL")
	}
	benchBuildOnce.Do(func() { benchBin, benchBuildErr = build() })
	if benchBuildErr != nil {
		b.Fatal(benchBuildErr)
	}
	users := benchEnv("FANOUT_BENCH_USERS", 10000)
	perMinute := benchEnv("FANOUT_BENCH_RATE", 6000)
	client := benchEnv("FANOUT_BENCH_CLIENT_RATE", perMinute*97/100)
	for _, f := range strings.Split(cmp.Or(os.Getenv("FANOUT_BENCH_REPLICAS"), "1,3"), ",") {
		replicas, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || replicas < 1 {
			b.Fatalf("FANOUT_BENCH_REPLICAS: %q is not a list of replica counts", os.Getenv("FANOUT_BENCH_REPLICAS"))
		}
		b.Run(strconv.Itoa(replicas)+"-replicas", func(b *testing.B) {
			for range b.N {
				r := runReplicaFanout(b, replicas, users, perMinute, client)
				b.ReportMetric(r.fraction, "fraction_of_allowed")
				b.ReportMetric(r.perSecond, "sends/s")
				b.ReportMetric(float64(perMinute)/60, "allowed/s")
				b.ReportMetric(r.total.Seconds(), "s_total")
				b.ReportMetric(r.listing.Seconds(), "s_listing")
				b.ReportMetric(float64(r.limited), "429s")
				b.ReportMetric(float64(r.duplicates), "duplicates")
			}
		})
	}
}

type replicaFanout struct {
	fraction, perSecond float64
	total, listing      time.Duration
	limited, duplicates int
}

func runReplicaFanout(b *testing.B, replicas, users, perMinute, client int) replicaFanout {
	b.StopTimer()
	c := newCluster(b, fanoutConfig(client, ""))
	c.Bin = benchBin
	c.Fake.SetRateLimit("chat.postMessage", perMinute, fanoutBurst)
	audience := addAudience(c.Fake, users)
	c.Start(replicas)
	c.WaitShare(replicas)
	b.StartTimer()
	start := time.Now()
	c.SendSurvey()
	c.WaitDMs(audience, users, 30*time.Minute)
	total := time.Since(start)
	b.StopTimer()
	time.Sleep(2 * time.Second) // any straggling repeat
	counts := dms(c.Fake, audience)
	var listed, from, last time.Time
	for _, call := range c.Fake.Calls("users.list") {
		if call.At.After(listed) {
			listed = call.At
		}
	}
	sent := 0
	for _, call := range c.Fake.Calls("chat.postMessage") {
		if call.Status != 200 || call.Error != "" || call.At.Before(listed) {
			continue
		}
		if from.IsZero() {
			from = call.At
		}
		sent++
		last = call.At
	}
	elapsed := last.Sub(from).Seconds()
	return replicaFanout{
		fraction:   float64(sent) / (float64(fanoutBurst) + float64(perMinute)/60*elapsed),
		perSecond:  float64(sent) / elapsed,
		total:      total,
		listing:    listed.Sub(start),
		limited:    c.Fake.RateLimited("chat.postMessage"),
		duplicates: duplicates(counts),
	}
}
