package config

import (
	"maps"
	"slices"

	"github.com/platformbot/platformbot/i18n"
)

// Language configures the language of the bot's messages. A person gets
// the language they chose with `/platform language`, else their Slack
// locale when the bot has a catalog for it, else Default; a channel post
// (digest, results, board, report) gets its channel's language, else
// Default. See docs/language.md.
type Language struct {
	// Default is the language of people whose Slack locale has no catalog
	// and of channels not listed below: a code with a catalog (en, de).
	Default string `yaml:"default"`
	// Channels sets the language of posts in a channel, by channel id,
	// e.g. {C0123DIGEST: de}.
	Channels map[string]string `yaml:"channels"`
}

func (l *Language) validate(v *validator, path string) {
	langs := i18n.Languages()
	if !slices.Contains(langs, l.Default) {
		v.add(path+".default", "no catalog for %q: use one of %v", l.Default, langs)
	}
	for _, ch := range slices.Sorted(maps.Keys(l.Channels)) {
		p := path + ".channels." + ch
		if !channelIDRe.MatchString(ch) {
			// addSecret: the value here is the language, not the id.
			v.addSecret(p, "%q is not a Slack channel id (like C012AB3CD; names change, ids do not)", ch)
		}
		if code := l.Channels[ch]; !slices.Contains(langs, code) {
			v.add(p, "no catalog for %q: use one of %v", code, langs)
		}
	}
}
