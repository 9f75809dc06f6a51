// Package handlers translates between Slack payloads and the domain
// packages: read the request, call the domain, render Block Kit. Handlers
// hold no business rules and no SQL.
//
// Each feature is a subpackage with its own rendering (selfservice,
// officehours, pulse, metrics, ideas, previews, report, language); home
// composes the App Home tab from their sections. This package keeps what
// is not one feature's: the slash commands' tables, the bot's Messages
// tab, and the directory of people and teams the features share. Features
// do not import each other.
package handlers

import (
	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/i18n"
)

// RegisterCommands creates the slash commands so that help lists them
// all; features then add their subcommands to the same tables.
func RegisterCommands(r *bot.Router, names config.Commands) {
	for _, c := range []struct {
		name, summary string
		id            i18n.ID
	}{
		{names.Platform, "self-service requests and platform metrics", i18n.CommandsPlatform},
		{names.OfficeHours, "book time with the platform team", i18n.CommandsOfficeHours},
		{names.Pulse, "developer-satisfaction pulse surveys", i18n.CommandsPulse},
		{names.Preview, "preview programs: try new platform features early", i18n.CommandsPreview},
	} {
		r.Command(c.name, c.summary).SummaryID = c.id
	}
}
