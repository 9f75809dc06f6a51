package main

import (
	"bufio"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jonboulle/clockwork"
)

var updateWalkthroughs = flag.Bool("update-walkthroughs", false, "rewrite testdata/walkthrough_*.golden with the actual output")

// walkthroughNow is the instant the README walkthroughs run at: a Monday
// morning in Berlin, so that demo data, "today" and closing times are the
// same on every run.
var walkthroughNow = time.Date(2026, 11, 23, 8, 30, 0, 0, time.UTC)

// walkthrough is one console session written in README.md or docs/.
type walkthrough struct {
	name   string
	file   string   // README.md, docs/surveys.md…
	line   int      // of the marker in file
	args   []string // console flags: --demo, --user U…
	script string   // stdin, exactly as written
}

// walkthroughMarker introduces a walkthrough: `<!-- walkthrough NAME: console
// FLAGS -->` before a fenced block. The block is the console's input as
// written; or, in a sh block, a `printf '…' | go run ./cmd/platformbot
// console FLAGS` line whose printf text is the input.
var (
	walkthroughMarker = regexp.MustCompile(`^<!-- walkthrough ([a-z0-9-]+): console(.*?) -->$`)
	printfPipe        = regexp.MustCompile(`^printf '([^']*)' \| go run \./cmd/platformbot console(.*)$`)
)

// readmeWalkthroughs finds the walkthroughs in README.md and docs/*.md.
func readmeWalkthroughs(t *testing.T) []walkthrough {
	t.Helper()
	docs, err := filepath.Glob(filepath.Join("..", "..", "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	var out []walkthrough
	for _, path := range append([]string{filepath.Join("..", "..", "README.md")}, docs...) {
		out = append(out, fileWalkthroughs(t, path)...)
	}
	return out
}

// fileWalkthroughs finds the walkthroughs of one Markdown file.
func fileWalkthroughs(t *testing.T, path string) []walkthrough {
	t.Helper()
	name, _ := filepath.Rel(filepath.Join("..", ".."), path)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []walkthrough
	var cur *walkthrough
	var fence string
	var body []string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur == nil:
			if m := walkthroughMarker.FindStringSubmatch(line); m != nil {
				cur = &walkthrough{name: m[1], file: name, line: n, args: strings.Fields(m[2])}
			}
		case fence == "":
			if !strings.HasPrefix(line, "```") {
				t.Fatalf("%s:%d: walkthrough %s: a fenced block must follow the marker", cur.file, cur.line, cur.name)
			}
			fence = line
		case line != "```":
			body = append(body, line)
		default:
			cur.script = strings.Join(body, "\n") + "\n"
			if fence == "```sh" {
				cur.script = printfScript(t, *cur, body)
			}
			out = append(out, *cur)
			cur, fence, body = nil, "", nil
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cur != nil {
		t.Fatalf("%s:%d: walkthrough %s has no closed block", cur.file, cur.line, cur.name)
	}
	return out
}

// printfScript takes the input of a `printf '…' | go run … console` line,
// with printf's \n and \\ decoded.
func printfScript(t *testing.T, w walkthrough, body []string) string {
	for _, l := range body {
		if m := printfPipe.FindStringSubmatch(strings.TrimSpace(l)); m != nil {
			if got := strings.Fields(m[2]); strings.Join(got, " ") != strings.Join(w.args, " ") {
				t.Fatalf("%s:%d: walkthrough %s: the marker says console %v, the command says %v", w.file, w.line, w.name, w.args, got)
			}
			return strings.NewReplacer(`\n`, "\n", `\\`, `\`).Replace(m[1])
		}
	}
	t.Fatalf("%s:%d: walkthrough %s: no printf … | go run ./cmd/platformbot console line", w.file, w.line, w.name)
	return ""
}

// TestReadmeWalkthroughs runs every console walkthrough of README.md and docs/ as
// written — piped into `platformbot console` with the built-in example
// configuration, a fresh SQLite file and a fixed clock — and compares what
// it prints with testdata/walkthrough_<name>.golden, so that a walkthrough
// that stops working (or whose output changes) fails CI. Rewrite the files
// with: go test ./cmd/platformbot -run ReadmeWalkthroughs -update-walkthroughs
func TestReadmeWalkthroughs(t *testing.T) {
	ws := readmeWalkthroughs(t)
	if len(ws) < 2 {
		t.Fatalf("found %d walkthroughs in README.md and docs/, want at least the quick start and the pulse survey", len(ws))
	}
	seen := map[string]bool{}
	for _, w := range ws {
		if seen[w.name] {
			t.Fatalf("%s:%d: walkthrough %s is named twice", w.file, w.line, w.name)
		}
		seen[w.name] = true
		t.Run(w.name, func(t *testing.T) {
			got := runWalkthrough(t, w)
			path := filepath.Join("testdata", "walkthrough_"+w.name+".golden")
			if *updateWalkthroughs {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./cmd/platformbot -run ReadmeWalkthroughs -update-walkthroughs)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s:%d: walkthrough %s: output differs from %s (-want +got):\n%s", w.file, w.line, w.name, path, diff)
			}
		})
	}
}

func runWalkthrough(t *testing.T, w walkthrough) string {
	t.Helper()
	r := consoleRun{In: strings.NewReader(w.script), User: "UCONSOLE", Clock: clockwork.NewFakeClockAt(walkthroughNow)}
	for i := 0; i < len(w.args); i++ {
		switch a := w.args[i]; {
		case a == "--demo":
			r.Demo = true
		case a == "--user" && i+1 < len(w.args):
			i++
			r.User = w.args[i]
		case strings.HasPrefix(a, "--user="):
			r.User = strings.TrimPrefix(a, "--user=")
		default:
			t.Fatalf("%s:%d: walkthrough %s: flag %q is not supported here", w.file, w.line, w.name, a)
		}
	}
	env := map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "walkthrough.db"), "LOG_LEVEL": "error"}
	r.Getenv = func(k string) string { return env[k] }
	var out strings.Builder
	r.Out = &out
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := runConsole(ctx, r); err != nil {
		t.Fatalf("console: %v\n%s", err, out.String())
	}
	return out.String()
}
