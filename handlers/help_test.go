package handlers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/handlers"
	"github.com/platformbot/platformbot/handlers/internal/handlertest"
	hlanguage "github.com/platformbot/platformbot/handlers/language"
	hmetrics "github.com/platformbot/platformbot/handlers/metrics"
	hpulse "github.com/platformbot/platformbot/handlers/pulse"
	hreport "github.com/platformbot/platformbot/handlers/report"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// TestHelpInAskersLanguage: `/platform help` lists every command with its
// summary in the asker's language, and the lines of the subcommands that
// have their messages (language, metrics, report, pulse) too. The other
// features' lines are not wired here: they are their packages' tests.
func TestHelpInAskersLanguage(t *testing.T) {
	db := storagetest.SQLite(t)
	clock := clockwork.NewFakeClockAt(time.Date(2026, 6, 1, 7, 0, 0, 0, time.UTC))
	out, err := outbox.New(outbox.Options{Store: storage.NewOutboxStore(db), Log: zerolog.Nop(), Clock: clock, Poll: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = out.Stop() })
	people := handlertest.NewLanguages(map[string]string{"UDE": "de-DE", "UEN": "en-GB"})
	chooser := people.Chooser()
	r := bot.NewRouter(&bot.Admins{}, bot.Errors(zerolog.Nop(), nil, nil), bot.Language(chooser))
	handlers.RegisterCommands(r, config.Commands{Platform: "/platform", OfficeHours: "/officehours", Pulse: "/pulse", Preview: "/preview"})
	fs := handlertest.NewSlack()
	(&hlanguage.Handler{Chooser: chooser, Command: "/platform", Now: clock.Now}).Register(r)
	(&hmetrics.Handler{Outbox: out, Slack: fs, Log: zerolog.Nop()}).Register(r, "/platform")
	(&hreport.Handler{Outbox: out, Slack: fs, Log: zerolog.Nop()}).Register(r, "/platform")
	p := hpulse.New(fs, handlers.NewDirectory(fs, nil, clock.Now), zerolog.Nop())
	p.Outbox = out
	p.Register(r, "/pulse")

	help := func(user string) string {
		t.Helper()
		reply, err := r.Serve(context.Background(), &bot.Request{Kind: bot.KindCommand, Command: "/platform", Text: "help", UserID: user})
		if err != nil {
			t.Fatal(err)
		}
		return reply.Text
	}
	german := help("UDE")
	handlertest.GoldenText(t, "help_de", german)
	for _, want := range []string{
		"*/platform* — Self-Service-Anfragen und Plattform-Kennzahlen\n",
		"*/officehours* — Zeit beim Plattform-Team buchen\n",
		"*/pulse* — Pulse-Umfragen zur Zufriedenheit der Entwickler\n",
		"*/preview* — Vorschauprogramme: neue Plattform-Funktionen früh ausprobieren\n",
	} {
		if !strings.Contains(german, want) {
			t.Errorf("German help lacks %q:\n%s", want, german)
		}
	}
	english := help("UEN")
	for _, want := range []string{
		"*/platform* — self-service requests and platform metrics\n",
		"*/officehours* — book time with the platform team\n",
		"*/pulse* — developer-satisfaction pulse surveys\n",
		"*/preview* — preview programs: try new platform features early\n",
		"• `/pulse list` — surveys, their next run, and any waiting for your answer\n",
	} {
		if !strings.Contains(english, want) {
			t.Errorf("English help lacks %q:\n%s", want, english)
		}
	}
	if english == german {
		t.Error("the help is the same in English and German")
	}
}
