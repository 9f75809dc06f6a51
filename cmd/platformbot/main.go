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
	"syscall"

	"github.com/spf13/cobra"

	"github.com/platformbot/platformbot/config"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

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
		Use:           "platformbot",
		Short:         "The platform team's Slack bot",
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBot(cmd.Context(), getenv)
		},
	}
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
		&cobra.Command{
			Use:   "migrate",
			Short: "Apply database schema migrations and exit",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				return migrate(cmd.Context(), cmd.OutOrStdout(), getenv)
			},
		},
		newConfigCmd(getenv),
		&cobra.Command{
			Use:   "version",
			Short: "Print the version",
			Args:  cobra.NoArgs,
			Run: func(cmd *cobra.Command, _ []string) {
				fmt.Fprintln(cmd.OutOrStdout(), "platformbot", version)
			},
		},
	)
	return root
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

func migrate(ctx context.Context, out io.Writer, getenv func(string) string) error {
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
	return nil
}

func newConfigCmd(getenv func(string) string) *cobra.Command {
	cfgCmd := &cobra.Command{Use: "config", Short: "Work with the configuration file"}
	cfgCmd.AddCommand(newConfigReferenceCmd())
	cfgCmd.AddCommand(&cobra.Command{
		Use:   "validate [FILE]",
		Short: "Check a config file and list every problem with its line",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := getenv("PLATFORMBOT_CONFIG")
			if len(args) == 1 {
				path = args[0]
			}
			if path == "" {
				path = "platformbot.yaml"
			}
			if _, err := config.Load(path); err != nil {
				var probs *config.Problems
				if errors.As(err, &probs) {
					fmt.Fprintln(cmd.OutOrStdout(), probs.Error())
					return fmt.Errorf("%s is invalid", path)
				}
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: ok\n", path)
			return nil
		},
	})
	return cfgCmd
}
