// Package slacksend delivers outbox sends to Slack: posts (channel
// messages and DMs) and in-place updates of a message. It is the bridge
// between the outbox, which knows nothing of Slack, and the bot.Slack port,
// whose client-side rate limits and shared Retry-After waits pace every
// send.
package slacksend

import (
	"context"
	"errors"
	"fmt"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/outbox"
)

// Post is the payload of a chat.postMessage send (a reply in a thread when
// ThreadTS is set).
type Post struct {
	Channel  string       `json:"channel"` // a channel id, or a user id for a DM
	Text     string       `json:"text"`
	Blocks   slack.Blocks `json:"blocks"`
	ThreadTS string       `json:"thread_ts,omitempty"`
}

// Update is the payload of a chat.update send.
type Update struct {
	Channel string       `json:"channel"`
	TS      string       `json:"ts"`
	Text    string       `json:"text"`
	Blocks  slack.Blocks `json:"blocks"`
}

// NewPost returns a send of kind that posts msg to channel (a user id
// makes it a DM).
func NewPost(kind, key, channel string, msg bot.Message) (outbox.Send, error) {
	return outbox.NewSend(kind, key, channel, Post{Channel: channel, Text: msg.Text, Blocks: slack.Blocks{BlockSet: msg.Blocks}, ThreadTS: msg.ThreadTS})
}

// NewUpdate returns a send of kind that replaces the message ts in channel
// with msg.
func NewUpdate(kind, key, channel, ts string, msg bot.Message) (outbox.Send, error) {
	return outbox.NewSend(kind, key, channel, Update{Channel: channel, TS: ts, Text: msg.Text, Blocks: slack.Blocks{BlockSet: msg.Blocks}})
}

// Message returns the message a Post carries.
func (p Post) Message() bot.Message {
	return bot.Message{Text: p.Text, Blocks: p.Blocks.BlockSet, ThreadTS: p.ThreadTS}
}

// Poster posts messages; bot.Slack implements it.
type Poster interface {
	PostMessage(ctx context.Context, channel string, msg bot.Message) (ts string, err error)
}

// Updater updates a message in place; bot.Slack implements it.
type Updater interface {
	UpdateMessage(ctx context.Context, channel, ts string, msg bot.Message) error
}

// Posts returns the deliverer of Post payloads; its ref is the message ts.
// A post that follows another send (outbox.Send.After) without a thread of
// its own goes into the thread of the message that send posted.
func Posts(p Poster) outbox.Deliverer {
	return func(ctx context.Context, s outbox.Send) (string, error) {
		var post Post
		if err := s.Decode(&post); err != nil {
			return "", err
		}
		if post.ThreadTS == "" {
			post.ThreadTS = s.AfterRef
		}
		ts, err := p.PostMessage(ctx, post.Channel, post.Message())
		return ts, Classify(err)
	}
}

// Updates returns the deliverer of Update payloads; its ref is the ts.
func Updates(u Updater) outbox.Deliverer {
	return func(ctx context.Context, s outbox.Send) (string, error) {
		var up Update
		if err := s.Decode(&up); err != nil {
			return "", err
		}
		err := u.UpdateMessage(ctx, up.Channel, up.TS, bot.Message{Text: up.Text, Blocks: up.Blocks.BlockSet})
		return up.TS, Classify(err)
	}
}

// Classify translates a Slack port error into the outbox's terms: Slack's
// rate limits postpone, an "ok": false answer (channel_not_found,
// message_not_found…) fails for good, anything else is retried.
func Classify(err error) error {
	var se slack.SlackErrorResponse
	switch {
	case err == nil:
		return nil
	case errors.Is(err, bot.ErrRateLimited):
		return fmt.Errorf("%w: %w", outbox.ErrRateLimited, err)
	case errors.As(err, &se) && !errors.Is(err, bot.ErrUnavailable):
		return outbox.Permanent(err)
	}
	return err
}
