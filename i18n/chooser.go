package i18n

import (
	"context"
	"errors"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
)

// Auto is the choice that clears a stored one: the Slack locale decides
// again.
const Auto = "auto"

// Choices is where a person's own choice of language is kept (storage
// implements it over the language_choices table).
type Choices interface {
	// LanguageChoice returns the code a user chose; ok is false when
	// they chose none.
	LanguageChoice(ctx context.Context, userID string) (code string, ok bool, err error)
	// LanguageChoices returns every stored choice by user: few people
	// choose, so a fan-out reads them all at once.
	LanguageChoices(ctx context.Context) (map[string]string, error)
	// SetLanguageChoice stores a choice; an empty code removes it.
	SetLanguageChoice(ctx context.Context, userID, code string, at time.Time) error
}

// Locales tells a person's Slack locale ("de-DE"); the directory of
// people keeps it from users.list with include_locale.
type Locales interface {
	Locale(ctx context.Context, userID string) (string, error)
}

// ChooserConfig is what a Chooser is built from.
type ChooserConfig struct {
	Catalog  *Catalog
	Choices  Choices // nil: nobody can choose
	Locales  Locales // nil: Slack locales are not used
	Default  string  // language.default; "" or unknown: English
	Channels map[string]string
	// OnError, if set, hears a failed read of a choice or a locale; the
	// person then gets the next language in line, never an error.
	OnError func(userID string, err error)
	// ChoiceTTL, if positive, is how long a person's stored choice (or
	// its absence) is kept in memory: every request asks for its asker's
	// language before the reply rides in the ack, and one database read
	// per request would sit in that path. A choice made on this replica
	// is seen at once; one made on another replica within ChoiceTTL.
	ChoiceTTL time.Duration
}

// choiceCacheSize bounds the cached choices: the people who asked
// something within ChoiceTTL.
const choiceCacheSize = 50_000

// Chooser picks the language of a person or a channel.
type Chooser struct {
	cfg     ChooserConfig
	def     *Lang
	choices *expirable.LRU[string, string] // user → chosen code, "" for none; nil: not cached
}

// NewChooser returns a chooser; a default without a catalog is English.
func NewChooser(cfg ChooserConfig) *Chooser {
	if cfg.Catalog == nil {
		cfg.Catalog = MustBuiltin()
	}
	def, _ := cfg.Catalog.Lang(cfg.Default)
	c := &Chooser{cfg: cfg, def: def}
	if cfg.ChoiceTTL > 0 && cfg.Choices != nil {
		c.choices = expirable.NewLRU[string, string](choiceCacheSize, nil, cfg.ChoiceTTL)
	}
	return c
}

// Default returns the configured default language.
func (c *Chooser) Default() *Lang { return c.def }

// Catalog returns the catalog the chooser picks from.
func (c *Chooser) Catalog() *Catalog { return c.cfg.Catalog }

// Channel returns a channel's language: its configured one, else the
// default. A nil Chooser (a feature wired without languages, in tests)
// answers English here, in User and in Users.
func (c *Chooser) Channel(channelID string) *Lang {
	if c == nil {
		return Fallback()
	}
	if code, ok := c.cfg.Channels[channelID]; ok {
		if l, ok := c.cfg.Catalog.Lang(code); ok {
			return l
		}
	}
	return c.def
}

// Source says why a person has the language they have.
type Source string

// The sources of a person's language, in the order they win.
const (
	FromChoice  Source = "choice"
	FromLocale  Source = "locale"
	FromDefault Source = "default"
)

// User returns a person's language: their stored choice, else their Slack
// locale when a catalog exists for it, else the default. It never fails:
// a read that fails is reported to OnError and the next source decides.
func (c *Chooser) User(ctx context.Context, userID string) *Lang {
	if c == nil {
		return Fallback()
	}
	l, _ := c.Explain(ctx, userID)
	return l
}

// Explain is User, and which source decided.
func (c *Chooser) Explain(ctx context.Context, userID string) (*Lang, Source) {
	if c.cfg.Choices != nil && userID != "" {
		code, err := c.choice(ctx, userID)
		if err != nil {
			c.failed(userID, err)
		} else if code != "" {
			if l, ok := c.cfg.Catalog.Lang(code); ok {
				return l, FromChoice
			}
		}
	}
	return c.byLocale(ctx, userID)
}

// choice is a person's stored choice ("" for none), from the cache when
// it holds one. A failed read is not cached.
func (c *Chooser) choice(ctx context.Context, userID string) (string, error) {
	if c.choices != nil {
		if code, ok := c.choices.Get(userID); ok {
			return code, nil
		}
	}
	code, ok, err := c.cfg.Choices.LanguageChoice(ctx, userID)
	if err != nil {
		return "", err
	}
	if !ok {
		code = ""
	}
	c.remember(userID, code)
	return code, nil
}

func (c *Chooser) remember(userID, code string) {
	if c.choices != nil {
		c.choices.Add(userID, code)
	}
}

func (c *Chooser) byLocale(ctx context.Context, userID string) (*Lang, Source) {
	if c.cfg.Locales != nil && userID != "" {
		locale, err := c.cfg.Locales.Locale(ctx, userID)
		if err != nil {
			c.failed(userID, err)
		} else if l, ok := c.cfg.Catalog.Lang(locale); ok {
			return l, FromLocale
		}
	}
	return c.def, FromDefault
}

// Users groups people by language, for a fan-out that renders one message
// per language rather than per person: the stored choices are read once.
// The groups keep the order of users.
func (c *Chooser) Users(ctx context.Context, users []string) []Group {
	if c == nil {
		return []Group{{Lang: Fallback(), Users: users}}
	}
	var chosen map[string]string
	if c.cfg.Choices != nil && len(users) > 0 {
		var err error
		if chosen, err = c.cfg.Choices.LanguageChoices(ctx); err != nil {
			c.failed("", err)
		}
	}
	var groups []Group
	at := map[string]int{}
	for _, u := range users {
		var l *Lang
		if code, ok := chosen[u]; ok {
			l, ok = c.cfg.Catalog.Lang(code)
			if !ok {
				l = nil
			}
		}
		if l == nil {
			l, _ = c.byLocale(ctx, u)
		}
		i, ok := at[l.code]
		if !ok {
			i = len(groups)
			at[l.code] = i
			groups = append(groups, Group{Lang: l})
		}
		groups[i].Users = append(groups[i].Users, u)
	}
	return groups
}

// Group is people who read the same language.
type Group struct {
	Lang  *Lang
	Users []string
}

// ErrUnknownLanguage is returned by Choose for a code without a catalog.
var ErrUnknownLanguage = errors.New("i18n: no catalog for this language")

// Choose stores a person's choice: a language code with a catalog, or
// Auto to clear it. It returns the language the person now gets.
func (c *Chooser) Choose(ctx context.Context, userID, code string, at time.Time) (*Lang, error) {
	if c.cfg.Choices == nil {
		return nil, errors.New("i18n: choices are not stored")
	}
	if code == Auto {
		if err := c.cfg.Choices.SetLanguageChoice(ctx, userID, "", at); err != nil {
			return nil, err
		}
		c.remember(userID, "")
		l, _ := c.byLocale(ctx, userID)
		return l, nil
	}
	l, ok := c.cfg.Catalog.Lang(code)
	if !ok {
		return nil, ErrUnknownLanguage
	}
	if err := c.cfg.Choices.SetLanguageChoice(ctx, userID, l.code, at); err != nil {
		return nil, err
	}
	c.remember(userID, l.code)
	return l, nil
}

func (c *Chooser) failed(userID string, err error) {
	if c.cfg.OnError != nil {
		c.cfg.OnError(userID, err)
	}
}
