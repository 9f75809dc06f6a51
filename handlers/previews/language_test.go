package previews

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/handlers/internal/handlertest"
	"github.com/platformbot/platformbot/i18n"
	pv "github.com/platformbot/platformbot/previews"
)

// german gives e a chooser in which the users named have a German Slack
// locale and everyone else English.
func (e *env) german(users ...string) *handlertest.Languages {
	locales := map[string]string{}
	for _, u := range users {
		locales[u] = "de-DE"
	}
	langs := handlertest.NewLanguages(locales)
	e.h.Languages = langs.Chooser()
	e.r.Use(bot.Language(e.h.Languages))
	return langs
}

func de(t *testing.T) *i18n.Lang {
	t.Helper()
	l, ok := i18n.MustBuiltin().Lang("de")
	if !ok {
		t.Fatal("no German catalog")
	}
	return l
}

// TestCommandsInGerman: /preview answers a German asker in German — its
// help, join, list, leave and their refusals — and an English one as
// before.
func TestCommandsInGerman(t *testing.T) {
	e := newEnv(t, fastCI(0))
	e.german("UDE")
	wantContains(t, e.cmd("UDE", "help").Text, "*/preview* — Preview-Programme: neue Plattform-Features früh ausprobieren", "bei einer Preview mitmachen (oder auf die Warteliste, wenn sie voll ist)",
		"Teilnehmende, Bewertungen und Kommentare einer Preview")
	if got := e.cmd("UDE", "join").Text; got != "Nenne eine Preview, z. B. `/preview join fast-ci`. `/preview list` zeigt sie." {
		t.Errorf("join without an id: %q", got)
	}
	if got := e.cmd("UDE", "join nope").Text; got != "Es gibt keine Preview namens `nope`. `/preview list` zeigt sie." {
		t.Errorf("join of an unknown preview: %q", got)
	}
	joined := text(e.cmd("UDE", "join fast-ci").Message)
	wantContains(t, joined, ":white_check_mark: Du bist bis So. 29. März 2026 bei *Fast CI &lt;runners&gt;* dabei.",
		"Das Feature wird für dich eingeschaltet … (ausstehend)",
		":speech_balloon: Wir bitten nach 7 Tagen und am Ende um eine kurze Bewertung. Die Antworten sind nicht anonym",
		`"text":"Preview verlassen"`)
	wantContains(t, text(e.cmd("UDE", "join fast-ci").Message), "Du bist schon bei *Fast CI &lt;runners&gt;* dabei (bis So. 29. März 2026).")
	list := text(e.cmd("UDE", "list").Message)
	wantContains(t, list, "Preview-Programme", "*Fast CI &lt;runners&gt;* (`fast-ci`) · Mo. 2. März 2026 bis So. 29. März 2026 · 1 dabei",
		":white_check_mark: Du bist dabei.", `"text":"Verlassen"`, "`/preview join ID` zum Mitmachen")
	e.drain()
	wantContains(t, text(bot.Message{Blocks: e.slack.homes["UDE"].Blocks.BlockSet}), "Deine Preview-Programme",
		"*Fast CI &lt;runners&gt;* · bis So. 29. März 2026", "Das Feature ist für dich eingeschaltet (aktiv).")
	left := text(e.cmd("UDE", "leave fast-ci").Message)
	wantContains(t, left, ":wave: Du hast *Fast CI &lt;runners&gt;* verlassen. Danke fürs Ausprobieren! Das Feature wird für dich ausgeschaltet.",
		`"text":"Wieder mitmachen"`)
	if got := e.cmd("UDE", "leave fast-ci").Text; got != "Du bist nicht bei *Fast CI &lt;runners&gt;* dabei, es gibt also nichts zu verlassen." {
		t.Errorf("second leave: %q", got)
	}

	wantContains(t, text(e.cmd("UEN", "join fast-ci").Message), ":white_check_mark: You're in *Fast CI &lt;runners&gt;* until Sun 29 Mar 2026.",
		"We'll ask for a quick rating after 7 days and at the end.")
	wantContains(t, e.cmd("UEN", "help").Text, "*/preview* — preview programs: try new platform features early", "join a preview (or its waitlist when it is full)")
}

// TestAdminCommandsInGerman: announce and results answer a German admin
// in German; the announcement itself follows its channel.
func TestAdminCommandsInGerman(t *testing.T) {
	e := newEnv(t, fastCI(12))
	e.german("UADMIN")
	if got := e.cmd("UADMIN", "announce fast-ci").Text; got != ":mega: Die Ankündigung von *Fast CI &lt;runners&gt;* wird gleich in <#CPREVIEWS> gepostet." {
		t.Errorf("announce: %q", got)
	}
	if got := e.cmd("UADMIN", "announce fast-ci").Text; !strings.HasPrefix(got, "*Fast CI &lt;runners&gt;* wurde heute schon angekündigt (Mo. 2. März 2026)") {
		t.Errorf("second announce: %q", got)
	}
	e.drain()
	if posts := e.slack.messages("CPREVIEWS"); len(posts) != 1 || !strings.Contains(text(posts[0]), "Run by ") {
		t.Errorf("the announcement in a channel without a language: %+v", posts)
	}
	e.cmd("UDEV", "join fast-ci")
	results := text(e.cmd("UADMIN", "results fast-ci").Message)
	wantContains(t, results, "Ergebnisse: Fast CI <runners>", "`fast-ci` · Mo. 2. März 2026 bis So. 29. März 2026 · betreut von ", " · :bust_in_silhouette: Nicht anonym",
		"*Teilnehmende:* bisher 1 · *1 aktiv* · 0 ausgestiegen · 0 auf der Warteliste", "*Feedback:* 0 gefragt, 0 beantwortet",
		"_(0 Antworten)_", "_Noch keine Antworten._", "— 1 Person")
}

// TestAnnouncementInChannelLanguage: an announcement is posted in its
// channel's configured language.
func TestAnnouncementInChannelLanguage(t *testing.T) {
	e := newEnv(t, fastCI(1))
	e.h.Languages = i18n.NewChooser(i18n.ChooserConfig{Catalog: i18n.MustBuiltin(), Default: "en", Channels: map[string]string{"CPREVIEWS": "de"}})
	e.cmd("UADMIN", "announce fast-ci")
	e.drain()
	posts := e.slack.messages("CPREVIEWS")
	if len(posts) != 1 {
		t.Fatalf("%d announcements", len(posts))
	}
	wantContains(t, text(posts[0]), "Preview: Fast CI &lt;runners&gt; — mach mit über den Button", ":test_tube: Preview: Fast CI <runners>",
		"Betreut von ", " · Mo. 2. März 2026 bis So. 29. März 2026 · 1 Platz (danach gibt es eine Warteliste) · Mitmachen schaltet das Feature für dich ein",
		`"text":"Bei der Preview mitmachen"`)
}

// TestResultsInGerman renders the golden results in German: numbers,
// shares, the week chart's days, pages and the comments' dates.
func TestResultsInGerman(t *testing.T) {
	p := fastCI(12)
	week := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	res := pv.Results{
		Preview: p, Counts: pv.Counts{Active: 1200, Waitlisted: 2, Left: 3}, Participants: 1205,
		Weeks: []pv.WeekCount{{Week: week, N: 8}, {Week: week.AddDate(0, 0, 7), N: 4}},
		Teams: []pv.TeamShare{{Team: "payments", Name: "Payments", N: 6, Share: 0.5}, {Team: "", Name: "No team", N: 6, Share: 0.5}},
		Asked: 10, Answered: 7,
		Ratings:      []pv.RatingResult{{Question: p.Feedback.Questions[0], N: 1, Counts: [5]int{0, 0, 0, 1, 0}, Mean: 3.57}},
		Comments:     []pv.Comment{{Question: p.Feedback.Questions[1], Point: pv.Point{AtEnd: true}, Text: "Schnell", UserID: "UA", At: start}},
		CommentCount: 12, Page: 1, Pages: 2,
	}
	got := text(resultsMessage(de(t), res, time.UTC))
	wantContains(t, got, "Ergebnisse: Fast CI &lt;runners&gt; — 1.205 Personen", "*Teilnehmende:* bisher 1.205 · *1.200 aktiv*",
		"*Neue Teilnehmende pro Woche*\\n```\\n2. März  ████", "9. März  ██████████", "*Teilnehmende nach Team:* Payments 50 % (6) · Kein Team 50 % (6)",
		"*Feedback:* 10 gefragt, 7 beantwortet (70 %)", "_(1 Antwort)_", "Mittelwert *3,6* von 5", "*Kommentare* (12, neueste zuerst)",
		"— <@UA> · <!date^1772438400^{date_short_pretty} um {time}|Mo. 2. März 08:00 UTC> · am Ende", "Seite 1 von 2", `"text":"Ältere ›"`)
	anon := res
	anon.Preview.Feedback.Anonymous, anon.Preview.Feedback.MinGroupSize = true, 5
	anon.Ratings = []pv.RatingResult{{Question: p.Feedback.Questions[0], N: 3, Hidden: true}}
	anon.Comments, anon.CommentCount, anon.CommentsHidden, anon.Pages = nil, 3, true, 1
	wantContains(t, text(resultsMessage(de(t), anon, time.UTC)), "_Weniger als 5 Antworten: nicht gezeigt (das Feedback ist anonym)._",
		"*Kommentare:* 3, nicht gezeigt: weniger als 5 (das Feedback ist anonym).")
}

// TestNewPreviewModalInGerman: the form, its field errors and the
// confirmation are in the admin's language.
func TestNewPreviewModalInGerman(t *testing.T) {
	e := newEnv(t, fastCI(0))
	e.german("UADMIN")
	e.cmd("UADMIN", "new")
	if len(e.slack.opened) != 1 {
		t.Fatalf("opened %d modals", len(e.slack.opened))
	}
	form := e.slack.opened[0]
	if form.Title.Text != "Neue Preview" || form.Submit.Text != "Anlegen" || form.Close.Text != "Abbrechen" {
		t.Errorf("form %q / %q / %q, want German", form.Title.Text, form.Submit.Text, form.Close.Text)
	}
	wantContains(t, text(bot.Message{Blocks: form.Blocks.BlockSet}), `"text":"Ankündigen in"`, `"text":"Channel auswählen"`,
		`"text":"Feedback erfragen nach (Tagen)"`, `"initial_value":"Wie bewertest du es bisher?"`, `"text":"Standard: 5."`)
	val := func(s string) slack.BlockAction { return slack.BlockAction{Value: s} }
	state := map[string]map[string]slack.BlockAction{
		newBlockID("id"):      {inputID: val("New UI")},
		newBlockID("name"):    {inputID: val("")},
		newBlockID("owner"):   {inputID: {SelectedUser: "UADMIN"}},
		newBlockID("channel"): {inputID: {SelectedConversation: "CPREVIEWS"}},
		newBlockID("start"):   {inputID: {SelectedDate: "2026-03-10"}},
		newBlockID("end"):     {inputID: {SelectedDate: "2026-03-09"}},
		newBlockID("max"):     {inputID: val("-1")},
		newBlockID("rating"):  {inputID: val("Wie ist es?")},
		newBlockID("at_end"):  {inputID: {SelectedOptions: []slack.OptionBlockObject{{Value: "yes"}}}},
	}
	reply := e.submit("UADMIN", form, state)
	for field, want := range map[string]string{
		"id":   "Verwende 1–63 Kleinbuchstaben, Ziffern, - und _ (z. B. fast-ci).",
		"name": "Das ist ein Pflichtfeld.",
		"end":  "Der letzte Tag kann nicht vor dem ersten liegen.",
		"max":  "Verwende eine ganze Zahl von 0 bis 10000.",
	} {
		if got := reply.ViewErrors[newBlockID(field)]; got != want {
			t.Errorf("error at %s = %q, want %q", field, got, want)
		}
	}
	state[newBlockID("id")] = map[string]slack.BlockAction{inputID: val("new-ui")}
	state[newBlockID("name")] = map[string]slack.BlockAction{inputID: val("Neue Deploy-UI")}
	state[newBlockID("end")] = map[string]slack.BlockAction{inputID: {SelectedDate: "2026-04-10"}}
	state[newBlockID("max")] = map[string]slack.BlockAction{inputID: val("")}
	reply = e.submit("UADMIN", form, state)
	if reply.ViewUpdate == nil {
		t.Fatalf("valid form: %+v", reply)
	}
	wantContains(t, text(bot.Message{Blocks: reply.ViewUpdate.Blocks.BlockSet}),
		":white_check_mark: *Neue Deploy-UI* ist angelegt. `/preview announce new-ui` postet die Ankündigung in <#CPREVIEWS>.")
	if reply.ViewUpdate.Close.Text != "Fertig" {
		t.Errorf("close button %q", reply.ViewUpdate.Close.Text)
	}
}

// TestDMsInTheirLanguage: the "you have a seat now" DM and the owner's
// "automation failed" DM are written in each recipient's language, and
// so is the waitlisted person's reply and App Home.
func TestDMsInTheirLanguage(t *testing.T) {
	e := newEnv(t, fastCI(1))
	e.german("UDE", "UOWNER")
	e.cmd("UEN", "join fast-ci")
	wantContains(t, text(e.cmd("UDE", "join fast-ci").Message),
		":hourglass: *Fast CI &lt;runners&gt;* ist voll. Du bist Nummer 1 auf der Warteliste; du bekommst eine DM, sobald ein Platz frei wird.",
		`"text":"Warteliste verlassen"`)
	e.drain()
	e.cmd("UEN", "leave fast-ci")
	e.drain()
	dms := e.slack.messages("UDE")
	if len(dms) != 1 {
		t.Fatalf("UDE got %d DMs, want the promotion", len(dms))
	}
	wantContains(t, text(dms[0]), "Du bist bei Fast CI &lt;runners&gt; dabei",
		":tada: Bei *Fast CI &lt;runners&gt;* ist ein Platz frei geworden — du bist bis So. 29. März 2026 dabei.",
		"Das Feature wird für dich eingeschaltet; im App Home siehst du, wann es so weit ist.",
		"Wir bitten nach 7 Tagen und am Ende um eine kurze Bewertung.", `"text":"Preview verlassen"`)

	// The owner is German: the failure of UEN's second join is told in German.
	e.hook.status = http.StatusBadRequest
	e.cmd("UDE", "leave fast-ci")
	e.cmd("UEN", "join fast-ci")
	e.drain()
	e.drain()
	owner := e.slack.messages("UOWNER")
	if len(owner) == 0 {
		t.Fatal("the owner got no DM")
	}
	var got []string
	for _, m := range owner {
		got = append(got, text(m))
	}
	if !slices.ContainsFunc(got, func(s string) bool {
		return strings.Contains(s, "Preview-Automatisierung für Fast CI &lt;runners&gt; fehlgeschlagen") &&
			strings.Contains(s, ":warning: Die Automatisierung von *Fast CI &lt;runners&gt;* konnte das Feature für <@UEN> nicht einschalten: ")
	}) {
		t.Errorf("owner's DMs, want the failure in German:\n%s", strings.Join(got, "\n"))
	}
	wantContains(t, text(bot.Message{Blocks: e.slack.homes["UEN"].Blocks.BlockSet}), "Your preview programs",
		":warning: Turning the feature on failed; <@UOWNER> has been told.")
}

// TestFieldMessagesInGerman: every reason the domain gives for a field
// of a new preview or an answer (previews.FieldReasons) is provoked here
// and worded from the catalog: in English as the domain's message, in
// German translated. A reason added to the domain without words fails
// here instead of reaching German readers in English.
func TestFieldMessagesInGerman(t *testing.T) {
	e := newEnv(t, fastCI(0))
	ctx := context.Background()
	long := func(n int) string { return strings.Repeat("x", n+1) }
	drafts := []pv.Draft{
		{},
		{ID: "x", Name: long(pv.MaxName), Description: long(pv.MaxDescription), Owner: "UA1", Channel: "CX1", MaxParticipants: "abc",
			Start: "bad", End: "2026-03-10", AfterDays: "999", AtEnd: true, Anonymous: true, MinGroupSize: "1",
			RatingQuestion: long(pv.MaxQuestionText), TextQuestion: long(pv.MaxQuestionText)},
		{ID: "y", Name: "Y", Owner: "UA1", Channel: "CX1", Start: "2026-03-10", End: "2026-03-09"},
		{ID: "z", Name: "Z", Owner: "UA1", Channel: "CX1", Start: "2026-02-01", End: "2026-02-10", RatingQuestion: "Q"},
		{ID: "fast-ci", Name: "Again", Owner: "UA1", Channel: "CX1", Start: "2026-03-10", End: "2026-04-10"},
	}
	var problems []*domain.Error
	for _, d := range drafts {
		_, err := e.h.Service.Create(ctx, d, "UADMIN")
		var invalid *pv.InvalidError
		if !asInvalid(err, &invalid) {
			t.Fatalf("Create(%+v) = %v, want an InvalidError", d, err)
		}
		for _, p := range invalid.Fields {
			problems = append(problems, p)
		}
	}
	e.cmd("UA", "join fast-ci")
	e.clock.Advance(7 * 24 * time.Hour)
	if err := e.h.Service.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	for _, answers := range [][]pv.Answer{
		{{QuestionID: "rating", Value: 9}},
		{{QuestionID: "gone", Value: 3}},
		{{QuestionID: "better", Text: long(pv.MaxTextAnswer)}},
	} {
		_, err := e.h.Service.Answer(ctx, pv.Submission{PreviewID: "fast-ci", PointID: "after-7d", UserID: "UA", Answers: answers})
		var in *pv.InputError
		if !asInput(err, &in) {
			t.Fatalf("Answer(%+v) = %v, want an InputError", answers, err)
		}
		problems = append(problems, in.Problem)
	}
	seen := map[string]bool{}
	for _, p := range problems {
		if !slices.Contains(pv.FieldReasons, p.Reason) {
			t.Errorf("the domain gives reason %q, which previews.FieldReasons lacks", p.Reason)
		}
		if _, ok := fieldMessages[p.Reason]; !ok {
			t.Errorf("reason %q has no words", p.Reason)
		}
		if got := fieldMessage(i18n.Fallback(), p); got != p.Message {
			t.Errorf("English %q (%s) became %q", p.Message, p.Reason, got)
		}
		if got := fieldMessage(de(t), p); got == p.Message || strings.Contains(got, "<no value>") {
			t.Errorf("%q (%s) is not translated: %q", p.Message, p.Reason, got)
		}
		seen[p.Reason] = true
	}
	for _, r := range pv.FieldReasons {
		if !seen[r] {
			t.Errorf("reason %q is not provoked here: add a draft or an answer that gives it", r)
		}
	}
}

func asInvalid(err error, target **pv.InvalidError) bool { return errors.As(err, target) }

func asInput(err error, target **pv.InputError) bool { return errors.As(err, target) }
