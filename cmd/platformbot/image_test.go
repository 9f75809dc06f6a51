package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/platformbot/platformbot/internal/fakeslack"
)

// dockerImage is what the final stage of the Dockerfile sets up, read from
// the file so that the test follows it.
type dockerImage struct {
	user       string            // USER, e.g. nonroot:nonroot
	workdir    string            // WORKDIR
	env        map[string]string // ENV
	owners     map[string]string // directory → owner: COPY --chown, else root (WORKDIR)
	volumes    []string          // VOLUME
	entrypoint []string
	cmd        []string
}

// readDockerfile parses the instructions of the last stage that this test
// needs; it understands the forms our Dockerfile uses, no more.
func readDockerfile(t *testing.T, path string) dockerImage {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var img dockerImage
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		op, rest, _ := strings.Cut(line, " ")
		words := strings.Fields(rest)
		switch strings.ToUpper(op) {
		case "FROM": // a new stage: only the last one is the image
			img = dockerImage{env: map[string]string{}, owners: map[string]string{}}
		case "USER":
			img.user = rest
		case "WORKDIR":
			img.workdir = rest
			if _, ok := img.owners[rest]; !ok {
				img.owners[rest] = "root" // WORKDIR creates it as root
			}
		case "ENV":
			for _, kv := range words {
				k, v, _ := strings.Cut(kv, "=")
				img.env[k] = v
			}
		case "COPY":
			owner := "root"
			for _, w := range words {
				if o, ok := strings.CutPrefix(w, "--chown="); ok {
					owner, _, _ = strings.Cut(o, ":")
				}
			}
			img.owners[words[len(words)-1]] = owner
		case "VOLUME":
			img.volumes = jsonOrWords(t, rest)
		case "ENTRYPOINT":
			img.entrypoint = jsonOrWords(t, rest)
		case "CMD":
			img.cmd = jsonOrWords(t, rest)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return img
}

func jsonOrWords(t *testing.T, s string) []string {
	var out []string
	if strings.HasPrefix(s, "[") {
		if err := json.Unmarshal([]byte(s), &out); err != nil {
			t.Fatalf("Dockerfile: %q: %v", s, err)
		}
		return out
	}
	return strings.Fields(s)
}

// uidOf maps the image's user names to ids: distroless's nonroot is 65532.
func uidOf(t *testing.T, user string) uint32 {
	name, _, _ := strings.Cut(user, ":")
	switch name {
	case "root":
		return 0
	case "nonroot":
		return 65532
	}
	n, err := strconv.ParseUint(name, 10, 32)
	if err != nil {
		t.Fatalf("Dockerfile: unknown user %q", user)
	}
	return uint32(n)
}

// TestImageStartsAsNonroot proves the Docker image works without a Docker
// daemon (none can run here): it builds the binary as the Dockerfile does,
// lays out a directory as the image lays out its filesystem (the data
// directory with the owner the Dockerfile gives it), and runs the
// Dockerfile's command as the image's unprivileged user with the image's
// environment; /healthz must answer and the SQLite file must be created.
// The image used to create /data as root (WORKDIR) and then switch to
// nonroot, which could not write its default database.
func TestImageStartsAsNonroot(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs it as another user: skipped with -short")
	}
	if os.Geteuid() != 0 {
		t.Skip("running the binary as the image's user (uid 65532) needs root to switch to it")
	}
	img := readDockerfile(t, filepath.Join("..", "..", "Dockerfile"))
	dbURL := img.env["DATABASE_URL"]
	dbPath, ok := strings.CutPrefix(dbURL, "sqlite:")
	if !ok {
		t.Fatalf("Dockerfile: DATABASE_URL=%q is not the embedded SQLite", dbURL)
	}
	dataDir := filepath.Dir(dbPath)
	if !slices.Contains(img.volumes, dataDir) {
		t.Errorf("Dockerfile: %s holds the database but is not a VOLUME (%v): it would die with the container", dataDir, img.volumes)
	}
	uid := uidOf(t, img.user)
	if uid == 0 {
		t.Fatalf("Dockerfile: USER %q: the image must not run as root", img.user)
	}

	root := t.TempDir() // the image's / ; traversable by everyone, as /
	for _, d := range []string{filepath.Dir(root), root} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(root, strings.TrimPrefix(img.entrypoint[0], "/"))
	buildAsImage(t, bin)
	for dir, owner := range img.owners {
		if strings.HasPrefix(dir, "/usr/") {
			continue // the binary's directory
		}
		p := filepath.Join(root, dir)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		id := uidOf(t, owner)
		if err := os.Chown(p, int(id), int(id)); err != nil {
			t.Fatal(err)
		}
	}

	fake := fakeslack.New()
	t.Cleanup(fake.Close)
	addr := freeAddr(t)
	env := []string{"PATH=/usr/bin:/bin", "SLACK_APP_TOKEN=" + fakeslack.AppToken, "SLACK_BOT_TOKEN=" + fakeslack.BotToken,
		"SLACK_API_URL=" + fake.APIURL(), "LOG_FORMAT=json"}
	for k, v := range img.env {
		switch k {
		case "DATABASE_URL":
			v = "sqlite:" + filepath.Join(root, dbPath)
		case "HTTP_ADDR":
			v = addr // the container's :8080, on a free local port
		}
		env = append(env, k+"="+v)
	}
	var logs syncBuffer
	cmd := exec.Command(bin, img.cmd...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = filepath.Join(root, img.workdir), env, &logs, &logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: uid}}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{}) // closed when the process has exited, with waitErr
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
			if waitErr != nil && !t.Failed() {
				t.Errorf("exit after SIGTERM: %v\n%s", waitErr, logs.String())
			}
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("no exit 15 s after SIGTERM")
		}
	})
	if err := waitHealthy(addr, done, &waitErr); err != nil {
		t.Fatalf("as uid %d in a %s owned by %s: %v\nlogs:\n%s", uid, dataDir, img.owners[dataDir], err, logs.String())
	}
	fi, err := os.Stat(filepath.Join(root, dbPath))
	if err != nil {
		t.Fatalf("the database was not created: %v", err)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid != uid {
		t.Errorf("the database belongs to uid %d, want %d", st.Uid, uid)
	}
}

// buildAsImage builds cmd/platformbot at the image's path. It keeps the
// test's build settings rather than the Dockerfile's CGO_ENABLED=0
// -trimpath, which would rebuild every dependency (minutes on two cores):
// what is tested here, files and their owners, does not depend on them.
func buildAsImage(t *testing.T, bin string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
}

// waitHealthy polls /healthz until it answers 200, the process exits, or
// 30 s pass.
func waitHealthy(addr string, exited <-chan struct{}, waitErr *error) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return fmt.Errorf("the process exited: %v", *waitErr)
		default:
		}
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("/healthz did not answer 200 within 30 s")
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
