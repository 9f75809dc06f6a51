package config

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestReferenceCoversTheExample: every key that platformbot.example.yaml
// uses has a row in the reference, under the same path.
func TestReferenceCoversTheExample(t *testing.T) {
	docs, err := parseDocs()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := referenceRows(docs)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, r := range rows {
		paths = append(paths, r.path)
	}
	raw, err := os.ReadFile("../platformbot.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(raw, &root); err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	exampleKeys(root.Content[0], "", used)
	if len(used) < 30 {
		t.Fatalf("only %d keys found in the example", len(used))
	}
	for key := range used {
		if !slices.Contains(paths, key) {
			t.Errorf("platformbot.example.yaml uses %s, which the reference lacks", key)
		}
	}
}

// exampleKeys collects the key paths of a YAML mapping, as the reference
// writes them; the keys of rate_limits are data, not keys.
func exampleKeys(n *yaml.Node, prefix string, out map[string]bool) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			path := prefix + n.Content[i].Value
			out[path] = true
			if !strings.HasSuffix(path, "rate_limits") {
				exampleKeys(n.Content[i+1], path+".", out)
			}
		}
	case yaml.SequenceNode:
		for _, item := range n.Content {
			exampleKeys(item, strings.TrimSuffix(prefix, ".")+"[].", out)
		}
	}
}

// TestReferenceRenamesGoFields: the comments speak of YAML keys.
func TestReferenceRenamesGoFields(t *testing.T) {
	var b bytes.Buffer
	if err := Reference(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| `scheduler.catch_up_grace` | duration | `1h` | `catch_up_grace` is how late",
		"| `catalog[].fields[].max` | number |  | `min` and `max` bound",
		"| `catalog[].fields[].pattern_hint` | string |  | `pattern` is a regular expression",
		"| `office_hours.horizon` | duration |  | `horizon` is how far ahead",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("reference lacks %q", want)
		}
	}
	for _, goName := range []string{"CatchUpGrace", "PatternHint", "RateLimits", "MinGroupSize"} {
		if strings.Contains(b.String(), goName) {
			t.Errorf("reference still says %s", goName)
		}
	}
}
