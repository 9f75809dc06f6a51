package metrics

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/handlers/internal/handlertest"
	"github.com/platformbot/platformbot/i18n"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// TestDigestInChannelLanguage: a digest is written in its channel's
// configured language, and in the default language in a channel with
// none.
func TestDigestInChannelLanguage(t *testing.T) {
	for _, tc := range []struct {
		name     string
		cfg      i18n.ChooserConfig
		want     []string
		fallback string
	}{
		{"channel configured de", i18n.ChooserConfig{Default: "en", Channels: map[string]string{"C0METRICS1": "de"}}, []string{
			"Plattform-Kennzahlen · Payments & Billing",
			"Letzte 7 Tage (8.–14. Jan. 2024), UTC · ▲▼ gegenüber den 7 Tagen davor",
			"*Deployment-Häufigkeit* · _High_ (DORA 2023)\n*0,4 pro Tag* · 3 pro Woche · an 3 von 7 Tagen deployt  ▲ 200 % (besser)",
			"*3 Std. 0 Min.* im Median",
			"▲ 50,0 Pp. (schlechter)",
			"*50 %* der Produktions-Deployments",
			"*Entwicklerzufriedenheit*\nkeine Daten",
		}, "Plattform-Kennzahlen · Payments &amp; Billing, letzte 7 Tage"},
		{"unconfigured channel, default de", i18n.ChooserConfig{Default: "de", Channels: map[string]string{"C0ELSEWHER": "en"}}, []string{
			"Plattform-Kennzahlen · Payments & Billing",
		}, "Deployments 0,4/Tag · Durchlaufzeit 3 Std. 0 Min. · Fehlerquote 50 %"},
		{"unconfigured channel, default en", i18n.ChooserConfig{Channels: map[string]string{"C0ELSEWHER": "de"}}, []string{
			"Platform metrics · Payments & Billing",
			"*0.4 a day* · 3 a week · deployed on 3 of 7 days",
		}, "deployments 0.4/day · lead time 3h 0m · change fail rate 50%"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := newHarness(t, storagetest.SQLite(t))
			x.h.Languages = i18n.NewChooser(tc.cfg)
			post, _ := x.h.Digests.Post("weekly")
			if err := x.h.RunDigest(context.Background(), post); err != nil {
				t.Fatal(err)
			}
			x.deliver(t)
			posts := x.slack.Posted(post.Channel)
			if len(posts) != 1 {
				t.Fatalf("%d posts, want 1", len(posts))
			}
			text := blocksText(posts[0].Blocks)
			for _, want := range tc.want {
				if !strings.Contains(text, want) {
					t.Errorf("digest lacks %q:\n%s", want, text)
				}
			}
			if !strings.Contains(posts[0].Text, tc.fallback) {
				t.Errorf("fallback text = %q, want it to contain %q", posts[0].Text, tc.fallback)
			}
			if tc.name == "channel configured de" {
				golden(t, "team_digest_de", posts[0].Blocks)
			}
		})
	}
}

// TestDigestSaysWhatWaits: a digest ends with the number of DMs held for
// people's working hours, in its channel's language, and without the line
// when none waits or the count fails.
func TestDigestSaysWhatWaits(t *testing.T) {
	for _, tc := range []struct {
		name  string
		n     int
		err   error
		lang  string
		want  string
		unwnt string
	}{
		{"three, English", 3, nil, "en", "3 messages the bot sends on its own are waiting for their recipients' working hours", ""},
		{"one, German", 1, nil, "de", "1 Nachricht, die der Bot von sich aus schickt, wartet auf die Arbeitszeit ihres Empfängers", ""},
		{"none", 0, nil, "en", "", "waiting for"},
		{"count failed", 0, errors.New("database down"), "en", "", "waiting for"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := newHarness(t, storagetest.SQLite(t))
			x.h.Languages = i18n.NewChooser(i18n.ChooserConfig{Default: tc.lang})
			x.h.Waiting = func(context.Context, time.Time) (int, error) { return tc.n, tc.err }
			post, _ := x.h.Digests.Post("weekly")
			if err := x.h.RunDigest(context.Background(), post); err != nil {
				t.Fatal(err)
			}
			x.deliver(t)
			posts := x.slack.Posted(post.Channel)
			if len(posts) != 1 {
				t.Fatalf("%d posts, want 1", len(posts))
			}
			text := blocksText(posts[0].Blocks)
			if tc.want != "" && !strings.Contains(text, tc.want) {
				t.Errorf("digest lacks %q:\n%s", tc.want, text)
			}
			if tc.unwnt != "" && strings.Contains(text, tc.unwnt) {
				t.Errorf("digest says %q:\n%s", tc.unwnt, text)
			}
		})
	}
}

// TestMetricsRefusalsInAskersLanguage: `/platform metrics` refuses what
// it cannot read in the asker's language — its own refusals and the
// metrics domain's errors — and its help line follows.
func TestMetricsRefusalsInAskersLanguage(t *testing.T) {
	x := newHarness(t, storagetest.SQLite(t))
	people := handlertest.NewLanguages(map[string]string{"UPAY000001": "de-DE", "UENGLISH01": "en-US"})
	x.router.Use(bot.Errors(zerolog.Nop(), nil, nil), bot.Language(people.Chooser()))
	ask := func(user, text string) string {
		t.Helper()
		reply, err := x.router.Serve(context.Background(), &bot.Request{Kind: bot.KindCommand, Command: "/platform", Text: text, UserID: user})
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		return reply.Text
	}
	for text, want := range map[string]string{
		"metrics 14d":              "Einen Zeitraum 14d gibt es nicht: nimm 7d, 30d oder 90d.",
		"metrics until":            "Bis wann? Gib den letzten Tag des Zeitraums an, z. B. `/platform metrics 30d until 2026-11-23`.",
		"metrics until 14.1.2024":  "„14.1.2024“ ist kein Datum: schreib es als JJJJ-MM-TT, z. B. `until 2026-11-23`.",
		"metrics payments search":  "Gib höchstens ein Team oder einen Service an: `/platform metrics [team|service] [7d|30d|90d] [until YYYY-MM-DD]`.",
		"metrics <!channel>":       "Ein Team oder einen Service namens „&lt;!channel&gt;“ kenne ich nicht. Teams: `payments`, `search`. Services heißen so, wie eure Deployments sie melden.",
		"metrics until 2024-01-15": "Ein Zeitraum muss mit einem vollständigen Tag enden: nimm ein Datum vor heute (2024-01-15), z. B. until 2024-01-14.",
		"help":                     "• `/platform metrics [team|service] [7d|30d|90d] [until YYYY-MM-DD]` — Delivery-Kennzahlen (DORA) und Plattform-Kennzahlen, nur für dich sichtbar\n",
	} {
		if got := ask("UPAY000001", text); !strings.Contains(got, want) {
			t.Errorf("%q in German = %q, want %q", text, got, want)
		}
	}
	if got, want := ask("UENGLISH01", "metrics until 2024-01-15"), "A window must end with a complete day: use a date before today (2024-01-15), e.g. until 2024-01-14."; got != want {
		t.Errorf("in English = %q, want %q", got, want)
	}
}
