package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite docs/configuration.md with `platformbot config reference`")

// TestConfigReferenceIsCurrent fails when docs/configuration.md is not what
// `platformbot config reference` prints, e.g. after a config field or its
// doc comment changed. Run with -update-docs to regenerate it.
func TestConfigReferenceIsCurrent(t *testing.T) {
	var out, errOut bytes.Buffer
	root := newRootCmd(strings.NewReader(""), &out, &errOut, func(string) string { return "" })
	root.SetArgs([]string{"config", "reference"})
	if err := root.Execute(); err != nil {
		t.Fatalf("config reference: %v\n%s", err, errOut.String())
	}
	path := filepath.Join(repoRoot, "docs/configuration.md")
	if *updateDocs {
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), out.String()); diff != "" {
		t.Errorf("docs/configuration.md is stale; regenerate it with\n\tgo run ./cmd/platformbot config reference > docs/configuration.md\n(-checked in +generated):\n%s", diff)
	}
}
