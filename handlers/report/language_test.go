package report

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jonboulle/clockwork"
	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/handlers/internal/handlertest"
	"github.com/platformbot/platformbot/i18n"
	dom "github.com/platformbot/platformbot/ideas"
	"github.com/platformbot/platformbot/outbox"
	rpt "github.com/platformbot/platformbot/report"
	"github.com/platformbot/platformbot/report/reporttest"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// uploads counts the charts uploaded; the outbox uploads them at once.
type uploads struct{ n atomic.Int32 }

func (u *uploads) UploadFile(context.Context, bot.File) (string, error) {
	u.n.Add(1)
	return "F0", nil
}

// codedIdeas gives the fixture's ideas the status codes the board's
// source sets, as the bot's own source does.
type codedIdeas struct{ rpt.IdeaSource }

func (c codedIdeas) TopIdeas(ctx context.Context, limit int) ([]rpt.IdeaSummary, error) {
	top, err := c.IdeaSource.TopIdeas(ctx, limit)
	for i := range top {
		if st, ok := dom.ParseStatus(top[i].Status); ok {
			top[i].StatusCode = string(st)
		}
	}
	return top, err
}

// TestReportInChannelLanguage: the posted report is in its channel's
// configured language, else the default one; the charts follow either
// way.
func TestReportInChannelLanguage(t *testing.T) {
	german := []string{
		"Wertbericht der Plattform · Q3 2026 (1. Juli – 30. Sept. 2026)",
		"UTC · ▲▼ gegenüber 31. März – 30. Juni 2026, den 92 Tagen davor · erstellt 5. Okt. 2026, 09:00",
		"*:busts_in_silhouette: Nutzung*\n• Wöchentlich aktive Nutzer des Bots: *84* (Mittel aus 13 Wochen)  ▲ 72 % (besser), vorher 48,9",
		"• Self-Service-Quote (ohne menschlichen Schritt erledigt): *75,3 %*  ▲ 14,9 Pp. (besser), vorher 60,3 %",
		"• Gesparte Zeit: *2.450 Min.*",
		"• Wert der gesparten Zeit: *3.879 EUR* = 2.450 Min. ÷ 60 × 95 EUR/h",
		"• Durchlaufzeit von Änderungen (Median): *5 Std. 30 Min.* · _Elite_  ▼ 21 % (besser), vorher 7 Std. 0 Min.",
		"• 10. Juli, Platform pulse: 3,6 / 5, NPS +18, 44 von 82 haben geantwortet (53,7 %)",
		"· _Geplant_ · 31 Stimmen · Payments, Search",
		":chart_with_upwards_trend: Diagramme im Thread: Deployments pro Woche · Median der Durchlaufzeit pro Woche",
	}
	for _, tc := range []struct {
		name     string
		cfg      i18n.ChooserConfig
		want     []string
		fallback string
	}{
		{"channel configured de", i18n.ChooserConfig{Default: "en", Channels: map[string]string{"C0REPORT": "de"}}, german,
			"Wertbericht der Plattform · Q3 2026 (1. Juli – 30. Sept. 2026) · wöchentlich aktive Nutzer 84 · Self-Service-Quote 75,3 %"},
		{"unconfigured channel, default de", i18n.ChooserConfig{Default: "de", Channels: map[string]string{"C0ELSEWHERE": "en"}}, german,
			"Wertbericht der Plattform"},
		{"unconfigured channel, default en", i18n.ChooserConfig{Channels: map[string]string{"C0ELSEWHERE": "de"}},
			[]string{"Platform value report · Q3 2026 (1 Jul – 30 Sep 2026)", "• Time saved: *2,450 min*", "· _Planned_ · 31 votes"},
			"Platform value report · Q3 2026 (1 Jul – 30 Sep 2026) · weekly active users 84"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := storagetest.SQLite(t)
			out, err := outbox.New(outbox.Options{Store: storage.NewOutboxStore(db), Log: zerolog.Nop(), Clock: clockwork.NewFakeClockAt(reporttest.Now)})
			if err != nil {
				t.Fatal(err)
			}
			fs, files := handlertest.NewSlack(), &uploads{}
			svc := reporttest.Service(false)
			svc.Ideas = codedIdeas{svc.Ideas}
			h := &Handler{Service: svc, Outbox: out, Slack: fs, Files: files, Admins: &bot.Admins{},
				Channel: "C0REPORT", Log: zerolog.Nop(), Languages: i18n.NewChooser(tc.cfg)}
			h.Register(bot.NewRouter(nil), "/platform")
			if err := h.RunScheduled(context.Background(), reporttest.Now); err != nil {
				t.Fatal(err)
			}
			if err := out.Drain(context.Background()); err != nil {
				t.Fatal(err)
			}
			posts := fs.Posted("C0REPORT")
			if len(posts) != 1 || files.n.Load() != 4 {
				t.Fatalf("%d posts and %d charts, want 1 and 4", len(posts), files.n.Load())
			}
			text := handlertest.MsgText(posts[0])
			for _, want := range tc.want {
				if !strings.Contains(text, want) {
					t.Errorf("report lacks %q:\n%s", want, text)
				}
			}
			if !strings.Contains(posts[0].Text, tc.fallback) {
				t.Errorf("fallback text = %q, want it to contain %q", posts[0].Text, tc.fallback)
			}
			if tc.name == "channel configured de" {
				golden(t, "report_posted_de", posts[0].Text, posts[0].Blocks)
			}
		})
	}
}

// TestReportAnswersInAskersLanguage: `/platform report` answers and
// refuses in the asker's language — the period named as the report names
// it — and its help line follows.
func TestReportAnswersInAskersLanguage(t *testing.T) {
	db := storagetest.SQLite(t)
	out, err := outbox.New(outbox.Options{Store: storage.NewOutboxStore(db), Log: zerolog.Nop(), Clock: clockwork.NewFakeClockAt(reporttest.Now)})
	if err != nil {
		t.Fatal(err)
	}
	people := handlertest.NewLanguages(map[string]string{"UADMIN": "de-DE", "UENGLISH": "en-GB", "UENADMIN": "en-US"})
	h := &Handler{Service: reporttest.Service(false), Outbox: out, Slack: handlertest.NewSlack(), Files: &uploads{},
		Admins: &bot.Admins{Users: []string{"UADMIN", "UENADMIN"}}, Log: zerolog.Nop()}
	r := bot.NewRouter(h.Admins, bot.Errors(zerolog.Nop(), nil, nil), bot.Language(people.Chooser()))
	h.Register(r, "/platform")
	ask := func(user, channel, text string) string {
		t.Helper()
		reply, err := r.Serve(context.Background(), &bot.Request{Kind: bot.KindCommand, Command: "/platform", Text: text, UserID: user, ChannelID: channel})
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		return reply.Text
	}
	for _, tc := range []struct{ user, channel, text, want string }{
		{"UADMIN", "C1", "report 2026Q2 2026Q3", "Gib höchstens einen Zeitraum an: `/platform report [2026Q3|last|this|2026-07-01..2026-09-30]`."},
		{"UADMIN", "", "report post 2026Q3", "Ich kann nicht erkennen, in welchem Channel ich posten soll."},
		{"UADMIN", "C1", "report post 2026Q3", ":bar_chart: Ich poste den Wertbericht für Q3 2026 (1. Juli – 30. Sept. 2026) in <#C1>; die Diagramme folgen im Thread."},
		{"UADMIN", "C1", "report post 2026Q3", "Der Wertbericht für Q3 2026 (1. Juli – 30. Sept. 2026) ist schon unterwegs nach <#C1>."},
		{"UENGLISH", "C2", "report post 2026Q3", ":no_entry: Only the platform team can do that."},
		{"UENGLISH", "C2", "report 2026Q2 2026Q3", "Give one period at most: `/platform report [2026Q3|last|this|2026-07-01..2026-09-30]`."},
		{"UENADMIN", "C3", "report post 2026Q3", ":bar_chart: Posting the value report of Q3 2026 (1 Jul – 30 Sep 2026) in <#C3>; its charts follow in the thread."},
		{"UADMIN", "C1", "help", "• `/platform report [2026Q3|last|this|YYYY-MM-DD..YYYY-MM-DD] · post [period]` — der Wertbericht eines Quartals (ohne Angabe: des letzten), nur für dich; `post` teilt ihn mit seinen Diagrammen in diesem Channel (Plattform-Team)\n"},
	} {
		if got := ask(tc.user, tc.channel, tc.text); !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q = %q, want %q", tc.user, tc.text, got, tc.want)
		}
	}
}
