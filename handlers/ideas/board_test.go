package ideas

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/rs/zerolog"
	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/handlers"
	"github.com/platformbot/platformbot/handlers/internal/handlertest"
	dom "github.com/platformbot/platformbot/ideas"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

const (
	testChannel = "C0IDEAS"
	testAdmin   = "UADMIN"
)

var testNow = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

// harness is the board's handlers with a real store and outbox (drained
// by hand) and a fake Slack. Teams: web lists UWEB1–3 (3 people), api is
// the user group S0API with UAPI1–UAPI9 (9 people).
type harness struct {
	t      *testing.T
	slack  *fakeSlack
	board  *Board
	router *bot.Router
	out    *outbox.Dispatcher
	clock  *clockwork.FakeClock
}

func newHarness(t *testing.T, db *storage.DB, w dom.Weighting) *harness {
	t.Helper()
	h := &harness{t: t, slack: newFakeSlack(), clock: clockwork.NewFakeClockAt(testNow)}
	h.slack.groups["S0API"] = []string{"UAPI1", "UAPI2", "UAPI3", "UAPI4", "UAPI5", "UAPI6", "UAPI7", "UAPI8", "UAPI9"}
	out, err := outbox.New(outbox.Options{Store: storage.NewOutboxStore(db), Log: zerolog.Nop(), Clock: h.clock})
	if err != nil {
		t.Fatal(err)
	}
	h.out = out
	teamsCfg := []config.Team{{ID: "web", Name: "Web", Users: []string{"UWEB1", "UWEB2", "UWEB3"}}, {ID: "api", Name: "API", UserGroup: "S0API"}}
	teams := &Teams{Dir: handlers.NewMetricsTeams(handlers.NewDirectory(h.slack, teamsCfg, h.clock.Now)), Config: teamsCfg, Log: zerolog.Nop()}
	h.board = &Board{Outbox: out, Slack: h.slack, Admins: &bot.Admins{Users: []string{testAdmin}}, Teams: teams,
		Command: "/platform", Channel: testChannel, Log: zerolog.Nop()}
	h.board.Service = dom.New(dom.Config{Store: storage.NewIdeaStore(db), Notifier: h.board.Notifier(), Teams: teams, Weighting: w, Clock: h.clock})
	h.router = bot.NewRouter(h.board.Admins, bot.Chain(bot.ChainConfig{Log: zerolog.Nop(), Timeout: 10 * time.Second})...)
	h.router.Command("/platform", "platform")
	h.board.Register(h.router)
	return h
}

// serve runs a request as the bot does: in the asker's language (when
// the board has a chooser), through the router.
func (h *harness) serve(req *bot.Request) *bot.Reply {
	h.t.Helper()
	reply, err := bot.Language(h.board.Languages)(h.router.Serve)(context.Background(), req)
	if err != nil {
		h.t.Fatalf("%s: %v", req.Route(), err)
	}
	return reply
}

func (h *harness) command(user, text string) *bot.Reply {
	return h.serve(&bot.Request{Kind: bot.KindCommand, Command: "/platform", Text: text, UserID: user, TriggerID: "T0"})
}

func (h *harness) click(user, actionID, value string) *bot.Reply {
	return h.serve(&bot.Request{Kind: bot.KindAction, ActionID: actionID, Value: value, UserID: user, TriggerID: "T0"})
}

func (h *harness) submit(user, callbackID, meta string, values map[string]slack.BlockAction) *bot.Reply {
	state := &slack.ViewState{Values: map[string]map[string]slack.BlockAction{}}
	for blockID, a := range values {
		state.Values[blockID] = map[string]slack.BlockAction{valueAction: a}
	}
	v := &slack.View{CallbackID: callbackID, PrivateMetadata: meta, State: state}
	return h.serve(&bot.Request{Kind: bot.KindViewSubmission, CallbackID: callbackID, View: v, UserID: user})
}

func (h *harness) drain() {
	h.t.Helper()
	if err := h.out.Drain(context.Background()); err != nil {
		h.t.Fatal(err)
	}
}

// file submits an idea through the form and delivers its post.
func (h *harness) file(author, title string) dom.Idea {
	h.t.Helper()
	h.command(author, "idea")
	r := h.submit(author, viewSubmit, "", map[string]slack.BlockAction{
		block(dom.FieldTitle): {Value: title}, block(dom.FieldProblem): {Value: "Builds take forty minutes on a good day."},
		block(dom.FieldAffected): {Value: "Every web developer"}, block(dom.FieldLink): {Value: "https://github.com/acme/ci/issues/7"},
	})
	if r.ViewUpdate == nil {
		h.t.Fatalf("valid form: reply %+v, want the done view", r)
	}
	h.drain()
	list, err := h.board.Service.List(context.Background(), dom.Query{Order: dom.ByNewest, Limit: 1})
	if err != nil || len(list.Ideas) != 1 || !list.Ideas[0].Posted() {
		h.t.Fatalf("filed idea not posted: %+v, %v", list.Ideas, err)
	}
	return list.Ideas[0].Idea
}

func wantIn(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s: missing %q in:\n%s", what, w, got)
		}
	}
}

// TestSubmitForm: the command opens the form (title prefilled), a bad
// submission gets inline errors by block, a good one is posted to the
// board channel and its ts recorded.
func TestSubmitForm(t *testing.T) {
	h := newHarness(t, storagetest.SQLite(t), dom.ByVotes)
	if r := h.command("UWEB1", "idea Faster CI caches"); !r.IsEmpty() {
		t.Errorf("idea replied %+v; want only the form", r)
	}
	if len(h.slack.views) != 1 {
		t.Fatalf("%d views opened", len(h.slack.views))
	}
	golden(t, "idea_form", h.slack.views[0])

	r := h.submit("UWEB1", viewSubmit, "", map[string]slack.BlockAction{
		block(dom.FieldTitle): {Value: "CI"}, block(dom.FieldProblem): {Value: "slow"},
		block(dom.FieldAffected): {Value: "web"}, block(dom.FieldLink): {Value: "ftp://files/x"},
	})
	want := map[string]string{
		"idea_title": "Use at least 5 characters.", "idea_problem": "Use at least 10 characters.",
		"idea_link": "Use a web link starting with https:// (or http://).",
	}
	if len(r.ViewErrors) != len(want) {
		t.Errorf("errors %v, want %v", r.ViewErrors, want)
	}
	for k, v := range want {
		if r.ViewErrors[k] != v {
			t.Errorf("error on %s = %q, want %q", k, r.ViewErrors[k], v)
		}
	}
	if len(h.slack.to(testChannel)) != 0 {
		t.Fatal("an invalid idea was posted")
	}

	i := h.file("UWEB1", "Faster CI caches")
	posts := h.slack.to(testChannel)
	if len(posts) != 1 || i.TS != posts[0].TS || i.Channel != testChannel || i.AuthorTeam != "web" {
		t.Fatalf("posts %+v, idea %+v", posts, i)
	}
	golden(t, "idea_board_new", posts[0].Msg)
}

// TestVotesUpdateTheBoard: votes and unvotes, double clicks included,
// update the board message to the true count.
func TestVotesUpdateTheBoard(t *testing.T) {
	h := newHarness(t, storagetest.SQLite(t), dom.ByVotes)
	i := h.file("UWEB1", "Faster CI caches")
	id := "1"
	wantIn(t, "first vote", h.click("UAPI1", actVote, id).Text, "Your vote for *#1 · Faster CI caches* counts: 1 vote now.")
	wantIn(t, "double click", h.click("UAPI1", actVote, id).Text, "You have already voted for *#1 · Faster CI caches* (1 vote)")
	h.click("UWEB2", actVote, id)
	h.drain()
	wantIn(t, "board after two votes", flat(h.slack.message(i.TS)), "*2 votes*")
	wantIn(t, "unvote", h.click("UAPI1", actUnvote, id).Text, "taken back: 1 vote now")
	wantIn(t, "unvote again", h.click("UAPI1", actUnvote, id).Text, "You have not voted")
	h.drain()
	wantIn(t, "board after the unvote", flat(h.slack.message(i.TS)), "*1 vote*")
	if h.slack.updates > 3 {
		t.Errorf("%d chat.update calls for 4 changes drained in 2 batches; stale ones should be skipped", h.slack.updates)
	}
}

// TestUpdatesConvergeWhenReordered delivers two updates of one idea so
// that Slack applies the newer before the older (two workers or replicas
// racing): the older delivery notices and queues a catch-up, and the
// message ends at the true count.
func TestUpdatesConvergeWhenReordered(t *testing.T) {
	h := newHarness(t, storagetest.SQLite(t), dom.ByVotes)
	i := h.file("UWEB1", "Faster CI caches")
	ctx := context.Background()
	v, _, err := h.board.Service.Vote(ctx, i.ID, "UAPI1")
	if err != nil {
		t.Fatal(err)
	}
	stale, err := outbox.NewSend(KindUpdate, "test:stale", v.Channel, updatePayload{ID: v.ID, Version: v.Version})
	if err != nil {
		t.Fatal(err)
	}
	blocked, release := h.slack.hold()
	done := make(chan error, 1)
	go func() { _, err := h.board.deliverUpdate(ctx, stale); done <- err }()
	<-blocked // the stale delivery has read "1 vote" and waits at Slack
	if _, _, err := h.board.Service.Vote(ctx, i.ID, "UAPI2"); err != nil {
		t.Fatal(err)
	}
	h.drain() // the newer update lands first: "2 votes"
	wantIn(t, "after the newer update", flat(h.slack.message(i.TS)), "*2 votes*")
	release() // now the stale one lands: "1 vote"
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	wantIn(t, "after the stale update", flat(h.slack.message(i.TS)), "*1 vote*")
	h.drain() // the catch-up
	wantIn(t, "after the catch-up", flat(h.slack.message(i.TS)), "*2 votes*")
}

// TestStatusByCommandAndDMs: non-admins are refused; declining needs a
// reason; shipping DMs each voter once, however often it is set, and
// notes the status in the thread.
func TestStatusByCommandAndDMs(t *testing.T) {
	h := newHarness(t, storagetest.SQLite(t), dom.ByVotes)
	i := h.file("UWEB1", "Faster CI caches")
	for _, u := range []string{"UAPI1", "UWEB2", "UAPI3"} {
		h.click(u, actVote, "1")
	}
	wantIn(t, "non-admin command", h.command("UWEB1", "ideas status 1 shipped").Text, bot.ErrForbidden.Msg)
	wantIn(t, "non-admin menu", h.click("UWEB1", actAdmin, "status:1").Text, bot.ErrForbidden.Msg)
	wantIn(t, "decline without reason", h.command(testAdmin, "ideas status 1 declined").Text, "Say why it is declined")
	wantIn(t, "bad status", h.command(testAdmin, "ideas status 1 maybe").Text, "`maybe` is not a status")

	wantIn(t, "ship", h.command(testAdmin, "ideas status 1 shipped In CI runner v42").Text, "is now :rocket: Shipped. Each voter gets a DM (3 votes).")
	wantIn(t, "ship again", h.command(testAdmin, "ideas status #1 Shipped In CI runner v42").Text, "nothing changed")
	h.drain()
	h.command(testAdmin, "ideas status 1 in-progress")
	h.command(testAdmin, "ideas status 1 shipped In CI runner v42")
	h.drain()
	for _, u := range []string{"UAPI1", "UWEB2", "UAPI3"} {
		dms := h.slack.to(u)
		if len(dms) != 1 {
			t.Fatalf("%s got %d DMs, want 1", u, len(dms))
		}
		wantIn(t, "DM", flat(dms[0].Msg), "*#1 · Faster CI caches*, which you voted for, has shipped!", "In CI runner v42")
	}
	golden(t, "idea_shipped_dm", h.slack.to("UAPI1")[0].Msg)
	if len(h.slack.to("UWEB1")) != 0 {
		t.Error("the author, who did not vote, got a DM")
	}
	var notes []string
	for _, p := range h.slack.to(testChannel) {
		if p.Msg.ThreadTS == i.TS {
			notes = append(notes, p.Msg.Text)
		}
	}
	if len(notes) != 3 { // shipped, in progress, shipped
		t.Errorf("thread notes %q, want 3", notes)
	}
	board := flat(h.slack.message(i.TS))
	wantIn(t, "shipped board", board, ":rocket: Shipped", "Shipped by <@UADMIN>")
	if strings.Contains(board, actVote) {
		t.Error("a shipped idea still has its Vote button")
	}
	wantIn(t, "vote after shipping", h.click("UWEB3", actVote, "1").Text, "#1 is shipped, so its votes are final.")
}

// TestStatusAndMergeForms drives the admin menu's two forms.
func TestStatusAndMergeForms(t *testing.T) {
	h := newHarness(t, storagetest.SQLite(t), dom.ByVotes)
	a := h.file("UWEB1", "Preview environments")
	b := h.file("UAPI1", "PR previews please")
	h.click("UWEB2", actVote, "1")
	h.click("UWEB2", actVote, "2")
	h.click("UAPI2", actVote, "2")

	h.click(testAdmin, actAdmin, "status:1")
	golden(t, "idea_status_form", h.slack.views[len(h.slack.views)-1])
	r := h.submit(testAdmin, viewStatus, "1", map[string]slack.BlockAction{
		block(dom.FieldStatus): {SelectedOption: slack.OptionBlockObject{Value: string(dom.Declined)}},
	})
	if r.ViewErrors[block(dom.FieldReason)] == "" {
		t.Errorf("declined without reason: %+v", r.ViewErrors)
	}
	r = h.submit(testAdmin, viewStatus, "1", map[string]slack.BlockAction{
		block(dom.FieldStatus): {SelectedOption: slack.OptionBlockObject{Value: string(dom.Planned)}},
		block(dom.FieldReason): {Value: "Next quarter"},
	})
	if r.ViewUpdate == nil {
		t.Fatalf("status form: %+v", r)
	}
	if r := h.submit("UWEB1", viewStatus, "1", nil); !strings.Contains(r.Text, bot.ErrForbidden.Msg) {
		t.Errorf("a non-admin's status submission: %+v", r)
	}

	h.click(testAdmin, actAdmin, "merge:2")
	for _, tc := range []struct{ into, want string }{
		{"seven", "Type the number of the idea"},
		{"2", "cannot be merged into itself"},
		{"99", "There is no idea #2 or #99."},
	} {
		r := h.submit(testAdmin, viewMerge, "2", map[string]slack.BlockAction{block(dom.FieldInto): {Value: tc.into}})
		wantIn(t, "merge into "+tc.into, r.ViewErrors[block(dom.FieldInto)], tc.want)
	}
	r = h.submit(testAdmin, viewMerge, "2", map[string]slack.BlockAction{block(dom.FieldInto): {Value: "#1"}})
	if r.ViewUpdate == nil {
		t.Fatalf("merge form: %+v", r)
	}
	wantIn(t, "merge done", flat(bot.Message{Blocks: r.ViewUpdate.Blocks.BlockSet}), "1 vote moved", "it now has 2 votes")
	h.drain()
	dup := h.slack.message(b.TS)
	golden(t, "idea_board_merged", dup)
	wantIn(t, "survivor", flat(h.slack.message(a.TS)), "*2 votes*", "Planned by <@UADMIN>", "Next quarter")
	wantIn(t, "vote on the duplicate", h.click("UWEB3", actVote, "2").Text, "#2 was merged into #1")
}

// TestEscapesUserText: mentions and links typed into the form reach the
// board as text.
func TestEscapesUserText(t *testing.T) {
	h := newHarness(t, storagetest.SQLite(t), dom.ByVotes)
	h.command("UWEB1", "idea")
	h.submit("UWEB1", viewSubmit, "", map[string]slack.BlockAction{
		block(dom.FieldTitle):    {Value: "<!channel> look & <https://evil|here>"},
		block(dom.FieldProblem):  {Value: "<@U0BOSS> said *so* <!here>"},
		block(dom.FieldAffected): {Value: "all & sundry"},
	})
	h.drain()
	got := flat(h.slack.to(testChannel)[0].Msg)
	wantIn(t, "board", got, "&lt;!channel&gt; look &amp; &lt;https://evil|here&gt;", "&lt;@U0BOSS&gt; said", "all &amp; sundry")
	if strings.Contains(got, "<!channel>") || strings.Contains(got, "<@U0BOSS>") {
		t.Errorf("unescaped mention in:\n%s", got)
	}
}

// TestDecisionDMsInTheirLanguage: once an idea is decided, a voter with a
// German Slack locale and one who chose German get the DM in German, one
// with an English locale in English.
func TestDecisionDMsInTheirLanguage(t *testing.T) {
	h := newHarness(t, storagetest.SQLite(t), dom.ByVotes)
	langs := handlertest.NewLanguages(map[string]string{"UAPI1": "de-DE", "UWEB2": "en-US", "UAPI3": "en-GB"})
	h.board.Languages = langs.Chooser()
	if _, err := h.board.Languages.Choose(context.Background(), "UAPI3", "de", testNow); err != nil {
		t.Fatal(err)
	}
	h.file("UWEB1", "Faster CI caches")
	for _, u := range []string{"UAPI1", "UWEB2", "UAPI3"} {
		h.click(u, actVote, "1")
	}
	h.command(testAdmin, "ideas status 1 declined Not this <quarter>")
	h.drain()
	for _, u := range []string{"UAPI1", "UAPI3"} {
		dms := h.slack.to(u)
		if len(dms) != 1 {
			t.Fatalf("%s got %d DMs, want 1", u, len(dms))
		}
		wantIn(t, u+"'s DM", flat(dms[0].Msg), "Idee #1, für die du gestimmt hast, wurde abgelehnt",
			":no_entry_sign: Die Idee *#1 · Faster CI caches*, für die du gestimmt hast, wurde abgelehnt.",
			"<@UADMIN>: Not this &lt;quarter&gt;", "Danke für deine Stimme. Die Diskussion läuft im Thread der Idee in <#C0IDEAS>.")
	}
	dms := h.slack.to("UWEB2")
	if len(dms) != 1 {
		t.Fatalf("UWEB2 got %d DMs, want 1", len(dms))
	}
	wantIn(t, "UWEB2's DM", flat(dms[0].Msg), "Idea #1, which you voted for, was declined",
		":no_entry_sign: *#1 · Faster CI caches*, which you voted for, was declined.", "Thanks for voting. The discussion is in the idea's thread in <#C0IDEAS>.")
}
