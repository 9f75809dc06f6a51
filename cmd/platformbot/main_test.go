package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// execute runs the CLI with the given environment and returns its output
// and the error main would print.
func execute(t *testing.T, env map[string]string, stdin string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	cmd := newRootCmd(strings.NewReader(stdin), &out, &out, func(k string) string { return env[k] })
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(t.Context())
	return out.String(), err
}

func TestRunRefusesBadEnvironment(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"no app token", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN: is required"},
		{"bot token in app slot", map[string]string{"SLACK_APP_TOKEN": "xoxb-1", "SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN: must be an app-level token starting with xapp-"},
		{"no bot token", map[string]string{"SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN: is required"},
		{"user token", map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxp-1"}, "SLACK_BOT_TOKEN: must be a bot token starting with xoxb-"},
		{"bad api url", map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_API_URL": "slack.com"}, "SLACK_API_URL: must be an http(s) URL"},
		{"bad log level", map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-1", "LOG_LEVEL": "loud"}, "LOG_LEVEL: unknown level"},
		{"bad database url", map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-1", "DATABASE_URL": "mysql://x", "HTTP_ADDR": "127.0.0.1:0"}, "DATABASE_URL: expected postgres://"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := execute(t, tc.env, "", "run")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans several lines: %q", err)
			}
			for _, secret := range []string{"xoxb-1", "xapp-1"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error leaks a token: %q", err)
				}
			}
		})
	}
}

func TestConfigValidateListsEveryProblem(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("timezone: Nowhere/City\nslack:\n  triage_channel: general\n  colour: blue\n"), 0o600)
	out, err := execute(t, nil, "", "config", "validate", bad)
	if err == nil {
		t.Fatal("validate of a broken file succeeded")
	}
	for _, want := range []string{bad + ":1: timezone", bad + ":3: slack.triage_channel", bad + `:4: slack.colour: unknown key "colour"`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	good := filepath.Join(dir, "good.yaml")
	os.WriteFile(good, []byte("timezone: Europe/Berlin\n"), 0o600)
	if out, err := execute(t, nil, "", "config", "validate", good); err != nil || !strings.Contains(out, "ok") {
		t.Fatalf("validate good file: %v\n%s", err, out)
	}
}

func TestVersion(t *testing.T) {
	out, err := execute(t, nil, "", "version")
	if err != nil || !strings.HasPrefix(out, "platformbot ") {
		t.Fatalf("version = %q, %v", out, err)
	}
	flag, err := execute(t, nil, "", "--version")
	if err != nil || flag != out {
		t.Errorf("--version = %q, %v; want what version prints (%q)", flag, err, out)
	}
}

// TestVersionOfALocalBuild: a build without -ldflags used to print "dev";
// it now names the commit the Go toolchain recorded, or the module
// version of `go install …@vX`.
func TestVersionOfALocalBuild(t *testing.T) {
	vcs := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "3143d81c0ffee0123456789abcdef0123456789a"}, {Key: "vcs.time", Value: "2026-12-04T15:28:00Z"}, {Key: "vcs.modified", Value: "true"},
	}}
	for _, tc := range []struct {
		name string
		info *debug.BuildInfo
		ok   bool
		want string
	}{
		{"commit", vcs, true, "dev (3143d81c0ffe, 2026-12-04T15:28:00Z, modified)"},
		{"go install", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}}, true, "v1.4.0"},
		{"nothing recorded", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, true, "dev"},
		{"no build info", nil, false, "dev"},
	} {
		if got := versionString(tc.info, tc.ok); got != tc.want {
			t.Errorf("%s: versionString = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestHelpListsTheEnvironment: --help names every variable the binary reads.
func TestHelpListsTheEnvironment(t *testing.T) {
	out, err := execute(t, nil, "", "--help")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"SLACK_APP_TOKEN", "SLACK_BOT_TOKEN", "SLACK_API_URL", "DATABASE_URL", "PLATFORMBOT_CONFIG", "HTTP_ADDR", "LOG_LEVEL", "LOG_FORMAT"} {
		if !strings.Contains(out, v) {
			t.Errorf("--help does not mention %s:\n%s", v, out)
		}
	}
}

// TestGarbageDatabaseURLIsRefused: DATABASE_URL=garbage used to create a
// SQLite file named garbage; now it is one line naming the accepted forms.
func TestGarbageDatabaseURLIsRefused(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, v := range []string{"garbage", "platformbot.db", "host:5432/db"} {
		_, err := execute(t, map[string]string{"DATABASE_URL": v, "LOG_LEVEL": "error"}, "", "migrate")
		if err == nil || !strings.Contains(err.Error(), "DATABASE_URL: expected postgres://") || !strings.Contains(err.Error(), "sqlite:PATH") {
			t.Errorf("DATABASE_URL=%s: error = %v, want the accepted forms", v, err)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("DATABASE_URL=%s: error spans lines: %q", v, err)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("files created for a bad DATABASE_URL: %v", entries)
	}
}

// TestLogFormatFollowsTheTerminal: unset, LOG_FORMAT is readable text on a
// terminal and JSON otherwise (a pipe, a container's log driver).
func TestLogFormatFollowsTheTerminal(t *testing.T) {
	for _, tc := range []struct {
		setting  string
		terminal bool
		want     string
	}{
		{"", true, "console"},
		{"", false, "json"},
		{"json", true, "json"},
		{"text", false, "console"},
		{"console", false, "console"},
		{"TEXT", false, "console"},
	} {
		got, err := logFormat(tc.setting, tc.terminal)
		if err != nil || got != tc.want {
			t.Errorf("logFormat(%q, terminal=%v) = %q, %v; want %q", tc.setting, tc.terminal, got, err, tc.want)
		}
	}
	if _, err := logFormat("xml", true); err == nil || !strings.Contains(err.Error(), "LOG_FORMAT: unknown format") {
		t.Errorf("logFormat(xml) error = %v", err)
	}
}

// TestConfigValidateChecksWhatRunLoads: with no file, validate used to fail
// on a missing platformbot.yaml although run falls back to the built-in
// example; it now checks PLATFORMBOT_CONFIG, else ./platformbot.yaml, else
// the example. An empty file is valid but warned about.
func TestConfigValidateChecksWhatRunLoads(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	out, err := execute(t, nil, "", "config", "validate")
	if err != nil || !strings.Contains(out, "built-in platformbot.example.yaml: ok") {
		t.Fatalf("validate with no file = %q, %v; want the built-in example checked", out, err)
	}
	os.WriteFile("platformbot.yaml", []byte("timezone: Nowhere/City\n"), 0o600)
	if out, err := execute(t, nil, "", "config", "validate"); err == nil || !strings.Contains(out, "platformbot.yaml:1: timezone") {
		t.Errorf("validate with ./platformbot.yaml = %q, %v; want its problem", out, err)
	}
	os.WriteFile("empty.yaml", nil, 0o600)
	out, err = execute(t, map[string]string{"PLATFORMBOT_CONFIG": "empty.yaml"}, "", "config", "validate")
	if err != nil || !strings.Contains(out, "warning: empty.yaml: the file configures nothing") || !strings.Contains(out, "empty.yaml: ok") {
		t.Errorf("validate of an empty PLATFORMBOT_CONFIG = %q, %v; want a warning and ok", out, err)
	}
	if _, err := execute(t, nil, "", "config", "validate", "missing.yaml"); err == nil || !strings.Contains(err.Error(), "missing.yaml does not exist") {
		t.Errorf("validate of a missing file: %v", err)
	}
}
