package i18n

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// memChoices is a Choices in memory; fail makes every read fail; reads
// counts the reads of one person's choice.
type memChoices struct {
	m     map[string]string
	fail  error
	reads int
}

func (c *memChoices) LanguageChoice(_ context.Context, user string) (string, bool, error) {
	c.reads++
	if c.fail != nil {
		return "", false, c.fail
	}
	code, ok := c.m[user]
	return code, ok, nil
}

func (c *memChoices) LanguageChoices(context.Context) (map[string]string, error) {
	if c.fail != nil {
		return nil, c.fail
	}
	return c.m, nil
}

func (c *memChoices) SetLanguageChoice(_ context.Context, user, code string, _ time.Time) error {
	if code == "" {
		delete(c.m, user)
	} else {
		c.m[user] = code
	}
	return nil
}

type locales map[string]string

func (l locales) Locale(_ context.Context, user string) (string, error) {
	if code, ok := l[user]; ok {
		return code, nil
	}
	return "", errors.New("no such person")
}

func TestChooserOrder(t *testing.T) {
	ctx := context.Background()
	choices := &memChoices{m: map[string]string{"UCHOSE": "en", "UODD": "xx"}}
	var failures []string
	c := NewChooser(ChooserConfig{
		Choices: choices,
		Locales: locales{"UCHOSE": "de-DE", "UDE": "de-AT", "UFR": "fr-FR", "UODD": "de-DE", "UEMPTY": ""},
		Default: "de",
		OnError: func(user string, err error) { failures = append(failures, user) },
	})
	for _, tc := range []struct {
		user, want string
		from       Source
	}{
		{"UCHOSE", "en", FromChoice},  // the choice beats the locale
		{"UDE", "de", FromLocale},     // a locale with a catalog
		{"UFR", "de", FromDefault},    // no French catalog: the default, no error
		{"UEMPTY", "de", FromDefault}, // Slack sent no locale
		{"UODD", "de", FromLocale},    // a stored code without a catalog is skipped
		{"UGONE", "de", FromDefault},  // unknown to the directory: reported, default
	} {
		l, from := c.Explain(ctx, tc.user)
		if l.Code() != tc.want || from != tc.from {
			t.Errorf("%s: got %s from %s, want %s from %s", tc.user, l.Code(), from, tc.want, tc.from)
		}
	}
	if diff := cmp.Diff([]string{"UGONE"}, failures); diff != "" {
		t.Errorf("failures mismatch (-want +got):\n%s", diff)
	}

	choices.fail = errors.New("database down")
	if l := c.User(ctx, "UCHOSE"); l.Code() != "de" {
		t.Errorf("choices unreadable: got %s, want the locale's de", l.Code())
	}
}

func TestChooserGroupsAndChannels(t *testing.T) {
	ctx := context.Background()
	c := NewChooser(ChooserConfig{
		Choices:  &memChoices{m: map[string]string{"U3": "de"}},
		Locales:  locales{"U1": "en-US", "U2": "de-DE", "U3": "en-GB", "U4": "ja-JP"},
		Channels: map[string]string{"CDE": "de", "CODD": "xx"},
	})
	var got [][]string
	for _, g := range c.Users(ctx, []string{"U1", "U2", "U3", "U4"}) {
		got = append(got, append([]string{g.Lang.Code()}, g.Users...))
	}
	want := [][]string{{"en", "U1", "U4"}, {"de", "U2", "U3"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("groups mismatch (-want +got):\n%s", diff)
	}
	for ch, want := range map[string]string{"CDE": "de", "CODD": "en", "COTHER": "en"} {
		if got := c.Channel(ch).Code(); got != want {
			t.Errorf("Channel(%s) = %s, want %s", ch, got, want)
		}
	}
	if c.Default().Code() != "en" {
		t.Errorf("default = %s, want en", c.Default().Code())
	}
}

func TestChoose(t *testing.T) {
	ctx := context.Background()
	choices := &memChoices{m: map[string]string{}}
	c := NewChooser(ChooserConfig{Choices: choices, Locales: locales{"U1": "de-DE"}})
	if l, err := c.Choose(ctx, "U1", "en", time.Time{}); err != nil || l.Code() != "en" || choices.m["U1"] != "en" {
		t.Fatalf("Choose en = %v, %v; stored %q", l, err, choices.m["U1"])
	}
	if _, err := c.Choose(ctx, "U1", "fr", time.Time{}); !errors.Is(err, ErrUnknownLanguage) {
		t.Errorf("Choose fr: got %v, want ErrUnknownLanguage", err)
	}
	if l, err := c.Choose(ctx, "U1", Auto, time.Time{}); err != nil || l.Code() != "de" {
		t.Errorf("Choose auto = %v, %v; want the locale's de", l, err)
	}
	if _, ok := choices.m["U1"]; ok {
		t.Error("auto left the choice stored")
	}
}

// TestChooserCachesChoices: with ChoiceTTL a person's choice (or having
// none) is read once per TTL, a choice made through this chooser is seen
// at once, one stored elsewhere once the TTL has passed, and a failed
// read is not kept.
func TestChooserCachesChoices(t *testing.T) {
	ctx := context.Background()
	const ttl = 20 * time.Millisecond
	choices := &memChoices{m: map[string]string{}}
	c := NewChooser(ChooserConfig{Choices: choices, Locales: locales{"U1": "en-US"}, ChoiceTTL: ttl})
	lang := func() string { t.Helper(); return c.User(ctx, "U1").Code() }
	if got := lang() + lang(); got != "enen" || choices.reads != 1 {
		t.Fatalf("two requests: %s with %d reads, want enen with 1", got, choices.reads)
	}
	if _, err := c.Choose(ctx, "U1", "de", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if got := lang(); got != "de" || choices.reads != 1 {
		t.Fatalf("after choosing de here: %s with %d reads, want de with 1", got, choices.reads)
	}
	choices.m["U1"] = "en" // chosen on another replica
	if got := lang(); got != "de" {
		t.Fatalf("within the TTL: %s, want the cached de", got)
	}
	time.Sleep(2 * ttl)
	if got := lang(); got != "en" || choices.reads != 2 {
		t.Fatalf("past the TTL: %s with %d reads, want en with 2", got, choices.reads)
	}
	if _, err := c.Choose(ctx, "U1", Auto, time.Time{}); err != nil {
		t.Fatal(err)
	}
	choices.fail = errors.New("database down")
	if got := lang(); got != "en" || choices.reads != 2 {
		t.Fatalf("after auto here: %s with %d reads, want the locale's en from the cache", got, choices.reads)
	}
	c.choices.Purge()
	for range 2 {
		lang()
	}
	if choices.reads != 4 {
		t.Errorf("%d reads, want 4: a failed read is not cached", choices.reads)
	}
}

// TestNilChooser: a feature wired without languages writes English, and
// a fan-out is one English group in the order given.
func TestNilChooser(t *testing.T) {
	var c *Chooser
	ctx := context.Background()
	if c.User(ctx, "U1").Code() != English || c.Channel("C1").Code() != English {
		t.Error("a nil chooser does not answer English")
	}
	g := c.Users(ctx, []string{"U2", "U1"})
	if len(g) != 1 || g[0].Lang.Code() != English || len(g[0].Users) != 2 || g[0].Users[0] != "U2" {
		t.Errorf("Users = %+v, want one English group of U2, U1", g)
	}
}
