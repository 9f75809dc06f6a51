package ideas

import (
	"context"
	"fmt"
	"sync"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/handlers/internal/handlertest"
)

// golden compares v, as indented JSON, with testdata/<name>.golden; go
// test -update writes it instead. (The flag is handlertest's.)
var golden = handlertest.Golden

// flat is a message's text and every text in its blocks, one a line.
func flat(msg bot.Message) string { return handlertest.MsgText(msg) }

// fakeSlack is the bot.Slack of these tests: it records posts, updates
// (the latest message per ts) and opened views. gate, when set, holds the
// next chat.update until it is closed.
type fakeSlack struct {
	mu      sync.Mutex
	seq     int
	posts   []posted
	current map[string]bot.Message // ts → the message as it stands
	updates int
	views   []slack.ModalViewRequest
	gate    chan struct{}
	blocked chan struct{} // closed when a gated update is waiting
	groups  map[string][]string
}

type posted struct {
	Channel string
	TS      string
	Msg     bot.Message
}

func newFakeSlack() *fakeSlack {
	return &fakeSlack{current: map[string]bot.Message{}, groups: map[string][]string{}}
}

func (f *fakeSlack) PostMessage(_ context.Context, channel string, msg bot.Message) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	ts := fmt.Sprintf("1700000000.%06d", f.seq)
	f.posts = append(f.posts, posted{channel, ts, msg})
	f.current[ts] = msg
	return ts, nil
}

func (f *fakeSlack) UpdateMessage(_ context.Context, _, ts string, msg bot.Message) error {
	f.mu.Lock()
	gate, blocked := f.gate, f.blocked
	f.gate, f.blocked = nil, nil
	f.mu.Unlock()
	if gate != nil {
		close(blocked)
		<-gate
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.current[ts]; !ok {
		return slack.SlackErrorResponse{Err: "message_not_found"}
	}
	f.current[ts] = msg
	f.updates++
	return nil
}

// hold makes the next chat.update wait until release is called; blocked
// is closed once it waits.
func (f *fakeSlack) hold() (blocked <-chan struct{}, release func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gate, f.blocked = make(chan struct{}), make(chan struct{})
	gate := f.gate
	return f.blocked, func() { close(gate) }
}

// to returns the messages posted to channel (a user id for DMs).
func (f *fakeSlack) to(channel string) []posted {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []posted
	for _, p := range f.posts {
		if p.Channel == channel {
			out = append(out, p)
		}
	}
	return out
}

func (f *fakeSlack) message(ts string) bot.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.current[ts]
}

func (f *fakeSlack) PostEphemeral(context.Context, string, string, bot.Message) error { return nil }
func (f *fakeSlack) Respond(context.Context, string, bot.Message) error               { return nil }

func (f *fakeSlack) OpenView(_ context.Context, _ string, v slack.ModalViewRequest) (bot.View, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.views = append(f.views, v)
	return bot.View{ID: fmt.Sprintf("V%d", len(f.views))}, nil
}

func (f *fakeSlack) UpdateView(context.Context, string, string, slack.ModalViewRequest) (bot.View, error) {
	return bot.View{}, nil
}

func (f *fakeSlack) PushView(context.Context, string, slack.ModalViewRequest) (bot.View, error) {
	return bot.View{}, nil
}

func (f *fakeSlack) PublishHome(context.Context, string, slack.HomeTabViewRequest) error { return nil }

func (f *fakeSlack) UserInfo(_ context.Context, id string) (bot.User, error) {
	return bot.User{ID: id, TZ: "UTC"}, nil
}

func (f *fakeSlack) Users(context.Context) ([]bot.User, error) { return nil, nil }

func (f *fakeSlack) UserGroupMembers(_ context.Context, id string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.groups[id], nil
}

func (f *fakeSlack) ChannelMembers(context.Context, string) ([]string, error) { return nil, nil }
