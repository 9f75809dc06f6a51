package config

import (
	"fmt"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Duration is a time.Duration written like "72h", "30m" or "7d".
type Duration time.Duration

// UnmarshalYAML accepts Go durations plus a "d" suffix for days.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return typeError(n, "a duration (like 30m, 72h or 7d)")
	}
	s := strings.TrimSpace(n.Value)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var k int
		if _, err := fmt.Sscanf(days, "%d", &k); err == nil && fmt.Sprint(k) == days {
			*d = Duration(time.Duration(k) * 24 * time.Hour)
			return nil
		}
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		// A TypeError is collected with the other problems instead of
		// aborting the decode.
		return typeError(n, "a duration (like 30m, 72h or 7d)")
	}
	*d = Duration(v)
	return nil
}

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }
