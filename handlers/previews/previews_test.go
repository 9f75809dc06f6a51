package previews

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/rs/zerolog"
	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/handlers/internal/handlertest"
	"github.com/platformbot/platformbot/i18n"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/outbox/webhook"
	pv "github.com/platformbot/platformbot/previews"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// start is Monday 2026-03-02 09:00 Berlin.
var start = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

const secret = "s3cret"

func fastCI(seats int) pv.Preview {
	s, e, _ := pv.DateSpan("2026-03-02", "2026-03-29", time.UTC)
	return pv.Preview{
		ID: "fast-ci", Name: "Fast CI <runners>", Description: "Twice the cores & a warm cache. <!channel>", Owner: "UOWNER",
		Channel: "CPREVIEWS", MaxParticipants: seats, Start: "2026-03-02", End: "2026-03-29", StartAt: s, EndAt: e, Automation: true,
		Feedback: pv.Feedback{
			Points: []pv.Point{{After: 7 * 24 * time.Hour}, {AtEnd: true}},
			Questions: []pv.Question{
				{ID: "rating", Kind: pv.Rating, Text: "How are the runners?"},
				{ID: "better", Kind: pv.Text, Text: "What would make them better?"},
			},
			Window: 7 * 24 * time.Hour, Reminder: 48 * time.Hour,
		},
	}
}

// hookServer is an automation receiver that verifies each call's
// signature and answers with status.
type hookServer struct {
	*httptest.Server
	mu     sync.Mutex
	calls  []Call
	bad    int
	status int
}

func newHookServer(t *testing.T) *hookServer {
	hs := &hookServer{status: http.StatusOK}
	hs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		hs.mu.Lock()
		defer hs.mu.Unlock()
		if !webhook.Verify(secret, body, r.Header.Get(webhook.SignatureHeader)) {
			hs.bad++
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var c Call
		_ = json.Unmarshal(body, &c)
		hs.calls = append(hs.calls, c)
		w.WriteHeader(hs.status)
	}))
	t.Cleanup(hs.Close)
	return hs
}

func (hs *hookServer) got() []string {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	var out []string
	for _, c := range hs.calls {
		out = append(out, c.User+":"+string(c.Action))
	}
	return out
}

type env struct {
	t     *testing.T
	h     *Handler
	r     *bot.Router
	slack *fakeSlack
	out   *outbox.Dispatcher
	clock *clockwork.FakeClock
	hook  *hookServer
}

func newEnv(t *testing.T, p pv.Preview) *env {
	t.Helper()
	db := storagetest.SQLite(t)
	e := &env{t: t, slack: newFakeSlack(), clock: clockwork.NewFakeClockAt(start), hook: newHookServer(t)}
	out, err := outbox.New(outbox.Options{Store: storage.NewOutboxStore(db), Log: zerolog.Nop(), Clock: e.clock, Poll: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	e.out = out
	h := New(e.slack, zerolog.Nop())
	h.Outbox, h.Admins, h.Now = out, &bot.Admins{Users: []string{"UADMIN"}}, e.clock.Now
	h.Hooks = func(name string) (webhook.Hook, bool) {
		return webhook.Hook{URL: e.hook.URL, Secret: secret}, name == HookName(p.ID)
	}
	h.Refresh = func(ctx context.Context, user string) error {
		blocks, err := h.HomeSection(ctx, user)
		if err != nil {
			return err
		}
		return e.slack.PublishHome(ctx, user, slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}})
	}
	h.Service = pv.New(pv.Config{Configured: []pv.Preview{p}, Store: storage.NewPreviewStore(db), Dir: e.slack, Notifier: h.Notifier(), Clock: e.clock})
	if err := h.Service.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.r = bot.NewRouter(h.Admins, bot.Errors(zerolog.Nop(), nil, nil))
	h.Register(e.r, "/preview")
	e.h = h
	return e
}

func (e *env) serve(req *bot.Request) *bot.Reply {
	e.t.Helper()
	reply, err := e.r.Serve(context.Background(), req)
	if err != nil {
		e.t.Fatal(err)
	}
	if reply == nil {
		return &bot.Reply{}
	}
	return reply
}

func (e *env) cmd(user, line string) *bot.Reply {
	return e.serve(&bot.Request{Kind: bot.KindCommand, Command: "/preview", Text: line, UserID: user, ChannelID: "CTEST", TriggerID: "trig"})
}

// click presses a button in channel: in a DM (D…) or under an ephemeral
// reply the reply may replace the message; ts is the message's.
func (e *env) click(user, actionID, value, channel string, ephemeral bool) *bot.Reply {
	cb := &slack.InteractionCallback{Container: slack.Container{Type: "message", ChannelID: channel, MessageTs: "1700000000.000001", IsEphemeral: ephemeral}}
	return e.serve(&bot.Request{Kind: bot.KindAction, ActionID: actionID, Value: value, UserID: user, ChannelID: channel,
		ResponseURL: "https://hooks.slack.test/r", TriggerID: "trig", Interaction: cb})
}

func (e *env) submit(user string, v slack.ModalViewRequest, values map[string]map[string]slack.BlockAction) *bot.Reply {
	view := &slack.View{ID: fmt.Sprintf("V%d", len(e.slack.opened)), CallbackID: v.CallbackID, PrivateMetadata: v.PrivateMetadata,
		State: &slack.ViewState{Values: values}}
	return e.serve(&bot.Request{Kind: bot.KindViewSubmission, CallbackID: v.CallbackID, UserID: user, View: view})
}

func (e *env) drain() {
	e.t.Helper()
	if err := e.out.Drain(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

func button(t *testing.T, blocks []slack.Block, prefix string) *slack.ButtonBlockElement {
	t.Helper()
	for _, b := range blocks {
		var els []slack.BlockElement
		switch x := b.(type) {
		case *slack.ActionBlock:
			els = x.Elements.ElementSet
		case *slack.SectionBlock:
			if x.Accessory != nil && x.Accessory.ButtonElement != nil {
				els = append(els, x.Accessory.ButtonElement)
			}
		}
		for _, el := range els {
			if btn, ok := el.(*slack.ButtonBlockElement); ok && strings.HasPrefix(btn.ActionID, prefix) {
				return btn
			}
		}
	}
	t.Fatalf("no %s button in %s", prefix, text(bot.Message{Blocks: blocks}))
	return nil
}

func TestAnnouncementGolden(t *testing.T) {
	msg := Announcement(i18n.Fallback(), fastCI(12))
	golden(t, "announcement", msg)
	got := text(msg)
	wantContains(t, got, "&lt;!channel&gt;", "Fast CI <runners>", "12 seats", "after 7 days and at the end", "turns the feature on")
	if strings.Contains(got, "<!channel>") {
		t.Error("the description's mention was not escaped")
	}
}

func TestResultsGolden(t *testing.T) {
	p := fastCI(12)
	week := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	res := pv.Results{
		Preview: p, Counts: pv.Counts{Active: 9, Waitlisted: 2, Left: 3}, Participants: 12,
		Weeks: []pv.WeekCount{{Week: week, N: 8}, {Week: week.AddDate(0, 0, 7), N: 0}, {Week: week.AddDate(0, 0, 14), N: 4}},
		Teams: []pv.TeamShare{{Team: "payments", Name: "Payments", N: 6, Share: 0.5}, {Team: "", Name: "No team", N: 6, Share: 0.5}},
		Asked: 10, Answered: 7,
		Ratings: []pv.RatingResult{{Question: p.Feedback.Questions[0], N: 7, Counts: [5]int{0, 1, 2, 3, 1}, Mean: 3.57}},
		Comments: []pv.Comment{
			{Question: p.Feedback.Questions[1], Point: pv.Point{AtEnd: true}, Text: "Love it <@U123>\nsecond line", UserID: "UA", At: start.Add(48 * time.Hour)},
			{Question: p.Feedback.Questions[1], Point: pv.Point{After: 7 * 24 * time.Hour}, Text: "Cache misses", UserID: "UB", At: start},
		},
		CommentCount: 12, Page: 1, Pages: 2,
	}
	msg := resultsMessage(i18n.Fallback(), res, time.UTC)
	golden(t, "results", msg)
	wantContains(t, text(msg), "12 so far", "*9 active*", "3 left", "2 on the waitlist", "Payments 50% (6)", "Mean *3.6* of 5",
		"> Love it &lt;@U123&gt;\\n> second line", "Page 1 of 2", "Older ›")
	anon := res
	anon.Preview.Feedback.Anonymous, anon.Preview.Feedback.MinGroupSize = true, 5
	anon.Ratings = []pv.RatingResult{{Question: p.Feedback.Questions[0], N: 3, Hidden: true}}
	anon.Comments, anon.CommentCount, anon.CommentsHidden, anon.Pages = nil, 3, true, 1
	wantContains(t, text(resultsMessage(i18n.Fallback(), anon, time.UTC)), "Fewer than 5 answers: not shown", "3, not shown: fewer than 5")
}

// TestJoinCallsTheAutomation: a seat queues the signed automation call,
// whose answer shows in the App Home; a full preview queues the next
// joiner, who is promoted (with a DM and their own call) when a seat frees.
func TestJoinCallsTheAutomation(t *testing.T) {
	e := newEnv(t, fastCI(1))
	reply := e.cmd("UA", "join fast-ci")
	wantContains(t, text(reply.Message), "You're in", "(pending)")
	e.drain()
	if got := e.hook.got(); len(got) != 1 || got[0] != "UA:join" || e.hook.bad != 0 {
		t.Fatalf("automation calls %v (%d badly signed), want UA:join", got, e.hook.bad)
	}
	wantContains(t, text(bot.Message{Blocks: e.slack.homes["UA"].Blocks.BlockSet}), "(enabled)")

	ann := Announcement(i18n.Fallback(), fastCI(1))
	reply = e.click("UB", actJoin, button(t, ann.Blocks, actJoin).Value, "CPREVIEWS", false)
	if reply.ReplaceOriginal {
		t.Error("a Join click replaced the announcement")
	}
	wantContains(t, text(reply.Message), "number 1 on the waitlist")

	reply = e.click("UA", actLeave, "fast-ci", "CTEST", true)
	if !reply.ReplaceOriginal || !strings.Contains(reply.Text, "You left") {
		t.Errorf("leave from an ephemeral reply = %+v", reply.Message)
	}
	e.drain()
	got := e.hook.got() // the leave's two calls go out in parallel
	if len(got) != 3 || got[0] != "UA:join" || !slices.Contains(got, "UA:leave") || !slices.Contains(got, "UB:join") {
		t.Errorf("automation calls = %v, want UA:join, then UA:leave and UB:join", got)
	}
	if dms := e.slack.messages("UB"); len(dms) != 1 || !strings.Contains(text(dms[0]), "A seat freed up") {
		t.Errorf("UB's DMs = %+v, want the promotion", dms)
	}
}

// TestAutomationFailureIsShown: a refused call fails for good, the owner
// is told once, and the participant's App Home says so.
func TestAutomationFailureIsShown(t *testing.T) {
	e := newEnv(t, fastCI(0))
	e.hook.status = http.StatusBadRequest
	e.cmd("UA", "join fast-ci")
	e.drain()
	e.drain()
	if dms := e.slack.messages("UOWNER"); len(dms) != 1 || !strings.Contains(text(dms[0]), "could not turn the feature on for <@UA>") {
		t.Errorf("owner's DMs = %+v", dms)
	}
	wantContains(t, text(bot.Message{Blocks: e.slack.homes["UA"].Blocks.BlockSet}), "Turning the feature on failed")
}

func TestAdminCommandsRefuseOthers(t *testing.T) {
	e := newEnv(t, fastCI(0))
	for _, line := range []string{"announce fast-ci", "results fast-ci", "new"} {
		if got := e.cmd("UDEV", line).Text; !strings.Contains(got, "Only the platform team") {
			t.Errorf("%s by a non-admin: %q", line, got)
		}
	}
	if got := e.click("UDEV", actPage+":next", "fast-ci|2", "CTEST", true).Text; !strings.Contains(got, "Only the platform team") {
		t.Errorf("results page by a non-admin: %q", got)
	}
	if got := e.cmd("UADMIN", "announce fast-ci").Text; !strings.Contains(got, "on its way to <#CPREVIEWS>") {
		t.Errorf("announce: %q", got)
	}
	if got := e.cmd("UADMIN", "announce fast-ci").Text; !strings.Contains(got, "already announced today") {
		t.Errorf("second announce: %q", got)
	}
	e.drain()
	if posts := e.slack.messages("CPREVIEWS"); len(posts) != 1 {
		t.Errorf("%d announcements posted, want 1", len(posts))
	}
	if got := e.cmd("UDEV", "join").Text; !strings.Contains(got, "Name one preview") {
		t.Errorf("join without an id: %q", got)
	}
}

func TestNewPreviewModal(t *testing.T) {
	e := newEnv(t, fastCI(0))
	e.cmd("UADMIN", "new")
	if len(e.slack.opened) != 1 || e.slack.opened[0].CallbackID != viewNew {
		t.Fatalf("opened %d modals", len(e.slack.opened))
	}
	form := e.slack.opened[0]
	val := func(s string) slack.BlockAction { return slack.BlockAction{Value: s} }
	state := map[string]map[string]slack.BlockAction{
		newBlockID("id"):      {inputID: val("New UI")},
		newBlockID("name"):    {inputID: val("")},
		newBlockID("owner"):   {inputID: {SelectedUser: "UADMIN"}},
		newBlockID("channel"): {inputID: {SelectedConversation: "CPREVIEWS"}},
		newBlockID("start"):   {inputID: {SelectedDate: "2026-03-10"}},
		newBlockID("end"):     {inputID: {SelectedDate: "2026-03-09"}},
		newBlockID("rating"):  {inputID: val("How is it?")},
		newBlockID("at_end"):  {inputID: {SelectedOptions: []slack.OptionBlockObject{{Value: "yes"}}}},
	}
	reply := e.submit("UADMIN", form, state)
	for _, f := range []string{"id", "name", "end"} {
		if reply.ViewErrors[newBlockID(f)] == "" {
			t.Errorf("no error at %s: %v", f, reply.ViewErrors)
		}
	}
	state[newBlockID("id")] = map[string]slack.BlockAction{inputID: val("new-ui")}
	state[newBlockID("name")] = map[string]slack.BlockAction{inputID: val("New deploy UI")}
	state[newBlockID("end")] = map[string]slack.BlockAction{inputID: {SelectedDate: "2026-04-10"}}
	reply = e.submit("UADMIN", form, state)
	if reply.ViewUpdate == nil || len(reply.ViewErrors) > 0 {
		t.Fatalf("valid form: %+v", reply)
	}
	if got := e.cmd("UDEV", "list"); !strings.Contains(text(got.Message), "New deploy UI") {
		t.Errorf("the new preview is not listed:\n%s", text(got.Message))
	}
}

// TestFeedbackTapAndForm: the DM's one tap records the rating and turns
// the DM into a thank-you; the form adds the comment, and the DM is
// updated through the outbox.
func TestFeedbackTapAndForm(t *testing.T) {
	e := newEnv(t, fastCI(0))
	e.cmd("UA", "join fast-ci")
	e.clock.Advance(7 * 24 * time.Hour)
	if err := e.h.Service.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.drain()
	dms := e.slack.messages("UA")
	if len(dms) != 1 {
		t.Fatalf("UA got %d DMs, want the feedback ask", len(dms))
	}
	rate := button(t, dms[0].Blocks, actRate+"4")
	reply := e.click("UA", rate.ActionID, rate.Value, "DUA", false)
	if !reply.ReplaceOriginal || !strings.Contains(text(reply.Message), "4/5") {
		t.Fatalf("after the tap: %+v", reply.Message)
	}
	if again := e.click("UA", rate.ActionID, rate.Value, "DUA", false); !strings.Contains(again.Text, "already answered") {
		t.Errorf("second tap: %q", again.Text)
	}
	more := button(t, reply.Blocks, actForm)
	e.click("UA", more.ActionID, more.Value, "DUA", false)
	if len(e.slack.opened) != 1 {
		t.Fatal("the form did not open")
	}
	sub := e.submit("UA", e.slack.opened[0], map[string]map[string]slack.BlockAction{
		"preview:q:better": {inputID: {Value: "Node images <!here>"}},
	})
	if !sub.IsEmpty() {
		t.Errorf("form ack = %+v, want an empty ack", sub)
	}
	e.drain()
	if len(e.slack.updates) != 1 || !strings.Contains(text(e.slack.updates[0]), "Node images &lt;!here&gt;") {
		t.Errorf("DM updates = %+v", e.slack.updates)
	}
	wantContains(t, text(e.cmd("UADMIN", "results fast-ci").Message), "Node images &lt;!here&gt;", "— <@UA>")
}

func TestResultsPages(t *testing.T) {
	p := fastCI(0)
	e := newEnv(t, p)
	ctx := context.Background()
	for i := range 12 {
		e.cmd(fmt.Sprintf("U%03d", i), "join fast-ci")
	}
	e.clock.Advance(7 * 24 * time.Hour)
	if err := e.h.Service.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		e.clock.Advance(time.Minute)
		if _, err := e.h.Service.Answer(ctx, pv.Submission{PreviewID: p.ID, PointID: "after-7d", UserID: fmt.Sprintf("U%03d", i),
			Answers: []pv.Answer{{QuestionID: "rating", Value: 1 + i%5}, {QuestionID: "better", Text: fmt.Sprintf("comment %d", i)}}}); err != nil {
			t.Fatal(err)
		}
	}
	first := e.cmd("UADMIN", "results fast-ci")
	wantContains(t, text(first.Message), "comment 11", "Page 1 of 2")
	next := button(t, first.Blocks, actPage)
	second := e.click("UADMIN", next.ActionID, next.Value, "CTEST", true)
	if !second.ReplaceOriginal {
		t.Error("turning the page did not replace the results")
	}
	wantContains(t, text(second.Message), "> comment 1\\n", "> comment 0\\n", "Page 2 of 2", "Newer")
}

// TestFeedbackInTheirLanguage: the feedback request goes to a German
// Slack locale in German and to an English one in English; the tap's
// thank-you and the form follow the person who taps; someone who then
// chooses German (/platform language de) gets the reminder in German.
func TestFeedbackInTheirLanguage(t *testing.T) {
	e := newEnv(t, fastCI(0))
	langs := handlertest.NewLanguages(map[string]string{"UDE": "de-DE", "UEN": "en-US"})
	e.h.Languages = langs.Chooser()
	e.r.Use(bot.Language(e.h.Languages))
	e.cmd("UDE", "join fast-ci")
	e.cmd("UEN", "join fast-ci")
	e.clock.Advance(7 * 24 * time.Hour)
	if err := e.h.Service.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.drain()
	de, en := e.slack.messages("UDE"), e.slack.messages("UEN")
	if len(de) != 1 || len(en) != 1 {
		t.Fatalf("DMs: UDE %d, UEN %d; want one feedback request each", len(de), len(en))
	}
	wantContains(t, text(de[0]), "Wie läuft Fast CI &lt;runners&gt;? Antworten mit einem Klick.",
		":test_tube: Du bist jetzt schon eine Weile bei *Fast CI &lt;runners&gt;* dabei — wie läuft es?",
		"*How are the runners?*", "1 = schlecht · 5 = super. :bust_in_silhouette: Nicht anonym:", "Offen bis ", "{date_short_pretty} um {time}|Mo. 16. März 08:00 UTC")
	wantContains(t, text(en[0]), "How is Fast CI &lt;runners&gt; going? One tap to answer.",
		":test_tube: You've been in *Fast CI &lt;runners&gt;* for a while — how is it going?",
		"1 = poor · 5 = great. :bust_in_silhouette: Not anonymous:", "Open until ", "{date_short_pretty} at {time}|Mon 16 Mar 08:00 UTC")

	rate := button(t, de[0].Blocks, actRate+"4")
	reply := e.click("UDE", rate.ActionID, rate.Value, "DUDE", false)
	wantContains(t, text(reply.Message), "Danke für dein Feedback zu Fast CI &lt;runners&gt;!", "4/5", `"text":"Kommentar hinzufügen"`)
	if again := e.click("UDE", rate.ActionID, rate.Value, "DUDE", false); again.Text != ":white_check_mark: Das hast du schon beantwortet — danke!" {
		t.Errorf("second tap: %q", again.Text)
	}
	more := button(t, reply.Blocks, actForm)
	e.click("UDE", more.ActionID, more.Value, "DUDE", false)
	if len(e.slack.opened) != 1 {
		t.Fatal("the form did not open")
	}
	form := e.slack.opened[0]
	if form.Submit.Text != "Senden" || form.Close.Text != "Abbrechen" {
		t.Errorf("form buttons %q / %q, want German", form.Submit.Text, form.Close.Text)
	}
	wantContains(t, text(bot.Message{Blocks: form.Blocks.BlockSet}), `"text":"Optional"`, "Nicht anonym")

	if _, err := langs.Chooser().Choose(context.Background(), "UEN", "de", e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(48 * time.Hour)
	if err := e.h.Service.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.drain()
	en = e.slack.messages("UEN")
	if len(en) != 2 {
		t.Fatalf("UEN got %d DMs, want the request and its reminder", len(en))
	}
	wantContains(t, text(en[1]), "Erinnerung: Wie läuft Fast CI &lt;runners&gt;?", ":wave: Eine kurze Erinnerung: Du bist jetzt schon eine Weile bei")
	if n := len(e.slack.messages("UDE")); n != 1 {
		t.Errorf("UDE, who answered, got %d DMs, want no reminder", n)
	}
}
