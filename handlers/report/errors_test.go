package report

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/handlers/internal/handlertest"
	"github.com/platformbot/platformbot/outbox"
	rpt "github.com/platformbot/platformbot/report"
	"github.com/platformbot/platformbot/report/reporttest"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// periodRefusals are inputs ParsePeriod refuses, one per problem (as of
// reporttest.Now, 5 Oct 2026), with the German answer.
var periodRefusals = []struct{ in, german string }{
	{"soon", "„soon“ ist kein Zeitraum: gib ein Quartal wie 2026Q3 an, „last“ (das letzte Quartal), „this“ (dieses Quartal bis heute) oder zwei Daten wie 2026-07-01..2026-09-30."},
	{"1999Q4", "Es gibt kein Quartal 4 im Jahr 1999."},
	{"2026-13-01..2026-13-02", "Daten werden als JJJJ-MM-TT geschrieben, etwa 2026-07-01..2026-09-30."},
	{"2026-09-30..2026-09-01", "Der Zeitraum endet (2026-09-01), bevor er beginnt (2026-09-30)."},
	{"1999-12-31..2000-01-02", "Der Zeitraum beginnt vor dem Jahr 2000."},
	{"2024-01-01..2025-12-31", "Ein Zeitraum hat höchstens 367 Tage; 2024-01-01..2025-12-31 hat 731."},
	{"2026-10-01..2026-10-10", "2026-10-01..2026-10-10 endet nicht vor heute: ein Bericht umfasst nur vollständige Tage."},
	{"2027Q1", "Der Zeitraum 1. Jan. – 31. März 2027 hat noch keinen vollständigen Tag: er beginnt am 1. Jan. 2027."},
	{"2026-10-06..2026-10-06", "Der Zeitraum 6. Okt. 2026 hat noch keinen vollständigen Tag: er beginnt am 6. Okt. 2026."},
}

// TestPeriodRefusalsInAskersLanguage: a period that cannot be reported
// is refused in the asker's language; in English exactly as the domain
// says it.
func TestPeriodRefusalsInAskersLanguage(t *testing.T) {
	people := handlertest.NewLanguages(map[string]string{"UDE": "de-DE", "UEN": "en-GB"})
	h := &Handler{Service: reporttest.Service(false), Outbox: testOutbox(t), Slack: handlertest.NewSlack(), Files: &uploads{},
		Admins: &bot.Admins{}, Log: zerolog.Nop()}
	r := bot.NewRouter(h.Admins, bot.Errors(zerolog.Nop(), nil, nil), bot.Language(people.Chooser()))
	h.Register(r, "/platform")
	ask := func(user, text string) string {
		t.Helper()
		reply, err := r.Serve(context.Background(), &bot.Request{Kind: bot.KindCommand, Command: "/platform", Text: text, UserID: user, ChannelID: "C1"})
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		return reply.Text
	}
	for _, tc := range periodRefusals {
		_, err := rpt.ParsePeriod(tc.in, reporttest.Now, time.UTC)
		var pe *rpt.PeriodError
		if !errors.As(err, &pe) {
			t.Fatalf("%q: %v, want a *PeriodError", tc.in, err)
		}
		if got := ask("UEN", "report "+tc.in); !strings.Contains(got, bot.Escape(pe.Msg)) {
			t.Errorf("%q in English: %q, want %q", tc.in, got, pe.Msg)
		}
		if got := ask("UDE", "report "+tc.in); !strings.Contains(got, tc.german) {
			t.Errorf("%q in German: %q, want %q", tc.in, got, tc.german)
		}
	}
	if got := ask("UDE", "report <!channel>"); !strings.Contains(got, "„&lt;!channel&gt;“ ist kein Zeitraum") {
		t.Errorf("input not escaped: %q", got)
	}
}

func testOutbox(t *testing.T) *outbox.Dispatcher {
	t.Helper()
	out, err := outbox.New(outbox.Options{Store: storage.NewOutboxStore(storagetest.SQLite(t)), Log: zerolog.Nop(), Clock: clockwork.NewFakeClockAt(reporttest.Now)})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
