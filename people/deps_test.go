package people

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies: the directory stays a domain package (no Slack,
// database, HTTP or logging library), and storage, which implements its
// Store, does not reach slack-go through it or otherwise.
func TestDependencies(t *testing.T) {
	for pkg, banned := range map[string][]string{
		"github.com/platformbot/platformbot/people":  {"github.com/slack-go/", "gorm.io/", "net/http", "github.com/rs/zerolog"},
		"github.com/platformbot/platformbot/storage": {"github.com/slack-go/"},
	} {
		out, err := exec.Command("go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, b := range banned {
				if dep == b || strings.HasPrefix(dep, b) {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
}
