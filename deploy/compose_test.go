package deploy_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/platformbot/platformbot/config"
)

// TestComposeFile loads ../compose.yaml as `docker compose config` does
// (schema, interpolation, normalisation, consistency) and checks that it
// starts PostgreSQL and platformbot built from the Dockerfile, the bot
// after the database is healthy, on that database, with a configuration
// file that platformbot accepts.
func TestComposeFile(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	opts, err := cli.NewProjectOptions([]string{filepath.Join(root, "compose.yaml")},
		cli.WithWorkingDirectory(root), cli.WithEnv([]string{"SLACK_APP_TOKEN=xapp-test", "SLACK_BOT_TOKEN=xoxb-test"}))
	if err != nil {
		t.Fatal(err)
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	pg, bot := service(t, project, "postgres"), service(t, project, "platformbot")
	if pg.HealthCheck == nil || len(pg.HealthCheck.Test) == 0 {
		t.Error("postgres has no healthcheck, so the bot cannot wait for it")
	}
	if bot.Build == nil || bot.Build.Context != root {
		t.Fatalf("platformbot is not built from the repository: %+v", bot.Build)
	}
	if _, err := os.Stat(filepath.Join(bot.Build.Context, bot.Build.Dockerfile)); err != nil {
		t.Errorf("the Dockerfile it builds from: %v", err)
	}
	if dep, ok := bot.DependsOn["postgres"]; !ok || dep.Condition != types.ServiceConditionHealthy {
		t.Errorf("platformbot depends_on = %+v, want postgres with condition service_healthy", bot.DependsOn)
	}
	env := func(k string) string {
		if v := bot.Environment[k]; v != nil {
			return *v
		}
		return ""
	}
	if u := env("DATABASE_URL"); !strings.HasPrefix(u, "postgres://") || !strings.Contains(u, "@postgres:5432/") {
		t.Errorf("DATABASE_URL = %q, want the postgres service", u)
	}
	if env("SLACK_APP_TOKEN") != "xapp-test" {
		t.Errorf("SLACK_APP_TOKEN = %q, want it from the environment", env("SLACK_APP_TOKEN"))
	}
	checkComposeConfig(t, bot, env("PLATFORMBOT_CONFIG"))
	if len(bot.Ports) != 1 || bot.Ports[0].Target != 8080 {
		t.Errorf("ports = %+v, want 8080 published", bot.Ports)
	}
}

// checkComposeConfig finds the file mounted at the bot's config path and
// validates it with platformbot's own config package.
func checkComposeConfig(t *testing.T, bot types.ServiceConfig, path string) {
	t.Helper()
	for _, v := range bot.Volumes {
		if v.Target != path {
			continue
		}
		data, err := os.ReadFile(v.Source)
		if err != nil {
			t.Fatalf("the mounted config: %v", err)
		}
		if _, err := config.Parse(v.Source, data); err != nil {
			t.Errorf("the mounted config is invalid: %v", err)
		}
		return
	}
	t.Errorf("nothing is mounted at PLATFORMBOT_CONFIG=%q", path)
}

func service(t *testing.T, p *types.Project, name string) types.ServiceConfig {
	t.Helper()
	s, err := p.GetService(name)
	if err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	return s
}
