package i18n

import (
	"embed"
	"strings"
	"testing"
	"time"
)

func langs(t *testing.T) (en, de *Lang) {
	t.Helper()
	c := MustBuiltin()
	en, ok := c.Lang("en-US")
	if !ok {
		t.Fatal("no English")
	}
	de, ok = c.Lang("de-DE")
	if !ok {
		t.Fatal("no German")
	}
	return en, de
}

func TestLangMatchesLocales(t *testing.T) {
	c := MustBuiltin()
	for _, tc := range []struct {
		code, want string
		ok         bool
	}{
		{"de", "de", true}, {"de-DE", "de", true}, {"de_AT", "de", true}, {"de-CH", "de", true},
		{"en-GB", "en", true}, {"EN-us", "en", true},
		{"fr-FR", "en", false}, {"ja-JP", "en", false}, {"", "en", false}, {"not a locale", "en", false},
	} {
		l, ok := c.Lang(tc.code)
		if l.Code() != tc.want || ok != tc.ok {
			t.Errorf("Lang(%q) = %s, %v; want %s, %v", tc.code, l.Code(), ok, tc.want, tc.ok)
		}
	}
}

func TestNumbers(t *testing.T) {
	en, de := langs(t)
	for _, tc := range []struct {
		got, want string
	}{
		{en.Int(1234567), "1,234,567"},
		{de.Int(1234567), "1.234.567"},
		{en.Int(-42), "-42"},
		{en.Number(1234.5, 1), "1,234.5"},
		{de.Number(1234.5, 1), "1.234,5"},
		{de.Number(0.25, 2), "0,25"},
		{en.Number(2, 1), "2"},
		{en.Percent(12.5, 1), "12.5%"},
		{de.Percent(12.5, 1), "12,5 %"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestDatesAndDurations(t *testing.T) {
	en, de := langs(t)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 6, 13, 30, 0, 0, time.UTC) // a Friday
	for _, tc := range []struct {
		got, want string
	}{
		{en.Date(at, berlin), "6 Mar 2026"},
		{de.Date(at, berlin), "6. März 2026"},
		{en.DateTime(at, berlin), "Fri 6 Mar 14:30 CET"},
		{de.DateTime(at, berlin), "Fr. 6. März 14:30 CET"},
		{en.SlackDate(at, berlin), "<!date^1772803800^{date_short_pretty} at {time}|Fri 6 Mar 14:30 CET>"},
		{de.SlackDate(at, berlin), "<!date^1772803800^{date_short_pretty} um {time}|Fr. 6. März 14:30 CET>"},
		{en.Duration(50*time.Hour + 10*time.Minute), "2d 2h"},
		{de.Duration(50*time.Hour + 10*time.Minute), "2 T. 2 Std."},
		{en.Duration(90 * time.Minute), "1h 30m"},
		{de.Duration(90 * time.Minute), "1 Std. 30 Min."},
		{de.Duration(12 * time.Minute), "12 Min."},
		{en.Duration(40 * time.Second), "40s"},
		{de.Duration(-40 * time.Second), "40 Sek."},
		{en.Name(), "English"},
		{de.Name(), "Deutsch"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// TestMissingFallsBack: a message missing in German is English, and one
// missing everywhere shows its ID rather than nothing.
func TestMissingFallsBack(t *testing.T) {
	c, err := load(testCatalogs, "testdata/partial")
	if err != nil {
		t.Fatal(err)
	}
	de, ok := c.Lang("de")
	if !ok {
		t.Fatal("no German in the test catalogs")
	}
	if got, want := de.T("only.english"), "English only"; got != want {
		t.Errorf("missing in German: got %q, want %q", got, want)
	}
	if got, want := de.T("nowhere"), "nowhere"; got != want {
		t.Errorf("missing everywhere: got %q, want %q", got, want)
	}
	if got, want := de.N("items", 1), "1 Ding"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := de.N("items", 0), "0 Dinge"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

//go:embed testdata/partial/*.yaml
var testCatalogs embed.FS

// TestPlurals: the forms of the real catalogs, 1 against n, with the
// count formatted per language (1.000 in German) and the German noun
// changing with it (Person, Personen; Frage, Fragen).
func TestPlurals(t *testing.T) {
	en, de := langs(t)
	for _, tc := range []struct {
		got, want string
	}{
		{en.N(PulsePrivacyAnonymous, 1), "at least 1 person."},
		{en.N(PulsePrivacyAnonymous, 5), "at least 5 people."},
		{en.N(PulsePrivacyAnonymous, 0), "at least 0 people."},
		{en.N(PulsePrivacyAnonymous, 1000), "at least 1,000 people."},
		{de.N(PulsePrivacyAnonymous, 1), "ab 1 Person gezeigt."},
		{de.N(PulsePrivacyAnonymous, 5), "ab 5 Personen gezeigt."},
		{de.N(PulsePrivacyAnonymous, 0), "ab 0 Personen gezeigt."},
		{de.N(PulsePrivacyAnonymous, 1000), "ab 1.000 Personen gezeigt."},
		{de.N(PulseSavedText, 1, Data{"N": 1, "Title": "X"}), "1 von 1 Frage von X"},
		{de.N(PulseSavedText, 3, Data{"N": 1, "Title": "X"}), "1 von 3 Fragen von X"},
		{en.N(PulseSavedText, 1, Data{"N": 1, "Title": "X"}), "1 of 1 question of X"},
		{en.N(PulseSavedText, 3, Data{"N": 2, "Title": "X"}), "2 of 3 questions of X"},
	} {
		if !strings.Contains(tc.got, tc.want) {
			t.Errorf("%q does not contain %q", tc.got, tc.want)
		}
	}
}

// The day of office-hours DMs: weekday, day and month, no year.
func TestWeekday(t *testing.T) {
	en, de := langs(t)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip(err)
	}
	at := time.Date(2026, 12, 4, 23, 30, 0, 0, time.UTC) // already Saturday in Berlin
	for _, c := range []struct {
		l    *Lang
		loc  *time.Location
		want string
	}{{en, time.UTC, "Fri 4 Dec"}, {de, time.UTC, "Fr. 4. Dez."}, {de, berlin, "Sa. 5. Dez."}} {
		if got := c.l.Weekday(at, c.loc); got != c.want {
			t.Errorf("%s in %s: %q, want %q", c.l.Code(), c.loc, got, c.want)
		}
	}
}

// TestWorded: a reason with words is worded in the reader's language; one
// without keeps the fallback, the domain's own words.
func TestWorded(t *testing.T) {
	_, de := langs(t)
	ids := map[string]ID{"named": LanguageName}
	if got := Worded(de, ids, "named", nil, "English words"); got != "Deutsch" {
		t.Errorf("worded reason: %q, want Deutsch", got)
	}
	if got := Worded(de, ids, "unknown", nil, "English words"); got != "English words" {
		t.Errorf("reason without words: %q, want the fallback", got)
	}
}
