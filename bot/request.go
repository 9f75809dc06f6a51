package bot

import (
	"context"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/i18n"
)

// Kind says what a Request carries.
type Kind string

const (
	KindCommand        Kind = "slash_command"
	KindAction         Kind = "block_action"
	KindViewSubmission Kind = "view_submission"
	KindViewClosed     Kind = "view_closed"
	KindEvent          Kind = "event"
)

// Request is one thing Slack (or the console) asks the bot to handle,
// flattened from the Socket Mode envelope so that handlers read fields, not
// payload shapes.
type Request struct {
	Kind       Kind
	EnvelopeID string
	TeamID     string
	UserID     string
	ChannelID  string

	// Slash commands.
	Command    string   // e.g. "/platform"
	Text       string   // everything after the command
	Subcommand string   // the matched subcommand's name in the table (for logs: no user text)
	Args       []string // the words after the subcommand, set by the command table

	TriggerID   string // valid once, for 3 s: open modals before slow work
	ResponseURL string

	// Block actions.
	ActionID string
	Value    string // button value or the selected option's value
	Action   *slack.BlockAction

	// Views (submission, closed) and the interaction a block action came in.
	CallbackID  string
	View        *slack.View
	Interaction *slack.InteractionCallback

	// Events API.
	EventType    string
	EventID      string
	Event        any // the inner event, e.g. *slackevents.AppHomeOpenedEvent
	RetryAttempt int

	// Lang is the language of the person asking, set by the Language
	// middleware; L returns English when it is not set.
	Lang *i18n.Lang
}

// L returns the language to answer in: the asker's, else English.
func (r *Request) L() *i18n.Lang {
	if r != nil && r.Lang != nil {
		return r.Lang
	}
	return i18n.Fallback()
}

// Route names what the request is routed by, for logs and metrics.
func (r *Request) Route() string {
	switch r.Kind {
	case KindCommand:
		if r.Subcommand != "" {
			return r.Command + " " + r.Subcommand
		}
		return r.Command
	case KindAction:
		return r.ActionID
	case KindViewSubmission, KindViewClosed:
		return r.CallbackID
	case KindEvent:
		return r.EventType
	}
	return ""
}

// Reply is a handler's answer. For slash commands it is sent in the ack when
// it is ready in time and small enough, else through response_url. For block
// actions it goes through response_url. For view submissions the View fields
// become the ack's response_action.
type Reply struct {
	Message

	// View submissions only.
	ViewErrors map[string]string       // block id → message, shown inline
	ViewUpdate *slack.ModalViewRequest // replace the modal
	ViewPush   *slack.ModalViewRequest // push a new modal
	ViewClear  bool                    // close all modals

	// After runs once the reply has been acked and sent: slow follow-up
	// work (DMs to other people, webhook calls) that must not delay the
	// ack. It gets a fresh deadline; its error is logged.
	After func(ctx context.Context) error
}

// Say returns an ephemeral text reply.
func Say(text string) *Reply { return &Reply{Message: Message{Text: text}} }

// SayBlocks returns an ephemeral reply with blocks; text is the fallback.
func SayBlocks(text string, blocks ...slack.Block) *Reply {
	return &Reply{Message: Message{Text: text, Blocks: blocks}}
}

// IsEmpty reports whether the reply carries nothing to send.
func (r *Reply) IsEmpty() bool {
	return r == nil || (r.Text == "" && len(r.Blocks) == 0 && r.ViewErrors == nil &&
		r.ViewUpdate == nil && r.ViewPush == nil && !r.ViewClear)
}
