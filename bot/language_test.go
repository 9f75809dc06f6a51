package bot

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/platformbot/platformbot/i18n"
)

type testLocales map[string]string

func (l testLocales) Locale(_ context.Context, user string) (string, error) { return l[user], nil }

// TestRouterSpeaksTheAskersLanguage: with the Language middleware, the
// router's own replies (help, unknown subcommand, refusals) are in the
// asker's language, and a handler's Refuse too.
func TestRouterSpeaksTheAskersLanguage(t *testing.T) {
	var logs bytes.Buffer
	r := newTestRouter(t, &logs)
	r.Use(Language(i18n.NewChooser(i18n.ChooserConfig{Locales: testLocales{"UDE": "de-DE", "UADMIN": "en-US"}})))
	r.Command("/officehours", "").SummaryID = i18n.LanguageHelp // any message with an ID
	r.Command("/platform", "").Add(Subcommand{Name: "later", Help: "x", HelpID: i18n.LanguageHelp, HelpData: i18n.Data{"Codes": "de, en"},
		Run: func(context.Context, *Request) (*Reply, error) {
			return nil, Refuse(i18n.LanguageUnknown, i18n.Data{"Code": "fr", "Codes": "de, en"})
		}})
	for _, tc := range []struct {
		name, user, text, want string
	}{
		{"unknown subcommand", "UDE", "nonsense", "`/platform nonsense` kenne ich nicht."},
		{"help intro", "UDE", "help", "der Zugang zum Plattform-Team"},
		{"admin note", "UDE", "help", "_(Plattform-Team)_"},
		{"summary by ID", "UDE", "help", "*/officehours* — die Sprache, in der ich dir schreibe"},
		{"subcommand help by ID", "UDE", "help", "`/platform later` — die Sprache, in der ich dir schreibe: de, en"},
		{"forbidden", "UDE", "queue", ":no_entry: Das darf nur das Plattform-Team."},
		{"no arguments", "UADMIN", "queue now", "`/platform queue` takes nothing after it"},
		{"refusal", "UDE", "later", "Auf „fr“ kann ich nicht schreiben."},
		{"refusal in English", "UADMIN", "later", "I can't write in “fr”."},
		{"internal error", "UDE", "fail", "Etwas ist schiefgegangen (Ref. "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			reply, err := r.Serve(ctx, &Request{Kind: KindCommand, Command: "/platform", Text: tc.text, UserID: tc.user})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(reply.Text, tc.want) {
				t.Errorf("reply %q does not contain %q", reply.Text, tc.want)
			}
		})
	}
	if en := r.Help(); !strings.Contains(en, "the platform team's front door") {
		t.Errorf("English help lost: %q", en)
	}
}
