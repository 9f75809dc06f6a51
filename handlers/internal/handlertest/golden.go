package handlertest

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden with the actual output")

// Golden compares v, as indented JSON, with testdata/<name>.golden.
func Golden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	GoldenText(t, name, string(got)+"\n")
}

// GoldenText compares got with testdata/<name>.golden; go test -update
// writes got to the file instead.
func GoldenText(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
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
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

// MsgText flattens a message to its text and every mrkdwn and plain text in
// its blocks, one a line, for assertions that do not need the exact layout.
func MsgText(msg bot.Message) string {
	b, err := json.Marshal(msg.Blocks)
	if err != nil {
		panic(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		panic(err)
	}
	parts := []string{msg.Text}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if s, ok := x["text"].(string); ok {
				parts = append(parts, s)
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(v)
	return strings.Join(parts, "\n")
}

// BlocksText is MsgText of blocks alone.
func BlocksText(blocks []slack.Block) string { return MsgText(bot.Message{Blocks: blocks}) }

// WantContains fails unless got contains every one of wants.
func WantContains(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in:\n%s", w, got)
		}
	}
}
