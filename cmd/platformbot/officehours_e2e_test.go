package main

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/storage"
)

const officeHoursE2EConfig = `
timezone: Europe/Berlin
teams:
  - id: payments
    users: [UDEVNYC001]
office_hours:
  slot_length: 30m
  min_notice: 1h
  max_per_week: 2
  topic_required: true
  reminder_before: 15m
  feedback_after: 5m
  hosts:
    - user: UHOSTBER01
      timezone: Europe/Berlin
      windows:
        - {days: [tue, thu], start: "14:00", end: "16:00"}
`

// ohButtons returns the buttons in a message's blocks, by action id.
func ohButtons(t *testing.T, raw json.RawMessage) map[string][]string {
	t.Helper()
	var blocks slack.Blocks
	if err := json.Unmarshal(raw, &blocks); err != nil {
		t.Fatalf("blocks: %v\n%s", err, raw)
	}
	out := map[string][]string{}
	add := func(el slack.BlockElement) {
		if b, ok := el.(*slack.ButtonBlockElement); ok {
			out[b.ActionID] = append(out[b.ActionID], b.Value)
		}
	}
	for _, b := range blocks.BlockSet {
		switch b := b.(type) {
		case *slack.SectionBlock:
			if b.Accessory != nil && b.Accessory.ButtonElement != nil {
				add(b.Accessory.ButtonElement)
			}
		case *slack.ActionBlock:
			for _, el := range b.Elements.ElementSet {
				add(el)
			}
		}
	}
	return out
}

func contains(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}

// TestOfficeHoursEndToEnd books a slot through the fake Slack the way a
// developer would, then lets the fake clock run through the reminder and
// the feedback question.
func TestOfficeHoursEndToEnd(t *testing.T) {
	eachDB(t, func(t *testing.T, db string) {
		const dev, host = "UDEVNYC001", "UHOSTBER01"
		b := newTestBot(t, botOptions{Config: officeHoursE2EConfig, DatabaseURL: db})
		b.Fake.AddUser(slack.User{ID: dev, Name: "dana", RealName: "Dana Dev", TZ: "America/New_York"})
		b.Fake.AddUser(slack.User{ID: host, Name: "hanna", RealName: "Hanna Host", TZ: "Europe/Berlin"})

		// The first slot is Tuesday 1 Dec 14:00 Berlin = 13:00 UTC = 08:00 New York.
		slot := time.Date(2026, 12, 1, 13, 0, 0, 0, time.UTC)
		key := host + "." + strconv.FormatInt(slot.Unix(), 10)

		// list → Book button.
		var list struct {
			Text   string          `json:"text"`
			Blocks json.RawMessage `json:"blocks"`
		}
		if err := json.Unmarshal(b.Command(dev, "/officehours list").Payload, &list); err != nil {
			t.Fatal(err)
		}
		contains(t, "list", string(list.Blocks), "*Tue 1 Dec*", "08:00–08:30 with \\u003c@UHOSTBER01\\u003e", "America/New_York")
		if books := ohButtons(t, list.Blocks)["oh:book"]; len(books) == 0 || books[0] != key {
			t.Fatalf("Book buttons = %v, want the first to be %s", books, key)
		}

		// Book click → modal with the slot preselected → submit.
		b.Action(dev, slack.BlockAction{ActionID: "oh:book", BlockID: "b1", Type: "button", Value: key}, nil, "CTEST00001", "1700000000.000001")
		form := b.Modal(1)
		if form.CallbackID != "oh_book" {
			t.Fatalf("modal callback = %q", form.CallbackID)
		}
		ack := b.Submit(dev, form, map[string]map[string]slack.BlockAction{
			"slot":  {"slot": {Type: "static_select", SelectedOption: slack.OptionBlockObject{Value: key}}},
			"topic": {"topic": {Type: "plain_text_input", Value: "Our deploys got slow"}},
		})
		contains(t, "submission ack", string(ack.Payload), `"response_action":"update"`, "You're booked")

		// Both sides get a DM, each in their own zone.
		contains(t, "booker DM", b.WaitDMs(dev, 1)[0].Text, "on *Tue 1 Dec, 08:00–08:30* (America/New_York)", "Our deploys got slow")
		contains(t, "host DM", b.WaitDMs(host, 1)[0].Text, "<@UDEVNYC001> booked your office hours on *Tue 1 Dec, 14:00–14:30* (Europe/Berlin)")

		// The reminder goes out 15 minutes before, not a minute earlier.
		b.Advance(slot.Add(-16 * time.Minute).Sub(b.Clock.Now()))
		time.Sleep(300 * time.Millisecond)
		if n := len(b.DMs(dev)); n != 1 {
			t.Fatalf("at T-16m the booker has %d DMs, want only the confirmation", n)
		}
		b.Advance(time.Minute)
		contains(t, "booker reminder", b.WaitDMs(dev, 2)[1].Text, "Reminder: office hours with <@UHOSTBER01> at *Tue 1 Dec, 08:00–08:30* (America/New_York)")
		contains(t, "host reminder", b.WaitDMs(host, 2)[1].Text, "Reminder: office hours with <@UDEVNYC001> at *Tue 1 Dec, 14:00–14:30* (Europe/Berlin)")

		// Five minutes after the slot ends, the booker is asked for feedback.
		for range 20 { // minute by minute into the session: no second reminder
			b.Advance(time.Minute)
		}
		// 08:35 in New York is before the booker's working hours: the
		// request waits for 09:00 there.
		b.Advance(slot.Add(35 * time.Minute).Sub(b.Clock.Now()))
		time.Sleep(300 * time.Millisecond)
		if n := len(b.DMs(dev)); n != 2 {
			t.Fatalf("at 08:35 New York the booker has %d DMs, want the feedback request held until 09:00", n)
		}
		b.Advance(slot.Add(time.Hour).Sub(b.Clock.Now()))
		ask := b.WaitDMs(dev, 3)[2]
		contains(t, "feedback DM", ask.Text, "How helpful were your office hours with <@UHOSTBER01>")
		rate := ohButtons(t, ask.Blocks)
		if len(rate["oh:rate:4"]) != 1 {
			t.Fatalf("feedback buttons = %v", rate)
		}
		id := rate["oh:rate:4"][0]

		// One tap stores the answer and replaces the question.
		b.Action(dev, slack.BlockAction{ActionID: "oh:rate:4", BlockID: "r", Type: "button", Value: id}, nil, ask.Channel, ask.TS)
		resp, err := b.Fake.WaitResponses(b.ctx(), ask.Channel+"-"+ask.TS, 1)
		if err != nil {
			t.Fatalf("no response to the rating: %v\n%s", err, b.Logs)
		}
		contains(t, "rating response", string(resp[0]), `"replace_original":true`, "*4/5*")

		// The optional comment goes through a modal.
		b.Action(dev, slack.BlockAction{ActionID: "oh:comment", BlockID: "c", Type: "button", Value: id}, nil, ask.Channel, ask.TS)
		comment := b.Modal(2)
		b.Submit(dev, comment, map[string]map[string]slack.BlockAction{"comment": {"comment": {Type: "plain_text_input", Value: "Found the slow step"}}})

		bookingID, _ := strconv.ParseInt(id, 10, 64)
		got, err := storage.NewOfficeHoursStore(b.Main.DB, nil).Booking(context.Background(), bookingID)
		if err != nil {
			t.Fatal(err)
		}
		if got.FeedbackScore != 4 || got.FeedbackComment != "Found the slow step" || got.Team != "payments" {
			t.Errorf("stored booking: score %d, comment %q, team %q", got.FeedbackScore, got.FeedbackComment, got.Team)
		}
		// Exactly one reminder each and one feedback question in all.
		if n, m := len(b.DMs(dev)), len(b.DMs(host)); n != 3 || m != 2 {
			t.Errorf("DMs: booker %d, host %d; want 3 and 2", n, m)
		}
	})
}

// TestOfficeHoursRaceOverSocketMode sends ten submissions for one slot at
// once through the real runtime: one books it, the others see fresh slots.
func TestOfficeHoursRaceOverSocketMode(t *testing.T) {
	if testing.Short() {
		t.Skip("paced replies to ten submissions, about 4 s: skipped with -short")
	}
	eachDB(t, func(t *testing.T, db string) {
		b := newTestBot(t, botOptions{Config: officeHoursE2EConfig, DatabaseURL: db})
		b.Fake.AddUser(slack.User{ID: "UHOSTBER01", RealName: "Hanna Host", TZ: "Europe/Berlin"})
		// Each racer has looked at the free slots first, as they would
		// have to pick one; that also warms the users.info cache, which
		// Slack limits to about 100 calls a minute.
		for i := range 10 {
			user := "UDEVRACE" + strconv.Itoa(i)
			b.Fake.AddUser(slack.User{ID: user, RealName: "Racer " + strconv.Itoa(i), TZ: "Asia/Kolkata"})
			b.Command(user, "/officehours list")
		}
		key := "UHOSTBER01." + strconv.FormatInt(time.Date(2026, 12, 1, 13, 0, 0, 0, time.UTC).Unix(), 10)
		view := slack.View{ID: "VRACE", CallbackID: "oh_book"}
		var ids []string
		for i := range 10 {
			view.State = &slack.ViewState{Values: map[string]map[string]slack.BlockAction{
				"slot":  {"slot": {Type: "static_select", SelectedOption: slack.OptionBlockObject{Value: key}}},
				"topic": {"topic": {Type: "plain_text_input", Value: "race"}},
			}}
			id, err := b.Fake.SendInteraction(slack.InteractionCallback{
				Type: slack.InteractionTypeViewSubmission, User: slack.User{ID: "UDEVRACE" + strconv.Itoa(i)}, View: view,
			})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		booked, taken := 0, 0
		for _, id := range ids {
			p := string(b.WaitAck(id).Payload)
			switch {
			case strings.Contains(p, "You're booked"):
				booked++
			case strings.Contains(p, "just taken"):
				taken++
			default:
				t.Errorf("unexpected ack: %s\n%s", p, b.Logs)
			}
		}
		if booked != 1 || taken != 9 {
			t.Errorf("%d booked, %d told it was taken; want 1 and 9", booked, taken)
		}
	})
}
