package main

import (
	"cmp"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
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
	users, perMinute, client := fanoutBench(b)
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

// postRate measures the DMs posted from the last users.list call (before
// it, people may be looked up one by one) to the last DM: their fraction
// of what the fake allowed in that time (its burst included) and their
// rate.
func postRate(c *cluster, perMinute int) (listed time.Time, fraction, perSecond float64) {
	for _, call := range c.Fake.Calls("users.list") {
		if call.At.After(listed) {
			listed = call.At
		}
	}
	fraction, perSecond = rateSince(c, listed, perMinute)
	return listed, fraction, perSecond
}

// rateSince measures the DMs posted from the first after since to the
// last: their fraction of what the fake allowed in that time and their
// rate.
func rateSince(c *cluster, since time.Time, perMinute int) (fraction, perSecond float64) {
	var from, last time.Time
	sent := 0
	for _, call := range c.Fake.Calls("chat.postMessage") {
		if call.Status != 200 || call.Error != "" || call.At.Before(since) {
			continue
		}
		if from.IsZero() {
			from = call.At
		}
		sent++
		last = call.At
	}
	elapsed := last.Sub(from).Seconds()
	return float64(sent) / (float64(fanoutBurst) + float64(perMinute)/60*elapsed), float64(sent) / elapsed
}

// fanoutBench skips a fan-out benchmark with -short or without
// PostgreSQL, builds the binary once, and reads the knobs: the audience,
// the fake's limit a minute and the replicas' budget.
func fanoutBench(b *testing.B) (users, perMinute, client int) {
	if testing.Short() {
		b.Skip("a fan-out over processes: skipped with -short")
	}
	if os.Getenv("TEST_DATABASE_URL") == "" {
		b.Skip("set TEST_DATABASE_URL: replicas share PostgreSQL")
	}
	benchBuildOnce.Do(func() { benchBin, benchBuildErr = build() })
	if benchBuildErr != nil {
		b.Fatal(benchBuildErr)
	}
	perMinute = benchEnv("FANOUT_BENCH_RATE", 6000)
	return benchEnv("FANOUT_BENCH_USERS", 10000), perMinute, benchEnv("FANOUT_BENCH_CLIENT_RATE", perMinute*97/100)
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
	listed, fraction, perSecond := postRate(c, perMinute)
	return replicaFanout{
		fraction:   fraction,
		perSecond:  perSecond,
		total:      total,
		listing:    listed.Sub(start),
		limited:    c.Fake.RateLimited("chat.postMessage"),
		duplicates: duplicates(counts),
	}
}

// BenchmarkFanoutZones is BenchmarkFanoutReplicas with working hours on:
// the audience (FANOUT_BENCH_USERS) spans four zones, two of them inside
// their working hours now (10:xx and 14:xx local) and two outside (01:xx
// and 20:xx), with working days every day so the figure does not depend
// on the weekday; every tenth person due now is in Do Not Disturb for an
// hour, and dnd.teamInfo is limited to Slack's Tier 2 (20 a minute). It
// reports the fraction of the allowed rate for the sends that are due
// (from the last listing to the last DM), the DMs to people outside their
// hours (must be 0), the snoozed people reached anyway (Do Not Disturb is
// looked up for about 1,000 people a minute; the rest go without it) and
// the duplicates (must be 0). The survey is sent once the cluster has
// listed the workspace (s_listing_at_start: from starting the replicas).
//
//	TEST_DATABASE_URL=… go test ./cmd/platformbot -run '^$' -bench FanoutZones -benchtime 1x -timeout 30m
func BenchmarkFanoutZones(b *testing.B) {
	users, perMinute, client := fanoutBench(b)
	replicas := benchEnv("FANOUT_BENCH_REPLICAS", 3)
	for range b.N {
		b.StopTimer()
		c := newCluster(b, fanoutDeliveryConfig(client,
			`{working_hours: "09:00-17:00", working_days: [Mon, Tue, Wed, Thu, Fri, Sat, Sun], respect_dnd: true}`, ""))
		c.Bin = benchBin
		c.Fake.SetRateLimit("chat.postMessage", perMinute, fanoutBurst)
		c.Fake.SetRateLimit("dnd.teamInfo", 20, 2)
		audience := addAudience(c.Fake, users)
		now := time.Now().UTC()
		var due, held, snoozed []string
		for i, u := range audience {
			local := []int{10, 1, 14, 20}[i%4]
			c.Fake.AddUser(slack.User{ID: u, Name: u, TZ: etcZone(now, local)})
			switch {
			case local == 1 || local == 20:
				held = append(held, u)
			case len(due)%10 == 0:
				snoozed = append(snoozed, u)
				c.Fake.SetDND(u, slack.DNDStatus{SnoozeInfo: slack.SnoozeInfo{SnoozeEnabled: true, SnoozeEndTime: int(now.Add(time.Hour).Unix())}})
				fallthrough
			default:
				due = append(due, u)
			}
		}
		awake := slices.DeleteFunc(slices.Clone(due), func(u string) bool { return slices.Contains(snoozed, u) })
		began := time.Now()
		c.Start(replicas)
		c.WaitShare(replicas)
		// A running deployment has its listing: the first replica makes
		// it as it starts. Without it, people are planned in the default
		// zone (see surveyPlanner).
		c.WaitListed(15 * time.Minute)
		listing := time.Since(began)
		b.StartTimer()
		start := time.Now()
		c.SendSurvey()
		c.WaitDMs(awake, len(awake), 30*time.Minute)
		total := time.Since(start)
		b.StopTimer()
		time.Sleep(5 * time.Second) // stragglers, and anything wrongly sent to the held
		_, fraction, perSecond := postRate(c, perMinute)
		b.ReportMetric(fraction, "fraction_of_allowed")
		b.ReportMetric(perSecond, "sends/s")
		b.ReportMetric(total.Seconds(), "s_total")
		b.ReportMetric(listing.Seconds(), "s_listing_at_start")
		b.ReportMetric(float64(len(due)), "due")
		b.ReportMetric(float64(len(dms(c.Fake, held))), "dms_outside_hours")
		b.ReportMetric(float64(len(dms(c.Fake, snoozed))), "snoozed_reached")
		b.ReportMetric(float64(len(c.Fake.Calls("dnd.teamInfo"))), "dnd_calls")
		b.ReportMetric(float64(c.Fake.RateLimited("chat.postMessage")), "429s")
		b.ReportMetric(float64(duplicates(dms(c.Fake, audience))), "duplicates")
		if n := len(dms(c.Fake, held)); n > 0 {
			b.Errorf("%d people outside their working hours got the DM", n)
		}
	}
}

// etcZone returns a zone (Etc/GMT±n, no DST) where it is localHour
// o'clock at now.
func etcZone(now time.Time, localHour int) string {
	o := ((localHour-now.Hour())%24 + 24) % 24
	if o > 14 {
		o -= 24
	}
	switch {
	case o > 0:
		return fmt.Sprintf("Etc/GMT-%d", o) // the sign is POSIX's: GMT-3 is UTC+3
	case o < 0:
		return fmt.Sprintf("Etc/GMT+%d", -o)
	}
	return "Etc/GMT"
}
