package selfservice

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jonboulle/clockwork"
	"github.com/rs/zerolog"
	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/handlers"
	"github.com/platformbot/platformbot/handlers/internal/handlertest"
	"github.com/platformbot/platformbot/i18n"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/outbox/webhook"
	ss "github.com/platformbot/platformbot/selfservice"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

const (
	dev           = "UDEV000001"
	admin         = "UADMIN0001"
	dba1          = "UDBA000001"
	dba2          = "UDBA000002"
	dbas          = "SDBA000001"
	triageChannel = "CTRIAGE001"
)

// newTestSlack is a fake Slack where everyone is in Berlin and dbas has two
// DBAs and a developer.
func newTestSlack() *fakeSlack {
	fs := newFakeSlack()
	fs.Zone = "Europe/Berlin"
	fs.Groups[dbas] = []string{dba1, dba2, dev}
	return fs
}

func ptr(x float64) *float64 { return &x }

// testCatalog: new-repo (no approval, public is an exception), db-access
// (two DBAs), dns (admins).
var testCatalog = []ss.Type{
	{ID: "new-repo", Title: "New repository", Description: "A repo with <CI> & more.", ManualMinutes: 30, SLA: 24 * time.Hour,
		Fields: []ss.Field{
			{ID: "name", Label: "Name", Type: ss.FieldText, Required: true, Pattern: `[a-z][a-z0-9-]{2,30}`, PatternHint: "lower-case letters, digits and dashes"},
			{ID: "visibility", Label: "Visibility", Type: ss.FieldSelect, Required: true, Default: []string{"private"},
				Options: []ss.Option{{Value: "private", Label: "Private"}, {Value: "public", Label: "Public"}}, Standard: []string{"private"}},
			{ID: "teams", Label: "Teams", Type: ss.FieldMultiSelect, Max: ptr(2), Options: []ss.Option{{Value: "web"}, {Value: "api"}}},
			{ID: "minutes", Label: "CI minutes", Type: ss.FieldNumber, Min: ptr(100), Max: ptr(5000)},
			{ID: "owner", Label: "Owner", Type: ss.FieldUser},
			{ID: "channel", Label: "Channel", Type: ss.FieldChannel},
			{ID: "until", Label: "Until", Type: ss.FieldDate},
			{ID: "why", Label: "Why", Type: ss.FieldTextarea, Hint: "Tell us more."},
		}},
	{ID: "db-access", Title: "Database access", Approval: ss.Approval{Policy: ss.ApprovalUserGroup, UserGroup: dbas, Required: 2}},
	{ID: "dns", Title: "DNS record", Approval: ss.Approval{Policy: ss.ApprovalAdmins}},
}

// harness is the self-service handlers over a real SQLite store and
// outbox, a fake clock and a fake Slack; the outbox is drained by hand
// (settle).
type harness struct {
	*routerDriver
	slack *fakeSlack
	clock *clockwork.FakeClock
	h     *Handler
	out   *outbox.Dispatcher
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	catalog, err := ss.NewCatalog(testCatalog)
	if err != nil {
		t.Fatal(err)
	}
	fs := newTestSlack()
	clock := clockwork.NewFakeClockAt(time.Date(2026, 6, 1, 7, 0, 0, 0, time.UTC))
	admins := &bot.Admins{Users: []string{admin}}
	people := &People{Admins: admins, People: handlers.NewDirectory(fs, []config.Team{{ID: "web", Users: []string{dev}}}, clock.Now)}
	db := storagetest.SQLite(t)
	svc := &ss.Service{Store: storage.NewSelfServiceStore(db), Catalog: catalog, People: people, Clock: clock}
	out, err := outbox.New(outbox.Options{Store: storage.NewOutboxStore(db), Log: zerolog.Nop(), Clock: clock, Poll: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	h := &Handler{Svc: svc, Slack: fs, Outbox: out, Webhooks: &webhook.Client{Hooks: noHooks},
		Command: "/platform", TriageChannel: triageChannel, Location: berlin, Clock: clock, Log: zerolog.Nop()}
	svc.Notifier = h
	r := bot.NewRouter(admins, bot.Errors(zerolog.Nop(), nil, nil))
	r.Command("/platform", "requests")
	h.Register(r)
	return &harness{routerDriver: &routerDriver{T: t, Router: r, Slash: "/platform"}, slack: fs, clock: clock, h: h, out: out}
}

// noHooks is a webhook.Client's Hooks when no type has automation.
func noHooks(string) (webhook.Hook, bool) { return webhook.Hook{}, false }

// settle delivers what the outbox holds.
func (s *harness) settle() {
	s.T.Helper()
	if err := s.out.Drain(context.Background()); err != nil {
		s.T.Fatal(err)
	}
}

// file submits a valid new-repo request (public: an exception when
// exception is set) and returns its id.
func (s *harness) file(user, typ string, values map[string]map[string]slack.BlockAction) int64 {
	s.T.Helper()
	reply := s.Submit(user, ViewRequest, typ, values)
	if reply == nil || reply.ViewUpdate == nil || len(reply.ViewErrors) > 0 {
		s.T.Fatalf("submission reply = %+v", reply)
	}
	rs, _ := s.h.Svc.Mine(context.Background(), user, 1)
	return rs[0].ID
}

func textValue(v string) slack.BlockAction { return slack.BlockAction{Value: v} }
func optionValue(v ...string) slack.BlockAction {
	if len(v) == 1 {
		return slack.BlockAction{SelectedOption: slack.OptionBlockObject{Value: v[0]}}
	}
	a := slack.BlockAction{}
	for _, x := range v {
		a.SelectedOptions = append(a.SelectedOptions, slack.OptionBlockObject{Value: x})
	}
	return a
}

// stateValues builds modal state: block id → the "v" action's value.
func stateValues(kv map[string]slack.BlockAction) map[string]map[string]slack.BlockAction {
	out := map[string]map[string]slack.BlockAction{}
	for k, v := range kv {
		out[k] = map[string]slack.BlockAction{ValueAction: v}
	}
	return out
}

// actionIDs lists the action ids of a message's interactive elements.
func actionIDs(msg bot.Message) []string {
	var ids []string
	for _, b := range msg.Blocks {
		if a, ok := b.(*slack.ActionBlock); ok {
			for _, e := range a.Elements.ElementSet {
				if btn, ok := e.(*slack.ButtonBlockElement); ok {
					ids = append(ids, btn.ActionID)
				}
			}
		}
	}
	return ids
}

func validRepo(name, visibility string) map[string]map[string]slack.BlockAction {
	return stateValues(map[string]slack.BlockAction{
		"f_name": textValue(name), "f_visibility": optionValue(visibility), "f_teams": optionValue("web", "api"),
		"f_minutes": textValue("300"), "f_owner": {SelectedUser: admin}, "f_channel": {SelectedChannel: "C0DEPLOY1"},
		"f_until": {SelectedDate: "2026-07-01"}, "f_why": textValue("line one\nline <two>"),
	})
}

func TestSelfServiceRequestOpensModal(t *testing.T) {
	s := newHarness(t)
	if reply := s.Command(dev, "request"); !reply.IsEmpty() {
		t.Errorf("request replied %+v; want only the modal", reply)
	}
	golden(t, "picker", s.slack.Opened[0])

	s.Command(dev, "request NEW-REPO")
	form := s.slack.Opened[1]
	if form.PrivateMetadata != "new-repo" || form.CallbackID != ViewRequest {
		t.Errorf("form metadata %q callback %q", form.PrivateMetadata, form.CallbackID)
	}
	golden(t, "form", form)

	reply := s.Command(dev, "request pony")
	wantContains(t, reply.Text, `There is no request type "pony"`, "`new-repo`, `db-access`, `dns`")
	if len(s.slack.Opened) != 2 {
		t.Errorf("an unknown type opened a modal")
	}
}

func TestSelfServicePickingATypeUpdatesTheModal(t *testing.T) {
	s := newHarness(t)
	s.Serve(&bot.Request{Kind: bot.KindAction, ActionID: actPick, Value: "dns", UserID: dev,
		View: &slack.View{ID: "V1", Hash: "h1", CallbackID: ViewRequest}})
	if len(s.slack.Updated) != 1 || s.slack.Updated[0].PrivateMetadata != "dns" {
		t.Fatalf("views.update calls = %+v; want the dns form", s.slack.Updated)
	}
	// A picker-only view submitted with a type (no dispatch arrived, as in
	// some clients) is answered with that type's fields.
	reply := s.Submit(dev, ViewRequest, "", map[string]map[string]slack.BlockAction{
		TypeBlock: {actPick: optionValue("new-repo")},
	})
	if reply.ViewUpdate == nil || reply.ViewUpdate.PrivateMetadata != "new-repo" {
		t.Fatalf("reply = %+v; want the new-repo form", reply)
	}
	reply = s.Submit(dev, ViewRequest, "", nil)
	if diff := cmp.Diff(map[string]string{TypeBlock: "Choose what you need."}, reply.ViewErrors); diff != "" {
		t.Errorf("no type chosen: errors mismatch (-want +got):\n%s", diff)
	}
}

func TestSelfServiceSubmitValidates(t *testing.T) {
	s := newHarness(t)
	values := validRepo("Bad Name", "private")
	values["f_minutes"] = map[string]slack.BlockAction{ValueAction: textValue("99")}
	reply := s.Submit(dev, ViewRequest, "new-repo", values)
	want := map[string]string{"f_name": "Use lower-case letters, digits and dashes.", "f_minutes": "Enter a number from 100 to 5,000."}
	if diff := cmp.Diff(want, reply.ViewErrors); diff != "" {
		t.Fatalf("inline errors mismatch (-want +got):\n%s", diff)
	}
	if rs, _ := s.h.Svc.Mine(context.Background(), dev, 5); len(rs) != 0 {
		t.Fatalf("an invalid submission filed %d requests", len(rs))
	}
	reply = s.Submit(dev, ViewRequest, "new-repo", validRepo("billing", "private"))
	if reply.ViewUpdate == nil {
		t.Fatalf("valid submission reply = %+v", reply)
	}
	wantContains(t, blocksText(reply.ViewUpdate.Blocks.BlockSet), "*REQ-1* · New repository is filed. It needs no approval.")
	r, _, _ := s.h.Svc.Get(context.Background(), 1, dev)
	if r.State != ss.Approved || r.Team != "web" {
		t.Errorf("filed request state %s team %q", r.State, r.Team)
	}
	got := map[string][]string{}
	for _, f := range r.Fields {
		got[f.ID] = f.Values
	}
	wantValues := map[string][]string{"name": {"billing"}, "visibility": {"private"}, "teams": {"web", "api"}, "minutes": {"300"},
		"owner": {admin}, "channel": {"C0DEPLOY1"}, "until": {"2026-07-01"}, "why": {"line one\nline <two>"}}
	if diff := cmp.Diff(wantValues, got); diff != "" {
		t.Errorf("stored values mismatch (-want +got):\n%s", diff)
	}
}

func TestSelfServiceTriageApproval(t *testing.T) {
	s := newHarness(t)
	s.file(dev, "new-repo", validRepo("billing", "public"))
	s.settle()
	posts := s.slack.Take(triageChannel)
	if len(posts) != 1 {
		t.Fatalf("%d triage posts, want 1", len(posts))
	}
	golden(t, "triage_pending", posts[0])
	wantContains(t, msgText(posts[0]), ":warning: *exception*", "Public :warning: _non-standard_", "line &lt;two&gt;")
	dms := s.slack.Take(dev)
	if len(dms) != 1 {
		t.Fatalf("%d DMs to the requester, want 1", len(dms))
	}
	wantContains(t, msgText(dms[0]), "was submitted and is waiting for approval", "`/platform status REQ-1`")

	for _, tc := range []struct{ user, want string }{
		{dba1, ":no_entry: Only the platform team can decide REQ-1."},
		{dev, ":no_entry: You can't decide your own request REQ-1"},
	} {
		if reply := s.Click(tc.user, actApprove, "1"); !strings.HasPrefix(reply.Text, tc.want) {
			t.Errorf("approve by %s = %q, want %q", tc.user, reply.Text, tc.want)
		}
		if reply := s.Click(tc.user, actReject, "1"); !strings.HasPrefix(reply.Text, tc.want) || len(s.slack.Opened) > 0 {
			t.Errorf("reject by %s = %q (modals %d), want the refusal and no modal", tc.user, reply.Text, len(s.slack.Opened))
		}
	}
	if reply := s.Click(admin, actApprove, "1"); reply.Text != ":white_check_mark: You approved REQ-1." {
		t.Errorf("approve = %q", reply.Text)
	}
	if reply := s.Click(admin, actApprove, "1"); !strings.Contains(reply.Text, "REQ-1 is already approved (by <@UADMIN0001>)") {
		t.Errorf("second approve = %q", reply.Text)
	}
	s.settle()
	if len(s.slack.Updates) != 1 {
		t.Fatalf("%d triage updates, want 1", len(s.slack.Updates))
	}
	up := s.slack.Updates[0]
	golden(t, "triage_approved", up)
	// No automation: the decision replaces Approve/Reject with Mark done.
	if diff := cmp.Diff([]string{actDone}, actionIDs(up)); diff != "" {
		t.Errorf("buttons of the decided triage message mismatch (-want +got):\n%s", diff)
	}
	wantContains(t, msgText(up), "Approved by <@UADMIN0001> on <!date^1780297200^")
	wantContains(t, msgText(s.slack.Take(dev)[0]), "was approved by <@UADMIN0001>")
}

func TestSelfServiceNofMApprovals(t *testing.T) {
	s := newHarness(t)
	s.file(dev, "db-access", nil)
	if reply := s.Click(dba1, actApprove, "1"); reply.Text != ":white_check_mark: Your approval of REQ-1 is recorded: 1 of 2." {
		t.Errorf("first approval = %q", reply.Text)
	}
	if reply := s.Click(dba1, actApprove, "REQ-1"); !strings.Contains(reply.Text, "You have already approved REQ-1") {
		t.Errorf("double click = %q", reply.Text)
	}
	if reply := s.Click(admin, actApprove, "1"); !strings.Contains(reply.Text, "Only members of <!subteam^SDBA000001> can decide") {
		t.Errorf("admin on a group type = %q", reply.Text)
	}
	if reply := s.Click(dba2, actApprove, "1"); reply.Text != ":white_check_mark: You approved REQ-1." {
		t.Errorf("second approval = %q", reply.Text)
	}
}

func TestSelfServiceRejectWithReason(t *testing.T) {
	s := newHarness(t)
	s.file(dev, "dns", nil)
	if reply := s.Click(admin, actReject, "1"); !reply.IsEmpty() {
		t.Fatalf("reject click replied %+v; want the modal", reply)
	}
	modal := s.slack.Opened[0]
	if modal.CallbackID != ViewReject || modal.PrivateMetadata != "1" {
		t.Fatalf("reject modal = %+v", modal)
	}
	reason := func(text string) map[string]map[string]slack.BlockAction {
		return stateValues(map[string]slack.BlockAction{ReasonBlock: textValue(text)})
	}
	if reply := s.Submit(admin, ViewReject, "1", reason("  ")); reply.ViewErrors[ReasonBlock] != "Tell the requester why." {
		t.Errorf("empty reason: %+v", reply)
	}
	if reply := s.Submit(admin, ViewReject, "1", reason("Use the shared <zone>")); !reply.IsEmpty() {
		t.Errorf("reject submission replied %+v; want the modal closed", reply)
	}
	if reply := s.Submit(admin, ViewReject, "1", reason("again")); !strings.Contains(reply.ViewErrors[ReasonBlock], "already rejected") {
		t.Errorf("rejecting twice: %+v", reply)
	}
	s.settle()
	dms := s.slack.Take(dev) // submitted, rejected
	if len(dms) != 2 {
		t.Fatalf("%d DMs, want 2", len(dms))
	}
	wantContains(t, msgText(dms[1]), "was rejected by <@UADMIN0001>: Use the shared &lt;zone&gt;.")
}

func TestSelfServiceManualDoneAndRating(t *testing.T) {
	s := newHarness(t)
	s.file(dev, "new-repo", validRepo("billing", "private"))
	s.settle()
	post := s.slack.Take(triageChannel)
	if len(post) != 1 || !strings.Contains(msgText(post[0]), "Mark done") {
		t.Fatalf("approved request without automation: triage posts %+v; want one with Mark done", post)
	}
	if reply := s.Click(dev, actDone, "1"); !strings.Contains(reply.Text, "Only the platform team can mark REQ-1 done") {
		t.Errorf("requester marking done = %q", reply.Text)
	}
	if reply := s.Click(admin, actDone, "1"); reply.Text != ":tada: REQ-1 is marked done." {
		t.Errorf("mark done = %q", reply.Text)
	}
	s.settle()
	dms := s.slack.Take(dev)
	done := dms[len(dms)-1]
	golden(t, "done_dm", done)
	wantContains(t, msgText(done), "is done: marked done by hand", "How was this?")
	if reply := s.Click(admin, actRate+":5", "1:5"); !strings.Contains(reply.Text, "Only the requester can rate REQ-1") {
		t.Errorf("rating by someone else = %q", reply.Text)
	}
	reply := s.Click(dev, actRate+":4", "1:4")
	if !reply.ReplaceOriginal {
		t.Errorf("rating reply does not replace the DM")
	}
	wantContains(t, msgText(reply.Message), "You rated this 4/5")
	if strings.Contains(msgText(reply.Message), "How was this?") {
		t.Error("the rating buttons are still there")
	}
}

func TestSelfServiceListsAndPermissions(t *testing.T) {
	s := newHarness(t)
	s.file(dev, "dns", nil)
	s.clock.Advance(25 * time.Hour)
	for _, tc := range []struct {
		user, text string
		want       []string
	}{
		{dev, "mine", []string{"*REQ-1* · DNS record — :hourglass_flowing_sand: waiting for approval · 1d 1h ago", "`/platform status REQ-1` shows one"}},
		{dev, "status REQ-1", []string{"*History*", "submitted by <@UDEV000001>", "Mon 1 Jun 09:00 CEST", "Cancel request"}},
		{admin, "status 1", []string{"Approve", "Reject"}},
		{dba1, "status 1", []string{":no_entry: REQ-1 is someone else's request."}},
		{other, "queue", []string{":no_entry: The queue is for the platform team and request approvers."}},
		{dba1, "queue", []string{"The queue is empty"}}, // a DBA sees db-access requests only
		{admin, "queue", []string{"*Open requests* (1, oldest first)", "REQ-1"}},
		{dev, "status REQ-x", []string{`"REQ-x" is not a request id`}},
		{dev, "status REQ-9", []string{"There is no request REQ-9."}},
		{dev, "catalog", []string{"*New repository* (`new-repo`)", "A repo with &lt;CI&gt; &amp; more.", "SLA 1d.", "Needs 2 approvals from <!subteam^SDBA000001>"}},
		{other, "cancel REQ-1", []string{"Only <@UDEV000001> can cancel REQ-1."}},
		{dev, "cancel REQ-1", []string{":heavy_minus_sign: REQ-1 is cancelled."}},
		{admin, "queue", []string{"The queue is empty"}},
		{dev, "status REQ-1", []string{"— cancelled by <@UDEV000001>"}},
	} {
		wantContains(t, msgText(s.Command(tc.user, tc.text).Message), tc.want...)
	}
	// The history said "cancelled: cancelled by the requester by @…".
	if text := msgText(s.Command(dev, "status REQ-1").Message); strings.Contains(text, "cancelled:") {
		t.Errorf("the cancellation is told twice in the history:\n%s", text)
	}
}

const other = "UOTHER0001"

func TestSelfServiceHome(t *testing.T) {
	s := newHarness(t)
	blocks, err := s.h.HomeSection(context.Background(), dev)
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, blocksText(blocks), "_None._", "New request")
	s.file(dev, "dns", nil)
	blocks, _ = s.h.HomeSection(context.Background(), dev)
	wantContains(t, blocksText(blocks), "*REQ-1* · DNS record — :hourglass_flowing_sand: waiting for approval")
}

func TestSelfServicePeopleTeams(t *testing.T) {
	fs := newTestSlack()
	p := &People{People: handlers.NewDirectory(fs, []config.Team{
		{ID: "dba", UserGroup: dbas},
		{ID: "web", Users: []string{dev}},
	}, time.Now)}
	for user, want := range map[string]string{dev: "web", dba1: "dba", other: ""} {
		got, err := p.TeamOf(context.Background(), user)
		if got != want || err != nil {
			t.Errorf("TeamOf(%s) = %q, %v; want %q (explicit users win over groups)", user, got, err, want)
		}
	}
	if ok, _ := p.IsAdmin(context.Background(), admin); ok {
		t.Error("no admins configured, yet IsAdmin is true")
	}
}

func TestSelfServiceAlertAndRenderEscapes(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	r := &ss.Request{ID: 7, TypeTitle: "A <b> & c", Requester: dev, State: ss.Failed,
		Note: "automation failed: 500 <!channel>", CreatedAt: time.Date(2026, 6, 1, 7, 0, 0, 0, time.UTC),
		Fields: []ss.FieldValue{{ID: "x", Label: "<@U1>", Kind: ss.FieldText, Values: []string{"<!here>"}}}}
	got := msgText(alertMessage(i18n.Fallback(), r, ss.AlertFailed, 0, berlin))
	for _, bad := range []string{"<!channel>", "<!here>", "<@U1>", "<b>"} {
		if strings.Contains(got, bad) {
			t.Errorf("user text %q reached mrkdwn unescaped:\n%s", bad, got)
		}
	}
	r.State, r.SLADueAt = ss.PendingApproval, r.CreatedAt.Add(4*time.Hour)
	wantContains(t, msgText(alertMessage(i18n.Fallback(), r, ss.AlertOverdue, 4*time.Hour, berlin)),
		"passed its SLA of 4h (due <!date^1780311600^{date_short_pretty} at {time}|Mon 1 Jun 13:00 CEST>) and is still waiting for approval.")
}

// TestSelfServiceDMsInTheirLanguage: the requester's DMs follow their
// language — German for a German Slack locale (the exception label, the
// buttons, the rating question and its answer too), English for an
// English one.
func TestSelfServiceDMsInTheirLanguage(t *testing.T) {
	const devEN = "UDEV000009"
	s := newHarness(t)
	langs := handlertest.NewLanguages(map[string]string{dev: "de-DE", devEN: "en-GB"})
	s.h.Languages = langs.Chooser()
	s.Router.Use(bot.Language(s.h.Languages))

	s.file(dev, "new-repo", validRepo("billing", "public"))
	s.settle()
	dms := s.slack.Take(dev)
	if len(dms) != 1 {
		t.Fatalf("%d DMs to the requester, want 1", len(dms))
	}
	wantContains(t, msgText(dms[0]), ":inbox_tray: Deine Anfrage *REQ-1* · New repository · :warning: *Ausnahme* ist eingereicht und wartet auf Freigabe.",
		"`/platform status REQ-1` zeigt den ganzen Verlauf.", "\nDetails\n", "\nAnfrage zurückziehen")

	s.file(dev, "new-repo", validRepo("payments", "private"))
	s.file(devEN, "new-repo", validRepo("ledger", "private"))
	s.settle()
	wantContains(t, msgText(s.slack.Take(dev)[0]), ":white_check_mark: Deine Anfrage *REQ-2* · New repository ist eingereicht und braucht keine Freigabe. Das Plattform-Team setzt sie um und meldet sich dann hier bei dir.")
	wantContains(t, msgText(s.slack.Take(devEN)[0]), ":white_check_mark: Your request *REQ-3* · New repository was submitted and needs no approval. The platform team will fulfil it and tell you here.",
		"`/platform status REQ-3` shows the whole history.", "\nDetails")

	s.Click(admin, actDone, "2")
	s.Click(admin, actDone, "3")
	s.settle()
	de, en := s.slack.Take(dev), s.slack.Take(devEN)
	wantContains(t, msgText(de[len(de)-1]), ":tada: Deine Anfrage *REQ-2* · New repository ist erledigt", "*Wie war es?* 1 = schlecht, 5 = super")
	wantContains(t, msgText(en[len(en)-1]), ":tada: Your request *REQ-3* · New repository is done", "*How was this?* 1 = poor, 5 = great")
	reply := s.Click(dev, actRate+":4", "2:4")
	wantContains(t, msgText(reply.Message), "Deine Bewertung: 4/5 :star::star::star::star: — danke!")
}
