package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/internal/fakeslack"
	"github.com/platformbot/platformbot/storage"
)

// Socket Mode load through a real websocket; see bench/README.md, "Socket
// Mode". BENCH_SOCKET_KINDS and BENCH_SOCKET_REPLICAS narrow the runs.

// sockSaturation is how many envelopes the closed-loop run sends per
// second of BENCH_SOCKET_SECONDS, with sockInflight outstanding.
const (
	sockSaturation = 10_000
	sockInflight   = 100
	sockClickRate  = 1000.0
)

// TestSocketHelp measures `/platform help` (the reply rides in the ack) for
// the bare slack-go reference and the real platformbot binary, with 1 and 3
// replicas: at saturation (closed loop) and at steady rates (open loop).
func TestSocketHelp(t *testing.T) {
	c := sockNeed(t)
	tbl := &sockTable{header: []string{"bot", "replicas", "load", "envelopes/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "missing", "RSS MiB", "CPU during the run"}}
	for _, kind := range sockKinds(t, sockBare, sockBenchBot, sockPlatformbot) {
		for _, n := range sockReplicas(t) {
			t.Run(fmt.Sprintf("%s-%d", kind, n), func(t *testing.T) { sockHelpRun(t, c, kind, n, tbl) })
		}
	}
	fmt.Printf("\n/platform help, load generator on CPUs %s, bots on CPUs %s:\n\n%s\n", c.loadCPUs, c.botCPUs, tbl)
}

func sockHelpRun(t *testing.T, c sockConfig, kind sockKind, replicas int, tbl *sockTable) {
	fake := fakeslack.New()
	defer fake.Close()
	// The asker is someone Slack lists, as every real asker is: the
	// platformbot reads their locale (the language of the reply).
	fake.AddUser(slack.User{ID: helpCmd.UserID, TZ: "Europe/Berlin", Locale: "en-US"})
	dbURL := ""
	if kind != sockBare {
		dbURL = sockDB(t)
	}
	procs := sockStartBots(t, c, kind, replicas, fake, dbURL)
	time.Sleep(3 * time.Second) // settle: connections, migrations, first GC
	tbl.add(kind, replicas, "at rest", "", "", "", "", "", "", sockMemory(procs), "")

	ctx := context.Background()
	if _, err := fake.Blast(ctx, 5000, sockInflight, helpCmd); err != nil {
		t.Fatal(err)
	}
	if acks := fake.Acks(); len(acks) > 0 {
		t.Logf("%s: the /platform help ack carries %d bytes of payload", kind, len(acks[0].Payload))
	}
	fake.ResetAcks()
	n := int(sockSaturation * c.seconds.Seconds())
	b0, s0 := sockSchedAll(procs)
	start := time.Now()
	lat, err := fake.Blast(ctx, n, sockInflight, helpCmd)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	b1, s1 := sockSchedAll(procs)
	slices.Sort(lat)
	tbl.add(kind, replicas, fmt.Sprintf("saturation, %d in flight", sockInflight), fmt.Sprintf("%.0f", float64(len(lat))/took.Seconds()),
		sockPct(lat, .5), sockPct(lat, .99), sockPct(lat, .999), sockPct(lat, 1), n-len(lat), sockMemory(procs), sockCPUReport(b0, s0, b1, s1, took))

	help, err := fakeslack.PrepareSlashCommand(helpCmd)
	if err != nil {
		t.Fatal(err)
	}
	for _, rate := range c.rates {
		fake.ResetAcks()
		time.Sleep(time.Second)
		b0, s0 := sockSchedAll(procs)
		sent, took, err := sockOpenLoop(ctx, fake, rate, c.seconds, func(int) (fakeslack.Prepared, error) { return help, nil })
		if err != nil {
			t.Fatal(err)
		}
		b1, s1 := sockSchedAll(procs)
		r := sockCollectAcks(fake, sent, 30*time.Second)
		tbl.add(kind, replicas, fmt.Sprintf("steady %.0f/s", rate), fmt.Sprintf("%.0f", float64(len(sent))/took.Seconds()),
			sockPct(r.lat, .5), sockPct(r.lat, .99), sockPct(r.lat, .999), sockPct(r.lat, 1), r.missing, sockMemory(procs), sockCPUReport(b0, s0, b1, s1, took))
		if r.duplicate > 0 {
			t.Errorf("%d envelopes acked more than once", r.duplicate)
		}
	}
	tbl.add(kind, replicas, "peak RSS (VmHWM) of one process", "", "", "", "", "", "", sockPeakMemory(procs), "")
}

// TestSocketClicks measures button clicks that write to PostgreSQL and DM
// the clicker, at a steady 1,000/s, with 1 and 3 replicas.
func TestSocketClicks(t *testing.T) {
	sockClicks(t, false)
}

// TestSocketClicksFaults is TestSocketClicks while every socket gets a
// refresh_requested disconnect every 5 s and 5% of chat.postMessage calls
// are answered 429 (Retry-After: 1). It fails if an envelope is not acked
// exactly once or a click does not get exactly one DM.
func TestSocketClicksFaults(t *testing.T) {
	sockClicks(t, true)
}

func sockClicks(t *testing.T, faults bool) {
	c := sockNeed(t)
	tbl := &sockTable{header: []string{"replicas", "what", "value"}}
	for _, n := range sockReplicas(t) {
		t.Run(strconv.Itoa(n), func(t *testing.T) { sockClickRun(t, c, n, faults, tbl) })
	}
	what := "no faults"
	if faults {
		what = "refresh_requested every 5 s, 5% of chat.postMessage answered 429"
	}
	how := "DM " + sockEnv("BENCH_SOCKET_CLICK_MODE", "direct")
	for _, knob := range []string{"BENCH_SOCKET_WORKERS", "BENCH_SOCKET_FOLLOWUPS", "BENCH_SOCKET_OUTBOX_WORKERS", "BENCH_SOCKET_BOT_GOMAXPROCS"} {
		if v := os.Getenv(knob); v != "" {
			how += ", " + knob + "=" + v
		}
	}
	fmt.Printf("\nclicks at %.0f/s for %s (%s), %s:\n\n%s\n", sockClickRate, c.clickRun, how, what, tbl)
}

func sockClickRun(t *testing.T, c sockConfig, replicas int, faults bool, tbl *sockTable) {
	fake := fakeslack.New()
	defer fake.Close()
	dbURL := sockDB(t)
	db, err := storage.Open(context.Background(), dbURL, storage.Options{MaxOpenConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Gorm.Exec(sockClicksTable).Error; err != nil {
		t.Fatal(err)
	}
	procs := sockStartBots(t, c, sockBenchBot, replicas, fake, dbURL)
	time.Sleep(3 * time.Second)
	row := func(what string, v any) { tbl.add(replicas, what, v) }
	row("RSS at rest, MiB (sum)", sockMemory(procs))

	warm := sockClickLoad(t, fake, "warm", sockClickRate, 2*time.Second)
	if lost, dup, _, _ := sockCheckDMs(fake, warm, time.Minute); lost > 0 || dup > 0 {
		t.Logf("warm-up: %d clicks without a DM, %d with more than one", lost, dup)
	}
	fake.ResetAcks()
	calls0 := len(fake.Calls("chat.postMessage"))

	stopFaults := func() {}
	if faults {
		// The faults last as long as the clicks; what they held back
		// must then be delivered.
		fake.FailRandomly("chat.postMessage", 0.05, http.StatusTooManyRequests, 1)
		stopDisconnects := sockDisconnectEvery(fake, 5*time.Second)
		stopFaults = func() { stopDisconnects(); fake.FailRandomly("chat.postMessage", 0, 0, 0) }
	}
	opens0 := fake.ConnectionOpens()
	var peak float64
	stopSampling := sockSampleMemory(procs, &peak)
	b0, s0 := sockSchedAll(procs)
	start := time.Now()
	clicks := sockClickLoad(t, fake, "run", sockClickRate, c.clickRun)
	sendEnd := time.Now()
	b1, s1 := sockSchedAll(procs)
	stopFaults()
	r := sockCollectAcks(fake, clicks.sent, time.Minute)
	lost, dup, postLat, lastPost := sockCheckDMs(fake, clicks, 10*time.Minute)
	stopSampling()

	var rows int64
	db.Gorm.Raw("SELECT count(*) FROM socketbench_clicks WHERE click_id LIKE 'run-%'").Scan(&rows)
	calls := fake.Calls("chat.postMessage")[calls0:]
	row("clicks sent", len(clicks.sent))
	row("ack p50 / p99 / p99.9 / max, ms", fmt.Sprintf("%.2f / %.2f / %.2f / %.2f", sockPct(r.lat, .5), sockPct(r.lat, .99), sockPct(r.lat, .999), sockPct(r.lat, 1)))
	row("acks missing / duplicated", fmt.Sprintf("%d / %d", r.missing, r.duplicate))
	row("rows in PostgreSQL", rows)
	row("DMs lost / duplicated", fmt.Sprintf("%d / %d", lost, dup))
	row("click to DM p50 / p99, ms", fmt.Sprintf("%.1f / %.1f", sockPct(postLat, .5), sockPct(postLat, .99)))
	row("last DM after the last click, s", fmt.Sprintf("%.1f", lastPost.Sub(sendEnd).Seconds()))
	row("chat.postMessage calls / 429s", fmt.Sprintf("%d / %d", len(calls), sockCount(calls, func(c fakeslack.Call) bool { return c.Status == http.StatusTooManyRequests })))
	row("reconnects", fake.ConnectionOpens()-opens0)
	row("CPU while clicking", sockCPUReport(b0, s0, b1, s1, sendEnd.Sub(start)))
	row("RSS under load, MiB (peak of the sum)", peak)
	row("RSS after, MiB (sum)", sockMemory(procs))
	row("bot log: follow-up work failed", sockLogCount(procs, "follow-up work failed"))
	row("bot log: ack failed", sockLogCount(procs, `"ack failed"`))
	outcomes := map[string]float64{}
	for _, p := range procs {
		p.stop(t) // logs its outcome counters
		line := sockLastLine(p.logs.String(), "bench outcomes")
		t.Logf("%s: %s", p.name, line)
		var m map[string]any
		_ = json.Unmarshal([]byte(line), &m)
		for k, v := range m {
			if f, ok := v.(float64); ok {
				outcomes[k] += f
			}
		}
	}
	row("clicks refused as busy (queue full)", int(outcomes["busy/interactive"]))
	for _, p := range procs {
		for _, line := range sockLines(p.logs.String(), "follow-up work failed", 3) {
			t.Logf("%s: %s", p.name, line)
		}
	}

	if r.missing > 0 || r.duplicate > 0 {
		t.Errorf("%d envelopes not acked, %d acked more than once", r.missing, r.duplicate)
	}
	if lost > 0 || dup > 0 || rows != int64(len(clicks.sent)) {
		t.Errorf("%d clicks without a DM, %d with more than one, %d rows for %d clicks", lost, dup, rows, len(clicks.sent))
	}
}

// sockClickSet is a run of clicks: click i has the id prefix-i.
type sockClickSet struct {
	prefix string
	sent   []sockSent
}

func (c sockClickSet) id(i int) string { return fmt.Sprintf("%s-%d", c.prefix, i) }

// sockClickLoad clicks the bench button at rate for d (open loop), each
// click with its own id, spread over 1,000 users.
func sockClickLoad(t *testing.T, fake *fakeslack.Server, prefix string, rate float64, d time.Duration) sockClickSet {
	t.Helper()
	sent, _, err := sockOpenLoop(context.Background(), fake, rate, d, func(i int) (fakeslack.Prepared, error) {
		user := fmt.Sprintf("UCLICK%04d", i%1000)
		return fakeslack.PrepareInteraction(slack.InteractionCallback{
			Type: slack.InteractionTypeBlockActions,
			Team: slack.Team{ID: fakeslack.TeamID},
			User: slack.User{ID: user},
			Channel: slack.Channel{GroupConversation: slack.GroupConversation{Conversation: slack.Conversation{
				ID: "D" + user[1:]}}},
			ActionCallback: slack.ActionCallbacks{BlockActions: []*slack.BlockAction{{
				ActionID: sockClickAction, BlockID: "click", Type: "button", Value: fmt.Sprintf("%s-%d", prefix, i)}}},
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return sockClickSet{prefix: prefix, sent: sent}
}

// sockCheckDMs waits up to wait for a DM per click and reports how many
// clicks have none and how many more than one, the click-to-DM latencies
// (sorted, from the click's due time to the successful chat.postMessage)
// and when the last DM was posted.
func sockCheckDMs(fake *fakeslack.Server, clicks sockClickSet, wait time.Duration) (lost, dup int, lat []time.Duration, last time.Time) {
	deadline := time.Now().Add(wait)
	var posted map[string][]time.Time
	progress, lastCount := time.Now(), -1
	for {
		posted = map[string][]time.Time{}
		for _, c := range fake.Calls("chat.postMessage") {
			if c.Status != http.StatusOK || c.Error != "" {
				continue
			}
			if text := c.Form.Get("text"); strings.HasPrefix(text, "Click "+clicks.prefix+"-") {
				posted[text] = append(posted[text], c.At)
			}
		}
		if len(posted) != lastCount {
			progress, lastCount = time.Now(), len(posted)
		}
		// Give up at the deadline, or once nothing was posted for 30 s.
		if len(posted) >= len(clicks.sent) || time.Now().After(deadline) || time.Since(progress) > 30*time.Second {
			break
		}
		time.Sleep(time.Second)
	}
	for i, s := range clicks.sent {
		ats := posted[sockClickText(clicks.id(i))]
		switch {
		case len(ats) == 0:
			lost++
			continue
		case len(ats) > 1:
			dup++
		}
		lat = append(lat, ats[0].Sub(s.due))
		if ats[0].After(last) {
			last = ats[0]
		}
	}
	slices.Sort(lat)
	return lost, dup, lat, last
}

// sockDisconnectEvery sends refresh_requested to every socket every d until
// stopped.
func sockDisconnectEvery(fake *fakeslack.Server, d time.Duration) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(d)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				fake.Disconnect("refresh_requested")
			case <-done:
				return
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// sockSampleMemory records the peak of the bots' summed RSS every 100 ms
// until stopped.
func sockSampleMemory(procs []*sockProc, peak *float64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			*peak = max(*peak, sockMemory(procs))
			select {
			case <-tick.C:
			case <-done:
				return
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

func sockCount[T any](xs []T, f func(T) bool) int {
	n := 0
	for _, x := range xs {
		if f(x) {
			n++
		}
	}
	return n
}

// sockLines returns up to n lines of logs that contain needle.
func sockLines(logs, needle string, n int) []string {
	var out []string
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, needle) && len(out) < n {
			out = append(out, l)
		}
	}
	return out
}

// sockLastLine returns the last line of logs that contains needle.
func sockLastLine(logs, needle string) string {
	lines := strings.Split(logs, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.Contains(lines[i], needle) {
			return lines[i]
		}
	}
	return ""
}

func sockLogCount(procs []*sockProc, needle string) int {
	n := 0
	for _, p := range procs {
		n += strings.Count(p.logs.String(), needle)
	}
	return n
}

// sockKinds returns the bot kinds to run: def, or those listed in
// BENCH_SOCKET_KINDS (benchbot serves /platform help too, and writes CPU
// profiles with BENCH_SOCKET_PROFILE).
func sockKinds(t *testing.T, def ...sockKind) []sockKind {
	v := os.Getenv("BENCH_SOCKET_KINDS")
	if v == "" {
		return def
	}
	var out []sockKind
	for _, k := range strings.Split(v, ",") {
		switch kind := sockKind(strings.TrimSpace(k)); kind {
		case sockBare, sockPlatformbot, sockBenchBot:
			out = append(out, kind)
		default:
			t.Fatalf("BENCH_SOCKET_KINDS: unknown kind %q", k)
		}
	}
	return out
}

// sockReplicas returns the replica counts to run: 1 and 3, or
// BENCH_SOCKET_REPLICAS.
func sockReplicas(t *testing.T) []int {
	var out []int
	for _, f := range strings.Split(sockEnv("BENCH_SOCKET_REPLICAS", "1,3"), ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			t.Fatalf("BENCH_SOCKET_REPLICAS: %q", f)
		}
		out = append(out, n)
	}
	return out
}
