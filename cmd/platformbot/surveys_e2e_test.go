package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/rs/zerolog"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/internal/fakeslack"
)

const pulseE2EConfig = `
admins:
  users: [UADMIN0001]
timezone: UTC
surveys:
  - id: devex
    title: Developer experience pulse
    schedule: {cron: "0 10 * * MON"}
    audience:
      usergroups: [S0DEVS0001]
      channels: [C0ENG00001]
    min_group_size: 3
    window: 72h
    reminder: 24h
    results_channel: C0RESULTS1
    questions:
      - {id: sat, type: scale, text: "How satisfied are you with the platform?", labels: [Very poor, Poor, OK, Good, Great]}
      - {id: nps, type: nps, text: "How likely are you to recommend it?"}
      - {id: why, type: text, text: "Anything else?"}
`

const (
	pulseBot  = "U0BOT00001"
	pulseGone = "U0GONE0001"
)

func pulseDev(i int) string { return fmt.Sprintf("U0DEV%05d", i) }

// pulseDM is the DM channel id the fake gives a user.
func pulseDM(user string) string { return "D" + user[1:] }

// pulseWaitResponses waits until a response_url got n posts and returns
// them decoded.
func pulseWaitResponses(t *testing.T, b *testBot, id string, n int) []bot.Message {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(b.Fake.Responses(id)) < n {
		if time.Now().After(deadline) {
			t.Fatalf("response_url %s got %d posts, want %d\nlogs:\n%s", id, len(b.Fake.Responses(id)), n, b.Logs)
		}
		time.Sleep(5 * time.Millisecond)
	}
	var out []bot.Message
	for _, raw := range b.Fake.Responses(id) {
		var m struct {
			Text            string       `json:"text"`
			Blocks          slack.Blocks `json:"blocks"`
			ReplaceOriginal bool         `json:"replace_original"`
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, bot.Message{Text: m.Text, Blocks: m.Blocks.BlockSet, ReplaceOriginal: m.ReplaceOriginal})
	}
	return out
}

// pulseButton finds a button's value by action id.
func pulseButton(t *testing.T, blocks []slack.Block, actionID string) string {
	t.Helper()
	for _, bl := range blocks {
		if a, ok := bl.(*slack.ActionBlock); ok {
			for _, el := range a.Elements.ElementSet {
				if btn, ok := el.(*slack.ButtonBlockElement); ok && btn.ActionID == actionID {
					return btn.Value
				}
			}
		}
	}
	t.Fatalf("no %s button", actionID)
	return ""
}

func pulseText(blocks any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(blocks)
	return b.String()
}

// TestPulseEndToEnd runs a survey through the real bot and the fake Slack:
// the cron job starts a run, DMs go to the user group and channel minus a
// bot, a deactivated account and a duplicate; one person answers with a
// tap and then the form, one from the App Home, one with a tap; the
// reminder reaches only the others; the close posts the right numbers; and
// the answers table holds no user id.
func TestPulseEndToEnd(t *testing.T) {
	eachDB(t, func(t *testing.T, dbURL string) {
		b := newTestBot(t, botOptions{Config: pulseE2EConfig, DatabaseURL: dbURL})
		var devs []string
		for i := 1; i <= 7; i++ {
			devs = append(devs, pulseDev(i))
			b.Fake.AddUser(slack.User{ID: pulseDev(i), Name: fmt.Sprint("dev", i), TZ: "Europe/Berlin"})
		}
		b.Fake.AddUser(slack.User{ID: pulseBot, Name: "ci-bot", IsBot: true})
		b.Fake.AddUser(slack.User{ID: pulseGone, Name: "left", Deleted: true})
		b.Fake.SetUserGroup("S0DEVS0001", append(devs[:6:6], pulseBot, pulseGone))
		b.Fake.SetChannelMembers("C0ENG00001", []string{devs[1], devs[6]})

		b.Advance(time.Hour) // Monday 10:00: the survey's cron fires
		for _, d := range devs {
			b.WaitDMs(d, 1)
		}
		for _, u := range []string{pulseBot, pulseGone} {
			if n := len(b.DMs(u)); n != 0 {
				t.Errorf("%s got %d DMs; bots and deactivated accounts must be skipped", u, n)
			}
		}

		// dev1: one tap, then the rest in the form.
		dm := b.DMs(devs[0])[0]
		b.Action(devs[0], slack.BlockAction{ActionID: "pulse:tap:3", Value: "1:sat:4"}, nil, pulseDM(devs[0]), dm.TS)
		respID := pulseDM(devs[0]) + "-" + dm.TS
		thanks := pulseWaitResponses(t, b, respID, 1)[0]
		if !thanks.ReplaceOriginal || !strings.Contains(thanks.Text, "Saved — 1 of 3 questions") {
			t.Fatalf("after the tap the DM is %+v, want it replaced by the progress (1 of 3)", thanks)
		}
		b.Action(devs[0], slack.BlockAction{ActionID: "pulse:form", Value: pulseButton(t, thanks.Blocks, "pulse:form")}, nil, pulseDM(devs[0]), dm.TS)
		form := b.Modal(1)
		ack := b.Submit(devs[0], form, map[string]map[string]slack.BlockAction{
			"pulse:q:nps": {"v": {SelectedOption: slack.OptionBlockObject{Value: "9"}}},
			"pulse:q:why": {"v": {Value: "CI is fast now <!channel>"}},
		})
		if len(ack.Payload) != 0 && string(ack.Payload) != "null" {
			t.Errorf("form ack = %s, want an empty ack that closes the modal", ack.Payload)
		}
		after := pulseWaitResponses(t, b, respID, 2)[1]
		if text := pulseText(after.Blocks); !strings.Contains(text, "*9*") || !strings.Contains(text, "&lt;!channel&gt;") {
			t.Errorf("DM after the form lacks the answers (escaped):\n%s", text)
		}

		// dev2: from the App Home; the DM is updated with chat.update.
		if _, err := b.Fake.SendEvent("app_home_opened", &slackevents.AppHomeOpenedEvent{Type: "app_home_opened", User: devs[1], Tab: "home"}, "", 0); err != nil {
			t.Fatal(err)
		}
		home := pulseWaitHome(t, b, devs[1], "Pulse surveys waiting for you")
		b.Action(devs[1], slack.BlockAction{ActionID: "pulse:form", Value: "1"}, &home, "", "")
		b.Submit(devs[1], b.Modal(2), map[string]map[string]slack.BlockAction{
			"pulse:q:sat": {"v": {SelectedOption: slack.OptionBlockObject{Value: "5"}}},
			"pulse:q:nps": {"v": {SelectedOption: slack.OptionBlockObject{Value: "10"}}},
		})
		pulseWaitUpdated(t, b, devs[1])

		// dev3: one tap.
		dm3 := b.DMs(devs[2])[0]
		b.Action(devs[2], slack.BlockAction{ActionID: "pulse:tap:2", Value: "1:sat:3"}, nil, pulseDM(devs[2]), dm3.TS)
		pulseWaitResponses(t, b, pulseDM(devs[2])+"-"+dm3.TS, 1)

		b.Advance(24 * time.Hour) // the reminder
		for _, d := range devs[3:] {
			if msgs := b.WaitDMs(d, 2); !strings.Contains(msgs[1].Text, "Reminder") {
				t.Errorf("%s's second DM = %q, want the reminder", d, msgs[1].Text)
			}
		}
		for _, d := range devs[:3] {
			if n := len(b.DMs(d)); n != 1 {
				t.Errorf("%s answered but has %d DMs; the reminder must skip them", d, n)
			}
		}

		b.Advance(48 * time.Hour) // the window closes
		posted, err := b.Fake.WaitMessages(b.ctx(), "C0RESULTS1", 1)
		if err != nil {
			t.Fatalf("no results posted: %v\nlogs:\n%s", err, b.Logs)
		}
		text := posted[0].Text + pulseText(json.RawMessage(posted[0].Blocks))
		for _, want := range []string{"3 of 7 answered (43%)", "Mean *4.0* of 5", "Fewer than 3 answers: not shown"} {
			if !strings.Contains(text, want) {
				t.Errorf("results lack %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, "CI is fast") {
			t.Error("comments were posted although the survey does not share them")
		}
		pulseCheckNoUserInAnswers(t, b, append(devs, pulseBot, pulseGone))

		late := b.DMs(devs[4])[0]
		b.Action(devs[4], slack.BlockAction{ActionID: "pulse:tap:0", Value: "1:sat:1"}, nil, pulseDM(devs[4]), late.TS)
		if note := pulseWaitResponses(t, b, pulseDM(devs[4])+"-"+late.TS, 1)[0]; !strings.Contains(note.Text, "closed") {
			t.Errorf("late tap answered %q, want the polite closed note", note.Text)
		}
	})
}

func pulseWaitHome(t *testing.T, b *testBot, user, want string) slack.View {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if raw, ok := b.Fake.HomeView(user); ok && strings.Contains(string(raw), want) {
			var v slack.View
			if err := json.Unmarshal(raw, &v); err != nil {
				t.Fatal(err)
			}
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("home of %s never showed %q\nlogs:\n%s", user, want, b.Logs)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func pulseWaitUpdated(t *testing.T, b *testBot, user string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if msgs := b.DMs(user); len(msgs) > 0 && msgs[0].Updated > 0 && strings.Contains(msgs[0].Text, "Thanks") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s's survey DM was not updated in place\nlogs:\n%s", user, b.Logs)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// pulseCheckNoUserInAnswers queries the answers table directly: an
// anonymous run must leave no user id in any column of any row.
func pulseCheckNoUserInAnswers(t *testing.T, b *testBot, users []string) {
	t.Helper()
	var rows []map[string]any
	if err := b.Main.DB.Gorm.Raw("SELECT * FROM pulse_answers").Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	if len(rows) < 6 {
		t.Fatalf("%d answers stored, want at least 6", len(rows))
	}
	for _, row := range rows {
		for col, v := range row {
			s := fmt.Sprint(v)
			if col == "user_id" && v != nil {
				t.Errorf("answer %v has user_id %q", row["id"], s)
			}
			for _, u := range users {
				if strings.Contains(s, u) {
					t.Errorf("answer %v holds user id %s in column %s", row["id"], u, col)
				}
			}
		}
	}
}

// TestPulseRestartMidFanout stops the whole bot (Main.Run cancelled, Main
// closed) half-way through a fan-out to a 2,000-member channel, starts a
// new one on the same database, and checks with the fake Slack's own
// records that every member got exactly one DM. The Slack client's budget
// is raised so the test measures the restart, not the pacing.
func TestPulseRestartMidFanout(t *testing.T) {
	if testing.Short() {
		t.Skip("a 2,000-user fan-out across a restart, about 11 s: skipped with -short")
	}
	eachDB(t, func(t *testing.T, dbURL string) {
		const members = 2000
		fake := fakeslack.New()
		defer fake.Close()
		var ids []string
		for i := range members {
			ids = append(ids, pulseDev(i))
			fake.AddUser(slack.User{ID: pulseDev(i), Name: fmt.Sprint("dev", i)})
		}
		fake.SetChannelMembers("C0BIG00001", ids)
		cfg, err := config.Parse("restart.yaml", []byte(strings.NewReplacer(
			"usergroups: [S0DEVS0001]\n      channels: [C0ENG00001]", "channels: [C0BIG00001]").Replace(pulseE2EConfig)))
		if err != nil {
			t.Fatal(err)
		}
		clock := clockwork.NewFakeClockAt(testStart)

		first := startPulseMain(t, fake, cfg, dbURL, clock)
		clock.Advance(time.Hour) // the cron starts the run
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := fake.WaitMessages(ctx, "", members/2); err != nil {
			t.Fatalf("fan-out did not get half-way: %v", err)
		}
		first.stop(t)
		stoppedAt := len(fake.Messages(""))
		if stoppedAt >= members {
			t.Fatalf("all %d DMs were out before the stop; the test proves nothing", stoppedAt)
		}

		second := startPulseMain(t, fake, cfg, dbURL, clock)
		defer second.stop(t)
		clock.Advance(time.Minute) // the first tick of the new process resumes the fan-out
		if _, err := fake.WaitMessages(ctx, "", members); err != nil {
			t.Fatalf("fan-out did not finish after the restart: %v (%d DMs)", err, len(fake.Messages("")))
		}
		time.Sleep(200 * time.Millisecond) // room for any duplicate to show up
		per := map[string]int{}
		for _, m := range fake.Messages("") {
			per[m.Channel]++
		}
		for _, id := range ids {
			if per[id] != 1 {
				t.Errorf("%s got %d DMs, want exactly 1", id, per[id])
			}
		}
		// Who can be asked comes from users.list (2 pages per process), not
		// from users.info per person: at its default 100 a minute the
		// fan-out would take 20 minutes. Only the first sends of each
		// process, before its listing, may look people up.
		lists, infos := len(fake.Calls("users.list")), len(fake.Calls("users.info"))
		if lists > 4 || infos > 60 {
			t.Errorf("users.list ×%d, users.info ×%d; want at most 2 listings per process and a few lookups", lists, infos)
		}
		t.Logf("stopped after %d of %d DMs; after the restart every member has exactly one (users.list ×%d, users.info ×%d)", stoppedAt, members, lists, infos)
	})
}

type pulseProcess struct {
	m      *Main
	cancel context.CancelFunc
	done   chan error
}

// startPulseMain runs a real Main against the fake, like the harness, but
// with a Slack client whose budget is raised for a 2,000-user fan-out.
func startPulseMain(t *testing.T, fake *fakeslack.Server, cfg *config.Config, dbURL string, clock clockwork.Clock) *pulseProcess {
	t.Helper()
	api := bot.NewAPI(bot.APIConfig{
		BotToken: fakeslack.BotToken, AppToken: fakeslack.AppToken, APIURL: fake.APIURL(), Log: zerolog.Nop(),
		Limits: map[string]bot.Limit{"chat.postMessage": {PerMinute: 600000, Burst: 100}},
	})
	m := &Main{
		Env:    Env{AppToken: fakeslack.AppToken, BotToken: fakeslack.BotToken, APIURL: fake.APIURL(), DatabaseURL: dbURL, HTTPAddr: "127.0.0.1:0"},
		Config: cfg, Log: zerolog.Nop(), Clock: clock, Slack: api, api: api,
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := m.Open(ctx); err != nil {
		cancel()
		m.Close()
		t.Fatalf("Main.Open: %v", err)
	}
	p := &pulseProcess{m: m, cancel: cancel, done: make(chan error, 1)}
	opens := fake.ConnectionOpens()
	go func() { p.done <- m.Run(ctx) }()
	// The socket opens after the scheduler started: from then on, moving
	// the fake clock fires jobs.
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	if err := fake.WaitConnectionOpens(wctx, opens+1); err != nil {
		t.Fatalf("bot did not connect: %v", err)
	}
	time.Sleep(50 * time.Millisecond)
	return p
}

// stop cancels Run (as SIGTERM does) and closes Main; it is safe to call
// twice.
func (p *pulseProcess) stop(t *testing.T) {
	t.Helper()
	if p.cancel == nil {
		return
	}
	p.cancel()
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Error("Main.Run did not return after cancel")
	}
	p.m.Close()
	p.cancel = nil
}
