package main

import (
	"context"

	"github.com/spf13/cobra"
)

func newConsoleCmd(getenv func(string) string) *cobra.Command {
	return &cobra.Command{Use: "console", Short: "Run the whole bot on this terminal (no Slack needed)"}
}

// seeds fill the database with sample data for `console --demo`; each
// feature adds its own, and each must be safe to run twice.
func (m *Main) seeds() []func(context.Context) error {
	return []func(context.Context) error{m.seedSelfService, m.seedOfficeHours, m.seedSurveys, m.seedMetrics}
}
