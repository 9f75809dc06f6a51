package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/jonboulle/clockwork"
	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/platformbot/platformbot/console"
)

func newConsoleCmd(getenv func(string) string) *cobra.Command {
	var user string
	var demo bool
	cmd := &cobra.Command{
		Use:   "console",
		Short: "Run the whole bot on this terminal (no Slack needed)",
		Long: `Runs the same router, handlers and scheduler as "run", with Slack replaced by
this terminal: type "/platform help", click buttons by typing their number, and
answer modal prompts. Uses the SQLite file platformbot.db unless DATABASE_URL is
set. Works with a pipe on stdin: it then waits for the DMs and posts each line
sets off before reading the next ("wait" does that by hand; "  # …" is a
comment), and exits at end of input.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runConsole(cmd.Context(), consoleRun{In: cmd.InOrStdin(), Out: cmd.OutOrStdout(), Getenv: getenv, User: user, Demo: demo})
		},
	}
	cmd.Flags().StringVar(&user, "user", "UCONSOLE", "Slack user id to act as (admins are listed in the config)")
	cmd.Flags().BoolVar(&demo, "demo", false, "seed sample catalog, requests, office hours, surveys, metrics, ideas and a preview program")
	return cmd
}

// consoleRun is what `platformbot console` runs with; tests set Clock to
// make dates, demo data and "today" reproducible.
type consoleRun struct {
	In     io.Reader
	Out    io.Writer
	Getenv func(string) string
	User   string
	Demo   bool
	Clock  clockwork.Clock // nil: the real clock
}

func runConsole(ctx context.Context, r consoleRun) error {
	getenv, clock := r.Getenv, r.Clock
	env, err := readEnv(getenv, false)
	if err != nil {
		return err
	}
	// Logs would interleave with the conversation: keep them to warnings,
	// on stderr, unless LOG_LEVEL asks for more.
	log := newLogger(env)
	if getenv("LOG_LEVEL") == "" {
		log = log.Level(zerolog.WarnLevel)
	}
	if env.LogFormat == "json" && getenv("LOG_FORMAT") == "" {
		log = log.Output(zerolog.ConsoleWriter{Out: os.Stderr, NoColor: true})
	}
	cfg, err := loadConfig(env.ConfigPath, log)
	if err != nil {
		return err
	}
	if cfg.Delivery.Enabled == nil {
		// The console is someone at their desk trying the bot: a survey
		// DM held until Monday 09:00 would look like a bug. Setting
		// delivery.enabled explicitly shows the holds.
		off := false
		cfg.Delivery.Enabled = &off
	}
	m := &Main{Env: env, Log: log, Config: cfg, Clock: clock, ManualOutbox: true}
	if m.Clock == nil {
		m.Clock = clockwork.NewRealClock()
	}
	// Console users are in the configured zone unless the config says
	// otherwise; dates are shown in it, as Slack shows them in each
	// reader's zone.
	c := console.New(console.Options{
		In: r.In, Out: r.Out, UserID: r.User, ChannelID: "CCONSOLE", TeamID: "TCONSOLE",
		TZ: cfg.Location().String(), Now: m.Clock.Now, Settle: m.settle, FilesDir: getenv("PLATFORMBOT_FILES_DIR"),
	})
	m.Slack = c.Slack()
	defer m.Close()
	if err := m.Open(ctx); err != nil {
		return err
	}
	c.SetRouter(m.Router)
	if r.Demo {
		for _, seed := range m.seeds() {
			if err := seed(ctx); err != nil {
				return fmt.Errorf("demo data: %w", err)
			}
		}
	}
	m.startBackground()
	defer m.Scheduler.Shutdown()
	return c.Run(ctx)
}

// seeds fill the database with sample data for `console --demo`; each
// feature adds its own, and each must be safe to run twice.
func (m *Main) seeds() []func(context.Context) error {
	return []func(context.Context) error{m.seedSelfService, m.seedOfficeHours, m.seedSurveys, m.seedMetrics, m.seedIdeas, m.seedPreviews, m.seedReport}
}
