package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/ideas"
	"github.com/platformbot/platformbot/internal/fakeslack"
	"github.com/platformbot/platformbot/storage"
)

const (
	ideasE2EChannel = "C0IDEAS001"
	ideasE2EAdmin   = "UADMIN0001"
	ideasE2EAuthor  = "U0AUTHOR01"
)

var ideasE2EVoters = []string{"U0VOTER001", "U0VOTER002", "U0VOTER003"}

var ideasE2EConfig = fmt.Sprintf(`
admins:
  users: [%s]
teams:
  - id: web
    name: Web
    users: [%s, %s]
  - id: api
    name: API
    usergroup: S0API00001
ideas:
  channel: %s
  weighting: team_size
`, ideasE2EAdmin, ideasE2EAuthor, ideasE2EVoters[0], ideasE2EChannel)

// ideasBoardMessage waits until the board message ts has been updated to
// show want (e.g. "*3 votes*") and returns it.
func ideasBoardMessage(t *testing.T, b *testBot, ts, want string) fakeslack.Message {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, m := range b.Fake.Messages(ideasE2EChannel) {
			if m.TS == ts && strings.Contains(string(m.Blocks), want) {
				return m
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the board message %s never showed %q: %+v\nlogs:\n%s", ts, want, b.Fake.Messages(ideasE2EChannel), b.Logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// ideasClick clicks a board button without the test helpers, which may
// not fail the test from other goroutines.
func ideasClick(b *testBot, user, actionID, value, ts string) error {
	cb := slack.InteractionCallback{
		Type: slack.InteractionTypeBlockActions, User: slack.User{ID: user}, TriggerID: b.Fake.IssueTrigger(),
		Channel:        slack.Channel{GroupConversation: slack.GroupConversation{Conversation: slack.Conversation{ID: ideasE2EChannel}}},
		ActionCallback: slack.ActionCallbacks{BlockActions: []*slack.BlockAction{{ActionID: actionID, Value: value}}},
		Container:      slack.Container{Type: "message", ChannelID: ideasE2EChannel, MessageTs: ts},
		Message:        slack.Message{Msg: slack.Msg{Timestamp: ts}},
		ResponseURL:    b.Fake.ResponseURL(ideasE2EChannel + "-" + ts),
	}
	id, err := b.Fake.SendInteraction(cb)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = b.Fake.WaitAck(ctx, id)
	return err
}

// TestIdeasEndToEnd runs the board through the real bot and the fake
// Slack: an idea submitted in the form (once with field errors) is posted
// to the board channel; three people vote at once, one of them clicking
// twice; the message is updated to 3 votes; a non-admin cannot ship it;
// the admin ships it, twice; each voter gets exactly one DM and the author
// (who did not vote) none.
func TestIdeasEndToEnd(t *testing.T) {
	eachDB(t, func(t *testing.T, dbURL string) {
		b := newTestBot(t, botOptions{Config: ideasE2EConfig, DatabaseURL: dbURL})
		b.Fake.SetUserGroup("S0API00001", []string{ideasE2EVoters[1], "U0API00002", "U0API00003"})

		if ack := b.Command(ideasE2EAuthor, "/platform idea"); AckText(ack) != "" {
			t.Fatalf("idea acked with %q; want only the form", AckText(ack))
		}
		form := b.Modal(1)
		values := map[string]string{
			"idea_title": "CI", "idea_problem": "Every CI run downloads all Go modules again.",
			"idea_affected": "Everyone with Go services", "idea_link": "javascript:alert(1)",
		}
		submit := func() fakeslack.Ack {
			state := map[string]map[string]slack.BlockAction{}
			for k, v := range values {
				state[k] = map[string]slack.BlockAction{"v": {Value: v}}
			}
			return b.Submit(ideasE2EAuthor, form, state)
		}
		action, errs := ssResponseAction(submit())
		if action != "errors" || len(errs) != 2 || errs["idea_title"] == "" || errs["idea_link"] == "" {
			t.Fatalf("invalid form: response_action %q errors %v; want errors on idea_title and idea_link", action, errs)
		}
		values["idea_title"], values["idea_link"] = "Cache Go modules in CI", "https://github.com/acme/ci/issues/7"
		if action, _ := ssResponseAction(submit()); action != "update" {
			t.Fatalf("valid form: response_action %q, want update", action)
		}

		posts, err := b.Fake.WaitMessages(b.ctx(), ideasE2EChannel, 1)
		if err != nil {
			t.Fatalf("no board post: %v\n%s", err, b.Logs)
		}
		board := posts[0]
		ssExpect(t, "board post", string(board.Blocks), "#1 · Cache Go modules in CI", "*0 votes*", "ideas:vote", "ideas:unvote", "(Web)")

		var wg sync.WaitGroup
		clickErrs := make(chan error, 4)
		for _, u := range append(ideasE2EVoters, ideasE2EVoters[0]) { // the first voter double-clicks
			wg.Go(func() { clickErrs <- ideasClick(b, u, "ideas:vote", "1", board.TS) })
		}
		wg.Wait()
		close(clickErrs)
		for err := range clickErrs {
			if err != nil {
				t.Fatal(err)
			}
		}
		ideasBoardMessage(t, b, board.TS, "*3 votes*")
		store := storage.NewIdeaStore(b.Main.DB)
		i, err := store.Idea(context.Background(), 1)
		if err != nil || i.Votes != 3 {
			t.Fatalf("idea #1: %+v, %v; want 3 votes", i, err)
		}

		if ack := b.Command(ideasE2EVoters[0], "/platform ideas status 1 shipped"); !strings.Contains(AckText(ack), "Only the platform team") {
			t.Errorf("a voter shipped it: %q", AckText(ack))
		}
		ack := b.Command(ideasE2EAdmin, "/platform ideas status 1 shipped Runner image v42 caches modules")
		ssExpect(t, "ship", AckText(ack), "is now :rocket: Shipped", "Each voter gets a DM (3 votes)")
		for _, u := range ideasE2EVoters {
			b.WaitDMs(u, 1)
		}
		b.Command(ideasE2EAdmin, "/platform ideas status 1 shipped Runner image v42 caches modules")
		b.Command(ideasE2EAdmin, "/platform ideas status 1 in_progress")
		b.Command(ideasE2EAdmin, "/platform ideas status 1 shipped Runner image v42 caches modules")
		ideasOutboxIdle(t, b)
		shipped := ideasBoardMessage(t, b, board.TS, "Shipped by")
		if strings.Contains(string(shipped.Blocks), "ideas:vote") {
			t.Errorf("the shipped idea still has its Vote button: %s", shipped.Blocks)
		}
		notes := 0
		for _, m := range b.Fake.Messages(ideasE2EChannel) {
			if m.ThreadTS == board.TS {
				notes++
			}
		}
		if notes != 3 { // shipped, in progress, shipped again; the repeat changed nothing
			t.Errorf("%d status notes in the thread, want 3", notes)
		}
		for _, u := range ideasE2EVoters {
			dms := b.DMs(u)
			if len(dms) != 1 {
				t.Errorf("%s got %d DMs, want exactly 1", u, len(dms))
				continue
			}
			ssExpect(t, "DM to "+u, string(dms[0].Blocks), "Cache Go modules in CI*, which you voted for, has shipped!", "Runner image v42")
		}
		if n := len(b.DMs(ideasE2EAuthor)); n != 0 {
			t.Errorf("the author, who did not vote, got %d DMs", n)
		}

		ack = b.Command(ideasE2EAuthor, "/platform ideas status shipped")
		ssExpect(t, "shipped list", string(ack.Payload), "Cache Go modules in CI", "3 votes",
			"*Web* 1 (2 people, author's team)", "*API* 1 (3 people)", "no team 1")
		r, err := ideasTop(b)
		if err != nil || len(r.Ideas) != 1 || r.Ideas[0].Status != ideas.Shipped || r.Ideas[0].Votes != 3 {
			t.Errorf("Top for the report: %+v, %v", r, err)
		}
	})
}

// ideasTop is the value report's query, through the wired service.
func ideasTop(b *testBot) (ideas.Ranking, error) {
	svc, _ := b.Main.ideasService()
	return svc.Top(context.Background(), 5)
}

// ideasOutboxIdle waits until no send is pending or claimed.
func ideasOutboxIdle(t *testing.T, b *testBot) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second) // generous: CI shares two cores
	for {
		var n int64
		err := b.Main.DB.Gorm.Table("pending_sends").Where("state IN ?", []string{"pending", "claimed"}).Count(&n).Error
		if err == nil && n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the outbox still has %d sends (%v)\nlogs:\n%s", n, err, b.Logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
