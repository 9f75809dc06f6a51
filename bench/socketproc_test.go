package bench

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/platformbot/platformbot/internal/fakeslack"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// The Socket Mode load harness runs the bot as separate processes pinned to
// their own cores (taskset) while this test process, pinned to the others,
// is the fake Slack and the load generator. It is slow and needs
// PostgreSQL, so it runs only with BENCH_SOCKET=1.

// sockConfig is the harness's environment.
type sockConfig struct {
	loadCPUs, botCPUs string        // taskset lists
	seconds           time.Duration // length of each steady-rate run
	clickRun          time.Duration
	rates             []float64 // steady /platform help rates
	profileDir        string    // CPU profiles of the bench bot processes
}

func sockNeed(t *testing.T) sockConfig {
	t.Helper()
	if testing.Short() {
		t.Skip("the Socket Mode load harness takes minutes: skipped with -short")
	}
	if os.Getenv("BENCH_SOCKET") != "1" {
		t.Skip("set BENCH_SOCKET=1 (and BENCH_DATABASE_URL) to run the Socket Mode load harness")
	}
	db := os.Getenv("BENCH_DATABASE_URL")
	if db == "" {
		db = os.Getenv("TEST_DATABASE_URL")
	}
	if db == "" {
		t.Skip("the Socket Mode load harness needs BENCH_DATABASE_URL (PostgreSQL)")
	}
	t.Setenv("TEST_DATABASE_URL", db) // storagetest makes a schema per run there
	c := sockConfig{
		loadCPUs:   sockEnv("BENCH_SOCKET_LOAD_CPUS", "0"),
		botCPUs:    sockEnv("BENCH_SOCKET_BOT_CPUS", "1"),
		seconds:    sockEnvSeconds(t, "BENCH_SOCKET_SECONDS", 10),
		clickRun:   sockEnvSeconds(t, "BENCH_SOCKET_CLICK_SECONDS", 30),
		profileDir: os.Getenv("BENCH_SOCKET_PROFILE"),
	}
	for _, f := range strings.Split(sockEnv("BENCH_SOCKET_RATES", "2000,5000,10000,15000,20000"), ",") {
		r, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || r <= 0 {
			t.Fatalf("BENCH_SOCKET_RATES: %q is not a rate", f)
		}
		c.rates = append(c.rates, r)
	}
	sockPinSelf(t, c.loadCPUs)
	return c
}

func sockEnv(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func sockEnvSeconds(t *testing.T, name string, def int) time.Duration {
	n, err := strconv.Atoi(sockEnv(name, strconv.Itoa(def)))
	if err != nil || n <= 0 {
		t.Fatalf("%s: want a whole number of seconds", name)
	}
	return time.Duration(n) * time.Second
}

// sockPinSelf pins every thread of this process to cpus (threads created
// later inherit it) and sets GOMAXPROCS to match, so that the generator
// and the fake never run on the bot's cores.
func sockPinSelf(t *testing.T, cpus string) {
	t.Helper()
	if out, err := exec.Command("taskset", "-a", "-p", "-c", cpus, strconv.Itoa(os.Getpid())).CombinedOutput(); err != nil {
		t.Fatalf("taskset: %v\n%s", err, out)
	}
	prev := runtime.GOMAXPROCS(sockCPUCount(t, cpus))
	t.Cleanup(func() {
		runtime.GOMAXPROCS(prev)
		_ = exec.Command("taskset", "-a", "-p", "-c", fmt.Sprintf("0-%d", runtime.NumCPU()-1), strconv.Itoa(os.Getpid())).Run()
	})
}

// sockCPUCount counts the CPUs of a taskset list such as "0", "1-3" or "0,2".
func sockCPUCount(t *testing.T, list string) int {
	n := 0
	for _, part := range strings.Split(list, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err1 := strconv.Atoi(lo)
		b, err2 := a, error(nil)
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil || b < a {
			t.Fatalf("bad CPU list %q", list)
		}
		n += b - a + 1
	}
	return n
}

var (
	sockBuildOnce sync.Once
	sockBinPath   string
	sockBuildErr  error
)

// sockPlatformbotBinary builds the real binary (cmd/platformbot, no race
// detector) once per run.
func sockPlatformbotBinary(t *testing.T) string {
	t.Helper()
	sockBuildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "platformbot-socketbench")
		if err != nil {
			sockBuildErr = err
			return
		}
		sockBinPath = filepath.Join(dir, "platformbot")
		out, err := exec.Command("go", "build", "-o", sockBinPath, "github.com/platformbot/platformbot/cmd/platformbot").CombinedOutput()
		if err != nil {
			sockBuildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if sockBuildErr != nil {
		t.Fatal(sockBuildErr)
	}
	return sockBinPath
}

// sockImageGOGC is the Dockerfile's GOGC: the bots run as the image does.
const sockImageGOGC = "400"

// sockKind is what runs in a bot process.
type sockKind string

const (
	sockBare        sockKind = "bare"        // slack-go that only acks (the reference)
	sockPlatformbot sockKind = "platformbot" // the real binary, `platformbot run`
	sockBenchBot    sockKind = "benchbot"    // bot package wiring plus the bench click route
)

// sockProc is one bot process.
type sockProc struct {
	name   string
	cmd    *exec.Cmd
	logs   *sockBuffer
	exited chan struct{} // closed once the process has been waited for
}

// sockStartBots starts n bot processes of kind on the bot cores and waits
// until each holds a socket.
func sockStartBots(t *testing.T, c sockConfig, kind sockKind, n int, fake *fakeslack.Server, dbURL string) []*sockProc {
	t.Helper()
	var procs []*sockProc
	for i := range n {
		env := append(os.Environ(),
			"SLACK_APP_TOKEN="+fakeslack.AppToken, "SLACK_BOT_TOKEN="+fakeslack.BotToken,
			"SLACK_API_URL="+fake.APIURL(), "DATABASE_URL="+dbURL, "LOG_LEVEL=info",
			"HTTP_ADDR=127.0.0.1:0",
			// Empty: the runtime sizes itself to the affinity mask.
			"GOMAXPROCS="+os.Getenv("BENCH_SOCKET_BOT_GOMAXPROCS"),
			"GOGC="+sockEnv("BENCH_SOCKET_BOT_GOGC", sockImageGOGC),
		)
		var args []string
		switch kind {
		case sockPlatformbot:
			args = []string{sockPlatformbotBinary(t), "run"}
		default:
			self, err := os.Executable()
			if err != nil {
				t.Fatal(err)
			}
			args = []string{self, "-test.run=^TestSocketBotProcess$", "-test.timeout=0"}
			env = append(env, "SOCKETBENCH_ROLE="+string(kind))
			if c.profileDir != "" {
				env = append(env, "SOCKETBENCH_CPUPROFILE="+filepath.Join(c.profileDir, fmt.Sprintf("%s-%d.pprof", strings.ReplaceAll(t.Name(), "/", "_"), i)))
			}
		}
		p := &sockProc{name: fmt.Sprintf("%s-%d", kind, i+1), logs: &sockBuffer{}, exited: make(chan struct{})}
		p.cmd = exec.Command("taskset", append([]string{"-c", c.botCPUs}, args...)...) // taskset execs: the pid is the bot's
		p.cmd.Env = env
		p.cmd.Stderr = p.logs
		p.cmd.Stdout = p.logs
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { _ = p.cmd.Wait(); close(p.exited) }()
		procs = append(procs, p)
		t.Cleanup(func() { p.stop(t) })
	}
	ctx, cancel := sockTimeout(60 * time.Second)
	defer cancel()
	for _, p := range procs {
		go func() {
			select {
			case <-p.exited:
				cancel() // a bot that died will not connect
			case <-ctx.Done():
			}
		}()
	}
	if err := fake.WaitConnections(ctx, n); err != nil {
		for _, p := range procs {
			t.Logf("%s output:\n%s", p.name, sockTail(p.logs.String(), 30))
		}
		t.Fatalf("%d of %d bots connected: %v", fake.Connections(), n, err)
	}
	return procs
}

// stop ends the process with SIGTERM (so profiles are written), then
// SIGKILL after 15 s.
func (p *sockProc) stop(t *testing.T) {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
	if t.Failed() {
		t.Logf("%s output (tail):\n%s", p.name, sockTail(p.logs.String(), 30))
	}
}

// sockRSS reads a process's resident set size and its peak (VmHWM), in MiB.
func sockRSS(pid int) (rss, peak float64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		name, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(val)
		if len(f) != 2 || f[1] != "kB" {
			continue
		}
		kb, _ := strconv.ParseFloat(f[0], 64)
		switch name {
		case "VmRSS":
			rss = kb / 1024
		case "VmHWM":
			peak = kb / 1024
		}
	}
	return rss, peak
}

// sockMemory sums the RSS of the bot processes now.
func sockMemory(procs []*sockProc) float64 {
	var sum float64
	for _, p := range procs {
		rss, _ := sockRSS(p.cmd.Process.Pid)
		sum += rss
	}
	return sum
}

// sockPeakMemory is the largest VmHWM of the bot processes.
func sockPeakMemory(procs []*sockProc) float64 {
	var top float64
	for _, p := range procs {
		_, hwm := sockRSS(p.cmd.Process.Pid)
		top = max(top, hwm)
	}
	return top
}

// sockBuffer is a goroutine-safe log sink.
type sockBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *sockBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *sockBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func sockTail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// sockDB returns a fresh, migrated PostgreSQL schema's URL for one run.
func sockDB(t *testing.T) string {
	t.Helper()
	return storagetest.PostgresURL(t)
}

// sockSched is CPU time and run-queue wait (time runnable but not running:
// other processes had the core) summed over a process's threads, from
// /proc/PID/task/*/schedstat. Threads that exited are not counted, so it
// is read before and after a run and subtracted.
type sockSched struct{ cpu, wait time.Duration }

func sockSchedOf(pid int) sockSched {
	var s sockSched
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	for _, path := range tasks {
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		f := strings.Fields(string(b))
		if len(f) < 2 {
			continue
		}
		cpu, _ := strconv.ParseInt(f[0], 10, 64)
		wait, _ := strconv.ParseInt(f[1], 10, 64)
		s.cpu += time.Duration(cpu)
		s.wait += time.Duration(wait)
	}
	return s
}

// sockSchedAll sums sockSchedOf over the bot processes and this process.
func sockSchedAll(procs []*sockProc) (bots, self sockSched) {
	for _, p := range procs {
		s := sockSchedOf(p.cmd.Process.Pid)
		bots.cpu += s.cpu
		bots.wait += s.wait
	}
	return bots, sockSchedOf(os.Getpid())
}

// sockCPUReport says how much CPU the bots and the generator used during a
// run of length d, and how long they waited for a core that something else
// had (other processes on the machine: then the figures are not clean).
func sockCPUReport(b0, s0, b1, s1 sockSched, d time.Duration) string {
	pct := func(x time.Duration) float64 { return 100 * x.Seconds() / d.Seconds() }
	return fmt.Sprintf("bots %.0f%% CPU, %.0f%% waiting; generator %.0f%% CPU, %.0f%% waiting",
		pct(b1.cpu-b0.cpu), pct(b1.wait-b0.wait), pct(s1.cpu-s0.cpu), pct(s1.wait-s0.wait))
}
