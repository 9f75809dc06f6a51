package officehours

import (
	"context"
	"errors"
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
	oh "github.com/platformbot/platformbot/officehours"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

const (
	berlinHost  = "UHOSTBER01" // Tue and Thu 14:00–15:00 Berlin
	newYorkHost = "UHOSTNYC01" // Mon 10:00–11:00 New York
	devBerlin   = "UDEVBER001"
	devNY       = "UDEVNYC001"
	devTokyo    = "UDEVTYO001"
)

// newTestSlack is a fake Slack that knows the office-hours people's time zones
// and the payments user group.
func newTestSlack() *fakeSlack {
	fs := newFakeSlack()
	fs.Zones = map[string]string{
		berlinHost: "Europe/Berlin", newYorkHost: "America/New_York",
		devBerlin: "Europe/Berlin", devNY: "America/New_York", devTokyo: "Asia/Tokyo",
	}
	fs.Groups["SPAYMENTS"] = []string{devNY}
	return fs
}

// harness is the office-hours handlers over a real (SQLite) store, a fake
// clock at Monday 2026-06-01 09:00 Berlin and a fake Slack.
type harness struct {
	*routerDriver
	slack *fakeSlack
	clock *clockwork.FakeClock
	svc   *oh.Service
	h     *Handler
	out   *outbox.Dispatcher
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	return newHarnessIn(t, nil)
}

// newHarnessIn is newHarness with a chooser of languages for the DMs and
// replies (nil: English).
func newHarnessIn(t *testing.T, languages *i18n.Chooser) *harness {
	t.Helper()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	newYork, _ := time.LoadLocation("America/New_York")
	sched := &oh.Schedule{SlotLength: 30 * time.Minute, Horizon: 14 * 24 * time.Hour, MinNotice: time.Hour, Hosts: []oh.HostSchedule{
		{User: berlinHost, Location: berlin, Windows: []oh.Window{{Day: time.Tuesday, Start: 14 * 60, End: 15 * 60}, {Day: time.Thursday, Start: 14 * 60, End: 15 * 60}}},
		{User: newYorkHost, Location: newYork, Windows: []oh.Window{{Day: time.Monday, Start: 10 * 60, End: 11 * 60}}},
	}}
	fs := newTestSlack()
	clock := clockwork.NewFakeClockAt(time.Date(2026, 6, 1, 9, 0, 0, 0, berlin))
	db := storagetest.SQLite(t)
	out, err := outbox.New(outbox.Options{Store: storage.NewOutboxStore(db), Log: zerolog.Nop(), Clock: clock, Poll: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	h := New(fs, zerolog.Nop())
	h.Outbox, h.Languages = out, languages
	rules := oh.Rules{MaxPerWeek: 1, WeekZone: berlin, TopicRequired: true, ReminderBefore: 15 * time.Minute}
	h.Service = &oh.Service{
		Schedule: sched, Rules: rules, Clock: clock, Notifier: h.Notifier(rules.ReminderBefore),
		Store: storage.NewOfficeHoursStore(db, sched),
	}
	r := bot.NewRouter(nil, bot.Errors(zerolog.Nop(), nil, nil), bot.Language(languages))
	h.Register(r, "/officehours")
	return &harness{routerDriver: &routerDriver{T: t, Router: r, Slash: "/officehours"}, slack: fs, clock: clock, svc: h.Service, h: h, out: out}
}

// dms delivers what the outbox holds and returns (and forgets) the DMs
// user got.
func (o *harness) dms(user string) []bot.Message {
	o.T.Helper()
	if err := o.out.Drain(context.Background()); err != nil {
		o.T.Fatal(err)
	}
	return o.slack.Take(user)
}

// book books a slot through the service, as the form would.
func (o *harness) book(user, host string, start time.Time, topic string) {
	o.T.Helper()
	if _, err := o.svc.Book(context.Background(), oh.BookRequest{User: user, Host: host, Start: start, Topic: topic}); err != nil {
		o.T.Fatal(err)
	}
}

// bookValues is the state of a submitted booking form.
func bookValues(key, topic string) map[string]map[string]slack.BlockAction {
	return map[string]map[string]slack.BlockAction{
		"slot":  {"slot": {SelectedOption: slack.OptionBlockObject{Value: key}}},
		"topic": {"topic": {Value: topic}},
	}
}

// Slots at Monday 2026-06-01 09:00 Berlin with one hour notice.
var (
	mon1400Z = time.Date(2026, 6, 1, 14, 0, 0, 0, time.UTC) // New York host, 10:00 New York
	tue1200Z = time.Date(2026, 6, 2, 12, 0, 0, 0, time.UTC) // Berlin host, 14:00 Berlin
)

func slotKey(host string, start time.Time) string {
	return oh.Slot{Host: host, Start: start}.Key()
}

func TestOfficeHoursListInViewerZone(t *testing.T) {
	for _, tc := range []struct {
		viewer string
		golden string
		want   []string
	}{
		{devBerlin, "list_berlin", []string{"*Mon 1 Jun*", "16:00–16:30 with <@UHOSTNYC01>", "*Tue 2 Jun*", "14:00–14:30 with <@UHOSTBER01>", "(Europe/Berlin)"}},
		{devNY, "list_new_york", []string{"*Mon 1 Jun*", "10:00–10:30 with <@UHOSTNYC01>", "*Tue 2 Jun*", "08:00–08:30 with <@UHOSTBER01>", "(America/New_York)"}},
		{devTokyo, "", []string{"*Mon 1 Jun*", "23:00–23:30 with <@UHOSTNYC01>", "21:00–21:30 with <@UHOSTBER01>", "(Asia/Tokyo)"}},
	} {
		t.Run(tc.viewer, func(t *testing.T) {
			o := newHarness(t)
			reply := o.Command(tc.viewer, "list")
			wantContains(t, msgText(reply.Message), tc.want...)
			if tc.golden != "" {
				golden(t, tc.golden, reply.Blocks)
			}
		})
	}
}

func TestOfficeHoursBookThroughTheForm(t *testing.T) {
	o := newHarness(t)
	key := slotKey(berlinHost, tue1200Z)
	if reply := o.Click(devNY, actBook, key); !reply.IsEmpty() {
		t.Fatalf("Book click replied %+v; want only the modal", reply)
	}
	form := o.slack.LastView(t)
	golden(t, "book_form_new_york", form)
	sel := form.Blocks.BlockSet[0].(*slack.InputBlock).Element.(*slack.SelectBlockElement)
	if sel.InitialOption == nil || sel.InitialOption.Value != key || sel.InitialOption.Text.Text != "Tue 2 Jun, 08:00–08:30 with Real UHOSTBER01" {
		t.Fatalf("preselected option = %+v, want the clicked slot at 08:00 New York", sel.InitialOption)
	}

	reply := o.Submit(devNY, ViewBook, "", bookValues(key, "Flaky <!channel> tests & retries"))
	if reply.ViewUpdate == nil {
		t.Fatalf("submission reply = %+v, want the confirmation view", reply)
	}
	wantContains(t, blocksText(reply.ViewUpdate.Blocks.BlockSet), "You're booked with <@UHOSTBER01> on *Tue 2 Jun, 08:00–08:30* (America/New_York)")

	booker, host := o.dms(devNY), o.dms(berlinHost)
	if len(booker) != 1 || len(host) != 1 {
		t.Fatalf("DMs: booker %d, host %d; want 1 each", len(booker), len(host))
	}
	wantContains(t, msgText(booker[0]), "You're booked: office hours with <@UHOSTBER01> on *Tue 2 Jun, 08:00–08:30* (America/New_York)",
		"Flaky &lt;!channel&gt; tests &amp; retries", "remind you 15 minutes before")
	wantContains(t, msgText(host[0]), "<@UDEVNYC001> booked your office hours on *Tue 2 Jun, 14:00–14:30* (Europe/Berlin)")
	if strings.Contains(msgText(host[0]), "<!channel>") {
		t.Error("the topic was not escaped: it would notify the whole channel")
	}
}

func TestOfficeHoursSlotJustTaken(t *testing.T) {
	o := newHarness(t)
	key := slotKey(berlinHost, tue1200Z)
	o.book(devTokyo, berlinHost, tue1200Z, "first")
	reply := o.Submit(devBerlin, ViewBook, "", bookValues(key, "my topic"))
	if reply.ViewUpdate == nil {
		t.Fatalf("reply = %+v, want the form again with fresh slots", reply)
	}
	got := blocksText(reply.ViewUpdate.Blocks.BlockSet)
	wantContains(t, got, "Sorry, that slot was just taken by someone else. Here are the next free slots:")
	for _, b := range reply.ViewUpdate.Blocks.BlockSet {
		in, ok := b.(*slack.InputBlock)
		if !ok {
			continue
		}
		switch el := in.Element.(type) {
		case *slack.SelectBlockElement:
			for _, opt := range el.Options {
				if opt.Value == key {
					t.Errorf("the taken slot is still offered")
				}
			}
			if el.InitialOption != nil {
				t.Errorf("a slot is preselected after the race: %v", el.InitialOption.Value)
			}
		case *slack.PlainTextInputBlockElement:
			if el.InitialValue != "my topic" {
				t.Errorf("topic = %q, want the one typed before", el.InitialValue)
			}
		}
	}
	if dms := o.dms(devBerlin); len(dms) != 0 {
		t.Errorf("the loser got DMs: %v", dms)
	}

	// A Book button for the taken slot opens the form without it, saying so.
	o.Click(devBerlin, actBook, key)
	wantContains(t, blocksText(o.slack.LastView(t).Blocks.BlockSet), "just taken")
}

func TestOfficeHoursFormErrorsShowInline(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(o *harness)
		key   string
		topic string
		want  map[string]string
	}{
		{name: "topic required", key: slotKey(berlinHost, tue1200Z), topic: " ",
			want: map[string]string{"topic": oh.ErrTopicRequired.Message}},
		{name: "no slot picked", key: "", topic: "x", want: map[string]string{"slot": "Please pick a slot."}},
		{name: "too soon", key: slotKey(newYorkHost, mon1400Z), topic: "x",
			setup: func(o *harness) { o.clock.Advance(6*time.Hour + 30*time.Minute) },
			want:  map[string]string{"slot": "That slot starts too soon: slots must be booked at least 1h ahead."}},
		{name: "weekly limit", key: slotKey(berlinHost, tue1200Z), topic: "x",
			setup: func(o *harness) { o.book(devBerlin, newYorkHost, mon1400Z, "t") },
			want:  map[string]string{"slot": "You already have 1 office-hours booking in the week of Mon 1 Jun, the most one person can hold. Cancel one with `/officehours mine` to book another."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := newHarness(t)
			if tc.setup != nil {
				tc.setup(o)
			}
			reply := o.Submit(devBerlin, ViewBook, "", bookValues(tc.key, tc.topic))
			if diff := cmp.Diff(tc.want, reply.ViewErrors); diff != "" {
				t.Errorf("view errors mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOfficeHoursMineAndCancel(t *testing.T) {
	o := newHarness(t)
	o.book(devBerlin, newYorkHost, mon1400Z, "IAM")
	o.dms(newYorkHost)
	mine := o.Command(devBerlin, "mine")
	golden(t, "mine_berlin", mine.Blocks)

	for _, tc := range []struct {
		user, text, want string
	}{
		{devBerlin, "cancel", "Usage: `/officehours cancel ID`"},
		{devBerlin, "cancel abc", `"abc" is not a booking id`},
		{devTokyo, "cancel 1", o.h.userMessage(nil, oh.ErrNotAllowed)},
		{devBerlin, "cancel 99", o.h.userMessage(nil, oh.ErrNotFound)},
	} {
		if got := o.Command(tc.user, tc.text).Text; !strings.Contains(got, tc.want) {
			t.Errorf("%s %q = %q, want %q", tc.user, tc.text, got, tc.want)
		}
	}
	got := o.Click(devBerlin, actCancel, "1").Text
	wantContains(t, got, "Cancelled booking `#1` on Mon 1 Jun, 16:00–16:30. I've told <@UHOSTNYC01>.")
	dms := o.dms(newYorkHost)
	if len(dms) != 1 {
		t.Fatalf("host got %d DMs, want 1", len(dms))
	}
	wantContains(t, msgText(dms[0]), "<@UDEVBER001> cancelled your office hours on *Mon 1 Jun, 10:00–10:30* (America/New_York). The slot is free again.")
	if got := o.Command(devBerlin, "cancel #1").Text; got != o.h.userMessage(nil, oh.ErrAlreadyCancelled) {
		t.Errorf("second cancel = %q", got)
	}
	if got := o.Command(devBerlin, "mine").Text; !strings.Contains(got, "no upcoming office hours") {
		t.Errorf("mine after cancel = %q", got)
	}
}

func TestOfficeHoursHostDay(t *testing.T) {
	o := newHarness(t)
	o.clock.Advance(24 * time.Hour) // Tuesday 09:00 Berlin
	o.book(devNY, berlinHost, tue1200Z, "Kafka quotas")
	day := o.Command(berlinHost, "")
	golden(t, "host_day", day.Blocks)
	wantContains(t, msgText(day.Message), "*Tue 2 Jun, 14:00–14:30* — <@UDEVNYC001> booked your office hours", "*Still free*", "14:30–15:00, your slot")
	if strings.Contains(msgText(day.Message), "No-show") {
		t.Error("No-show offered before the session started")
	}
	if got := o.Command(devNY, "today").Text; !strings.Contains(got, "You don't host office hours") {
		t.Errorf("non-host today = %q", got)
	}

	// Block the free 14:30 slot; nobody can book it then.
	k1430 := slotKey(berlinHost, tue1200Z.Add(30*time.Minute))
	if got := o.Click(newYorkHost, actBlock, k1430).Text; got != o.h.userMessage(nil, oh.ErrNotHost) {
		t.Errorf("another host blocking = %q", got)
	}
	wantContains(t, o.Click(berlinHost, actBlock, k1430).Text, "Blocked Tue 2 Jun, 14:30–15:00")
	if errs := o.Submit(devTokyo, ViewBook, "", bookValues(k1430, "x")); errs.ViewUpdate == nil {
		t.Errorf("booking a blocked slot = %+v, want the refreshed form", errs)
	}

	// Once the session started the host can mark a no-show.
	o.clock.Advance(5*time.Hour + 5*time.Minute) // 14:05 Berlin
	day = o.Command(berlinHost, "")
	wantContains(t, msgText(day.Message), "No-show")
	wantContains(t, o.Click(berlinHost, actNoShow, "1").Text, "Marked <@UDEVNYC001> as a no-show")
	if got := o.Click(devNY, actNoShow, "1").Text; got != o.h.userMessage(nil, oh.ErrNotHost) {
		t.Errorf("booker marking no-show = %q", got)
	}
}

func TestOfficeHoursRemindersAndFeedback(t *testing.T) {
	o := newHarness(t)
	ctx := context.Background()
	o.book(devTokyo, berlinHost, tue1200Z, "Terraform drift")
	o.dms(devTokyo)
	o.dms(berlinHost)
	o.clock.Advance(tue1200Z.Add(-15 * time.Minute).Sub(o.clock.Now()))
	if err := o.svc.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	wantContains(t, msgText(o.dms(devTokyo)[0]), "Reminder: office hours with <@UHOSTBER01> at *Tue 2 Jun, 21:00–21:30* (Asia/Tokyo)", "I can't make it")
	wantContains(t, msgText(o.dms(berlinHost)[0]), "Reminder: office hours with <@UDEVTYO001> at *Tue 2 Jun, 14:00–14:30* (Europe/Berlin)")

	o.clock.Advance(45 * time.Minute) // the session ended 0 minutes ago
	if err := o.svc.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	ask := o.dms(devTokyo)
	if len(ask) != 1 {
		t.Fatalf("feedback DMs = %d, want 1", len(ask))
	}
	golden(t, "feedback_dm", ask[0].Blocks)

	reply := o.Click(devTokyo, actRate+"4", "1")
	if !reply.ReplaceOriginal || !strings.Contains(reply.Text, "*4/5*") {
		t.Errorf("rating reply = %+v", reply.Message)
	}
	if got := o.Click(berlinHost, actRate+"1", "1").Text; got != o.h.userMessage(nil, oh.ErrNotAllowed) {
		t.Errorf("host rating their own session = %q", got)
	}
	o.Click(devTokyo, actComment, "1")
	if v := o.slack.LastView(t); v.CallbackID != ViewComment || v.PrivateMetadata != "1" {
		t.Fatalf("comment form = %s %q", v.CallbackID, v.PrivateMetadata)
	}
	o.Submit(devTokyo, ViewComment, "1", map[string]map[string]slack.BlockAction{"comment": {"comment": {Value: "Great, thanks"}}})
	b, err := o.svc.Store.Booking(ctx, 1)
	if err != nil || b.FeedbackScore != 4 || b.FeedbackComment != "Great, thanks" {
		t.Errorf("stored feedback = %d %q, %v", b.FeedbackScore, b.FeedbackComment, err)
	}
}

func TestOfficeHoursHomeSection(t *testing.T) {
	o := newHarness(t)
	o.book(devBerlin, newYorkHost, mon1400Z, "IAM")
	blocks, err := o.h.HomeSection(context.Background(), devBerlin)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "home_berlin", blocks)

	o.svc.Schedule.Hosts = nil
	if blocks, err := o.h.HomeSection(context.Background(), devBerlin); err != nil || blocks != nil {
		t.Errorf("without hosts the section = %v, %v; want nothing", blocks, err)
	}
	if got := o.Command(devBerlin, "").Text; got != o.h.userMessage(nil, oh.ErrNoHosts) {
		t.Errorf("/officehours without hosts = %q", got)
	}
}

func TestOfficeHoursSlackDown(t *testing.T) {
	o := newHarness(t)
	o.slack.Failing("UserInfo", errors.New("users.info: 500"))
	wantContains(t, msgText(o.Command(devBerlin, "list").Message), "(UTC)", "14:00–14:30 with <@UHOSTNYC01>")
	o.slack.Failing("PostMessage", errors.New("chat.postMessage: 500"))
	reply := o.Submit(devBerlin, ViewBook, "", bookValues(slotKey(berlinHost, tue1200Z), "x"))
	if reply.ViewUpdate == nil || reply.ViewUpdate.Title.Text != "Booked" {
		t.Errorf("a failed DM must not undo the booking: reply %+v", reply)
	}
}

func TestOfficeHoursTeamOf(t *testing.T) {
	teams := []config.Team{{ID: "platform", Users: []string{devBerlin}}, {ID: "payments", UserGroup: "SPAYMENTS"}}
	teamOf := TeamOf(handlers.NewDirectory(newTestSlack(), teams, time.Now), zerolog.Nop())
	for user, want := range map[string]string{devBerlin: "platform", devNY: "payments", devTokyo: ""} {
		if got := teamOf(context.Background(), user); got != want {
			t.Errorf("team of %s = %q, want %q", user, got, want)
		}
	}
}

// TestOfficeHoursDMsInTheirLanguage: the booking, cancellation and
// feedback DMs and the comment form reach each side in their language (a
// German Slack locale, a choice of German, an English locale), with the
// day written in it.
func TestOfficeHoursDMsInTheirLanguage(t *testing.T) {
	langs := handlertest.NewLanguages(map[string]string{devBerlin: "de-DE", berlinHost: "en-US", newYorkHost: "de-AT", devNY: "en-US"})
	ch := langs.Chooser()
	if _, err := ch.Choose(context.Background(), devNY, "de", time.Now()); err != nil {
		t.Fatal(err)
	}
	o := newHarnessIn(t, ch)
	ctx := context.Background()

	o.book(devBerlin, berlinHost, tue1200Z, "Flaky <tests>")
	booker, host := o.dms(devBerlin), o.dms(berlinHost)
	if len(booker) != 1 || len(host) != 1 {
		t.Fatalf("DMs: booker %d, host %d; want 1 each", len(booker), len(host))
	}
	wantContains(t, msgText(booker[0]), ":white_check_mark: Gebucht: Sprechstunde mit <@UHOSTBER01> am *Di. 2. Juni, 14:00–14:30* (Europe/Berlin).\n>Flaky &lt;tests&gt;",
		"\nIch erinnere dich 15 Minuten vorher.", "\nAbsagen")
	wantContains(t, msgText(host[0]), ":calendar: <@UDEVBER001> booked your office hours on *Tue 2 Jun, 14:00–14:30* (Europe/Berlin).", "\nCancel")

	o.Click(berlinHost, actCancel, "1")
	cancelled := o.dms(devBerlin)
	if len(cancelled) != 1 {
		t.Fatalf("booker got %d DMs after the host cancelled, want 1", len(cancelled))
	}
	wantContains(t, msgText(cancelled[0]), ":x: <@UHOSTBER01> hat deine Sprechstunde am *Di. 2. Juni, 14:00–14:30* (Europe/Berlin) abgesagt. Schade! `/officehours list` zeigt andere freie Termine.")

	o.book(devNY, newYorkHost, mon1400Z, "IAM")
	wantContains(t, msgText(o.dms(devNY)[0]), "Gebucht: Sprechstunde mit <@UHOSTNYC01> am *Mo. 1. Juni, 10:00–10:30* (America/New_York).")
	wantContains(t, msgText(o.dms(newYorkHost)[0]), "<@UDEVNYC001> hat deine Sprechstunde am *Mo. 1. Juni, 10:00–10:30* (America/New_York) gebucht.")
	o.clock.Advance(mon1400Z.Add(30 * time.Minute).Sub(o.clock.Now()))
	if err := o.svc.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	o.Click(devNY, actComment, "2")
	form := o.slack.LastView(t)
	if form.Title.Text != "Sprechstunden-Feedback" || form.Submit.Text != "Senden" || form.Close.Text != "Abbrechen" {
		t.Errorf("comment form %q / %q / %q, want German", form.Title.Text, form.Submit.Text, form.Close.Text)
	}
	wantContains(t, blocksText(form.Blocks.BlockSet), "Dein Kommentar", "Was hat geholfen, was nicht?")
	done := o.Submit(devNY, ViewComment, "2", map[string]map[string]slack.BlockAction{"comment": {"comment": {Value: "Sehr gut"}}})
	if done.ViewUpdate == nil || done.ViewUpdate.Close.Text != "Fertig" {
		t.Fatalf("comment submitted: %+v, want the German thank-you view", done)
	}
	wantContains(t, blocksText(done.ViewUpdate.Blocks.BlockSet), ":pray: Danke, das Plattform-Team wird ihn lesen.")
}
