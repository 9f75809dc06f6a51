package previews

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/handlers/internal/handlertest"
)

// golden compares v, as indented JSON, with testdata/<name>.golden; go
// test -update writes it instead. (The flag is handlertest's.)
var golden = handlertest.Golden

// text flattens a message to its text and its blocks as JSON (with <, >
// and & as they are, to check what Slack would get).
func text(msg bot.Message) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(msg.Blocks)
	return msg.Text + "\n" + b.String()
}

func wantContains(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in:\n%s", w, got)
		}
	}
}

// fakeSlack is the bot.Slack of these tests: it records what is sent.
type fakeSlack struct {
	mu      sync.Mutex
	posts   map[string][]bot.Message // channel or user → messages
	updates []bot.Message
	opened  []slack.ModalViewRequest
	homes   map[string]slack.HomeTabViewRequest
	groups  map[string][]string
}

func newFakeSlack() *fakeSlack {
	return &fakeSlack{posts: map[string][]bot.Message{}, homes: map[string]slack.HomeTabViewRequest{}, groups: map[string][]string{}}
}

func (f *fakeSlack) PostMessage(_ context.Context, channel string, msg bot.Message) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.posts[channel] = append(f.posts[channel], msg)
	return fmt.Sprintf("1700000000.%06d", len(f.posts[channel])), nil
}

func (f *fakeSlack) PostEphemeral(context.Context, string, string, bot.Message) error { return nil }

func (f *fakeSlack) UpdateMessage(_ context.Context, _, _ string, msg bot.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updates = append(f.updates, msg)
	return nil
}

func (f *fakeSlack) Respond(context.Context, string, bot.Message) error { return nil }

func (f *fakeSlack) OpenView(_ context.Context, trigger string, v slack.ModalViewRequest) (bot.View, error) {
	if trigger == "" {
		return bot.View{}, fmt.Errorf("views.open: invalid_trigger_id")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.opened = append(f.opened, v)
	return bot.View{ID: fmt.Sprintf("V%d", len(f.opened))}, nil
}

func (f *fakeSlack) UpdateView(context.Context, string, string, slack.ModalViewRequest) (bot.View, error) {
	return bot.View{}, nil
}

func (f *fakeSlack) PushView(context.Context, string, slack.ModalViewRequest) (bot.View, error) {
	return bot.View{}, nil
}

func (f *fakeSlack) PublishHome(_ context.Context, user string, v slack.HomeTabViewRequest) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.homes[user] = v
	return nil
}

func (f *fakeSlack) UserInfo(_ context.Context, id string) (bot.User, error) {
	return bot.User{ID: id, TZ: "Europe/Berlin"}, nil
}

func (f *fakeSlack) Users(context.Context) ([]bot.User, error) { return nil, nil }

func (f *fakeSlack) UserGroupMembers(_ context.Context, id string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.groups[id], nil
}

func (f *fakeSlack) ChannelMembers(context.Context, string) ([]string, error) { return nil, nil }

func (f *fakeSlack) messages(channel string) []bot.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]bot.Message(nil), f.posts[channel]...)
}
