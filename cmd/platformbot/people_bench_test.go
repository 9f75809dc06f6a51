package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// BenchmarkPeopleDirectory measures the directory of people with
// PEOPLE_BENCH_USERS (default 100,000) people in the fake Slack and three
// platformbot processes (built without the race detector) sharing one
// PostgreSQL. A survey to one person makes the first listing, on demand,
// on the one replica that claims it (users.list budget raised so that
// Slack's Tier 2 pace is not what is measured); the three are then
// stopped and three cold ones started, which read the stored listing; a
// survey to everyone is sent from them. It reports:
//
//   - s_list, s_store: the first listing (users.list, 1,000 a page) and
//     storing it in PostgreSQL, as the replica that did it logged them;
//   - s_read_max: the longest a cold replica took to read the stored
//     listing into its cache (goal: under 1 s);
//   - s_first_dm: from `/pulse send` of the survey to everyone, on the
//     cold replicas, to its first DM (audience, run and outbox rows for
//     everyone included);
//   - MiB_rss_idle: the largest RSS of a cold replica holding the
//     listing, before the survey (goal: at most 80 MiB);
//   - MiB_rss_fanout, MiB_hwm: the largest RSS with the fan-out under way
//     (PEOPLE_BENCH_DMS DMs out, default 2,000) and the largest peak RSS;
//   - fraction_of_allowed, duplicates: the DMs from the first to the
//     last of those as a fraction of what the fake allowed in that time
//     (goal: at least 0.95), and the people who got more than one;
//   - the users.list and users.info calls.
//
// Needs TEST_DATABASE_URL:
//
//	TEST_DATABASE_URL=… go test ./cmd/platformbot -run '^$' -bench PeopleDirectory -benchtime 1x -timeout 30m
func BenchmarkPeopleDirectory(b *testing.B) {
	if os.Getenv("TEST_DATABASE_URL") == "" {
		b.Skip("set TEST_DATABASE_URL: replicas share PostgreSQL")
	}
	b.StopTimer() // the build and the set-up are not what is timed
	benchBuildOnce.Do(func() { benchBin, benchBuildErr = build() })
	if benchBuildErr != nil {
		b.Fatal(benchBuildErr)
	}
	users := benchEnv("PEOPLE_BENCH_USERS", 100000)
	sent := benchEnv("PEOPLE_BENCH_DMS", 2000)
	for range b.N {
		runPeopleBench(b, users, sent)
	}
}

func runPeopleBench(b *testing.B, users, sent int) {
	b.StopTimer()
	c := newCluster(b, fanoutConfig(fanoutRate*97/100, `  - id: warm
    title: Warm-up
    audience: {users: [`+fanoutAdmin+`]}
    questions:
      - {id: q1, type: scale, text: "Ready?"}
`)+"\n")
	c.config = rewriteConfig(b, c.config, "rate_limits: {chat.postMessage:", "rate_limits: {users.list: 6000, chat.postMessage:")
	c.Bin = benchBin
	c.Fake.SetRateLimit("chat.postMessage", fanoutRate, fanoutBurst)
	audience := addAudience(c.Fake, users)
	c.Start(3)
	c.WaitShare(3)

	c.sendPulse("warm") // its one person needs the listing: one replica makes it
	listed := c.waitLog("people: listed and stored the workspace", 1, 10*time.Minute)[0]
	for i := range 3 {
		if err := c.Term(i); err != nil {
			b.Fatal(err)
		}
	}
	c.Start(3)
	c.WaitShare(3)
	reads := c.waitLog("people: read the stored listing", 3, time.Minute)
	var readMax float64
	for _, l := range reads {
		readMax = max(readMax, l["took"].(float64)/1000)
	}
	cold := c.replicas[3:]
	idle := maxRSS(b, cold, "VmRSS")

	b.StartTimer()
	start := time.Now()
	c.sendPulse("load")
	c.WaitDMs(audience, 1, 5*time.Minute)
	firstDM := time.Since(start)
	b.StopTimer()
	c.WaitDMs(audience, sent, 10*time.Minute)
	fanout, hwm := maxRSS(b, cold, "VmRSS"), maxRSS(b, cold, "VmHWM")
	fraction, _ := rateSince(c, start, fanoutRate)

	b.ReportMetric(listed["listing_took"].(float64)/1000, "s_list")
	b.ReportMetric(listed["storing_took"].(float64)/1000, "s_store")
	b.ReportMetric(readMax, "s_read_max")
	b.ReportMetric(firstDM.Seconds(), "s_first_dm")
	b.ReportMetric(idle, "MiB_rss_idle")
	b.ReportMetric(fanout, "MiB_rss_fanout")
	b.ReportMetric(hwm, "MiB_hwm")
	b.ReportMetric(fraction, "fraction_of_allowed")
	b.ReportMetric(float64(duplicates(dms(c.Fake, audience))), "duplicates")
	b.ReportMetric(float64(len(c.Fake.Calls("users.list"))), "users.list")
	b.ReportMetric(float64(len(c.Fake.Calls("users.info"))), "users.info")
}

// rewriteConfig replaces old with new in the config file at path.
func rewriteConfig(tb testing.TB, path, old, new string) string {
	tb.Helper()
	raw, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(raw), old) {
		tb.Fatalf("config %s: %v, or no %q in it", path, err, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(raw), old, new, 1)), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// sendPulse has the admin run `/pulse send SURVEY` and waits for the ack.
func (c *cluster) sendPulse(survey string) {
	c.t.Helper()
	id, err := c.Fake.SendSlashCommand(slack.SlashCommand{Command: "/pulse", Text: "send " + survey, UserID: fanoutAdmin, ChannelID: "C0ADMIN"})
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := c.Fake.WaitAck(c.t.Context(), id); err != nil {
		c.t.Fatalf("/pulse send %s not acked: %v", survey, err)
	}
}

// waitLog waits until the replicas have logged msg n times.
func (c *cluster) waitLog(msg string, n int, timeout time.Duration) []map[string]any {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if lines := c.Logs(msg); len(lines) >= n {
			return lines
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("%q logged %d times in %s, want %d", msg, len(c.Logs(msg)), timeout, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// maxRSS returns the largest of a /proc/PID/status memory field (VmRSS,
// VmHWM) over the replicas, in MiB.
func maxRSS(tb testing.TB, rs []*replica, field string) float64 {
	tb.Helper()
	var most float64
	for _, r := range rs {
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", r.cmd.Process.Pid))
		if err != nil {
			tb.Fatal(err)
		}
		for _, line := range strings.Split(string(raw), "\n") {
			if v, ok := strings.CutPrefix(line, field+":"); ok {
				kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
				if err != nil {
					tb.Fatal(err)
				}
				most = max(most, kb/1024)
			}
		}
	}
	return most
}
