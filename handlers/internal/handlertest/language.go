package handlertest

import (
	"context"
	"sync"
	"time"

	"github.com/platformbot/platformbot/i18n"
)

// Languages keeps people's Slack locales and their /platform language
// choices in memory, for a Chooser in tests (see Chooser).
type Languages struct {
	mu      sync.Mutex
	locales map[string]string // user → Slack locale ("de-DE")
	chosen  map[string]string // user → chosen code ("de")
}

// NewLanguages returns people with the given Slack locales and no choice.
func NewLanguages(locales map[string]string) *Languages {
	l := &Languages{locales: map[string]string{}, chosen: map[string]string{}}
	for u, loc := range locales {
		l.locales[u] = loc
	}
	return l
}

// Chooser picks from the built-in catalogs, with English as the default.
func (l *Languages) Chooser() *i18n.Chooser {
	return i18n.NewChooser(i18n.ChooserConfig{Catalog: i18n.MustBuiltin(), Choices: l, Locales: l, Default: i18n.English})
}

// Locale implements i18n.Locales.
func (l *Languages) Locale(_ context.Context, user string) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.locales[user], nil
}

// LanguageChoice implements i18n.Choices.
func (l *Languages) LanguageChoice(_ context.Context, user string) (string, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	code, ok := l.chosen[user]
	return code, ok, nil
}

// LanguageChoices implements i18n.Choices.
func (l *Languages) LanguageChoices(context.Context) (map[string]string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[string]string, len(l.chosen))
	for u, c := range l.chosen {
		out[u] = c
	}
	return out, nil
}

// SetLanguageChoice implements i18n.Choices (what /platform language
// stores); an empty code removes the choice.
func (l *Languages) SetLanguageChoice(_ context.Context, user, code string, _ time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if code == "" {
		delete(l.chosen, user)
	} else {
		l.chosen[user] = code
	}
	return nil
}
