package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/internal/fakeslack"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// Process-level tests run real platformbot processes against one
// PostgreSQL and the in-repo fake Slack. They take a minute or two, so they
// run only when PLATFORMBOT_PROCESS_TESTS=1 (CI sets it) and
// TEST_DATABASE_URL are set.
func needProcesses(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("process-level tests take minutes: skipped with -short")
	}
	if os.Getenv("PLATFORMBOT_PROCESS_TESTS") != "1" || os.Getenv("TEST_DATABASE_URL") == "" {
		t.Skip("set PLATFORMBOT_PROCESS_TESTS=1 and TEST_DATABASE_URL to run process-level tests")
	}
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds cmd/platformbot once per test run, with the race detector.
func binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() { binPath, buildErr = build("-race") })
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// build builds cmd/platformbot into a new temporary directory.
func build(flags ...string) (string, error) {
	dir, err := os.MkdirTemp("", "platformbot-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "platformbot")
	args := append(append([]string{"build"}, flags...), "-o", bin, ".")
	if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
}

// replica is one running platformbot process.
type replica struct {
	name string
	cmd  *exec.Cmd
	logs *syncBuffer
	done chan error
}

// cluster is N replicas sharing one PostgreSQL schema and one fake Slack.
type cluster struct {
	t        testing.TB
	Fake     *fakeslack.Server
	DBURL    string
	Bin      string // the binary; "" means binary(t), built with -race
	config   string
	replicas []*replica
}

func newCluster(t testing.TB, configYAML string, fakeOpts ...fakeslack.Option) *cluster {
	t.Helper()
	if _, err := config.Parse("cluster.yaml", []byte(configYAML)); err != nil {
		t.Fatalf("cluster config: %v", err)
	}
	fake := fakeslack.New(fakeOpts...)
	t.Cleanup(fake.Close)
	cfgPath := filepath.Join(t.TempDir(), "platformbot.yaml")
	if err := os.WriteFile(cfgPath, []byte(configYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	return &cluster{t: t, Fake: fake, DBURL: storagetest.PostgresURL(t), config: cfgPath}
}

// Start starts n more replicas and waits until each holds a socket.
func (c *cluster) Start(n int, env ...string) {
	c.t.Helper()
	bin := c.Bin
	if bin == "" {
		bin = binary(c.t)
	}
	for range n {
		r := &replica{name: fmt.Sprintf("replica-%d", len(c.replicas)+1), logs: &syncBuffer{}, done: make(chan error, 1)}
		r.cmd = exec.Command(bin, "run")
		r.cmd.Env = append(os.Environ(),
			"SLACK_APP_TOKEN="+fakeslack.AppToken, "SLACK_BOT_TOKEN="+fakeslack.BotToken,
			"SLACK_API_URL="+c.Fake.APIURL(), "DATABASE_URL="+c.DBURL,
			"PLATFORMBOT_CONFIG="+c.config, "HTTP_ADDR=127.0.0.1:0", "LOG_LEVEL=debug",
		)
		r.cmd.Env = append(r.cmd.Env, env...)
		r.cmd.Stderr = r.logs
		if err := r.cmd.Start(); err != nil {
			c.t.Fatal(err)
		}
		go func() { r.done <- r.cmd.Wait() }()
		c.replicas = append(c.replicas, r)
		c.t.Cleanup(func() {
			_ = r.cmd.Process.Kill()
			<-r.done
			if c.t.Failed() {
				c.t.Logf("%s logs (tail):\n%s", r.name, tail(r.logs.String(), 40))
			}
		})
	}
	c.WaitConnections(c.Running())
}

// Running counts replicas that have not exited.
func (c *cluster) Running() int {
	n := 0
	for _, r := range c.replicas {
		if !r.exited() {
			n++
		}
	}
	return n
}

func (c *cluster) WaitConnections(n int) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := c.Fake.WaitConnections(ctx, n); err != nil {
		c.t.Fatalf("%d sockets, want %d: %v", c.Fake.Connections(), n, err)
	}
}

// Kill ends replica i with SIGKILL: no cleanup, no goodbye. It returns
// once the fake Slack has seen its socket close (as Slack would, before
// sending it more envelopes).
func (c *cluster) Kill(i int) {
	c.t.Helper()
	_ = c.replicas[i].cmd.Process.Signal(syscall.SIGKILL)
	<-c.replicas[i].done
	c.replicas[i].done <- nil
	deadline := time.Now().Add(10 * time.Second)
	for c.Fake.Connections() > c.Running() {
		if time.Now().After(deadline) {
			c.t.Fatalf("the fake still has %d sockets 10 s after the kill, want %d", c.Fake.Connections(), c.Running())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Term sends SIGTERM to replica i and waits for it to exit.
func (c *cluster) Term(i int) error {
	_ = c.replicas[i].cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-c.replicas[i].done:
		c.replicas[i].done <- err
		return err
	case <-time.After(30 * time.Second):
		return fmt.Errorf("%s did not exit within 30 s of SIGTERM", c.replicas[i].name)
	}
}

// Logs returns the JSON log lines of every replica whose message is msg.
func (c *cluster) Logs(msg string) []map[string]any {
	var out []map[string]any
	for _, r := range c.replicas {
		out = append(out, parseLogs(r, msg)...)
	}
	return out
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// TestReplicasShareTheWork: three processes each hold a socket; Slack's
// envelopes spread over them and each is acked once; killing one leaves the
// others serving.
func TestReplicasShareTheWork(t *testing.T) {
	needProcesses(t)
	c := newCluster(t, "admins: {users: [UADMIN0001]}\n")
	c.Start(3)
	round := 0
	send := func(n int) {
		t.Helper()
		round++
		var ids, replies []string
		for i := range n {
			reply := fmt.Sprintf("help-%d-%d", round, i)
			id, err := c.Fake.SendSlashCommand(slack.SlashCommand{Command: "/platform", Text: "help", UserID: "UDEV000001", ChannelID: "C1", ResponseURL: c.Fake.ResponseURL(reply)})
			if err != nil {
				t.Fatal(err)
			}
			ids, replies = append(ids, id), append(replies, reply)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		late := 0
		for i, id := range ids {
			ack, err := c.Fake.WaitAck(ctx, id)
			if err != nil {
				t.Fatalf("envelope %s not acked: %v", id, err)
			}
			if strings.Contains(string(ack.Payload), "/officehours") {
				continue
			}
			// Past the ack budget (a burst on a loaded host) the ack is
			// empty and the reply follows through response_url.
			late++
			resp, err := c.Fake.WaitResponses(ctx, replies[i], 1)
			if err != nil || AckText(ack) != "" || !strings.Contains(string(resp[0]), "/officehours") {
				t.Fatalf("envelope %s: ack %s, response_url %s (%v)", id, ack.Payload, resp, err)
			}
		}
		t.Logf("%d of %d replies came late, through response_url", late, n)
		time.Sleep(200 * time.Millisecond)
		for _, id := range ids {
			if n := c.Fake.AckCount(id); n != 1 {
				t.Fatalf("envelope %s acked %d times", id, n)
			}
		}
	}
	send(300)
	served := map[string]int{}
	for _, l := range c.Logs("request") {
		served[l["replica"].(string)]++
	}
	if len(served) != 3 {
		t.Errorf("envelopes served by %v, want all three replicas", served)
	}
	c.Kill(0)
	c.WaitConnections(2)
	send(100)
}

// Fan-out under faults. The fake Slack allows fanoutRate chat.postMessage a
// minute (429 with Retry-After above it); the replicas' budget is 95 % of
// that, shared between them, so a fan-out of n users takes about
// n / (0.95 × fanoutRate/60) seconds. The send lease is a few seconds, so
// that a killed replica's claimed sends are taken over quickly.
const (
	fanoutRate    = 2400
	fanoutBurst   = 20
	fanoutWorkers = 8 // outbox.Options.Workers default: posts in flight per replica
	fanoutLease   = 6 * time.Second
	fanoutGroup   = "S0LOAD"
	fanoutAdmin   = "UADMIN0001"
)

// fanoutConfig is a cluster's config: one survey sent by hand to a user
// group, the workspace's budget and, optionally, more YAML.
//
// The replicas run on the real clock, so the fan-outs do not wait for
// working hours (a run on a Saturday would hold them all until Monday);
// BenchmarkFanoutZones measures with them (fanoutDeliveryConfig).
func fanoutConfig(budget int, extra string) string {
	return fanoutDeliveryConfig(budget, "{enabled: false}", extra)
}

// fanoutDeliveryConfig is fanoutConfig with the delivery section given.
func fanoutDeliveryConfig(budget int, delivery, extra string) string {
	return fmt.Sprintf(`admins: {users: [%s]}
slack:
  rate_limits: {chat.postMessage: %d}
scheduler: {send_lease: %s}
delivery: %s
surveys:
  - id: load
    title: Load test
    audience: {usergroups: [%s]}
    questions:
      - {id: q1, type: scale, text: "How is it going?"}
%s`, fanoutAdmin, budget, fanoutLease, delivery, fanoutGroup, extra)
}

// addAudience adds n users to the fake and to the survey's user group.
func addAudience(fake *fakeslack.Server, n int) []string {
	users := make([]string, n)
	for i := range users {
		users[i] = fmt.Sprintf("ULOAD%05d", i)
		fake.AddUser(slack.User{ID: users[i], Name: users[i], TZ: "Europe/Berlin"})
	}
	fake.AddUser(slack.User{ID: fanoutAdmin, Name: "admin", TZ: "UTC"})
	fake.SetUserGroup(fanoutGroup, users)
	return users
}

// newFanoutCluster starts replicas replicas, rate-limits the fake, adds n
// users and waits until every replica has its share of the budget.
func newFanoutCluster(t testing.TB, replicas, users int) (*cluster, []string) {
	t.Helper()
	c := newCluster(t, fanoutConfig(fanoutRate*95/100, ""))
	c.Fake.SetRateLimit("chat.postMessage", fanoutRate, fanoutBurst)
	audience := addAudience(c.Fake, users)
	c.Start(replicas)
	c.WaitShare(replicas)
	return c, audience
}

// WaitShare waits until every running replica divides the budget by n.
func (c *cluster) WaitShare(n int) {
	c.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		shares := c.Shares()
		ok := true
		for i, r := range c.replicas {
			if !r.exited() && shares[i] != n {
				ok = false
			}
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("replicas' budget shares %v, want all %d", shares, n)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// Shares returns each replica's latest share of the budget (1 until it
// logs another).
func (c *cluster) Shares() []int {
	out := make([]int, len(c.replicas))
	for i, r := range c.replicas {
		out[i] = 1
		for _, l := range parseLogs(r, "replicas: Slack rate budget shared") {
			if n, ok := l["replicas"].(float64); ok {
				out[i] = int(n)
			}
		}
	}
	return out
}

// WaitListed waits until a replica has listed the workspace and stored
// the listing (a cold cluster does it as it starts).
func (c *cluster) WaitListed(timeout time.Duration) {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		for _, r := range c.replicas {
			if len(parseLogs(r, "people: listed and stored the workspace")) > 0 {
				return
			}
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("the workspace was not listed within %s", timeout)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// exited reports whether the replica's process has ended.
func (r *replica) exited() bool {
	select {
	case err := <-r.done:
		r.done <- err
		return true
	default:
		return false
	}
}

// parseLogs returns r's JSON log lines whose message is msg.
func parseLogs(r *replica, msg string) []map[string]any {
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(r.logs.String()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var line map[string]any
		if json.Unmarshal(sc.Bytes(), &line) == nil && line["message"] == msg {
			line["replica"] = r.name
			out = append(out, line)
		}
	}
	return out
}

// SendSurvey has the admin run `/pulse send load` and waits for the ack.
func (c *cluster) SendSurvey() {
	c.t.Helper()
	id, err := c.Fake.SendSlashCommand(slack.SlashCommand{Command: "/pulse", Text: "send load", UserID: fanoutAdmin, ChannelID: "C0ADMIN"})
	if err != nil {
		c.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ack, err := c.Fake.WaitAck(ctx, id)
	if err != nil {
		c.t.Fatalf("/pulse send not acked: %v", err)
	}
	if strings.Contains(string(ack.Payload), "went wrong") {
		c.t.Fatalf("/pulse send: %s", ack.Payload)
	}
}

// dms counts the DMs each of users received.
func dms(fake *fakeslack.Server, users []string) map[string]int {
	want := make(map[string]bool, len(users))
	for _, u := range users {
		want[u] = true
	}
	n := map[string]int{}
	for _, m := range fake.Messages("") {
		if want[m.Channel] {
			n[m.Channel]++
		}
	}
	return n
}

// WaitDMs waits until at least reached of users have a DM.
func (c *cluster) WaitDMs(users []string, reached int, timeout time.Duration) {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		n := dms(c.Fake, users)
		if len(n) >= reached {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("%d of %d users have a DM after %s, want %d", len(n), len(users), timeout, reached)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// explainDuplicates logs, for each user with more than one DM, every
// replica's log lines that name them.
func (c *cluster) explainDuplicates(counts map[string]int) {
	c.t.Helper()
	for user, n := range counts {
		if n < 2 {
			continue
		}
		c.t.Logf("%s got %d DMs; log lines naming them:", user, n)
		for _, r := range c.replicas {
			for _, line := range strings.Split(r.logs.String(), "\n") {
				if strings.Contains(line, user) {
					c.t.Logf("  %s: %s", r.name, line)
				}
			}
		}
	}
}

// duplicates is the number of DMs beyond the first per user.
func duplicates(counts map[string]int) int {
	d := 0
	for _, n := range counts {
		d += n - 1
	}
	return d
}

// AssertJobsRanOnce checks every scheduled job's occurrences in all
// replicas' logs: each ran (or failed) on exactly one replica. It returns
// how many occurrences were seen and how many claims other replicas lost.
func (c *cluster) AssertJobsRanOnce() (occurrences, skipped int) {
	c.t.Helper()
	ran := map[string][]string{}
	for _, msg := range []string{"job ran", "job failed", "job panicked"} {
		for _, l := range c.Logs(msg) {
			key := fmt.Sprint(l["job"], " @ ", l["occurrence"])
			ran[key] = append(ran[key], l["replica"].(string))
		}
	}
	for key, by := range ran {
		if len(by) != 1 {
			c.t.Errorf("%s ran %d times (%v), want once", key, len(by), by)
		}
	}
	return len(ran), len(c.Logs("occurrence already run by another replica"))
}

// pgCount runs a count query against the cluster's database.
func (c *cluster) pgCount(query string, args ...any) int {
	c.t.Helper()
	db, err := storage.Open(context.Background(), c.DBURL, storage.Options{MaxOpenConns: 1})
	if err != nil {
		c.t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.Gorm.Raw(query, args...).Scan(&n).Error; err != nil {
		c.t.Fatal(err)
	}
	return n
}

// TestFanoutSurvivesSIGKILL: three replicas share a survey fan-out to 1,000
// people at a rate-limited Slack; one is killed with SIGKILL a third of the
// way in. The other two finish it: everyone has a DM, and the only
// duplicates are the posts that were in flight in the killed replica — at
// most its outbox workers. Together the replicas stay within the budget,
// so Slack answers (almost) no 429.
func TestFanoutSurvivesSIGKILL(t *testing.T) {
	needProcesses(t)
	t.Parallel() // with the scheduled-jobs test, which mostly waits
	c, users := newFanoutCluster(t, 3, 1000)
	start := time.Now()
	c.SendSurvey()
	c.WaitDMs(users, len(users)/3, time.Minute)
	c.Kill(0)
	killedAt := time.Now()
	c.WaitDMs(users, len(users), 2*time.Minute)
	time.Sleep(2 * fanoutLease) // any late repeat of a send the killed replica had claimed
	counts := dms(c.Fake, users)
	limited := c.Fake.RateLimited("chat.postMessage")
	t.Logf("1,000 DMs in %s (replica killed after %s); %d duplicates, %d 429s", time.Since(start).Round(time.Second),
		killedAt.Sub(start).Round(time.Second), duplicates(counts), limited)
	if len(counts) != len(users) {
		t.Errorf("%d of %d users got a DM", len(counts), len(users))
	}
	if d := duplicates(counts); d > fanoutWorkers {
		t.Errorf("%d duplicate DMs, want at most the killed replica's %d posts in flight", d, fanoutWorkers)
		c.explainDuplicates(counts)
	}
	if limited > len(users)/50 {
		t.Errorf("%d 429s: the replicas together exceeded the workspace's budget", limited)
	}
	c.WaitShare(2) // the killed replica's heartbeat expired
	c.AssertJobsRanOnce()
}

// TestFanoutSurvivesSIGTERM: a replica stopped with SIGTERM mid fan-out
// exits 0 within the shutdown deadline after finishing the envelopes it was
// handling and its posts in flight, and hands its claimed sends back at
// once (none is left waiting for a lease); a replacement started after it
// and the others finish the fan-out with no DM lost or repeated.
func TestFanoutSurvivesSIGTERM(t *testing.T) {
	needProcesses(t)
	c, users := newFanoutCluster(t, 3, 600)
	c.SendSurvey()
	c.WaitDMs(users, len(users)/4, time.Minute)

	var envelopes []string
	for range 30 {
		id, err := c.Fake.SendSlashCommand(slack.SlashCommand{Command: "/platform", Text: "help", UserID: "UDEV000001", ChannelID: "C1"})
		if err != nil {
			t.Fatal(err)
		}
		envelopes = append(envelopes, id)
	}
	pid := c.replicas[0].cmd.Process.Pid
	mine := fmt.Sprintf("%%:%d:%%", pid) // outbox owners are host:pid:random
	if n := c.pgCount("SELECT count(*) FROM pending_sends WHERE claimed_by LIKE ?", mine); n == 0 {
		t.Fatalf("no send was ever claimed by %q: the owner pattern is wrong", mine)
	}
	termAt := time.Now()
	if err := c.Term(0); err != nil {
		t.Fatalf("SIGTERM: %v (want exit status 0)", err)
	}
	took := time.Since(termAt)
	t.Logf("exited 0 %s after SIGTERM", took.Round(time.Millisecond))
	if took > 15*time.Second {
		t.Errorf("exit took %s after SIGTERM, want within the 10 s envelope drain plus one send", took)
	}
	if n := c.pgCount("SELECT count(*) FROM pending_sends WHERE state = 'claimed' AND claimed_by LIKE ?", mine); n != 0 {
		t.Errorf("%d sends still claimed by the stopped replica: they wait for their lease instead of being handed back", n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, id := range envelopes {
		ack, err := c.Fake.WaitAck(ctx, id)
		if err != nil {
			t.Fatalf("envelope %s in flight at SIGTERM was never acked: %v", id, err)
		}
		if !strings.Contains(string(ack.Payload), "/officehours") && !strings.Contains(string(ack.Payload), "restarting") {
			t.Errorf("envelope %s acked with %s", id, ack.Payload)
		}
	}
	c.Start(1)
	c.WaitDMs(users, len(users), 2*time.Minute)
	time.Sleep(time.Second)
	counts := dms(c.Fake, users)
	if d := duplicates(counts); d != 0 {
		t.Errorf("%d duplicate DMs after a graceful stop, want 0", d)
		c.explainDuplicates(counts)
	}
	for _, id := range envelopes {
		if n := c.Fake.AckCount(id); n != 1 {
			t.Errorf("envelope %s acked %d times", id, n)
		}
	}
	c.AssertJobsRanOnce()
}

// TestFanout429Storm: Slack answers the next 50 posts with 429 and
// Retry-After: 1 in the middle of a fan-out. The replicas honour it — each
// pauses its posts for the second, so the 50 answers are spread over
// seconds instead of being burnt in a tight loop — and the fan-out
// completes with one DM each.
func TestFanout429Storm(t *testing.T) {
	needProcesses(t)
	c, users := newFanoutCluster(t, 3, 400)
	c.SendSurvey()
	c.WaitDMs(users, 50, time.Minute)
	before := len(c.Fake.Calls("chat.postMessage"))
	natural := c.Fake.RateLimited("chat.postMessage")
	c.Fake.FailNext("chat.postMessage", 50, http.StatusTooManyRequests, 1)
	c.WaitDMs(users, len(users), 2*time.Minute)
	time.Sleep(time.Second)
	counts := dms(c.Fake, users)

	calls := c.Fake.Calls("chat.postMessage")[before:]
	var storm []time.Time
	for _, call := range calls {
		if call.Status == http.StatusTooManyRequests {
			storm = append(storm, call.At)
		}
	}
	if len(storm) < 50 {
		t.Fatalf("%d 429s after the storm started, want the 50 injected", len(storm))
	}
	// FailNext answers every call with 429 until 50 are spent, so the
	// replicas' call rate during the storm is 50 / span. Honouring
	// Retry-After, each replica pauses all its posts for a second after
	// a 429 and resumes at its sustained rate, so together they make a
	// few calls a second; ignoring it, they would keep their pace of
	// fanoutRate × 0.95 / 60 = 38 a second (and a tight retry loop far
	// more).
	span := storm[49].Sub(storm[0])
	rate := 49 / span.Seconds()
	t.Logf("50 injected 429s over %s (%.1f calls/s); %d posts from the storm on for %d DMs; %d 429s before it, %d after",
		span.Round(time.Millisecond), rate, len(calls), len(users)-50, natural, len(storm)-50)
	if rate > 10 {
		t.Errorf("%.1f calls/s during the storm (50 429s in %s): Retry-After was not honoured", rate, span)
	}
	if extra := len(storm) - 50; extra > 20 {
		t.Errorf("%d more 429s than injected: the replicas kept posting over the limit", extra)
	}
	if len(counts) != len(users) {
		t.Errorf("%d of %d users got a DM", len(counts), len(users))
	}
	if d := duplicates(counts); d != 0 {
		t.Errorf("%d duplicate DMs, want 0", d)
		c.explainDuplicates(counts)
	}
	c.AssertJobsRanOnce()
}

// TestScheduledJobsRunOnceAcrossReplicas: a digest scheduled every minute
// fires on all three replicas; exactly one posts it, and the other two find
// its occurrence taken. The same holds for every job in the logs (the
// per-minute survey tick included).
func TestScheduledJobsRunOnceAcrossReplicas(t *testing.T) {
	needProcesses(t)
	t.Parallel() // it mostly waits for the minute to turn
	const digests = `digests:
  posts:
    - {id: every-minute, channel: C0DIGEST, schedule: "* * * * *", window: 7d}
`
	c := newCluster(t, fanoutConfig(600, digests))
	c.Start(3)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if _, err := c.Fake.WaitMessages(ctx, "C0DIGEST", 1); err != nil {
		t.Fatalf("no digest within 90 s: %v", err)
	}
	first := time.Now()
	time.Sleep(5 * time.Second) // the other replicas fire within milliseconds
	posts := c.Fake.Messages("C0DIGEST")
	// A minute boundary may have passed meanwhile only if the first post
	// came within 5 s of the next one: count occurrences by minute.
	byMinute := map[string]int{}
	for _, call := range c.Fake.Calls("chat.postMessage") {
		if call.Status == http.StatusOK && call.Error == "" && call.Form.Get("channel") == "C0DIGEST" {
			byMinute[call.At.Round(time.Minute).Format("15:04")]++
		}
	}
	t.Logf("digest posts %d, by minute %v (first at %s)", len(posts), byMinute, first.Format("15:04:05.000"))
	for minute, n := range byMinute {
		if n != 1 {
			t.Errorf("the %s digest was posted %d times, want once", minute, n)
		}
	}
	occurrences, skipped := c.AssertJobsRanOnce()
	lost := 0
	for _, l := range c.Logs("occurrence already run by another replica") {
		if l["job"] == "digest:every-minute" {
			lost++
		}
	}
	if lost < 2 {
		t.Errorf("%d replicas found the digest's occurrence taken, want the other 2 (did all three fire?)", lost)
	}
	t.Logf("%d job occurrences ran once each; %d claims lost to another replica", occurrences, skipped)
}
