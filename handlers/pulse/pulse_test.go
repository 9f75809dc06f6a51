package pulse

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jonboulle/clockwork"
	"github.com/rs/zerolog"
	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/handlers"
	"github.com/platformbot/platformbot/i18n"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
	"github.com/platformbot/platformbot/surveys"
)

// testStart is Monday 2026-03-02 09:00 Berlin.
var testStart = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

// harness is the survey handlers over a real SQLite store and outbox, a
// fake clock and a fake Slack.
type harness struct {
	*routerDriver
	slack *fakeSlack
	clock *clockwork.FakeClock
	h     *Handler
	out   *outbox.Dispatcher
	db    *storage.DB
}

func testSurvey() surveys.Survey {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	return surveys.Survey{
		ID: "devex", Title: "Developer experience", Intro: "Two minutes, four questions.",
		Cron: "0 10 * * MON", Location: berlin, EveryWeeks: 1,
		Audience:  surveys.Audience{Users: []string{"U1"}, UserGroups: []string{"SDEVS"}, Channels: []string{"CENG"}},
		Anonymous: true, MinGroupSize: 2, Window: 72 * time.Hour, Reminder: 24 * time.Hour, ResultsChannel: "CRESULTS",
		Questions: []surveys.Question{
			{ID: "sat", Kind: surveys.Scale, Text: "How satisfied are you with the platform?", Labels: []string{"Very poor", "Poor", "OK", "Good", "Great"}},
			{ID: "nps", Kind: surveys.NPS, Text: "How likely are you to recommend it?"},
			{ID: "slow", Kind: surveys.Choice, Text: "What slows you down?", Options: []string{"CI", "Reviews <&>"}, Optional: true},
			{ID: "why", Kind: surveys.Text, Text: "Anything else?"},
		},
	}
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	db := storagetest.SQLite(t)
	fs := newFakeSlack()
	fs.Zone = "Europe/Berlin"
	fs.Bots["UBOT"] = true
	fs.Groups["SDEVS"] = []string{"U1", "U2", "UBOT"}
	fs.Channels["CENG"] = []string{"U2", "U3"}
	clock := clockwork.NewFakeClockAt(testStart)
	out, err := outbox.New(outbox.Options{Store: storage.NewOutboxStore(db), Log: zerolog.Nop(), Clock: clock, Poll: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = out.Stop() })
	h := New(fs, handlers.NewDirectory(fs, nil, clock.Now), zerolog.Nop())
	h.Outbox = out
	h.Service = surveys.New(surveys.Config{
		Surveys: []surveys.Survey{testSurvey()}, Store: storage.NewSurveyStore(db), Dir: h.Directory(), Notifier: h.Notifier(), Clock: clock,
	})
	r := bot.NewRouter(&bot.Admins{Users: []string{"UADMIN"}}, bot.Errors(zerolog.Nop(), nil, nil))
	h.Register(r, "/pulse")
	d := &routerDriver{T: t, Router: r, Slash: "/pulse", After: h.after.Wait}
	return &harness{routerDriver: d, slack: fs, clock: clock, h: h, out: out, db: db}
}

// click presses a button in user's DM (channel D…), which gives it a
// response_url like Slack does.
func (p *harness) click(user, actionID, value string) *bot.Reply {
	return p.Serve(&bot.Request{Kind: bot.KindAction, ActionID: actionID, Value: value, UserID: user, TriggerID: "T1",
		ChannelID: "D" + user, ResponseURL: "https://hooks.example/" + user,
		Interaction: &slack.InteractionCallback{Container: slack.Container{Type: "message", MessageTs: "1700000001.000100"}}})
}

// submit submits the opened modal view with the state values.
func (p *harness) submit(user string, view slack.ModalViewRequest, values map[string]map[string]slack.BlockAction) *bot.Reply {
	return p.routerDriver.Submit(user, view.CallbackID, view.PrivateMetadata, values)
}

// deliver runs the outbox until nothing is due.
func (p *harness) deliver() {
	p.T.Helper()
	if err := p.out.Drain(context.Background()); err != nil {
		p.T.Fatal(err)
	}
}

// pick is the state of one answered input.
func pick(value string) map[string]slack.BlockAction {
	return map[string]slack.BlockAction{input: {SelectedOption: slack.OptionBlockObject{Value: value}}}
}

func typed(text string) map[string]slack.BlockAction {
	return map[string]slack.BlockAction{input: {Value: text}}
}

// tokenRe finds response tokens (128 random bits in hex).
var tokenRe = regexp.MustCompile(`[0-9a-f]{32}`)

// checkGolden compares v with testdata/<name>.golden, where it is
// indented JSON without HTML escaping and with response tokens masked.
func checkGolden(t *testing.T, name string, v any) {
	t.Helper()
	goldenText(t, name, tokenRe.ReplaceAllString(toJSON(v, "  "), "<token>"))
}

// flatText is every text of a message, for assertions on content.
func flatText(msg bot.Message) string {
	return msg.Text + "\n" + toJSON(msg.Blocks, "")
}

// toJSON encodes v without HTML escaping, indented by indent.
func toJSON(v any, indent string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return b.String()
}

func TestPulseSendDMsTheAudienceOnce(t *testing.T) {
	p := newHarness(t)
	if reply, err := p.Router.Serve(context.Background(), &bot.Request{Kind: bot.KindCommand, Command: "/pulse", Text: "send devex", UserID: "U1"}); err != nil || !strings.Contains(reply.Text, "Only the platform team") {
		t.Fatalf("/pulse send by a non-admin = %+v, %v; want a refusal", reply, err)
	}
	reply := p.Command("UADMIN", "send devex")
	if !strings.Contains(reply.Text, "Started run #1 of *Developer experience*") || !strings.Contains(reply.Text, "to 4 people") {
		t.Errorf("/pulse send reply = %q", reply.Text)
	}
	p.deliver()
	for user, want := range map[string]int{"U1": 1, "U2": 1, "U3": 1, "UBOT": 0} {
		if got := len(p.slack.Posted(user)); got != want {
			t.Errorf("%s got %d DMs, want %d", user, got, want)
		}
	}
	checkGolden(t, "invitation", p.slack.Posted("U1")[0])
	if reply := p.Command("UADMIN", "send devex"); !strings.Contains(reply.Text, "already has a run open") {
		t.Errorf("second /pulse send = %q, want a refusal while the run is open", reply.Text)
	}
	if reply := p.Command("UADMIN", "send nope"); !strings.Contains(reply.Text, "no survey called `nope`") {
		t.Errorf("/pulse send nope = %q", reply.Text)
	}
}

// TestPulseAnswerTapRestChange follows one person: a tap answers the first
// question and turns the DM into a thank-you; "Answer the rest" opens the
// other questions; Change reopens all of them, prefilled.
func TestPulseAnswerTapRestChange(t *testing.T) {
	p := newHarness(t)
	p.Command("UADMIN", "send devex")
	p.deliver()

	thanks := p.click("U1", actTap+"3", "1:sat:4")
	if !thanks.ReplaceOriginal {
		t.Fatal("the thank-you does not replace the DM")
	}
	checkGolden(t, "thank_you", thanks.Message)
	value := buttonValue(t, thanks.Message, actForm)

	if reply := p.click("U1", actForm, value); reply != nil {
		t.Fatalf("Answer the rest replied %+v, want a modal only", reply)
	}
	rest := p.slack.LastView(t)
	if got := inputIDs(rest); !cmp.Equal(got, []string{"pulse:q:nps", "pulse:q:slow", "pulse:q:why"}) {
		t.Errorf("rest form inputs = %v, want the three unanswered questions", got)
	}
	if reply := p.submit("U1", rest, map[string]map[string]slack.BlockAction{
		"pulse:q:nps": pick("9"), "pulse:q:slow": pick("1"), "pulse:q:why": typed("Builds <@U999> are slow"),
	}); reply != nil {
		t.Fatalf("submit replied %+v, want the modal to close", reply)
	}
	updated := p.slack.Responds["https://hooks.example/U1"]
	if len(updated) != 1 || !strings.Contains(flatText(updated[0]), "Builds &lt;@U999&gt; are slow") {
		t.Fatalf("DM after the form = %+v, want the thank-you with the escaped comment", updated)
	}

	p.click("U1", actChange, value)
	change := p.slack.LastView(t)
	checkGolden(t, "change_form", change)
	p.submit("U1", change, map[string]map[string]slack.BlockAction{"pulse:q:sat": pick("2"), "pulse:q:nps": pick("3")})
	if last := p.slack.Responds["https://hooks.example/U1"]; len(last) != 2 || strings.Contains(flatText(last[1]), "Builds") ||
		!strings.Contains(flatText(last[1]), "2 · Poor") {
		t.Errorf("DM after Change = %v, want only the new answers", flatText(last[len(last)-1]))
	}
}

func TestPulseRefusals(t *testing.T) {
	p := newHarness(t)
	p.Command("UADMIN", "send devex")
	p.deliver()
	p.click("U2", actTap+"0", "1:sat:1")

	if again := p.click("U2", actTap+"4", "1:sat:5"); !again.ReplaceOriginal || !strings.Contains(again.Text, "already answered") {
		t.Errorf("second tap = %+v, want the DM replaced by an already-answered note", again)
	}
	p.click("U3", actForm, "1")
	form := p.slack.LastView(t)
	reply := p.submit("U3", form, map[string]map[string]slack.BlockAction{"pulse:q:sat": pick("9")})
	if diff := cmp.Diff(map[string]string{"pulse:q:sat": "Please pick one of the options."}, reply.ViewErrors); diff != "" {
		t.Errorf("bad form value errors mismatch (-want +got):\n%s", diff)
	}
	if reply := p.click("U9", actTap+"0", "1:sat:1"); strings.Contains(reply.Text, "Thanks") {
		t.Errorf("a tap by someone not asked = %q, want a refusal", reply.Text)
	}

	p.clock.Advance(72 * time.Hour)
	late := p.click("U3", actTap+"0", "1:sat:3")
	if !late.ReplaceOriginal || !strings.Contains(late.Text, "closed") {
		t.Errorf("tap after the window = %+v, want the DM replaced by a polite note", late)
	}
	reply = p.submit("U3", form, map[string]map[string]slack.BlockAction{"pulse:q:sat": pick("3")})
	if !strings.Contains(reply.ViewErrors["pulse:q:sat"], "closed") {
		t.Errorf("form after the window = %+v, want the closed note inline", reply.ViewErrors)
	}
}

// TestPulseReminderResultsAndHome runs a survey to its end: the reminder
// reaches only the one who did not answer, the results are posted once
// with the right numbers, and the App Home lists only open runs.
func TestPulseReminderResultsAndHome(t *testing.T) {
	p := newHarness(t)
	p.Command("UADMIN", "send devex")
	p.deliver()
	home, err := p.h.HomeSection(context.Background(), "U3")
	if err != nil || len(home) != 2 {
		t.Fatalf("home section = %d blocks, %v; want a header and the run", len(home), err)
	}
	checkGolden(t, "home", home)
	p.click("U1", actTap+"4", "1:sat:5")
	p.click("U2", actTap+"2", "1:sat:3")

	p.clock.Advance(24 * time.Hour)
	tick(t, p)
	p.deliver()
	for user, want := range map[string]int{"U1": 1, "U2": 1, "U3": 2} {
		if got := len(p.slack.Posted(user)); got != want {
			t.Errorf("%s has %d DMs after the reminder, want %d", user, got, want)
		}
	}
	if got := p.slack.Posted("U3")[1].Text; !strings.Contains(got, "Reminder") {
		t.Errorf("reminder text = %q", got)
	}

	p.clock.Advance(48 * time.Hour)
	tick(t, p)
	tick(t, p)
	p.deliver()
	posted := p.slack.Posted("CRESULTS")
	if len(posted) != 1 {
		t.Fatalf("%d results posts, want 1", len(posted))
	}
	text := flatText(posted[0])
	for _, want := range []string{"2 of 3 answered (67%)", "Mean *4.0* of 5"} {
		if !strings.Contains(text, want) {
			t.Errorf("results post lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Anything else?") {
		t.Error("the results channel got comments although the survey does not share them")
	}
	checkGolden(t, "results", posted[0])
	if home, _ := p.h.HomeSection(context.Background(), "U3"); len(home) != 0 {
		t.Errorf("home after close = %d blocks, want none", len(home))
	}
	admin := p.Command("UADMIN", "results devex")
	if !strings.Contains(flatText(admin.Message), "Anything else?") || admin.InChannel {
		t.Errorf("/pulse results for admins = %+v, want an ephemeral report with the comment question", admin)
	}
	list := p.Command("U1", "list")
	if !strings.Contains(flatText(list.Message), "next run") {
		t.Errorf("/pulse list = %s", flatText(list.Message))
	}
}

func tick(t *testing.T, p *harness) {
	t.Helper()
	if err := p.h.Service.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func buttonValue(t *testing.T, msg bot.Message, actionID string) string {
	t.Helper()
	for _, b := range msg.Blocks {
		if a, ok := b.(*slack.ActionBlock); ok {
			for _, el := range a.Elements.ElementSet {
				if btn, ok := el.(*slack.ButtonBlockElement); ok && btn.ActionID == actionID {
					return btn.Value
				}
			}
		}
	}
	t.Fatalf("no %s button in %s", actionID, flatText(msg))
	return ""
}

func inputIDs(v slack.ModalViewRequest) []string {
	var out []string
	for _, b := range v.Blocks.BlockSet {
		if in, ok := b.(*slack.InputBlock); ok {
			out = append(out, in.BlockID)
		}
	}
	return out
}

func TestPulseFormAnswersParse(t *testing.T) {
	run := surveys.Run{Snapshot: surveys.Snapshot{Questions: testSurvey().Questions}}
	view := &slack.View{State: &slack.ViewState{Values: map[string]map[string]slack.BlockAction{
		"pulse:q:sat":  pick("4"),
		"pulse:q:nps":  pick(""), // left blank
		"pulse:q:slow": pick("x"),
		"pulse:q:why":  typed("hi"),
	}}}
	want := []surveys.Answer{{QuestionID: "sat", Value: 4}, {QuestionID: "why", Text: "hi"}}
	if diff := cmp.Diff(want, formAnswers(run, view)); diff != "" {
		t.Errorf("formAnswers mismatch (-want +got):\n%s", diff)
	}
	md, _ := json.Marshal(formMeta{Run: 1})
	if !strings.Contains(string(md), `"run":1`) {
		t.Errorf("metadata = %s", md)
	}
}

// TestPulseDatesAgree: the form's closing time used to fall back to UTC
// while the DM's fell back to the configured zone, so one person read two
// zones for the same thing. Every date is Slack's date token (shown in the
// reader's zone) with a fallback in the configured zone, named.
func TestPulseDatesAgree(t *testing.T) {
	p := newHarness(t)
	p.h.Location, _ = time.LoadLocation("Europe/Berlin")
	p.Command("UADMIN", "send devex")
	p.deliver()
	p.click("U1", actForm, "1")
	dm := flatText(p.slack.Posts["U1"][0])
	form := toJSON(p.slack.LastView(t), "")
	want := "|Thu 5 Mar 09:00 CET" // closes 72 h after Mon 2 Mar 09:00 Berlin
	for name, text := range map[string]string{"DM": dm, "form": form} {
		if !strings.Contains(text, want) || strings.Contains(text, "08:00 UTC") {
			t.Errorf("%s dates = %s\nwant the fallback %q", name, text, want)
		}
	}
}

// TestPulseFormTitleIsNotCut: a modal title holds 24 characters, so
// "Developer experience pulse" showed as "Developer experience pu…". A
// long name gets a generic title and is named in full in the body.
func TestPulseFormTitleIsNotCut(t *testing.T) {
	run := surveys.Run{ID: 1, ClosesAt: testStart}
	run.Title, run.Questions = "Developer experience pulse", testSurvey().Questions
	v := answerForm(surveys.Receipt{Run: run, Remaining: run.Questions}, formMeta{Run: 1}, time.UTC, i18n.Fallback())
	if got := v.Title.Text; got != "Pulse survey" {
		t.Errorf("title = %q, want Pulse survey", got)
	}
	if body := toJSON(v.Blocks, ""); !strings.Contains(body, "*Developer experience pulse*") {
		t.Errorf("body does not name the survey in full: %s", body)
	}
	run.Title = "Short name"
	if v := answerForm(surveys.Receipt{Run: run}, formMeta{Run: 1}, time.UTC, i18n.Fallback()); v.Title.Text != "Short name" {
		t.Errorf("short title = %q, want it as it is", v.Title.Text)
	}
}

// holdUntil is a delivery guard that keeps one person's DMs until a time.
type holdUntil struct {
	user  string
	until time.Time
}

func (g holdUntil) NotBefore(_ context.Context, to string, now time.Time) time.Time {
	if to == g.user && now.Before(g.until) {
		return g.until
	}
	return now
}

func (g holdUntil) HeldUntil(_ context.Context, to string, now time.Time) (time.Time, bool) {
	return g.until, to == g.user && now.Before(g.until)
}

// TestPulseResultsSayWhatWaits: while an invitation is held for its
// recipient's working hours, /pulse results says so; once it went, the
// line goes.
func TestPulseResultsSayWhatWaits(t *testing.T) {
	p := newHarness(t)
	p.h.Waiting = storage.NewOutboxStore(p.db)
	p.out.Guard(holdUntil{user: "U3", until: testStart.Add(3 * time.Hour)}, InviteKind)
	p.Command("UADMIN", "send devex")
	p.deliver()
	if got := len(p.slack.Posted("U3")); got != 0 {
		t.Fatalf("U3 has %d DMs before their hours, want 0", got)
	}
	const waits = "1 invitation is still waiting for its recipient's working hours"
	if text := flatText(p.Command("UADMIN", "results devex").Message); !strings.Contains(text, waits) {
		t.Errorf("/pulse results while U3 waits lacks %q:\n%s", waits, text)
	}
	p.clock.Advance(3 * time.Hour)
	p.deliver()
	if got := len(p.slack.Posted("U3")); got != 1 {
		t.Fatalf("U3 has %d DMs once their hours began, want 1", got)
	}
	if text := flatText(p.Command("UADMIN", "results devex").Message); strings.Contains(text, "still waiting") {
		t.Errorf("/pulse results after the held invitation went still says it waits:\n%s", text)
	}
}
