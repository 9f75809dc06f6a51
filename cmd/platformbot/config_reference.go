package main

import (
	"github.com/spf13/cobra"

	"github.com/platformbot/platformbot/config"
)

// newConfigReferenceCmd prints the configuration reference that
// docs/configuration.md holds, generated from the config package.
func newConfigReferenceCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "reference",
		Short: "Print the configuration reference (Markdown) generated from the code",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return config.Reference(cmd.OutOrStdout())
		},
	}
}
