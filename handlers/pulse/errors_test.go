package pulse

import (
	"fmt"
	"testing"
	"time"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/i18n"
	"github.com/platformbot/platformbot/surveys"
)

// TestUserMessage: the survey domain errors read as they did when the
// domain wrote them, with the command's configured name in the hints and
// typed ids defused.
func TestUserMessage(t *testing.T) {
	req := &bot.Request{Command: "/survey"}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&surveys.UnknownSurveyError{ID: "<!channel>`x"}, "There is no survey called `!channelx`. `/survey list` shows the surveys."},
		{&surveys.EmptyAudienceError{Survey: "devex"}, "The audience of `devex` is empty: check its users, usergroups and channels in the configuration. Nothing was sent."},
		{&surveys.InputError{Question: "sat", Msg: "Please pick one of the options."}, "Please pick one of the options."},
		{fmt.Errorf("answer: %w", surveys.ErrAnswered), ":white_check_mark: You've already answered this survey — thank you! Use *Change* in the survey message to change your answers."},
		{&surveys.ClosedError{ClosedAt: time.Now()}, ":lock: Thanks for wanting to answer! This survey has closed, so it no longer takes answers. Watch for the next one."},
		{surveys.ErrNotInvited, "This survey wasn't sent to you, so it can't take your answers."},
		{surveys.ErrUnknownResponse, "I can't find those answers any more. If you haven't answered yet, use the buttons in the survey message."},
		{surveys.ErrNothingAnswered, "Please answer at least one question."},
		{surveys.ErrNotFound, "There is no such survey run."},
		{&surveys.OpenRunError{Survey: "devex", Run: surveys.Run{ID: 3, Snapshot: surveys.Snapshot{Title: "Dev <x>"}}}, "*Dev &lt;x&gt;* already has a run open (run #3). Nothing was sent."},
	} {
		if got := userMessage(req, tc.err); got != tc.want {
			t.Errorf("userMessage(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

// TestUserMessageInGerman: the survey domain errors read in the asker's
// language, with the same hints and defused ids.
func TestUserMessageInGerman(t *testing.T) {
	de, _ := i18n.MustBuiltin().Lang("de")
	req := &bot.Request{Command: "/survey", Lang: de}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&surveys.UnknownSurveyError{ID: "<!channel>`x"}, "Eine Umfrage namens `!channelx` gibt es nicht. `/survey list` zeigt die Umfragen."},
		{&surveys.EmptyAudienceError{Survey: "devex"}, "Die Zielgruppe von `devex` ist leer: Prüfe ihre Personen, Benutzergruppen und Channels in der Konfiguration. Es wurde nichts gesendet."},
		{fmt.Errorf("answer: %w", surveys.ErrAnswered), ":white_check_mark: Du hast diese Umfrage schon beantwortet — danke! Mit *Ändern* in der Umfrage-Nachricht kannst du deine Antworten ändern."},
		{&surveys.ClosedError{ClosedAt: time.Now()}, ":lock: Danke, dass du antworten möchtest! Diese Umfrage ist geschlossen und nimmt keine Antworten mehr an. Halte nach der nächsten Ausschau."},
		{&surveys.OpenRunError{Survey: "devex", Run: surveys.Run{ID: 3, Snapshot: surveys.Snapshot{Title: "Dev <x>"}}}, "*Dev &lt;x&gt;* hat schon eine offene Runde (Runde #3). Es wurde nichts gesendet."},
		{surveys.ErrNotInvited, "Diese Umfrage wurde dir nicht geschickt, daher kann sie keine Antworten von dir annehmen."},
		{surveys.ErrUnknownResponse, "Diese Antworten finde ich nicht mehr. Wenn du noch nicht geantwortet hast, nimm die Buttons in der Umfrage-Nachricht."},
		{surveys.ErrNothingAnswered, "Bitte beantworte mindestens eine Frage."},
		{surveys.ErrNotFound, "Diese Runde der Umfrage gibt es nicht."},
		{surveys.ErrDuplicateRun, "Diese Runde der Umfrage hat schon begonnen."},
	} {
		if got := userMessage(req, tc.err); got != tc.want {
			t.Errorf("userMessage(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

// TestBadAnswerInReadersLanguage: what is wrong with an answer is worded
// by its reason — in English as the domain says it, in German for a
// German submitter, at the question in the form.
func TestBadAnswerInReadersLanguage(t *testing.T) {
	de, _ := i18n.MustBuiltin().Lang("de")
	en, _ := i18n.MustBuiltin().Lang("en")
	for _, tc := range []struct {
		in      surveys.InputError
		english string
		german  string
	}{
		{surveys.InputError{Question: "why", Why: surveys.AnswerTooLong}, "Please keep it under 2000 characters.", "Bitte bleib unter 2000 Zeichen."},
		{surveys.InputError{Question: "sat", Why: surveys.NotAnOption}, "Please pick one of the options.", "Bitte wähle eine der Optionen."},
		{surveys.InputError{Question: "old", Why: surveys.QuestionGone}, "That question is not part of this survey any more.", "Diese Frage gehört nicht mehr zu dieser Umfrage."},
	} {
		err := fmt.Errorf("answer: %w", &tc.in)
		if got := userMessage(&bot.Request{Lang: en}, err); got != tc.english {
			t.Errorf("%s in English: %q, want %q", tc.in.Why, got, tc.english)
		}
		if got := userMessage(&bot.Request{Lang: de}, err); got != tc.german {
			t.Errorf("%s in German: %q, want %q", tc.in.Why, got, tc.german)
		}
		fe, ok := formError(&bot.Request{Lang: de}, surveys.Run{}, err).(bot.FieldErrors)
		if block := blockID(surveys.Question{ID: tc.in.Question}); !ok || fe[block] != tc.german {
			t.Errorf("%s in the form: %v, want %q at %s", tc.in.Why, fe, tc.german, block)
		}
	}
}
