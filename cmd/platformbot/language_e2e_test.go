package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

const languageE2EConfig = `
admins:
  users: [UADMIN0001]
timezone: UTC
language:
  default: en
surveys:
  - id: devex
    title: Developer experience pulse
    schedule: {cron: "0 10 * * MON"}
    audience:
      usergroups: [S0DEVS0001]
    min_group_size: 3
    window: 72h
    reminder: 24h
    questions:
      - {id: sat, type: scale, text: "How satisfied are you with the platform?", labels: [Very poor, Poor, OK, Good, Great]}
      - {id: why, type: text, text: "Anything else?"}
`

// TestLanguageEndToEnd: people whose Slack locale is German get the
// survey invitation and the reminder in German, an English and a French
// locale get English (no French catalog: the default, no error); one of
// the Germans chooses English with /platform language en and gets the
// reminder in English, while the other still gets German.
func TestLanguageEndToEnd(t *testing.T) {
	const (
		de1, de2 = "U0DE000001", "U0DE000002"
		en, fr   = "U0EN000001", "U0FR000001"
	)
	eachDB(t, func(t *testing.T, dbURL string) {
		b := newTestBot(t, botOptions{Config: languageE2EConfig, DatabaseURL: dbURL})
		for id, locale := range map[string]string{de1: "de-DE", de2: "de-AT", en: "en-US", fr: "fr-FR"} {
			b.Fake.AddUser(slack.User{ID: id, Name: strings.ToLower(id), TZ: "Europe/Berlin", Locale: locale})
		}
		b.Fake.SetUserGroup("S0DEVS0001", []string{de1, de2, en, fr})

		if got := AckText(b.Command(de1, "/platform language")); !strings.Contains(got, "*Deutsch*, deiner Slack-Sprache") {
			t.Errorf("/platform language for a de-DE locale = %q, want German from the locale", got)
		}
		if got := AckText(b.Command(fr, "/platform language")); !strings.Contains(got, "*English*, this workspace's default") {
			t.Errorf("/platform language for a fr-FR locale = %q, want the default", got)
		}

		b.Advance(time.Hour) // Monday 10:00: the survey's cron fires
		dmText := func(user string, n int) string {
			m := b.WaitDMs(user, n+1)[n]
			var blocks json.RawMessage = m.Blocks
			return m.Text + "\n" + string(blocks)
		}
		for _, u := range []string{de1, de2} {
			got := dmText(u, 0)
			for _, want := range []string{"eine kurze Umfrage des Plattform-Teams", "Rest beantworten", "Anonym:", "Offen bis"} {
				if !strings.Contains(got, want) {
					t.Errorf("%s's invitation lacks %q:\n%s", u, want, got)
				}
			}
		}
		for _, u := range []string{en, fr} {
			if got := dmText(u, 0); !strings.Contains(got, "a short survey from the platform team") || !strings.Contains(got, "Answer the rest") {
				t.Errorf("%s's invitation is not in English:\n%s", u, got)
			}
		}

		if got := AckText(b.Command(de2, "/platform language en")); !strings.Contains(got, "From now on I write to you in *English*") {
			t.Errorf("/platform language en = %q, want the answer in English", got)
		}
		if got := AckText(b.Command(de2, "/platform language xx")); !strings.Contains(got, "I can't write in “xx”") {
			t.Errorf("/platform language xx = %q, want a refusal in the chosen English", got)
		}
		if got := AckText(b.Command(de1, "/platform nonsense")); !strings.Contains(got, "`/platform nonsense` kenne ich nicht.") {
			t.Errorf("unknown subcommand for de1 = %q, want German", got)
		}

		b.Advance(24 * time.Hour) // the reminder
		if got := dmText(de1, 1); !strings.Contains(got, "Erinnerung") || !strings.Contains(got, "noch bis") {
			t.Errorf("de1's reminder is not in German:\n%s", got)
		}
		if got := dmText(de2, 1); !strings.Contains(got, "Reminder") || strings.Contains(got, "Erinnerung") {
			t.Errorf("de2 chose English, but the reminder is:\n%s", got)
		}
		if got := dmText(en, 1); !strings.Contains(got, "Reminder") {
			t.Errorf("en's reminder is not in English:\n%s", got)
		}

		if got := AckText(b.Command(de2, "/platform language auto")); !strings.Contains(got, "Ich folge wieder deiner Slack-Sprache: *Deutsch*") {
			t.Errorf("/platform language auto = %q, want German again", got)
		}
	})
}

const previewLanguageE2EConfig = `
admins:
  users: [UADMIN0001]
timezone: UTC
language:
  default: en
previews:
  - id: fast-ci
    name: Fast CI runners
    description: Twice the cores.
    owner: UADMIN0001
    channel: C0PREVIEWS
    start: "2026-11-30"
    end: "2026-12-27"
    feedback: [{after: 168h}]
    questions:
      - {id: rating, type: rating, text: "How are the runners?"}
      - {id: better, type: text, text: "What would make them better?"}
`

// TestPreviewFeedbackLanguageEndToEnd: a week after joining a preview,
// someone whose Slack locale is German gets the feedback request in
// German and someone with an English locale in English; the German's tap
// is thanked in German.
func TestPreviewFeedbackLanguageEndToEnd(t *testing.T) {
	const de, en = "U0DE000001", "U0EN000001"
	eachDB(t, func(t *testing.T, dbURL string) {
		b := newTestBot(t, botOptions{Config: previewLanguageE2EConfig, DatabaseURL: dbURL})
		b.Fake.AddUser(slack.User{ID: de, Name: "de", TZ: "Europe/Berlin", Locale: "de-DE"})
		b.Fake.AddUser(slack.User{ID: en, Name: "en", TZ: "Europe/Berlin", Locale: "en-US"})
		for u, want := range map[string]string{de: "Du bist bis So. 27. Dez. 2026 bei *Fast CI runners* dabei.", en: "You're in"} {
			if ack := AckText(b.Command(u, "/preview join fast-ci")); !strings.Contains(ack, want) {
				t.Fatalf("%s joining: %q", u, ack)
			}
		}

		b.Advance(7 * 24 * time.Hour)
		dmDE, dmEN := b.WaitDMs(de, 1)[0], b.WaitDMs(en, 1)[0]
		var blocks slack.Blocks
		if err := json.Unmarshal(dmDE.Blocks, &blocks); err != nil {
			t.Fatal(err)
		}
		got := dmDE.Text + "\n" + pulseText(blocks.BlockSet)
		for _, want := range []string{"Wie läuft Fast CI runners? Antworten mit einem Klick.", "Du bist jetzt schon eine Weile bei *Fast CI runners* dabei",
			"1 = schlecht · 5 = super.", "Offen bis", "{date_short_pretty} um {time}"} {
			if !strings.Contains(got, want) {
				t.Errorf("the German feedback request lacks %q:\n%s", want, got)
			}
		}
		if !strings.Contains(dmEN.Text, "How is Fast CI runners going? One tap to answer.") {
			t.Errorf("the English feedback request = %q", dmEN.Text)
		}

		b.Action(de, slack.BlockAction{ActionID: "preview:rate:4", Value: pulseButton(t, blocks.BlockSet, "preview:rate:4")}, nil, pulseDM(de), dmDE.TS)
		thanks := pulseWaitResponses(t, b, pulseDM(de)+"-"+dmDE.TS, 1)[0]
		if !thanks.ReplaceOriginal || thanks.Text != "Danke für dein Feedback zu Fast CI runners!" || !strings.Contains(pulseText(thanks.Blocks), "Kommentar hinzufügen") {
			t.Errorf("after the tap: %q\n%s", thanks.Text, pulseText(thanks.Blocks))
		}
	})
}
