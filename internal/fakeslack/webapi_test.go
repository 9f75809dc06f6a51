package fakeslack_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/platformbot/platformbot/internal/fakeslack"
)

func slackErr(err error) string {
	var e slack.SlackErrorResponse
	if errors.As(err, &e) {
		return e.Err
	}
	return fmt.Sprint(err)
}

func TestAuth(t *testing.T) {
	srv := newServer(t)
	res, err := srv.NewClient().AuthTest()
	if err != nil || res.UserID != fakeslack.BotUserID || res.TeamID != fakeslack.TeamID {
		t.Fatalf("AuthTest = %+v, %v", res, err)
	}
	bad := slack.New("xoxp-user-token", slack.OptionAPIURL(srv.APIURL()))
	if _, err := bad.AuthTest(); slackErr(err) != "invalid_auth" {
		t.Errorf("wrong token: %v", err)
	}
	// A bot token cannot open a socket.
	botAsApp := slack.New(fakeslack.BotToken, slack.OptionAPIURL(srv.APIURL()), slack.OptionAppLevelToken(fakeslack.BotToken))
	if _, _, err := botAsApp.StartSocketModeContext(t.Context()); slackErr(err) != "invalid_auth" {
		t.Errorf("apps.connections.open with xoxb-: %v", err)
	}
	// slack-go's Socket Mode client gives up on invalid_auth instead of retrying.
	sm := socketmode.New(slack.New(fakeslack.BotToken, slack.OptionAPIURL(srv.APIURL()), slack.OptionAppLevelToken("xapp-")))
	if err := sm.RunContext(t.Context()); slackErr(err) != "invalid_auth" {
		t.Errorf("socketmode with a bad app token: %v", err)
	}
	if n := srv.ConnectionOpens(); n != 2 {
		t.Errorf("ConnectionOpens = %d, want 2 (failed calls count)", n)
	}
	resp, err := http.PostForm(srv.APIURL()+"nope.nothing", url.Values{"token": {fakeslack.BotToken}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if calls := srv.Calls("nope.nothing"); len(calls) != 1 || calls[0].Error != "unknown_method" {
		t.Errorf("unknown method calls = %+v", calls)
	}
}

func TestPostMessageRecordsMessage(t *testing.T) {
	srv := newServer(t)
	api := srv.NewClient()
	blocks := slack.MsgOptionBlocks(slack.NewSectionBlock(slack.NewTextBlockObject("mrkdwn", "*hi*", false, false), nil, nil))
	ch, ts, err := api.PostMessage("C1", slack.MsgOptionText("hello", false), blocks)
	if err != nil || ch != "C1" || ts == "" {
		t.Fatalf("PostMessage = %q %q %v", ch, ts, err)
	}
	_, ts2, _ := api.PostMessage("C1", slack.MsgOptionText("reply", false), slack.MsgOptionTS(ts))
	msgs := srv.Messages("C1")
	if len(msgs) != 2 || msgs[0].TS != ts || msgs[0].Text != "hello" || len(msgs[0].Blocks) == 0 ||
		msgs[1].ThreadTS != ts || ts2 <= ts {
		t.Fatalf("messages = %+v", msgs)
	}
	if c := srv.Calls("chat.postMessage"); len(c) != 2 || c[0].Form.Get("channel") != "C1" {
		t.Errorf("calls = %+v", c)
	}

	// A user id as channel lands in the DM, recorded under the user id.
	dm, dmTS, err := api.PostMessage("U7", slack.MsgOptionText("psst", false))
	if err != nil || dm != "D7" {
		t.Fatalf("DM post = %q, %v", dm, err)
	}
	if _, _, _, err := api.UpdateMessage(dm, dmTS, slack.MsgOptionText("edited", false)); err != nil {
		t.Fatal(err)
	}
	if m := srv.Messages("U7"); len(m) != 1 || m[0].Text != "edited" || m[0].Updated != 1 {
		t.Errorf("DM messages = %+v", m)
	}
	if _, _, _, err := api.UpdateMessage("C1", "1.000000", slack.MsgOptionText("x", false)); slackErr(err) != "message_not_found" {
		t.Errorf("update unknown: %v", err)
	}
	if _, err := api.PostEphemeral("C1", "U9", slack.MsgOptionText("only you", false)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := api.DeleteMessage("C1", ts); err != nil {
		t.Fatal(err)
	}
	msgs = srv.Messages("C1")
	if len(msgs) != 2 || !msgs[1].Ephemeral || msgs[1].User != "U9" {
		t.Errorf("after ephemeral and delete: %+v", msgs)
	}
	if _, _, err := api.PostMessage("C1"); slackErr(err) != "no_text" {
		t.Errorf("empty message: %v", err)
	}
}

func TestFaults(t *testing.T) {
	srv := newServer(t)
	api := srv.NewClient()
	post := func() error { _, _, err := api.PostMessage("C1", slack.MsgOptionText("x", false)); return err }

	srv.SetRateLimit("chat.postMessage", 6, 2) // a token every 10 s
	if err := errors.Join(post(), post()); err != nil {
		t.Fatalf("burst: %v", err)
	}
	var rl *slack.RateLimitedError
	if err := post(); !errors.As(err, &rl) || rl.RetryAfter != 10*time.Second {
		t.Fatalf("over the limit: %v", err)
	}
	if n := srv.RateLimited("chat.postMessage"); n != 1 {
		t.Errorf("RateLimited = %d", n)
	}
	srv.SetRateLimit("chat.postMessage", 0, 0)

	srv.FailNext("chat.postMessage", 1, http.StatusTooManyRequests, 7)
	if err := post(); !errors.As(err, &rl) || rl.RetryAfter != 7*time.Second {
		t.Errorf("FailNext 429: %v", err)
	}
	srv.FailNext("chat.postMessage", 2, http.StatusServiceUnavailable, 0)
	for range 2 {
		var sc slack.StatusCodeError
		if err := post(); !errors.As(err, &sc) || sc.Code != http.StatusServiceUnavailable {
			t.Errorf("FailNext 503: %v", err)
		}
	}
	if err := post(); err != nil {
		t.Errorf("after the failures: %v", err)
	}
	srv.SetError("chat.postMessage", "channel_not_found")
	if err := post(); slackErr(err) != "channel_not_found" {
		t.Errorf("SetError: %v", err)
	}
	if n := srv.RateLimited("chat.postMessage"); n != 2 {
		t.Errorf("RateLimited = %d, want 2", n)
	}
}

func TestDirectory(t *testing.T) {
	srv := newServer(t)
	api := srv.NewClient()
	var members []string
	for i := range 250 {
		members = append(members, fmt.Sprintf("U%03d", i))
	}
	srv.SetChannelMembers("C1", members)
	var got []string
	for cursor := ""; ; {
		page, next, err := api.GetUsersInConversation(&slack.GetUsersInConversationParameters{ChannelID: "C1", Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, page...)
		if cursor = next; cursor == "" {
			break
		}
	}
	if !slices.Equal(got, members) || len(srv.Calls("conversations.members")) != 3 {
		t.Errorf("paged %d members in %d calls", len(got), len(srv.Calls("conversations.members")))
	}

	for i := range 5 {
		srv.AddUser(slack.User{ID: fmt.Sprintf("U%d", i), Name: "u", TZ: "Europe/Paris", TZOffset: 3600, Locale: "fr-FR",
			Profile: slack.UserProfile{Email: "u@example.com"}, IsBot: i == 4, Deleted: i == 3})
	}
	// The locale comes only with include_locale=true, as from Slack.
	if u, err := api.GetUserInfo("U1", slack.GetUserInfoOptionIncludeLocale(false)); err != nil || u.Locale != "" {
		t.Errorf("GetUserInfo without include_locale: locale %q, %v; want none", u.Locale, err)
	}
	if all, err := api.GetUsers(slack.GetUsersOptionIncludeLocale(true)); err != nil || len(all) != 5 || all[0].Locale != "fr-FR" {
		t.Errorf("GetUsers with include_locale = %+v, %v; want 5 with their locale", all, err)
	}
	u, err := api.GetUserInfo("U4")
	if err != nil || u.TZ != "Europe/Paris" || u.TZOffset != 3600 || !u.IsBot || u.Profile.Email != "u@example.com" || u.Locale != "fr-FR" {
		t.Errorf("GetUserInfo = %+v, %v", u, err)
	}
	if _, err := api.GetUserInfo("U404"); slackErr(err) != "user_not_found" {
		t.Errorf("unknown user: %v", err)
	}
	if all, err := api.GetUsers(slack.GetUsersOptionLimit(2), slack.GetUsersOptionIncludeLocale(false)); err != nil || len(all) != 5 || !all[3].Deleted || all[0].Locale != "" {
		t.Errorf("GetUsers = %d users, %v", len(all), err)
	}

	srv.SetUserGroup("S1", []string{"U1", "U2"})
	if g, err := api.GetUserGroupMembers("S1"); err != nil || !slices.Equal(g, []string{"U1", "U2"}) {
		t.Errorf("GetUserGroupMembers = %v, %v", g, err)
	}
	ch, _, _, err := api.OpenConversation(&slack.OpenConversationParameters{Users: []string{"U1"}})
	if err != nil || ch.ID != "D1" {
		t.Errorf("OpenConversation = %+v, %v", ch, err)
	}
}

func TestViewsAndTriggers(t *testing.T) {
	srv := newServer(t, fakeslack.WithTriggerTTL(100*time.Millisecond))
	api := srv.NewClient()
	modal := slack.ModalViewRequest{Type: slack.VTModal, Title: slack.NewTextBlockObject("plain_text", "Deploy", false, false),
		Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewDividerBlock()}}, CallbackID: "deploy"}
	trig := srv.IssueTrigger()
	v, err := api.OpenView(trig, modal)
	if err != nil || v.ID == "" || v.Hash == "" || v.CallbackID != "deploy" {
		t.Fatalf("OpenView = %+v, %v", v, err)
	}
	if _, err := api.OpenView(trig, modal); slackErr(err) != "exchanged_trigger_id" {
		t.Errorf("reused trigger: %v", err)
	}
	late := srv.IssueTrigger()
	time.Sleep(150 * time.Millisecond)
	if _, err := api.OpenView(late, modal); slackErr(err) != "expired_trigger_id" {
		t.Errorf("expired trigger: %v", err)
	}
	if _, err := api.UpdateView(modal, "", "stale-hash", v.ID); slackErr(err) != "hash_conflict" {
		t.Errorf("stale hash: %v", err)
	}
	if u, err := api.UpdateView(modal, "", v.Hash, v.ID); err != nil || u.ID != v.ID || u.Hash == v.Hash {
		t.Errorf("UpdateView = %+v, %v", u, err)
	}
	home := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: modal.Blocks}
	if _, err := api.PublishView("U1", home, ""); err != nil {
		t.Fatal(err)
	}
	if raw, ok := srv.HomeView("U1"); !ok || !strings.Contains(string(raw), `"home"`) {
		t.Errorf("HomeView = %s", raw)
	}
}

func TestUploadAndResponseURL(t *testing.T) {
	srv := newServer(t)
	api := srv.NewClient()
	f, err := api.UploadFileContext(t.Context(), slack.UploadFileParameters{
		Filename: "dora.csv", Content: "a,b\n1,2\n", FileSize: 8, Channel: "C1", Title: "DORA"})
	if err != nil {
		t.Fatal(err)
	}
	files := srv.Files()
	if len(files) != 1 || files[0].ID != f.ID || string(files[0].Data) != "a,b\n1,2\n" || !files[0].Completed || files[0].Channel != "C1" {
		t.Errorf("files = %+v", files)
	}

	// Shared in a thread: the file message lands there, naming the file.
	_, parent, err := api.PostMessage("C1", slack.MsgOptionText("report", false))
	if err != nil {
		t.Fatal(err)
	}
	g, err := api.UploadFileContext(t.Context(), slack.UploadFileParameters{
		Filename: "chart.png", Content: "PNG", FileSize: 3, Channel: "C1", ThreadTimestamp: parent, Title: "Chart"})
	if err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages("C1")
	if len(msgs) != 3 || msgs[2].ThreadTS != parent || len(msgs[2].Files) != 1 || msgs[2].Files[0] != g.ID {
		t.Errorf("messages after a threaded upload = %+v", msgs)
	}
	if _, err := api.UploadFileContext(t.Context(), slack.UploadFileParameters{
		Filename: "chart.png", Content: "PNG", FileSize: 3, Channel: "C1", ThreadTimestamp: "9.999999"}); slackErr(err) != "invalid_thread_ts" {
		t.Errorf("upload into no thread: %v", err)
	}

	u := srv.ResponseURL("cmd-1")
	for i := range 6 {
		_, _, err := api.PostMessage("", slack.MsgOptionText(fmt.Sprint(i), false), slack.MsgOptionResponseURL(u, slack.ResponseTypeEphemeral))
		if (i < 5) != (err == nil) {
			t.Errorf("post %d to response_url: %v", i+1, err)
		}
	}
	if r := srv.Responses("cmd-1"); len(r) != 5 || !strings.Contains(string(r[0]), `"response_type":"ephemeral"`) {
		t.Errorf("responses = %s", r)
	}
}
