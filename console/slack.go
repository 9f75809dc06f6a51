package console

import (
	"context"
	"fmt"
	"strings"

	"github.com/platformbot/platformbot/bot"
	"github.com/slack-go/slack"
)

// port is the console's bot.Slack: what handlers send is printed, modals
// are queued for the REPL to ask about, and users, groups and channels are
// answered from Options. It is safe for concurrent use, so scheduled jobs
// may post while the REPL waits for input.
type port struct{ c *Console }

var _ bot.Slack = port{}

func (p port) PostMessage(_ context.Context, channel string, msg bot.Message) (string, error) {
	c := p.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if channel == "" {
		return "", fmt.Errorf("console: chat.postMessage: channel_not_found: empty channel")
	}
	s := &surface{channel: channel, ts: c.newTS(), msg: msg}
	c.messages[channel+"/"+s.ts] = s
	c.show("message to "+where(channel), s)
	return s.ts, nil
}

func (p port) PostEphemeral(_ context.Context, channel, user string, msg bot.Message) error {
	c := p.c
	c.mu.Lock()
	defer c.mu.Unlock()
	who := "you"
	if user != c.user {
		who = "@" + user
	}
	s := &surface{channel: channel, ts: c.newTS(), ephemeral: true, msg: msg}
	c.show(fmt.Sprintf("message to %s (only visible to %s)", where(channel), who), s)
	return nil
}

func (p port) UpdateMessage(_ context.Context, channel, ts string, msg bot.Message) error {
	c := p.c
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.messages[channel+"/"+ts]
	if s == nil { // posted before the console started: update it all the same
		s = &surface{channel: channel, ts: ts}
		c.messages[channel+"/"+ts] = s
	}
	s.msg = msg
	c.show("message updated", s)
	return nil
}

func (p port) Respond(_ context.Context, responseURL string, msg bot.Message) error {
	c := p.c
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reply(responseURL, msg)
	return nil
}

// reply shows a message sent to a response_url (or a handler's Reply, which
// the runtime sends there): ReplaceOriginal replaces the message the URL
// belongs to, else it is a new ephemeral or in-channel message. c.mu is held.
func (c *Console) reply(url string, msg bot.Message) {
	t := c.targets[url]
	if msg.ReplaceOriginal && t != nil && t.ts != "" {
		t.msg = msg
		c.show("message updated", t)
		return
	}
	s := &surface{channel: c.channel, ts: c.newTS(), ephemeral: !msg.InChannel, msg: msg}
	if t != nil && t.channel != "" {
		s.channel = t.channel
	}
	head := "reply (only visible to you)"
	if msg.InChannel {
		head = "reply in " + where(s.channel)
		c.messages[s.channel+"/"+s.ts] = s
	}
	c.show(head, s)
}

// useTrigger accepts the trigger of the request being handled, once, as
// Slack does.
func (c *Console) useTrigger(method, trigger string) error {
	if trigger == "" || trigger != c.trigger {
		return fmt.Errorf("console: %s: invalid trigger_id %q (a trigger is valid once, for the request it came with)", method, trigger)
	}
	c.trigger = ""
	return nil
}

func (p port) OpenView(_ context.Context, triggerID string, view slack.ModalViewRequest) (bot.View, error) {
	c := p.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.useTrigger("views.open", triggerID); err != nil {
		return bot.View{}, err
	}
	m := newModal(c.newID("V"), c.newID("hash"), c.opts.TeamID, view)
	c.modals = []*modal{m}
	return bot.View{ID: m.view.ID, Hash: m.view.Hash}, nil
}

func (p port) PushView(_ context.Context, triggerID string, view slack.ModalViewRequest) (bot.View, error) {
	c := p.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.useTrigger("views.push", triggerID); err != nil {
		return bot.View{}, err
	}
	if len(c.modals) >= 3 {
		return bot.View{}, fmt.Errorf("console: views.push: push_limit_reached: 3 views are open")
	}
	m := newModal(c.newID("V"), c.newID("hash"), c.opts.TeamID, view)
	c.modals = append(c.modals, m)
	return bot.View{ID: m.view.ID, Hash: m.view.Hash}, nil
}

func (p port) UpdateView(_ context.Context, viewID, hash string, view slack.ModalViewRequest) (bot.View, error) {
	c := p.c
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.modalByID(viewID)
	if m == nil {
		return bot.View{}, fmt.Errorf("console: views.update: not_found: no open view %q", viewID)
	}
	if hash != "" && hash != m.view.Hash {
		return bot.View{}, fmt.Errorf("console: views.update: hash_conflict: view %s changed since it was read", viewID)
	}
	m.set(viewID, c.newID("hash"), c.opts.TeamID, view)
	m.rev++
	return bot.View{ID: m.view.ID, Hash: m.view.Hash}, nil
}

func (p port) PublishHome(_ context.Context, userID string, view slack.HomeTabViewRequest) error {
	c := p.c
	c.mu.Lock()
	defer c.mu.Unlock()
	v := c.homes[userID]
	if v == nil {
		v = &slack.View{ID: c.newID("V"), TeamID: c.opts.TeamID, Type: slack.VTHomeTab, AppID: "ACONSOLE", BotID: "BCONSOLE"}
		c.homes[userID] = v
	}
	v.Blocks, v.PrivateMetadata, v.CallbackID = view.Blocks, view.PrivateMetadata, view.CallbackID
	v.ExternalID, v.Hash = view.ExternalID, c.newID("hash")
	r := &renderer{c: c, on: &surface{viewID: v.ID}}
	r.blocks(v.Blocks.BlockSet)
	c.write(header("App Home of "+userID) + r.b.String())
	return nil
}

// homeByID returns a published App Home. c.mu is held.
func (c *Console) homeByID(id string) *slack.View {
	for _, v := range c.homes {
		if v.ID == id {
			return v
		}
	}
	return nil
}

func (p port) UserInfo(_ context.Context, userID string) (bot.User, error) {
	c := p.c
	if u, ok := c.opts.Users[userID]; ok {
		if u.ID == "" {
			u.ID = userID
		}
		return u, nil
	}
	tz := c.opts.TZ
	if tz == "" {
		tz = "UTC"
	}
	return bot.User{ID: userID, Name: strings.ToLower(userID), RealName: userID, TZ: tz}, nil
}

// Users lists the people the console was told about; UserInfo answers for
// anyone else.
func (p port) Users(context.Context) ([]bot.User, error) {
	users := make([]bot.User, 0, len(p.c.opts.Users))
	for id, u := range p.c.opts.Users {
		if u.ID == "" {
			u.ID = id
		}
		users = append(users, u)
	}
	return users, nil
}

func (p port) UserGroupMembers(_ context.Context, groupID string) ([]string, error) {
	return append([]string(nil), p.c.opts.UserGroups[groupID]...), nil
}

func (p port) ChannelMembers(_ context.Context, channelID string) ([]string, error) {
	c := p.c
	if m, ok := c.opts.Channels[channelID]; ok {
		return append([]string(nil), m...), nil
	}
	if channelID == c.opts.ChannelID {
		return []string{c.opts.UserID}, nil
	}
	return nil, nil
}
