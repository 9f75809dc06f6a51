package bot

import (
	"context"
	"time"

	"github.com/slack-go/slack"
)

// Slack is the narrow port through which handlers and scheduled jobs talk to
// Slack. The Socket Mode runtime implements it with slack-go (see API), the
// console implements it by printing, and tests use the in-repo fake Slack.
//
// A user id is a valid channel for PostMessage: Slack then posts into the
// app's DM with that user, so no conversations.open is needed.
type Slack interface {
	PostMessage(ctx context.Context, channel string, msg Message) (ts string, err error)
	PostEphemeral(ctx context.Context, channel, user string, msg Message) error
	UpdateMessage(ctx context.Context, channel, ts string, msg Message) error
	// Respond posts to an interaction's response_url (5 uses in 30 minutes).
	Respond(ctx context.Context, responseURL string, msg Message) error
	OpenView(ctx context.Context, triggerID string, view slack.ModalViewRequest) (View, error)
	UpdateView(ctx context.Context, viewID, hash string, view slack.ModalViewRequest) (View, error)
	PushView(ctx context.Context, triggerID string, view slack.ModalViewRequest) (View, error)
	PublishHome(ctx context.Context, userID string, view slack.HomeTabViewRequest) error
	UserInfo(ctx context.Context, userID string) (User, error)
	// Users lists the whole workspace: for decisions about many people at
	// once, where UserInfo would cost a call per person.
	Users(ctx context.Context) ([]User, error)
	UserGroupMembers(ctx context.Context, groupID string) ([]string, error)
	ChannelMembers(ctx context.Context, channelID string) ([]string, error)
}

// Message is what the bot says: plain text (also the notification fallback)
// and optional Block Kit blocks.
type Message struct {
	Text   string
	Blocks []slack.Block
	// InChannel makes a slash-command reply visible to the channel; replies
	// are ephemeral by default.
	InChannel bool
	// ReplaceOriginal replaces the message a button was clicked in.
	ReplaceOriginal bool
	// ThreadTS posts the message as a reply in the thread of that message.
	ThreadTS string `json:",omitempty"`
}

// Text returns a plain-text message.
func Text(text string) Message { return Message{Text: text} }

// View identifies an opened modal; Hash guards against concurrent updates.
type View struct {
	ID   string
	Hash string
}

// User is the part of users.info (and users.list) the bot needs.
type User struct {
	ID       string
	Name     string
	RealName string
	TZ       string // IANA zone, e.g. "Europe/Berlin"
	TZOffset int    // seconds east of UTC, used when TZ is unknown here
	Locale   string // e.g. "en-US" (asked for with include_locale)
	IsBot    bool
	Deleted  bool
	IsAdmin  bool // workspace admin (not the bot's admin list)
}

// Location returns the user's time zone, falling back to a fixed offset and
// then to UTC so that rendering never fails on an odd profile.
func (u User) Location() *time.Location { return u.Person().Location() }
