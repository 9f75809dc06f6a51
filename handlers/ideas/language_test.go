package ideas

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/handlers/internal/handlertest"
	"github.com/platformbot/platformbot/i18n"
	dom "github.com/platformbot/platformbot/ideas"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// TestBoardInChannelLanguage: the board message, its updates and the
// status notes in its thread are in the board channel's configured
// language, else the default one.
func TestBoardInChannelLanguage(t *testing.T) {
	german := []string{
		"*#1 · Faster CI caches*\n:ballot_box_with_check: *2 Stimmen* · :new: Neu",
		"*Problem*", "*Wer ist betroffen*", "Eingereicht von <@UWEB1> (Web) · <!date^",
		"|30. Nov. 2026>", "Dafür stimmen", "Stimme zurückziehen", "Status setzen… (Plattform-Team)",
		":speech_balloon: Diskutiere sie im Thread dieser Nachricht.",
	}
	for _, tc := range []struct {
		name       string
		cfg        i18n.ChooserConfig
		board      []string
		note, text string
	}{
		{"channel configured de", i18n.ChooserConfig{Default: "en", Channels: map[string]string{testChannel: "de"}}, german,
			"Status: :rocket: *Ausgeliefert* (gesetzt von <@UADMIN>): In CI v42\nAlle 2 Personen, die dafür gestimmt haben, haben eine DM bekommen.",
			"Idee #1 hat jetzt den Status „Ausgeliefert“"},
		{"unconfigured channel, default de", i18n.ChooserConfig{Default: "de", Channels: map[string]string{"C0ELSEWHERE": "en"}}, german,
			"Status: :rocket: *Ausgeliefert*", "Idee #1 hat jetzt den Status „Ausgeliefert“"},
		{"unconfigured channel, default en", i18n.ChooserConfig{Channels: map[string]string{"C0ELSEWHERE": "de"}},
			[]string{"*#1 · Faster CI caches*\n:ballot_box_with_check: *2 votes* · :new: New", "Submitted by <@UWEB1> (Web)", "Unvote"},
			"Status: :rocket: *Shipped* (set by <@UADMIN>): In CI v42\nEach of the 2 voters got a DM.", "Idea #1 is now Shipped"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, storagetest.SQLite(t), dom.ByVotes)
			h.board.Languages = i18n.NewChooser(tc.cfg)
			i := h.file("UWEB1", "Faster CI caches")
			h.click("UAPI1", actVote, "1")
			h.click("UWEB2", actVote, "1")
			h.drain()
			board := h.slack.message(i.TS)
			wantIn(t, "board", flat(board), tc.board...)
			if tc.name == "channel configured de" {
				golden(t, "idea_board_de", board)
			}
			h.command(testAdmin, "ideas status 1 shipped In CI v42")
			h.drain()
			var note string
			for _, p := range h.slack.to(testChannel) {
				if p.Msg.ThreadTS == i.TS {
					note = flat(p.Msg)
				}
			}
			wantIn(t, "thread note", note, tc.note, tc.text)
		})
	}
}

// german makes UDE1, UDE2 and the admin German (their Slack locale); the
// others and the board channel stay English.
func german(h *harness) {
	h.board.Languages = handlertest.NewLanguages(map[string]string{"UDE1": "de-DE", "UDE2": "de-AT", testAdmin: "de-DE", "UWEB1": "en-US"}).Chooser()
}

// viewText is a modal's title, buttons and blocks, one a line.
func viewText(v slack.ModalViewRequest) string {
	var b strings.Builder
	for _, t := range []*slack.TextBlockObject{v.Title, v.Submit, v.Close} {
		if t != nil {
			b.WriteString(t.Text + "\n")
		}
	}
	for _, s := range handlertest.MrkdwnOf(v) {
		b.WriteString(s + "\n")
	}
	return b.String() + handlertest.BlocksText(v.Blocks.BlockSet)
}

// TestRepliesInAskersLanguage: the form, the replies to votes and the
// admins' commands and their refusals are in the asker's language, while
// the board message stays in the channel's (English here).
func TestRepliesInAskersLanguage(t *testing.T) {
	h := newHarness(t, storagetest.SQLite(t), dom.ByVotes)
	german(h)

	wantIn(t, "help", h.command("UDE1", "help").Text,
		"`/platform idea [title]` — reicht eine Idee für die Ideenwand des Plattform-Teams ein (öffnet ein Formular)",
		"`/platform ideas [top|new|mine|status [STATUS]]` — die Ideenwand: nach Rang")
	wantIn(t, "help in English", h.command("UWEB1", "help").Text, "submit an idea to the platform team's request board (opens a form)")

	h.command("UDE1", "idea Faster CI caches")
	form := h.slack.views[len(h.slack.views)-1]
	golden(t, "idea_form_de", form)
	wantIn(t, "form", viewText(form), "Eine Idee einreichen\nEinreichen\nAbbrechen\n",
		"Wünsch dir etwas vom Plattform-Team: ein Tool, eine Funktion, eine Korrektur. Die Idee kommt nach <#C0IDEAS>,",
		"Titel", "z. B. Vorschau-Umgebungen für jeden Pull Request", "Welches Problem löst sie?", "Wer ist betroffen?",
		"Ein Issue, ein Dokument oder ein Thread mit mehr Detail")

	r := h.submit("UDE1", viewSubmit, "", map[string]slack.BlockAction{
		block(dom.FieldTitle): {Value: "CI"}, block(dom.FieldProblem): {Value: strings.Repeat("x", dom.MaxProblem+1)},
		block(dom.FieldLink): {Value: "ftp://files/x"},
	})
	for field, want := range map[string]string{
		dom.FieldTitle: "Verwende mindestens 5 Zeichen.", dom.FieldProblem: "Verwende höchstens 2000 Zeichen (das sind 2001).",
		dom.FieldAffected: "Sag, wer betroffen ist.", dom.FieldLink: "Verwende einen Web-Link, der mit https:// (oder http://) beginnt.",
	} {
		if got := r.ViewErrors[block(field)]; got != want {
			t.Errorf("error on %s = %q, want %q", field, got, want)
		}
	}

	r = h.submit("UDE1", viewSubmit, "", map[string]slack.BlockAction{
		block(dom.FieldTitle): {Value: "Faster CI caches"}, block(dom.FieldProblem): {Value: "Builds take forty minutes on a good day."},
		block(dom.FieldAffected): {Value: "Every web developer"},
	})
	if r.ViewUpdate == nil {
		t.Fatalf("valid form: %+v", r)
	}
	wantIn(t, "submitted", viewText(*r.ViewUpdate), "Idee #1\nFertig\n",
		":bulb: Danke! *#1 · Faster CI caches* ist eingereicht. Die Idee ist unterwegs nach <#C0IDEAS>, wo alle dafür stimmen")
	h.drain()
	wantIn(t, "board stays English", flat(h.slack.to(testChannel)[0].Msg), "Submitted by <@UDE1>", "Unvote")

	wantIn(t, "vote", h.click("UDE2", actVote, "1").Text, ":white_check_mark: Deine Stimme für *#1 · Faster CI caches* zählt: jetzt 1 Stimme.")
	wantIn(t, "vote again", h.click("UDE2", actVote, "1").Text,
		"Du hast schon für *#1 · Faster CI caches* gestimmt (1 Stimme). Mit *Stimme zurückziehen* nimmst du deine Stimme zurück.")
	wantIn(t, "English voter", h.click("UWEB1", actVote, "1").Text, "Your vote for *#1 · Faster CI caches* counts: 2 votes now.")
	wantIn(t, "unvote", h.click("UWEB1", actUnvote, "1").Text, "Your vote for *#1 · Faster CI caches* is taken back: 1 vote now.")
	wantIn(t, "unvote none", h.click("UDE1", actUnvote, "1").Text,
		"Du hast nicht für *#1 · Faster CI caches* gestimmt, es gab also nichts zurückzunehmen.")
	wantIn(t, "unknown", h.command("UDE1", "ideas bogus").Text,
		"`/platform ideas bogus` kenne ich nicht. Versuch es mit `/platform ideas top`, `new`, `mine` oder `status`")

	for _, tc := range []struct{ text, want string }{
		{"ideas status 1 declined", "Sag, warum sie abgelehnt wird: Alle, die dafür gestimmt haben, lesen es. Aufruf: `/platform ideas status ID STATUS [Grund]`."},
		{"ideas status 1 maybe", "`maybe` ist kein Status. Status: `open`, "},
		{"ideas status 7 planned", "Es gibt keine Idee #7."},
		{"ideas merge 3", "Aufruf: `/platform ideas merge ID INTO`, z. B. führt `/platform ideas merge 12 7` das Duplikat #12 mit #7 zusammen."},
		{"ideas merge 1 99", "Es gibt keine Idee #1 oder #99."},
		{"ideas status 1 shipped In CI v42", "*#1 · Faster CI caches* hat jetzt den Status :rocket: Ausgeliefert. Alle, die dafür gestimmt haben, bekommen eine DM (1 Stimme)."},
		{"ideas status 1 shipped In CI v42", "*#1 · Faster CI caches* ist schon ausgeliefert; nichts wurde geändert und niemand benachrichtigt."},
	} {
		wantIn(t, tc.text, h.command(testAdmin, tc.text).Text, tc.want)
	}
	wantIn(t, "vote on a shipped idea", h.click("UDE1", actVote, "1").Text, "#1 ist ausgeliefert, die Stimmen sind also endgültig.")
	wantIn(t, "English voter on a shipped idea", h.click("UWEB1", actVote, "1").Text, "#1 is shipped, so its votes are final.")
}

// TestAdminFormsInAdminsLanguage: the status and merge forms, their
// inline errors and what replaces them are in the admin's language.
func TestAdminFormsInAdminsLanguage(t *testing.T) {
	h := newHarness(t, storagetest.SQLite(t), dom.ByVotes)
	german(h)
	h.file("UWEB1", "Preview environments")
	h.file("UWEB2", "PR previews please")
	h.click("UWEB3", actVote, "2")

	h.click(testAdmin, actAdmin, "status:1")
	form := h.slack.views[len(h.slack.views)-1]
	golden(t, "idea_status_form_de", form)
	wantIn(t, "status form", viewText(form), "Status von #1\nSpeichern\nAbbrechen\n", "*#1 · Preview environments*\n0 Stimmen · :new: Neu",
		"Auswählen…", "In Prüfung", "Ausgeliefert", "Grund oder Notiz", "Beim Ablehnen Pflicht")
	r := h.submit(testAdmin, viewStatus, "1", map[string]slack.BlockAction{
		block(dom.FieldStatus): {SelectedOption: slack.OptionBlockObject{Value: string(dom.Declined)}},
	})
	wantIn(t, "declined without reason", r.ViewErrors[block(dom.FieldReason)], "Sag, warum sie abgelehnt wird")
	r = h.submit(testAdmin, viewStatus, "1", map[string]slack.BlockAction{
		block(dom.FieldStatus): {SelectedOption: slack.OptionBlockObject{Value: string(dom.Planned)}},
	})
	if r.ViewUpdate == nil {
		t.Fatalf("status form: %+v", r)
	}
	wantIn(t, "status set", viewText(*r.ViewUpdate), "Status von #1\nFertig\n", "*#1 · Preview environments* hat jetzt den Status :spiral_calendar_pad: Geplant.")

	h.click(testAdmin, actAdmin, "merge:2")
	wantIn(t, "merge form", viewText(h.slack.views[len(h.slack.views)-1]), "#2 zusammenführen\nZusammenführen\nAbbrechen\n",
		"*#2 · PR previews please* (1 Stimme) ist ein Duplikat einer anderen Idee", "Zusammenführen mit Idee Nummer", "z. B. 7")
	for _, tc := range []struct{ into, want string }{
		{"seven", "Gib die Nummer der Idee ein, mit der zusammengeführt werden soll, z. B. 7."},
		{"2", "Eine Idee kann nicht mit sich selbst zusammengeführt werden."},
		{"99", "Es gibt keine Idee #2 oder #99."},
	} {
		r := h.submit(testAdmin, viewMerge, "2", map[string]slack.BlockAction{block(dom.FieldInto): {Value: tc.into}})
		if got := r.ViewErrors[block(dom.FieldInto)]; got != tc.want {
			t.Errorf("merge into %s: %q, want %q", tc.into, got, tc.want)
		}
	}
	r = h.submit(testAdmin, viewMerge, "2", map[string]slack.BlockAction{block(dom.FieldInto): {Value: "1"}})
	if r.ViewUpdate == nil {
		t.Fatalf("merge form: %+v", r)
	}
	wantIn(t, "merged", viewText(*r.ViewUpdate), "#2 zusammengeführt\nFertig\n",
		"*#2 · PR previews please* ist mit *#1 · Preview environments* zusammengeführt: 1 Stimme ist umgezogen (wer für beide gestimmt hat, zählt einmal); sie hat jetzt 1 Stimme.")
	wantIn(t, "merge again", h.command(testAdmin, "ideas merge 2 1").Text,
		"#2 wurde mit #1 zusammengeführt: Die Stimmen sind dorthin umgezogen, stimme also stattdessen für #1.")
}

// TestListsInAskersLanguage: the lists and the App Home section in
// German: words, plural forms, decimals and percentages, the date's
// fallback.
func TestListsInAskersLanguage(t *testing.T) {
	for _, tc := range []struct {
		w     dom.Weighting
		wants []string
	}{
		{dom.ByVotes, []string{
			"*Top-Ideen* (offen, noch nicht ausgeliefert)",
			"*1. #1 · Faster CI caches* · :spiral_calendar_pad: Geplant\n:ballot_box_with_check: *3 Stimmen* · Teams: *Web* 3 (3 Personen, Team der einreichenden Person)",
			"*API* 2 (9 Personen, Team der einreichenden Person), ohne Team 1",
			"Rangfolge nach Stimmen; die Teams sind das der einreichenden Person und die der Stimmen. `/platform idea` reicht eine Idee ein; abgestimmt wird in <#C0IDEAS>.",
		}},
		{dom.ByTeamSize, []string{
			":ballot_box_with_check: 3 Stimmen × 1,33 (Teamgrößen) = *4,00*",
			":ballot_box_with_check: 3 Stimmen × 0,50 (Teamgrößen) = *1,50* · Teams: *Web* 3 (3 Personen, Team der einreichenden Person) · _du hast dafür gestimmt_",
			"die mittlere Teamgröße (6,0 Personen)",
		}},
		{dom.ByEngineerShare, []string{
			":ballot_box_with_check: 3 Stimmen × 83 % der Engineers in fragenden Teams = *2,50*",
			"dem Anteil aller 12 Engineers",
		}},
	} {
		t.Run(string(tc.w), func(t *testing.T) {
			h := boardWithIdeas(t, tc.w)
			h.board.Languages = handlertest.NewLanguages(map[string]string{"UWEB1": "de-DE"}).Chooser()
			top := h.command("UWEB1", "ideas top").Message
			wantIn(t, "top", top.Text+"\n"+flat(top), append([]string{"Top-Ideen\n"}, tc.wants...)...)
			if tc.w == dom.ByTeamSize {
				golden(t, "idea_list_top_de", top)
			}
		})
	}

	h := boardWithIdeas(t, dom.ByVotes)
	h.board.Languages = handlertest.NewLanguages(map[string]string{"UWEB1": "de-DE", "UAPI3": "de-DE"}).Chooser()
	for _, tc := range []struct {
		text  string
		wants []string
	}{
		{"ideas new", []string{"Neueste Ideen\n", "*Neueste Ideen*",
			"*#4 · Preview environments* · :new: Neu · 2 Stimmen · von <@UWEB2> <!date^", "|3. Dez. 2026> · _du hast dafür gestimmt_"}},
		{"ideas mine", []string{"Deine Ideen und Stimmen\n", "*#1 · Faster CI caches* · :spiral_calendar_pad: Geplant · 3 Stimmen · von <@UWEB1>",
			"|30. Nov. 2026> · _deine, du hast dafür gestimmt_"}},
		{"ideas status", []string{"Ideen nach Status\n", "*Ideen nach Status* (jeweils die neuesten zuerst)",
			"*:spiral_calendar_pad: Geplant* (1)\n• #1 · Faster CI caches — 3 Stimmen",
			"*:no_entry_sign: Abgelehnt* (1)\n• #3 · Dark mode — 1 Stimme: _Replaced by the new portal_",
			"Neue Ideen: `/platform ideas new`; die Rangliste: `/platform ideas top`."}},
		{"ideas status planned", []string{"Ideen mit Status Geplant\n", "*Ideen mit Status :spiral_calendar_pad: Geplant*"}},
		{"ideas status shipped", []string{"*Ideen mit Status :rocket: Ausgeliefert*\nHier gibt es noch keine Ideen. `/platform idea` reicht eine Idee ein"}},
	} {
		m := h.command("UWEB1", tc.text).Message
		wantIn(t, tc.text, m.Text+"\n"+flat(m), tc.wants...)
	}
	home, err := h.board.HomeSection(context.Background(), "UAPI3")
	if err != nil {
		t.Fatal(err)
	}
	wantIn(t, "home", handlertest.BlocksText(home), "*Ideen* — wünsch dir etwas vom Plattform-Team", "Eine Idee einreichen",
		"*Deine Ideen und Stimmen*\n• #4 · Preview environments — :new: Neu · 2 Stimmen · _du hast dafür gestimmt_", "*Top-Ideen*\n")
}

// TestDomainMessagesTranslated: every reason the ideas domain gives — its
// field errors (ideas.FieldReasons), a missing idea (none, one or two
// named) and a closed one — is provoked here and worded from the catalog:
// in English as the domain's message, in German translated. A reason the
// handlers have no words for keeps the domain's message.
func TestDomainMessagesTranslated(t *testing.T) {
	de, _ := i18n.MustBuiltin().Lang("de")
	var errs []*domain.Error
	for _, d := range []dom.Draft{
		{},
		{Title: "CI", Problem: "slow", Affected: "w", Link: "ftp://x"},
		{Title: strings.Repeat("t", dom.MaxTitle+1), Problem: strings.Repeat("p", dom.MaxProblem+1),
			Affected: strings.Repeat("a", dom.MaxAffected+1), Link: "https://" + strings.Repeat("l", dom.MaxLink)},
		{Link: "https://example.com/a|b"},
	} {
		for _, e := range d.Clean().Validate() {
			errs = append(errs, e)
		}
	}
	h := newHarness(t, storagetest.SQLite(t), dom.ByVotes)
	ctx := context.Background()
	h.file("UWEB1", "Faster CI caches")
	_, _, err := h.board.Service.Vote(ctx, 9, "UWEB2")
	errs = append(errs, domainError(t, err), dom.ErrNotFound, dom.ErrClosed)
	for _, st := range []struct {
		st     dom.Status
		reason string
	}{{"maybe", ""}, {dom.Declined, ""}, {dom.Planned, strings.Repeat("r", dom.MaxReason+1)}} {
		_, _, err := h.board.Service.SetStatus(ctx, 1, st.st, st.reason, testAdmin)
		errs = append(errs, fieldErrorsOf(t, err)...)
	}
	_, err = h.board.Service.Merge(ctx, 1, 1, testAdmin)
	errs = append(errs, fieldErrorsOf(t, err)...)
	_, err = h.board.Service.Merge(ctx, 1, 9, testAdmin)
	errs = append(errs, domainError(t, err))
	if len(errs) < 16 {
		t.Fatalf("only %d errors collected: %v", len(errs), errs)
	}
	reasons := map[string]bool{}
	for _, e := range errs {
		reasons[e.Reason] = true
		if got := reasonText(i18n.Fallback(), e); got != e.Message {
			t.Errorf("%q (%s) reads %q in English", e.Message, e.Reason, got)
		}
		if got := reasonText(de, e); got == e.Message || strings.Contains(got, "<no value>") {
			t.Errorf("%q (%s) has no German wording (got %q)", e.Message, e.Reason, got)
		}
	}
	for _, r := range dom.FieldReasons {
		if !reasons[r] {
			t.Errorf("reason %q is not provoked here: add a case that gives it", r)
		}
	}
	for r := range reasons {
		if _, ok := reasonMessages[r]; !ok && r != dom.ErrNotFound.Reason {
			t.Errorf("reason %q has no words", r)
		}
	}
	unknown := &domain.Error{Code: domain.Invalid, Reason: "something_new", Message: "Something new."}
	if got := reasonText(de, unknown); got != "Something new." {
		t.Errorf("an unknown reason became %q", got)
	}
}

func domainError(t *testing.T, err error) *domain.Error {
	t.Helper()
	e, ok := domain.As(err)
	if !ok {
		t.Fatalf("%v: not a domain error", err)
	}
	return e
}

func fieldErrorsOf(t *testing.T, err error) []*domain.Error {
	t.Helper()
	var fe dom.FieldErrors
	if !errors.As(err, &fe) {
		t.Fatalf("%v: not field errors", err)
	}
	var out []*domain.Error
	for _, e := range fe {
		out = append(out, e)
	}
	return out
}
