// Package i18n is the bot's message catalog: every user-facing sentence is
// a message with a typed ID (ids.go), written in English and German
// (catalog/*.yaml, embedded), with plural forms and template data, and
// numbers, dates and durations formatted for the reader's language.
//
// A Lang renders in one language; a Chooser picks the Lang of a person (a
// stored choice, else their Slack locale, else the configured default) or
// of a channel (its configured language, else the default). The package
// knows nothing of Slack or the database: what it needs from them are the
// small interfaces in chooser.go.
package i18n

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"gopkg.in/yaml.v3"
)

// English is the language every message is written in first; a message
// missing in another catalog falls back to it.
const English = "en"

//go:embed catalog/*.yaml
var catalogFiles embed.FS

// Catalog holds the embedded catalogs and one Lang per language.
type Catalog struct {
	bundle *goi18n.Bundle
	langs  map[string]*Lang // by base language code: "en", "de"
	codes  []string
}

var (
	builtin     *Catalog
	builtinErr  error
	builtinOnce sync.Once
)

// Builtin returns the catalogs embedded in the binary, loaded once. It
// fails only when a catalog file does not parse, which the package's
// tests would catch first.
func Builtin() (*Catalog, error) {
	builtinOnce.Do(func() { builtin, builtinErr = load(catalogFiles, "catalog") })
	return builtin, builtinErr
}

// MustBuiltin is Builtin for wiring and tests, where a broken embedded
// catalog is a programming error.
func MustBuiltin() *Catalog {
	c, err := Builtin()
	if err != nil {
		panic(err)
	}
	return c
}

// Languages returns the codes of the languages with a catalog ("de",
// "en"), sorted.
func Languages() []string {
	c, err := Builtin()
	if err != nil {
		return []string{English}
	}
	return c.Codes()
}

func load(fsys fs.FS, dir string) (*Catalog, error) {
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("i18n: reading the catalogs: %w", err)
	}
	c := &Catalog{bundle: b, langs: map[string]*Lang{}}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".yaml") {
			continue
		}
		f, err := b.LoadMessageFileFS(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("i18n: catalog %s: %w", e.Name(), err)
		}
		code := f.Tag.String()
		if c.langs[code] == nil {
			c.langs[code] = newLang(c, f.Tag)
			c.codes = append(c.codes, code)
		}
	}
	if c.langs[English] == nil {
		return nil, fmt.Errorf("i18n: no %s catalog", English)
	}
	slices.Sort(c.codes)
	return c, nil
}

// Lang returns the Lang for a language code or Slack locale ("de",
// "de-DE", "de_AT"), matched on its base language; ok is false when no
// catalog exists for it, and the Lang is then English.
func (c *Catalog) Lang(code string) (l *Lang, ok bool) {
	if base, known := Base(code); known {
		if l := c.langs[base]; l != nil {
			return l, true
		}
	}
	return c.langs[English], false
}

// Has reports whether a catalog exists for code's base language.
func (c *Catalog) Has(code string) bool {
	_, ok := c.Lang(code)
	return ok
}

// Base returns the base language of a code or Slack locale: "de" for
// "de-DE" or "de_AT"; known is false for an empty or unparsable one.
func Base(code string) (base string, known bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), "_", "-")
	if code == "" {
		return "", false
	}
	tag, err := language.Parse(code)
	if err != nil {
		return "", false
	}
	b, conf := tag.Base()
	if conf == language.No {
		return "", false
	}
	return b.String(), true
}

// catalogFileLang returns the language of a catalog file: "de" for
// "de.yaml" and for a feature's "officehours.de.yaml" (go-i18n reads the
// tag from the name the same way).
func catalogFileLang(name string) string {
	name = strings.TrimSuffix(name, ".yaml")
	return name[strings.LastIndex(name, ".")+1:]
}

// rawMessages reads every catalog file of one language as YAML: ID → a
// string, or a map of plural forms. An ID in two files is an error: the
// later file would silently win.
func rawMessages(code string) (map[string]any, error) {
	entries, err := fs.ReadDir(catalogFiles, "catalog")
	if err != nil {
		return nil, err
	}
	all := map[string]any{}
	from := map[string]string{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".yaml") || catalogFileLang(e.Name()) != code {
			continue
		}
		data, err := fs.ReadFile(catalogFiles, path.Join("catalog", e.Name()))
		if err != nil {
			return nil, err
		}
		var raw map[string]any
		if err := yaml.Unmarshal(data, &raw); err != nil {
			return nil, fmt.Errorf("%s: %w", e.Name(), err)
		}
		for id, v := range raw {
			if first, dup := from[id]; dup {
				return nil, fmt.Errorf("%q is in both %s and %s", id, first, e.Name())
			}
			from[id] = e.Name()
			all[id] = v
		}
	}
	return all, nil
}

// messageIDs returns the IDs of the messages of one language's catalog
// (for the tests that hold catalogs and code together).
func (c *Catalog) messageIDs(code string) ([]string, error) {
	raw, err := rawMessages(code)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(raw))
	for id := range raw {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids, nil
}

// Fallback returns English from the built-in catalogs: the language of
// whatever is rendered before (or without) knowing the reader's.
func Fallback() *Lang {
	l, _ := MustBuiltin().Lang(English)
	return l
}

// Codes returns the codes of the catalog's languages, sorted.
func (c *Catalog) Codes() []string { return slices.Clone(c.codes) }
