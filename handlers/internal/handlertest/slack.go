// Package handlertest holds what the tests of the handler packages share:
// a recording fake Slack, a driver that sends requests through a router,
// golden files, and the mrkdwn checks of the fuzz targets. Only tests
// import it.
package handlertest

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

// Slack is the bot.Slack of the handlers tests. It records what the
// handlers send; answers users.info from a table of time zones and the
// members of user groups and channels from tables; and fails a method with
// the error set for it (see Failing). Tests fill the tables before use.
type Slack struct {
	mu sync.Mutex

	Posts      map[string][]bot.Message // channel, or user for a DM → messages not yet taken
	Seq        map[string]int           // channel → messages ever posted, for the ts
	Ephemerals []Ephemeral
	Updates    []bot.Message            // chat.update, in order
	Responds   map[string][]bot.Message // response_url → messages
	Opened     []slack.ModalViewRequest // views.open
	Updated    []slack.ModalViewRequest // views.update
	Pushed     []slack.ModalViewRequest // views.push
	Homes      map[string]slack.HomeTabViewRequest

	Zones    map[string]string // user → IANA zone
	Zone     string            // the zone of users not in zones
	Bots     map[string]bool
	Roster   []bot.User          // users.list
	Groups   map[string][]string // user group → members
	Channels map[string][]string // channel → members
	Fail     map[string]error    // method → error
}

// Ephemeral is one chat.postEphemeral.
type Ephemeral struct {
	Channel, User string
	Msg           bot.Message
}

// NewSlack returns a Slack with empty tables.
func NewSlack() *Slack {
	return &Slack{
		Posts: map[string][]bot.Message{}, Seq: map[string]int{}, Responds: map[string][]bot.Message{},
		Homes: map[string]slack.HomeTabViewRequest{}, Zones: map[string]string{}, Bots: map[string]bool{},
		Groups: map[string][]string{}, Channels: map[string][]string{}, Fail: map[string]error{},
	}
}

// Failing makes method fail with err from now on (nil: succeed again).
func (f *Slack) Failing(method string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err == nil {
		delete(f.Fail, method)
		return
	}
	f.Fail[method] = err
}

// do runs record under the lock, unless method is set to fail.
func (f *Slack) do(method string, record func()) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Fail[method]; err != nil {
		return err
	}
	record()
	return nil
}

func (f *Slack) PostMessage(_ context.Context, channel string, msg bot.Message) (ts string, err error) {
	err = f.do("PostMessage", func() {
		f.Posts[channel] = append(f.Posts[channel], msg)
		f.Seq[channel]++
		ts = fmt.Sprintf("17000000%02d.000100", f.Seq[channel])
	})
	return ts, err
}

func (f *Slack) PostEphemeral(_ context.Context, channel, user string, msg bot.Message) error {
	return f.do("PostEphemeral", func() { f.Ephemerals = append(f.Ephemerals, Ephemeral{Channel: channel, User: user, Msg: msg}) })
}

func (f *Slack) UpdateMessage(_ context.Context, _, _ string, msg bot.Message) error {
	return f.do("UpdateMessage", func() { f.Updates = append(f.Updates, msg) })
}

func (f *Slack) Respond(_ context.Context, url string, msg bot.Message) error {
	return f.do("Respond", func() { f.Responds[url] = append(f.Responds[url], msg) })
}

func (f *Slack) OpenView(_ context.Context, trigger string, v slack.ModalViewRequest) (view bot.View, err error) {
	if trigger == "" {
		return bot.View{}, errors.New("views.open: invalid_trigger_id")
	}
	err = f.do("OpenView", func() {
		f.Opened = append(f.Opened, v)
		view.ID = fmt.Sprintf("V%d", len(f.Opened))
	})
	return view, err
}

func (f *Slack) UpdateView(_ context.Context, _, _ string, v slack.ModalViewRequest) (bot.View, error) {
	return bot.View{}, f.do("UpdateView", func() { f.Updated = append(f.Updated, v) })
}

func (f *Slack) PushView(_ context.Context, trigger string, v slack.ModalViewRequest) (bot.View, error) {
	if trigger == "" {
		return bot.View{}, errors.New("views.push: invalid_trigger_id")
	}
	return bot.View{}, f.do("PushView", func() { f.Pushed = append(f.Pushed, v) })
}

func (f *Slack) PublishHome(_ context.Context, user string, v slack.HomeTabViewRequest) error {
	return f.do("PublishHome", func() { f.Homes[user] = v })
}

func (f *Slack) UserInfo(_ context.Context, id string) (u bot.User, err error) {
	err = f.do("UserInfo", func() {
		tz, ok := f.Zones[id]
		if !ok {
			tz = f.Zone
		}
		u = bot.User{ID: id, Name: strings.ToLower(id), RealName: "Real " + id, TZ: tz, IsBot: f.Bots[id]}
	})
	return u, err
}

// Users lists the roster set by the test (none by default: every decision
// then goes through UserInfo).
func (f *Slack) Users(context.Context) (users []bot.User, err error) {
	err = f.do("Users", func() { users = append(users, f.Roster...) })
	return users, err
}

func (f *Slack) UserGroupMembers(_ context.Context, group string) (members []string, err error) {
	err = f.do("UserGroupMembers", func() { members = f.Groups[group] })
	return members, err
}

func (f *Slack) ChannelMembers(_ context.Context, channel string) (members []string, err error) {
	err = f.do("ChannelMembers", func() { members = f.Channels[channel] })
	return members, err
}

// Posted returns the messages posted to channel (or DMed to a user) that
// were not taken yet.
func (f *Slack) Posted(channel string) []bot.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]bot.Message(nil), f.Posts[channel]...)
}

// Take returns and forgets the messages posted to channel (or DMed to a
// user).
func (f *Slack) Take(channel string) []bot.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.Posts[channel]
	delete(f.Posts, channel)
	return out
}

// LastView returns the modal opened last.
func (f *Slack) LastView(t *testing.T) slack.ModalViewRequest {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.Opened) == 0 {
		t.Fatal("no modal was opened")
	}
	return f.Opened[len(f.Opened)-1]
}

// Driver sends requests through a router the way Slack sends them.
type Driver struct {
	T      *testing.T
	Router *bot.Router
	Slash  string // the slash command of Command
	After  func() // when set, runs after each request (to wait for work it started)
}

// Serve serves req and then runs After.
func (d *Driver) Serve(req *bot.Request) *bot.Reply {
	d.T.Helper()
	reply, err := d.Router.Serve(context.Background(), req)
	if err != nil {
		d.T.Fatalf("Serve %s: %v", req.Route(), err)
	}
	if d.After != nil {
		d.After()
	}
	return reply
}

// Command runs the slash command with text.
func (d *Driver) Command(user, text string) *bot.Reply {
	return d.Serve(&bot.Request{Kind: bot.KindCommand, Command: d.Slash, Text: text, UserID: user, TriggerID: "T1"})
}

// Click presses a button.
func (d *Driver) Click(user, actionID, value string) *bot.Reply {
	return d.Serve(&bot.Request{Kind: bot.KindAction, ActionID: actionID, Value: value, UserID: user, TriggerID: "T2"})
}

// Submit submits modal V1 with the state values.
func (d *Driver) Submit(user, callbackID, metadata string, values map[string]map[string]slack.BlockAction) *bot.Reply {
	return d.Serve(&bot.Request{Kind: bot.KindViewSubmission, CallbackID: callbackID, UserID: user,
		View: &slack.View{ID: "V1", CallbackID: callbackID, PrivateMetadata: metadata, State: &slack.ViewState{Values: values}}})
}
