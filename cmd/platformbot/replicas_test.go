package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/internal/fakeslack"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// Process-level tests run real platformbot processes against one
// PostgreSQL and the in-repo fake Slack. They take a minute or two, so they
// run only when PLATFORMBOT_PROCESS_TESTS=1 (CI sets it) and
// TEST_DATABASE_URL are set.
func needProcesses(t *testing.T) {
	t.Helper()
	if os.Getenv("PLATFORMBOT_PROCESS_TESTS") != "1" || os.Getenv("TEST_DATABASE_URL") == "" {
		t.Skip("set PLATFORMBOT_PROCESS_TESTS=1 and TEST_DATABASE_URL to run process-level tests")
	}
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds cmd/platformbot once per test run.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "platformbot-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "platformbot")
		out, err := exec.Command("go", "build", "-race", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
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
	t        *testing.T
	Fake     *fakeslack.Server
	DBURL    string
	config   string
	replicas []*replica
}

func newCluster(t *testing.T, configYAML string, fakeOpts ...fakeslack.Option) *cluster {
	t.Helper()
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
	bin := binary(c.t)
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
		if r.cmd.ProcessState == nil {
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

// Kill ends replica i with SIGKILL: no cleanup, no goodbye.
func (c *cluster) Kill(i int) {
	_ = c.replicas[i].cmd.Process.Signal(syscall.SIGKILL)
	<-c.replicas[i].done
	c.replicas[i].done <- nil
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
		sc := bufio.NewScanner(strings.NewReader(r.logs.String()))
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var line map[string]any
			if json.Unmarshal(sc.Bytes(), &line) == nil && line["message"] == msg {
				line["replica"] = r.name
				out = append(out, line)
			}
		}
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
	send := func(n int) {
		t.Helper()
		var ids []string
		for range n {
			id, err := c.Fake.SendSlashCommand(slack.SlashCommand{Command: "/platform", Text: "help", UserID: "UDEV000001", ChannelID: "C1"})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for _, id := range ids {
			ack, err := c.Fake.WaitAck(ctx, id)
			if err != nil {
				t.Fatalf("envelope %s not acked: %v", id, err)
			}
			if !strings.Contains(string(ack.Payload), "/officehours") {
				t.Fatalf("ack %s = %s", id, ack.Payload)
			}
		}
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
