package handlers

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack/slackevents"

	"github.com/platformbot/platformbot/bot"
)

// DirectMessages answers what people type in the bot's Messages tab (the
// message.im event): "help", and the slash commands without their slash
// ("platform mine", "pulse list"), served by the same router. The manifest
// lets people write to the bot, so a typed message must not meet silence.
type DirectMessages struct {
	Router *bot.Router
	Slack  bot.Slack
}

// Register routes message events to d.
func (d *DirectMessages) Register(r *bot.Router) { r.Event("message", d.message) }

func (d *DirectMessages) message(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	ev, ok := req.Event.(*slackevents.MessageEvent)
	// Only what a person typed in a DM with the bot: not the bot's own
	// posts (they come back as events too), not edits or joins.
	if !ok || ev.ChannelType != "im" || ev.BotID != "" || ev.SubType != "" || ev.User == "" {
		return nil, nil
	}
	reply, err := d.answer(ctx, req, ev)
	if err != nil {
		return nil, err
	}
	if reply == nil || (reply.Text == "" && len(reply.Blocks) == 0) {
		return nil, nil
	}
	msg := reply.Message
	msg.ReplaceOriginal, msg.InChannel = false, false
	_, err = d.Slack.PostMessage(ctx, ev.Channel, msg)
	return nil, err
}

// answer serves the typed text as the slash command it names, or explains
// what can be typed.
func (d *DirectMessages) answer(ctx context.Context, req *bot.Request, ev *slackevents.MessageEvent) (*bot.Reply, error) {
	word, rest, _ := strings.Cut(strings.TrimSpace(ev.Text), " ")
	name := "/" + strings.TrimPrefix(strings.ToLower(word), "/")
	for _, c := range d.Router.Commands() {
		if c == name {
			cmd := &bot.Request{Kind: bot.KindCommand, EnvelopeID: req.EnvelopeID, TeamID: req.TeamID,
				UserID: ev.User, ChannelID: ev.Channel, Command: c, Text: strings.TrimSpace(rest)}
			return d.Router.Serve(ctx, cmd)
		}
	}
	help := fmt.Sprintf("Here you can type my commands without the slash, e.g. `%s`. Forms open from the slash commands in any channel.\n\n%s",
		strings.TrimPrefix(firstCommand(d.Router)+" help", "/"), d.Router.Help())
	switch strings.ToLower(strings.Trim(word, "!?.")) {
	case "", "help", "hi", "hello", "hey":
		return bot.Say(help), nil
	}
	return bot.Say(fmt.Sprintf("I don't know “%s”. %s", bot.Escape(bot.Truncate(word, 40)), help)), nil
}

func firstCommand(r *bot.Router) string {
	if cs := r.Commands(); len(cs) > 0 {
		return cs[0]
	}
	return "/platform"
}
