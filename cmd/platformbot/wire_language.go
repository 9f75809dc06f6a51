package main

import (
	"context"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/handlers/language"
	"github.com/platformbot/platformbot/i18n"
	"github.com/platformbot/platformbot/people"
	"github.com/platformbot/platformbot/storage"
)

// openLanguage builds the chooser of languages (a person's stored choice,
// else their Slack locale from the directory, else language.default) and
// makes every request carry its asker's language. It runs once the
// directory and the router exist, before the features that render.
func (m *Main) openLanguage() {
	m.Language = i18n.NewChooser(i18n.ChooserConfig{
		Catalog:  i18n.MustBuiltin(),
		Choices:  storage.NewLanguageStore(m.DB),
		Locales:  directoryLocales{m.People},
		Default:  m.Config.Language.Default,
		Channels: m.Config.Language.Channels,
		OnError: func(user string, err error) {
			m.Log.Warn().Err(err).Str("user", user).Msg("language: cannot read a choice or locale; using the next in line")
		},
	})
	m.Router.Use(bot.Language(m.Language))
}

// wireLanguage registers `/platform language`.
func (m *Main) wireLanguage(context.Context) error {
	(&language.Handler{Chooser: m.Language, Command: m.Config.Slack.Commands.Platform, Now: m.Clock.Now}).Register(m.Router)
	return nil
}

// directoryLocales reads Slack locales from the directory of people.
type directoryLocales struct{ dir *people.Directory }

func (d directoryLocales) Locale(ctx context.Context, userID string) (string, error) {
	p, err := d.dir.Person(ctx, userID)
	return p.Locale, err
}
