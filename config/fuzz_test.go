package config

import (
	"testing"

	"github.com/platformbot/platformbot"
)

// FuzzParse feeds arbitrary bytes to the loader: it must never panic, and a
// rejected file must always say why.
func FuzzParse(f *testing.F) {
	f.Add(platformbot.ExampleConfig)
	for _, s := range []string{"", "{}", "timezone: Mars/X", "slack: [", "teams:\n  - id: A\n", "scheduler:\n  catch_up_grace: 3x\n", "surveys:\n  - {}\n", "catalog:\n  - id: x\n    fields: 7\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("fuzz.yaml", data)
		if err == nil && cfg == nil {
			t.Fatal("no config and no error")
		}
		if p, ok := err.(*Problems); ok && len(p.List) == 0 {
			t.Fatal("Problems with no problem")
		}
	})
}
