package pulse

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/i18n"
)

// locales is the Slack locale of each person, for the chooser.
type locales map[string]string

func (l locales) Locale(_ context.Context, userID string) (string, error) { return l[userID], nil }

// closeRun sends devex, has two people answer and closes the run: its
// results go to CRESULTS.
func closeRun(t *testing.T, p *harness) bot.Message {
	t.Helper()
	p.Command("UADMIN", "send devex")
	p.deliver()
	p.click("U1", actTap+"4", "1:sat:5")
	p.click("U2", actTap+"2", "1:sat:3")
	p.clock.Advance(72 * time.Hour)
	tick(t, p)
	tick(t, p)
	p.deliver()
	posted := p.slack.Posted("CRESULTS")
	if len(posted) != 1 {
		t.Fatalf("%d results posts, want 1", len(posted))
	}
	return posted[0]
}

// TestPulseResultsInChannelLanguage: the results post is in the results
// channel's configured language, else the default one; /pulse results
// answers in the admin's own language.
func TestPulseResultsInChannelLanguage(t *testing.T) {
	german := []string{
		"Ergebnisse: Developer experience",
		"Runde #1 · gestartet ", "{date_short_pretty} um {time}|Mo. 2. März 08:00 UTC", " · geschlossen ",
		"2 von 3 haben geantwortet (67 %)",
		"_(2 Antworten)_",
		"3 · OK        ████████████████████   1  50 %",
		"Mittelwert *4,0* von 5",
		"_Weniger als 2 Antworten: nicht gezeigt._",
	}
	english := []string{"Results: Developer experience", "2 of 3 answered (67%)", "Mean *4.0* of 5"}
	for _, tc := range []struct {
		name string
		cfg  i18n.ChooserConfig
		want []string
	}{
		{"channel configured de", i18n.ChooserConfig{Default: "en", Channels: map[string]string{"CRESULTS": "de"}}, german},
		{"unconfigured channel, default de", i18n.ChooserConfig{Default: "de", Channels: map[string]string{"CELSEWHERE": "en"}}, german},
		{"unconfigured channel, default en", i18n.ChooserConfig{Channels: map[string]string{"CELSEWHERE": "de"}}, english},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newHarness(t)
			p.h.Languages = i18n.NewChooser(tc.cfg)
			post := closeRun(t, p)
			text := flatText(post)
			for _, want := range tc.want {
				if !strings.Contains(text, want) {
					t.Errorf("results post lacks %q:\n%s", want, text)
				}
			}
			if tc.name == "channel configured de" {
				checkGolden(t, "results_de", post)
			}
		})
	}

	for locale, want := range map[string]string{"en-US": "Results: Developer experience", "de-DE": "Ergebnisse: Developer experience"} {
		p := newHarness(t)
		p.h.Languages = i18n.NewChooser(i18n.ChooserConfig{
			Default: "en", Channels: map[string]string{"CRESULTS": "de"}, Locales: locales{"UADMIN": locale},
		})
		p.Router.Use(bot.Language(p.h.Languages))
		closeRun(t, p)
		admin := flatText(p.Command("UADMIN", "results devex").Message)
		if !strings.Contains(admin, want) || !strings.Contains(admin, "Anything else?") {
			t.Errorf("/pulse results for an admin with locale %s lacks %q:\n%s", locale, want, admin)
		}
	}
}

// TestPulseCommandsInAskersLanguage: /pulse list, send, their refusals and
// the help answer in the asker's language; the survey's title stays as
// configured.
func TestPulseCommandsInAskersLanguage(t *testing.T) {
	p := newHarness(t)
	p.h.Languages = i18n.NewChooser(i18n.ChooserConfig{
		Default: "en", Locales: locales{"UADMIN": "de-DE", "U1": "de-AT", "U2": "en-US"},
	})
	p.Router.Use(bot.Language(p.h.Languages))
	contains := func(what, text string, wants ...string) {
		t.Helper()
		for _, want := range wants {
			if !strings.Contains(text, want) {
				t.Errorf("%s lacks %q:\n%s", what, want, text)
			}
		}
	}

	list := p.Command("U1", "list").Message
	checkGolden(t, "list_de", list)
	contains("/pulse list in German", flatText(list), "Pulse-Umfragen\n",
		"*Pulse-Umfragen*\\n• *Developer experience* (`devex`) — nächste Runde <!date^", "{date_short_pretty} um {time}|Mo. 2. März 10:00 CET>")

	contains("/pulse send in German", p.Command("UADMIN", "send devex").Text,
		":rocket: Runde #1 von *Developer experience* gestartet: Die DMs gehen an 4 Personen (Bots und deaktivierte Konten werden übersprungen). Sie ist offen bis <!date^",
		"; danach gehen die Ergebnisse an <#CRESULTS>.")
	contains("/pulse list of an open run in German", flatText(p.Command("U1", "list").Message),
		" · jetzt offen bis <!date^", " · :envelope: wartet auf deine Antwort (siehe deine DMs oder App Home)")
	contains("/pulse list in English", flatText(p.Command("U2", "list").Message),
		"*Pulse surveys*\\n", " · open now until <!date^", " · :envelope: waiting for your answer (see your DMs or App Home)")

	for text, want := range map[string]string{
		"send devex": "*Developer experience* hat schon eine offene Runde (Runde #1, gestartet <!date^",
		"send nope":  "Eine Umfrage namens `nope` gibt es nicht. `/pulse list` zeigt die Umfragen.",
		"send":       "Nenne eine Umfrage, z. B. `/pulse send devex`. `/pulse list` zeigt sie.",
		"results":    "Nenne eine Umfrage, z. B. `/pulse results devex`. `/pulse list` zeigt sie.",
		"help": "• `/pulse list` — die Umfragen, ihre nächste Runde und die, die auf deine Antwort warten\n" +
			"• `/pulse send SURVEY` — jetzt eine Runde einer Umfrage starten (schreibt ihrer Zielgruppe per DM) _(Plattform-Team)_\n" +
			"• `/pulse results SURVEY` — die Ergebnisse der letzten Runde einer Umfrage, mit Kommentaren _(Plattform-Team)_\n",
	} {
		contains("/pulse "+text+" in German", p.Command("UADMIN", text).Text, want)
	}

	contains("App Home section in German", flatText(bot.Message{Blocks: mustHome(t, p, "U1")}), "Umfragen, die auf dich warten",
		"*Developer experience*\\n4 Fragen · offen bis <!date^", `"text":"Antworten"`)
	contains("App Home section in English", flatText(bot.Message{Blocks: mustHome(t, p, "U2")}), "Pulse surveys waiting for you", "4 questions · open until")
}

func mustHome(t *testing.T, p *harness, user string) []slack.Block {
	t.Helper()
	home, err := p.h.HomeSection(context.Background(), user)
	if err != nil {
		t.Fatal(err)
	}
	return home
}
