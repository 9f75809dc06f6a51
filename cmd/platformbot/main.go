// Command platformbot is the platform team's Slack bot: self-service
// requests, office hours, pulse surveys and metric digests.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/platformbot/platformbot/config"
)

// version is set at build time with -ldflags "-X main.version=…"; a local
// build says which commit it was built from instead (see versionString).
var version = "dev"

// envHelp lists the environment variables in --help.
const envHelp = `Environment:
  SLACK_APP_TOKEN     app-level token (xapp-…, scope connections:write); required for run
  SLACK_BOT_TOKEN     bot token (xoxb-…); required for run
  SLACK_API_URL       Slack Web API base URL (default https://slack.com/api/)
  DATABASE_URL        postgres://…, sqlite:PATH or file:PATH (default sqlite:platformbot.db)
  PLATFORMBOT_CONFIG  YAML config file (default platformbot.yaml if present, else the built-in example)
  HTTP_ADDR           health, metrics and ingest API (default :8080)
  LOG_LEVEL           debug, info, warn or error (default info)
  LOG_FORMAT          text or json (default text on a terminal, json otherwise)`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newRootCmd(os.Stdin, os.Stdout, os.Stderr, os.Getenv).ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "platformbot:", err)
		os.Exit(1)
	}
}

// newRootCmd builds the command tree; tests call it with their own streams
// and environment.
func newRootCmd(stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) *cobra.Command {
	root := &cobra.Command{
		Use:   "platformbot",
		Short: "The platform team's Slack bot",
		Long: "The platform team's Slack bot: self-service requests, office hours, pulse surveys\n" +
			"and metric digests. With no command it runs the bot (platformbot run).\n\n" + envHelp,
		Version:       versionString(debug.ReadBuildInfo()),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBot(cmd.Context(), getenv)
		},
	}
	root.SetVersionTemplate("platformbot {{.Version}}\n")
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(
		&cobra.Command{
			Use:   "run",
			Short: "Connect to Slack over Socket Mode, run scheduled jobs and the HTTP server",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				return runBot(cmd.Context(), getenv)
			},
		},
		newConsoleCmd(getenv),
		newMigrateCmd(getenv),
		newConfigCmd(getenv),
		&cobra.Command{
			Use:   "version",
			Short: "Print the version",
			Args:  cobra.NoArgs,
			Run: func(cmd *cobra.Command, _ []string) {
				fmt.Fprintln(cmd.OutOrStdout(), "platformbot", cmd.Root().Version)
			},
		},
	)
	return root
}

// versionString is the -ldflags version of a release build; for a local
// build ("dev") it adds what the Go toolchain recorded: the module version
// of `go install …@v1.2.3`, or the commit, its time and whether the tree
// had changes.
func versionString(info *debug.BuildInfo, ok bool) string {
	if version != "dev" || !ok {
		return version
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, at, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value[:min(12, len(s.Value))]
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = ", modified"
			}
		}
	}
	if rev == "" {
		return version
	}
	return fmt.Sprintf("dev (%s, %s%s)", rev, at, dirty)
}

func runBot(ctx context.Context, getenv func(string) string) error {
	env, err := readEnv(getenv, true)
	if err != nil {
		return err
	}
	m := &Main{Env: env, Log: newLogger(env)}
	defer m.Close()
	if err := m.Open(ctx); err != nil {
		return err
	}
	if err := m.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	m.Log.Info().Msg("stopped")
	return nil
}

func newMigrateCmd(getenv func(string) string) *cobra.Command {
	var rebuild bool
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply database schema migrations, build what depends on them, and exit",
		Long: `Apply database schema migrations, build the metrics rollups if they are
missing or were built for other production environments, and exit.

--rebuild-rollups recomputes the metrics rollups from the raw deployments,
incidents and bot activity even when they look ready: after raw rows were
changed or restored outside platformbot, or after a version without rollups
ingested data. Ingests wait while it runs.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return migrate(cmd.Context(), cmd.OutOrStdout(), getenv, rebuild)
		},
	}
	cmd.Flags().BoolVar(&rebuild, "rebuild-rollups", false, "recompute the metrics rollups from the raw tables")
	return cmd
}

func migrate(ctx context.Context, out io.Writer, getenv func(string) string, rebuild bool) error {
	env, err := readEnv(getenv, false)
	if err != nil {
		return err
	}
	m := &Main{Env: env, Log: newLogger(env)}
	defer m.Close()
	if err := m.Open(ctx); err != nil {
		return err
	}
	v, err := m.DB.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "database schema is at version %d\n", v)
	store := m.metricsStore()
	if !rebuild {
		if ok, err := store.RollupsReady(ctx); ok || err != nil {
			return err
		}
		began := time.Now()
		if err := store.EnsureRollups(ctx); err != nil {
			return err
		}
		fmt.Fprintf(out, "metrics rollups built in %s\n", time.Since(began).Round(time.Millisecond))
		return nil
	}
	st, err := store.RebuildRollups(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "metrics rollups rebuilt from %d deployments, %d incidents and %d bot activity days in %s\n",
		st.Deployments, st.Incidents, st.ActivityDays, st.Took.Round(time.Millisecond))
	return nil
}

func newConfigCmd(getenv func(string) string) *cobra.Command {
	cfgCmd := &cobra.Command{Use: "config", Short: "Work with the configuration file"}
	cfgCmd.AddCommand(newConfigReferenceCmd())
	cfgCmd.AddCommand(&cobra.Command{
		Use:   "validate [FILE]",
		Short: "Check a config file and list every problem with its line",
		Long: `Checks FILE and lists every problem with its line, key and value, sorted by line.
With no FILE it checks what "run" would load: $PLATFORMBOT_CONFIG, else
./platformbot.yaml, else the built-in example.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := getenv("PLATFORMBOT_CONFIG")
			if len(args) == 1 {
				path = args[0]
			}
			return validateConfig(cmd.OutOrStdout(), path)
		},
	})
	return cfgCmd
}

// validateConfig checks the configuration run would load from path and
// prints its problems, or "ok" and any warnings.
func validateConfig(out io.Writer, path string) error {
	name, data, err := readConfig(path)
	if err != nil {
		return err
	}
	cfg, err := config.Parse(name, data)
	if err != nil {
		var probs *config.Problems
		if errors.As(err, &probs) {
			fmt.Fprintln(out, probs.Error())
			return fmt.Errorf("%s is invalid", name)
		}
		return err
	}
	for _, w := range cfg.Warnings() {
		fmt.Fprintln(out, "warning:", w.String(name))
	}
	fmt.Fprintf(out, "%s: ok\n", name)
	return nil
}
