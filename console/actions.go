package console

import (
	"context"
	"fmt"
	"strings"

	"github.com/platformbot/platformbot/bot"
	"github.com/slack-go/slack"
)

// click operates element n: asks for a value or a confirmation where the
// element needs one, then sends the block action.
func (c *Console) click(ctx context.Context, n int) error {
	c.mu.Lock()
	cl := c.clicks[n]
	c.mu.Unlock()
	if cl == nil {
		c.printf("there is no [%d]: numbers refer to the latest output\n", n)
		return nil
	}
	f := cl.field
	if cf := f.confirm; cf != nil {
		yes, no := txt(cf.Confirm), txt(cf.Deny)
		if yes == "" {
			yes = "Yes"
		}
		if no == "" {
			no = "Cancel"
		}
		c.printf("%s\n%s\n", txt(cf.Title), txt(cf.Text))
		line, err := c.ask(ctx, fmt.Sprintf("  (y: %s · n: %s) » ", yes, no))
		if err != nil {
			return err
		}
		if !strings.EqualFold(line, "y") && !strings.EqualFold(line, "yes") {
			return nil
		}
	}
	var a slack.BlockAction
	switch f.kind() {
	case kindButton:
		a.Value, a.Text = f.value, slack.TextBlockObject{Type: slack.PlainTextType, Text: f.label}
	case kindOptions:
		if f.multi {
			a.SelectedOptions = []slack.OptionBlockObject{*cl.option}
		} else {
			a.SelectedOption = *cl.option
		}
	case kindAsk:
		how := f.how()
		if how == "" {
			how = "text"
		}
		for {
			line, err := c.ask(ctx, "  ("+how+") » ")
			if err != nil || line == "" {
				return err
			}
			var msg string
			if a, msg = f.parse(line); msg == "" {
				break
			}
			c.printf("  %s\n", msg)
		}
	}
	a.ActionID, a.BlockID, a.Type = f.actionID, cl.blockID, slack.ActionType(f.typ)
	return c.act(ctx, cl.on, a)
}

// act sends a block action from a message or a view with its context.
func (c *Console) act(ctx context.Context, on *surface, a slack.BlockAction) error {
	c.mu.Lock()
	a.ActionTs = c.newTS()
	req := c.request(bot.KindAction)
	req.ActionID, req.Action, req.Value = a.ActionID, &a, a.Value
	if req.Value == "" {
		req.Value = a.SelectedOption.Value
	}
	if req.Value == "" && len(a.SelectedOptions) > 0 {
		req.Value = a.SelectedOptions[0].Value
	}
	ic := c.interaction(slack.InteractionTypeBlockActions, req.TriggerID)
	ic.ActionCallback.BlockActions = []*slack.BlockAction{&a}
	ic.ActionID, ic.BlockID, ic.ActionTs = a.ActionID, a.BlockID, a.ActionTs
	if on.viewID != "" {
		var view slack.View
		if m := c.modalByID(on.viewID); m != nil {
			view = m.snapshot()
		} else if h := c.homeByID(on.viewID); h != nil {
			view = *h
			view.State = &slack.ViewState{Values: map[string]map[string]slack.BlockAction{}}
		} else {
			c.write("that view is closed\n")
			c.mu.Unlock()
			return nil
		}
		req.ChannelID, req.View = "", &view
		ic.View, ic.Container = view, slack.Container{Type: "view", ViewID: view.ID}
		ic.BlockActionState = &slack.BlockActionStates{Values: view.State.Values}
	} else {
		req.ChannelID, req.ResponseURL = on.channel, c.newURL(on)
		ic.ResponseURL, ic.Channel.ID, ic.Message, ic.MessageTs = req.ResponseURL, on.channel, on.slackMessage(), on.ts
		ic.Container = slack.Container{Type: "message", MessageTs: on.ts, ChannelID: on.channel, IsEphemeral: on.ephemeral}
	}
	req.Interaction = ic
	c.mu.Unlock()
	c.answer(req.ResponseURL, c.dispatch(ctx, req))
	return nil
}
