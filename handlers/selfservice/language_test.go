package selfservice

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/handlers/internal/handlertest"
	"github.com/platformbot/platformbot/i18n"
	ss "github.com/platformbot/platformbot/selfservice"
)

// outsider has an Austrian Slack and is neither on the platform team nor
// an approver.
const outsider = "UOTHER0002"

// germanHarness is the harness where the developer, the admin and the
// DBAs have a German Slack, everyone else English, and the triage channel
// is German.
func germanHarness(t *testing.T) *harness {
	t.Helper()
	s := newHarness(t)
	langs := handlertest.NewLanguages(map[string]string{dev: "de-DE", admin: "de-DE", dba1: "de-DE", dba2: "de-DE", other: "en-US", outsider: "de-AT"})
	s.h.Languages = i18n.NewChooser(i18n.ChooserConfig{Catalog: i18n.MustBuiltin(), Choices: langs, Locales: langs,
		Default: i18n.English, Channels: map[string]string{triageChannel: "de"}})
	s.Router.Use(bot.Language(s.h.Languages))
	return s
}

func viewJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSelfServiceFormInGerman: the request form, its inline errors and
// the confirmation that replaces it are in the submitter's language; the
// catalog's titles, labels and hints stay as configured.
func TestSelfServiceFormInGerman(t *testing.T) {
	s := germanHarness(t)
	s.Command(dev, "request")
	wantContains(t, viewJSON(t, s.slack.Opened[0]), `"Neue Anfrage"`, `"Weiter"`, `"Abbrechen"`, `"Was brauchst du?"`, `"Auswählen…"`)

	s.Command(dev, "request new-repo")
	form := s.slack.Opened[1]
	golden(t, "form_de", form)
	wantContains(t, viewJSON(t, form), `"Absenden"`, "Keine Freigabe nötig; wird vom Plattform-Team umgesetzt.",
		"Nicht-Standard-Auswahlen (mit ⚠ markiert) sind Ausnahmen und brauchen immer eine Freigabe.",
		"Verwende lower-case letters, digits and dashes.", "Von 100 bis 5.000.", "Heute oder ein späteres Datum.",
		`"Person auswählen"`, `"Kanal auswählen"`, `"Name"`, `"Tell us more."`)

	s.Command(dev, "request db-access")
	wantContains(t, viewJSON(t, s.slack.Opened[2]), "Braucht 2 Freigaben von \\u003c!subteam^SDBA000001\\u003e; wird vom Plattform-Team umgesetzt.")

	wantContains(t, s.Command(dev, "request pony").Text, `Es gibt keinen Anfragetyp "pony". Gültige Typen: `+"`new-repo`, `db-access`, `dns`.")

	if reply := s.Submit(dev, ViewRequest, "", nil); reply.ViewErrors[TypeBlock] != "Wähle aus, was du brauchst." {
		t.Errorf("no type chosen: %+v", reply.ViewErrors)
	}
	values := validRepo("Bad Name", "private")
	values["f_minutes"] = map[string]slack.BlockAction{ValueAction: textValue("99")}
	reply := s.Submit(dev, ViewRequest, "new-repo", values)
	want := map[string]string{"f_name": "Verwende lower-case letters, digits and dashes.", "f_minutes": "Gib eine Zahl von 100 bis 5.000 ein."}
	for block, msg := range want {
		if reply.ViewErrors[block] != msg {
			t.Errorf("inline error of %s = %q, want %q", block, reply.ViewErrors[block], msg)
		}
	}

	reply = s.Submit(dev, ViewRequest, "new-repo", validRepo("billing", "public"))
	done := viewJSON(t, reply.ViewUpdate)
	wantContains(t, done, `"Anfrage REQ-1"`, `"Fertig"`,
		"*REQ-1* · New repository · :warning: *Ausnahme* ist eingereicht. Sie ist eine *Ausnahme* (eine Nicht-Standard-Auswahl) und wartet deshalb auf Freigabe. Ich halte dich per DM auf dem Laufenden; `/platform status REQ-1` zeigt, wo sie steht.")
	// Someone with an English Slack gets the same form in English.
	s.Command(other, "request new-repo")
	wantContains(t, viewJSON(t, s.slack.Opened[len(s.slack.Opened)-1]), `"New request"`, `"Submit"`, "From 100 to 5,000.", "Today or a later date.")
}

// everyFieldError validates a form whose every field fails a different
// check of the domain, and returns the errors by field id.
func everyFieldError(t *testing.T) ss.FieldErrors {
	t.Helper()
	opts := []ss.Option{{Value: "a"}, {Value: "b"}}
	catalog, err := ss.NewCatalog([]ss.Type{{ID: "all", Title: "All", Fields: []ss.Field{
		{ID: "required", Label: "x", Type: ss.FieldText, Required: true},
		{ID: "one", Label: "x", Type: ss.FieldSelect, Options: opts},
		{ID: "person", Label: "x", Type: ss.FieldUser},
		{ID: "channel", Label: "x", Type: ss.FieldChannel},
		{ID: "date", Label: "x", Type: ss.FieldDate},
		{ID: "later", Label: "x", Type: ss.FieldDate, Min: ptr(1)},
		{ID: "between", Label: "x", Type: ss.FieldDate, Max: ptr(10)},
		{ID: "short", Label: "x", Type: ss.FieldText, Min: ptr(5)},
		{ID: "long", Label: "x", Type: ss.FieldText, Max: ptr(3)},
		{ID: "pattern", Label: "x", Type: ss.FieldText, Pattern: `[a-z]+`, PatternHint: "lower-case letters"},
		{ID: "number", Label: "x", Type: ss.FieldNumber},
		{ID: "whole", Label: "x", Type: ss.FieldNumber},
		{ID: "range", Label: "x", Type: ss.FieldNumber, Min: ptr(1), Max: ptr(1000)},
		{ID: "least", Label: "x", Type: ss.FieldNumber, Min: ptr(5)},
		{ID: "most", Label: "x", Type: ss.FieldNumber, Max: ptr(5)},
		{ID: "choice", Label: "x", Type: ss.FieldSelect, Options: opts},
		{ID: "twice", Label: "x", Type: ss.FieldMultiSelect, Options: opts},
		{ID: "few", Label: "x", Type: ss.FieldMultiSelect, Options: opts, Min: ptr(2)},
		{ID: "many", Label: "x", Type: ss.FieldMultiSelect, Options: opts, Max: ptr(1)},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	typ, _ := catalog.Type("all")
	_, err = typ.Validate(ss.Input{
		"one": {"a", "b"}, "person": {"x"}, "channel": {"x"}, "date": {"soon"}, "later": {"2026-01-01"}, "between": {"2026-01-01"},
		"short": {"ab"}, "long": {"abcdef"}, "pattern": {"ABC"}, "number": {"x"}, "whole": {"1.5"}, "range": {"2000"},
		"least": {"1"}, "most": {"10"}, "choice": {"z"}, "twice": {"a", "a"}, "few": {"a"}, "many": {"a", "b"},
	}, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	fe, ok := err.(ss.FieldErrors)
	if !ok || len(fe) != len(typ.Fields) {
		t.Fatalf("Validate = %v; want an error for each of the %d fields", err, len(typ.Fields))
	}
	return fe
}

// TestSelfServiceValidationInGerman: every check of the domain reaches
// the submitter in German, worded from its reason.
func TestSelfServiceValidationInGerman(t *testing.T) {
	fe := everyFieldError(t)
	want := map[string]string{
		"f_required": "Bitte fülle das aus.",
		"f_one":      "Wähle nur eins aus.",
		"f_person":   "Wähle eine Person aus.",
		"f_channel":  "Wähle einen Kanal aus.",
		"f_date":     "Gib ein Datum wie 2026-01-31 ein.",
		"f_later":    "Wähle 2026-06-02 oder ein späteres Datum.",
		"f_between":  "Wähle ein Datum von 2026-06-01 bis 2026-06-11.",
		"f_short":    "Verwende mindestens 5 Zeichen.",
		"f_long":     "Verwende höchstens 3 Zeichen (das sind 6).",
		"f_pattern":  "Verwende lower-case letters.",
		"f_number":   "Gib eine Zahl ein.",
		"f_whole":    "Gib eine ganze Zahl ein.",
		"f_range":    "Gib eine Zahl von 1 bis 1.000 ein.",
		"f_least":    "Gib mindestens 5 ein.",
		"f_most":     "Gib höchstens 5 ein.",
		"f_choice":   `"z" ist keine der Auswahlmöglichkeiten.`,
		"f_twice":    `"a" ist doppelt ausgewählt.`,
		"f_few":      "Wähle mindestens 2 aus.",
		"f_many":     "Wähle höchstens 1 aus.",
	}
	de := german()
	got := fieldErrors(de, fe)
	for block, msg := range want {
		if got[block] != msg {
			t.Errorf("%s: %q (from %+v), want %q", block, got[block], fe[strings.TrimPrefix(block, "f_")], msg)
		}
	}
	// In English they read as the domain's messages (numbers grouped).
	en := fieldErrors(i18n.Fallback(), fe)
	for id, e := range fe {
		msg := e.Message
		if id == "range" {
			msg = strings.Replace(msg, "1000", "1,000", 1)
		}
		if en[FieldBlock(id)] != msg {
			t.Errorf("%s in English: %q, want %q", id, en[FieldBlock(id)], msg)
		}
	}
}

// TestEveryFieldReasonWorded: every reason of the domain's field errors
// (selfservice.FieldReasons) has words here, and the checks this file
// drives produce each of them: a reason added to the domain without words
// fails here instead of reaching people in English.
func TestEveryFieldReasonWorded(t *testing.T) {
	produced := map[string]*domain.Error{}
	for _, e := range everyFieldError(t) {
		produced[e.Reason] = e
	}
	_, err := (&ss.Service{}).Reject(context.Background(), 1, admin, " ")
	var rejected ss.FieldErrors
	if !errors.As(err, &rejected) || rejected["reason"] == nil {
		t.Fatalf("Reject without a reason = %v, want a field error", err)
	}
	produced[rejected["reason"].Reason] = rejected["reason"]
	for _, r := range ss.FieldReasons {
		if _, ok := fieldMessages[r]; !ok {
			t.Errorf("reason %q has no words", r)
		}
		if produced[r] == nil {
			t.Errorf("no check here produces reason %q: make one", r)
		}
	}
	for r, e := range produced {
		if !slices.Contains(ss.FieldReasons, r) {
			t.Errorf("the domain produces reason %q, which selfservice.FieldReasons lacks", r)
		}
		if de := fieldMessage(german(), e); de == e.Message || strings.Contains(de, "<no value>") {
			t.Errorf("%q in German: %q", r, de)
		}
	}
}

// TestSelfServiceRepliesInGerman: the subcommands' replies and refusals
// are in the asker's language, the triage channel's posts in the
// channel's.
func TestSelfServiceRepliesInGerman(t *testing.T) {
	s := germanHarness(t)
	say := func(user, text string) string { return msgText(s.Command(user, text).Message) }

	wantContains(t, say(dev, "mine"), "Du hast noch keine Anfragen. Mit `/platform request` fragst du etwas an;")
	wantContains(t, say(outsider, "queue"), ":no_entry: Die Warteschlange ist für das Plattform-Team und die Freigebenden von Anfragen.")
	wantContains(t, say(other, "queue"), ":no_entry: The queue is for the platform team and request approvers.")
	wantContains(t, say(admin, "queue"), ":sparkles: Die Warteschlange ist leer: keine offenen Anfragen.")
	wantContains(t, say(dev, "catalog"), "*Was du anfragen kannst* — `/platform request TYP` oder ein Button unten",
		"_Keine Freigabe nötig; wird vom Plattform-Team umgesetzt. Nicht-Standard-Auswahlen", "SLA 1 T.",
		"Braucht 2 Freigaben von <!subteam^SDBA000001>", "Braucht eine Freigabe vom Plattform-Team", "\nAnfragen")
	wantContains(t, s.Router.HelpIn(german()), "beim Plattform-Team etwas anfragen (öffnet ein Formular)",
		"offene Anfragen, älteste zuerst (Plattform-Team und Freigebende)", "eine noch nicht freigegebene Anfrage zurückziehen")

	s.file(dev, "dns", nil)                                  // REQ-1: the platform team decides
	s.file(dev, "db-access", nil)                            // REQ-2: two DBAs
	s.file(dev, "new-repo", validRepo("billing", "private")) // REQ-3: approved at once
	s.settle()
	triage := s.slack.Take(triageChannel)
	wantContains(t, msgText(triage[0]), "*REQ-1* · DNS record\n*Angefragt von* <@UDEV000001> · :hourglass_flowing_sand: wartet auf Freigabe",
		"\nFreigeben\nAblehnen")
	s.clock.Advance(25 * time.Hour)

	wantContains(t, say(dev, "mine"), "*Deine letzten Anfragen*",
		"*REQ-1* · DNS record — :hourglass_flowing_sand: wartet auf Freigabe · vor 1 T. 1 Std.",
		"*REQ-3* · New repository — :white_check_mark: freigegeben · vor 1 T. 1 Std. · :alarm_clock: *SLA überschritten, vor 1 Std. 0 Min.*",
		"`/platform status REQ-3` zeigt eine mit ihrem Verlauf.")
	wantContains(t, say(admin, "queue"), "*Offene Anfragen* (3, älteste zuerst, :alarm_clock: 1 über der SLA-Frist)", "\nÖffnen")
	wantContains(t, say(dev, "status REQ-1"), "wartet auf Freigabe · angefragt von <@UDEV000001> vor 1 T. 1 Std.", "*Verlauf*",
		"Mo. 1. Juni 09:00 CEST — eingereicht von <@UDEV000001>", "Anfrage zurückziehen")
	wantContains(t, say(dba1, "status REQ-1"), ":no_entry: REQ-1 ist die Anfrage von jemand anderem.")
	wantContains(t, say(dev, "status REQ-x"), `"REQ-x" ist keine Anfragenummer; die sehen aus wie REQ-42.`)
	wantContains(t, say(dev, "status REQ-9"), "Es gibt keine Anfrage REQ-9.")
	wantContains(t, say(dev, "status"), "Welche Anfrage? `/platform status REQ-42` (`/platform mine` listet deine auf).")

	// Approvals and decisions.
	click := func(user, action, value string) string { return s.Click(user, action, value).Text }
	wantContains(t, click(dba1, actApprove, "1"), ":no_entry: Nur das Plattform-Team kann über REQ-1 entscheiden.")
	wantContains(t, click(admin, actApprove, "1"), ":white_check_mark: Du hast REQ-1 freigegeben.")
	wantContains(t, click(admin, actApprove, "1"), "REQ-1 hat schon den Status „freigegeben“ (entschieden von <@UADMIN0001>); nichts wurde geändert.")
	wantContains(t, click(dba1, actApprove, "2"), ":white_check_mark: Deine Freigabe von REQ-2 ist vermerkt: 1 von 2.")
	wantContains(t, click(dba1, actApprove, "2"), "Du hast REQ-2 schon freigegeben; sie braucht 2 Freigaben.")
	wantContains(t, click(dev, actApprove, "2"), ":no_entry: Über deine eigene Anfrage REQ-2 kannst du nicht entscheiden;")
	wantContains(t, click(admin, actApprove, "2"), ":no_entry: Nur Mitglieder von <!subteam^SDBA000001> können über REQ-2 entscheiden.")
	wantContains(t, say(dev, "status REQ-2"), "freigegeben (Freigabe 1 von 2) von <@UDBA000001>")

	// Cancelling.
	wantContains(t, say(admin, "cancel REQ-2"), ":no_entry: Nur <@UDEV000001> kann REQ-2 zurückziehen.")
	wantContains(t, say(other, "cancel REQ-2"), ":no_entry: Only <@UDEV000001> can cancel REQ-2.")
	wantContains(t, say(dev, "cancel"), "Welche Anfrage? `/platform cancel REQ-42`")
	wantContains(t, say(dev, "cancel REQ-2"), ":heavy_minus_sign: REQ-2 ist zurückgezogen.")

	// Marked done by hand: the note is in each reader's language.
	wantContains(t, click(dev, actDone, "3"), ":no_entry: Nur das Plattform-Team kann REQ-3 als erledigt markieren.")
	wantContains(t, click(admin, actDone, "3"), ":tada: REQ-3 ist als erledigt markiert.")
	wantContains(t, click(admin, actFail, "3"), "REQ-3 hat schon den Status „erledigt“; nichts wurde geändert.")
	s.settle()
	dms := s.slack.Take(dev)
	wantContains(t, msgText(dms[len(dms)-1]), ":tada: Deine Anfrage *REQ-3* · New repository ist erledigt: von Hand als erledigt markiert.")
	wantContains(t, say(dev, "status REQ-3"), "— erledigt: von Hand als erledigt markiert von <@UADMIN0001>")
	r, err := s.h.Svc.Store.Request(context.Background(), 3)
	if err != nil || r.Note != ss.NoteByHand {
		t.Fatalf("stored note %q (%v), want the marker %q", r.Note, err, ss.NoteByHand)
	}
	msg, err := s.h.triageMessage(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, msgText(msg), "Notiz: von Hand als erledigt markiert", "Erledigt am <!date^")
	r.Note = "marked done by hand" // as stored before the marker
	wantContains(t, msgText(renderTriage(i18n.Fallback(), r, nil, time.UTC)), "Note: marked done by hand")
	wantContains(t, msgText(renderTriage(german(), r, nil, time.UTC)), "Notiz: von Hand als erledigt markiert")
	r.State, r.Note = ss.Failed, "marked failed by hand"
	wantContains(t, msgText(renderTriage(german(), r, nil, time.UTC)), "Notiz: von Hand als fehlgeschlagen markiert")

	// The App Home section.
	blocks, err := s.h.HomeSection(context.Background(), dev)
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, blocksText(blocks), "*Deine offenen Anfragen*\n• *REQ-1* · DNS record — :white_check_mark: freigegeben", "Neue Anfrage",
		"`/platform mine` listet alle deine Anfragen")
}

// TestSelfServiceRejectInGerman: the reason form and its inline errors
// are in the approver's language.
func TestSelfServiceRejectInGerman(t *testing.T) {
	s := germanHarness(t)
	s.file(dev, "dns", nil)
	s.Click(admin, actReject, "1")
	wantContains(t, viewJSON(t, s.slack.Opened[0]), `"REQ-1 ablehnen"`, `"Warum?"`, `"Die anfragende Person liest das."`, `"Ablehnen"`,
		"*REQ-1* · DNS record für \\u003c@UDEV000001\\u003e")
	reason := func(text string) map[string]map[string]slack.BlockAction {
		return stateValues(map[string]slack.BlockAction{ReasonBlock: textValue(text)})
	}
	if reply := s.Submit(admin, ViewReject, "1", reason(" ")); reply.ViewErrors[ReasonBlock] != "Sag der anfragenden Person, warum." {
		t.Errorf("empty reason: %+v", reply.ViewErrors)
	}
	s.Submit(admin, ViewReject, "1", reason("nope"))
	if reply := s.Submit(admin, ViewReject, "1", reason("again")); reply.ViewErrors[ReasonBlock] != "REQ-1 hat schon den Status „abgelehnt“; nichts wurde geändert." {
		t.Errorf("rejecting twice: %+v", reply.ViewErrors)
	}
	r, err := s.h.Svc.Store.Request(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := s.h.triageMessage(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, msgText(msg), "Abgelehnt von <@UADMIN0001> am <!date^", "Notiz: nope")
}

func german() *i18n.Lang {
	l, _ := i18n.MustBuiltin().Lang("de")
	return l
}

// TestSelfServiceBotNotesInGerman: the notes the bot stores in its own
// words read in the reader's language; people's and automations' notes
// are shown as written, escaped.
func TestSelfServiceBotNotesInGerman(t *testing.T) {
	de, en := german(), i18n.Fallback()
	for _, tc := range []struct {
		note   string
		to     ss.State
		de, en string
	}{
		{ss.NoteByHand, ss.Done, "von Hand als erledigt markiert", "marked done by hand"},
		{ss.NoteByHand, ss.Failed, "von Hand als fehlgeschlagen markiert", "marked failed by hand"},
		{"marked done by hand", ss.Done, "von Hand als erledigt markiert", "marked done by hand"},
		{"fulfilled automatically", ss.Done, "automatisch umgesetzt", "fulfilled automatically"},
		{"the automation accepted the request and will report back", ss.InProgress,
			"Die Automatisierung hat die Anfrage angenommen und meldet sich wieder", "the automation accepted the request and will report back"},
		{"its automation is no longer configured", ss.Failed, "Ihre Automatisierung ist nicht mehr eingerichtet", "its automation is no longer configured"},
		{"automation failed: HTTP 500 <body>", ss.Failed, "Automatisierung fehlgeschlagen: HTTP 500 &lt;body&gt;", "automation failed: HTTP 500 &lt;body&gt;"},
		{"Use the <shared> zone", ss.Rejected, "Use the &lt;shared&gt; zone", "Use the &lt;shared&gt; zone"},
	} {
		if got := noteText(de, tc.note, tc.to, 500); got != tc.de {
			t.Errorf("%q in German = %q, want %q", tc.note, got, tc.de)
		}
		if got := noteText(en, tc.note, tc.to, 500); got != tc.en {
			t.Errorf("%q in English = %q, want %q", tc.note, got, tc.en)
		}
	}
	if got := approvalProgress(de, "approval 1 of 2"); got != "Freigabe 1 von 2" {
		t.Errorf("approval note in German = %q", got)
	}
	if got := approvalProgress(en, "approval 1 of 2x"); got != "approval 1 of 2x" {
		t.Errorf("an unknown approval note = %q, want it as it is", got)
	}
}
