package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
)

// fakeSlack is the bot.Slack of the handlers tests. It records what the
// handlers send; answers users.info from a table of time zones and the
// members of user groups and channels from tables; and fails a method with
// the error set for it (see failing). Tests fill the tables before use.
type fakeSlack struct {
	mu sync.Mutex

	posts      map[string][]bot.Message // channel, or user for a DM → messages not yet taken
	seq        map[string]int           // channel → messages ever posted, for the ts
	ephemerals []ephemeral
	updates    []bot.Message            // chat.update, in order
	responds   map[string][]bot.Message // response_url → messages
	opened     []slack.ModalViewRequest // views.open
	updated    []slack.ModalViewRequest // views.update
	pushed     []slack.ModalViewRequest // views.push
	homes      map[string]slack.HomeTabViewRequest

	zones    map[string]string // user → IANA zone
	zone     string            // the zone of users not in zones
	bots     map[string]bool
	roster   []bot.User          // users.list
	groups   map[string][]string // user group → members
	channels map[string][]string // channel → members
	fail     map[string]error    // method → error
}

// ephemeral is one chat.postEphemeral.
type ephemeral struct {
	Channel, User string
	Msg           bot.Message
}

func newFakeSlack() *fakeSlack {
	return &fakeSlack{
		posts: map[string][]bot.Message{}, seq: map[string]int{}, responds: map[string][]bot.Message{},
		homes: map[string]slack.HomeTabViewRequest{}, zones: map[string]string{}, bots: map[string]bool{},
		groups: map[string][]string{}, channels: map[string][]string{}, fail: map[string]error{},
	}
}

// failing makes method fail with err from now on (nil: succeed again).
func (f *fakeSlack) failing(method string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err == nil {
		delete(f.fail, method)
		return
	}
	f.fail[method] = err
}

// do runs record under the lock, unless method is set to fail.
func (f *fakeSlack) do(method string, record func()) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.fail[method]; err != nil {
		return err
	}
	record()
	return nil
}

func (f *fakeSlack) PostMessage(_ context.Context, channel string, msg bot.Message) (ts string, err error) {
	err = f.do("PostMessage", func() {
		f.posts[channel] = append(f.posts[channel], msg)
		f.seq[channel]++
		ts = fmt.Sprintf("17000000%02d.000100", f.seq[channel])
	})
	return ts, err
}

func (f *fakeSlack) PostEphemeral(_ context.Context, channel, user string, msg bot.Message) error {
	return f.do("PostEphemeral", func() { f.ephemerals = append(f.ephemerals, ephemeral{Channel: channel, User: user, Msg: msg}) })
}

func (f *fakeSlack) UpdateMessage(_ context.Context, _, _ string, msg bot.Message) error {
	return f.do("UpdateMessage", func() { f.updates = append(f.updates, msg) })
}

func (f *fakeSlack) Respond(_ context.Context, url string, msg bot.Message) error {
	return f.do("Respond", func() { f.responds[url] = append(f.responds[url], msg) })
}

func (f *fakeSlack) OpenView(_ context.Context, trigger string, v slack.ModalViewRequest) (view bot.View, err error) {
	if trigger == "" {
		return bot.View{}, errors.New("views.open: invalid_trigger_id")
	}
	err = f.do("OpenView", func() {
		f.opened = append(f.opened, v)
		view.ID = fmt.Sprintf("V%d", len(f.opened))
	})
	return view, err
}

func (f *fakeSlack) UpdateView(_ context.Context, _, _ string, v slack.ModalViewRequest) (bot.View, error) {
	return bot.View{}, f.do("UpdateView", func() { f.updated = append(f.updated, v) })
}

func (f *fakeSlack) PushView(_ context.Context, trigger string, v slack.ModalViewRequest) (bot.View, error) {
	if trigger == "" {
		return bot.View{}, errors.New("views.push: invalid_trigger_id")
	}
	return bot.View{}, f.do("PushView", func() { f.pushed = append(f.pushed, v) })
}

func (f *fakeSlack) PublishHome(_ context.Context, user string, v slack.HomeTabViewRequest) error {
	return f.do("PublishHome", func() { f.homes[user] = v })
}

func (f *fakeSlack) UserInfo(_ context.Context, id string) (u bot.User, err error) {
	err = f.do("UserInfo", func() {
		tz, ok := f.zones[id]
		if !ok {
			tz = f.zone
		}
		u = bot.User{ID: id, Name: strings.ToLower(id), RealName: "Real " + id, TZ: tz, IsBot: f.bots[id]}
	})
	return u, err
}

// Users lists the roster set by the test (none by default: every decision
// then goes through UserInfo).
func (f *fakeSlack) Users(context.Context) (users []bot.User, err error) {
	err = f.do("Users", func() { users = append(users, f.roster...) })
	return users, err
}

func (f *fakeSlack) UserGroupMembers(_ context.Context, group string) (members []string, err error) {
	err = f.do("UserGroupMembers", func() { members = f.groups[group] })
	return members, err
}

func (f *fakeSlack) ChannelMembers(_ context.Context, channel string) (members []string, err error) {
	err = f.do("ChannelMembers", func() { members = f.channels[channel] })
	return members, err
}

// posted returns the messages posted to channel (or DMed to a user) that
// were not taken yet.
func (f *fakeSlack) posted(channel string) []bot.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]bot.Message(nil), f.posts[channel]...)
}

// take returns and forgets the messages posted to channel (or DMed to a
// user).
func (f *fakeSlack) take(channel string) []bot.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.posts[channel]
	delete(f.posts, channel)
	return out
}

// lastView returns the modal opened last.
func (f *fakeSlack) lastView(t *testing.T) slack.ModalViewRequest {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.opened) == 0 {
		t.Fatal("no modal was opened")
	}
	return f.opened[len(f.opened)-1]
}

// routerDriver sends requests through a router the way Slack sends them.
type routerDriver struct {
	t      *testing.T
	router *bot.Router
	slash  string // the slash command of command
	after  func() // when set, runs after each request (to wait for work it started)
}

func (d *routerDriver) serve(req *bot.Request) *bot.Reply {
	d.t.Helper()
	reply, err := d.router.Serve(context.Background(), req)
	if err != nil {
		d.t.Fatalf("Serve %s: %v", req.Route(), err)
	}
	if d.after != nil {
		d.after()
	}
	return reply
}

// command runs the slash command with text.
func (d *routerDriver) command(user, text string) *bot.Reply {
	return d.serve(&bot.Request{Kind: bot.KindCommand, Command: d.slash, Text: text, UserID: user, TriggerID: "T1"})
}

// click presses a button.
func (d *routerDriver) click(user, actionID, value string) *bot.Reply {
	return d.serve(&bot.Request{Kind: bot.KindAction, ActionID: actionID, Value: value, UserID: user, TriggerID: "T2"})
}

// submit submits modal V1 with the state values.
func (d *routerDriver) submit(user, callbackID, metadata string, values map[string]map[string]slack.BlockAction) *bot.Reply {
	return d.serve(&bot.Request{Kind: bot.KindViewSubmission, CallbackID: callbackID, UserID: user,
		View: &slack.View{ID: "V1", CallbackID: callbackID, PrivateMetadata: metadata, State: &slack.ViewState{Values: values}}})
}
