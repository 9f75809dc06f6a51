package main

import (
	"context"
	"errors"
	"time"

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
		Catalog:   i18n.MustBuiltin(),
		Choices:   storage.NewLanguageStore(m.DB),
		Locales:   directoryLocales{m.People},
		Default:   m.Config.Language.Default,
		Channels:  m.Config.Language.Channels,
		ChoiceTTL: choiceTTL,
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

// choiceTTL is how long a replica keeps a person's language choice: a
// choice made through another replica reaches it within that time.
const choiceTTL = 10 * time.Second

// directoryLocales reads Slack locales from the directory of people.
type directoryLocales struct{ dir *people.Directory }

// localeWait bounds how long choosing a language may wait for Slack: a
// burst of people the directory has not listed yet would otherwise queue
// every reply and every fan-out behind users.info's rate limit. Past it,
// the default language is used; the lookup goes on and fills the cache.
const localeWait = 250 * time.Millisecond

func (d directoryLocales) Locale(ctx context.Context, userID string) (string, error) {
	if p, ok := d.dir.Fresh(userID); ok {
		return p.Locale, nil // most requests: no deadline (and timer) to set up
	}
	ctx, cancel := context.WithTimeout(ctx, localeWait)
	defer cancel()
	p, err := d.dir.Person(ctx, userID)
	if errors.Is(err, people.ErrNotFound) {
		return "", nil // someone Slack does not list (a guest, a test user) reads the default
	}
	return p.Locale, err
}
