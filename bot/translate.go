package bot

import (
	"fmt"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// requestFrom flattens a Socket Mode event into a Request. It returns nil
// for envelope types the bot does not handle (they are acked and dropped).
func requestFrom(evt socketmode.Event) (*Request, error) {
	req := &Request{}
	if evt.Request != nil {
		req.EnvelopeID = evt.Request.EnvelopeID
		req.RetryAttempt = evt.Request.RetryAttempt
	}
	switch evt.Type {
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slack.SlashCommand)
		if !ok {
			return nil, fmt.Errorf("bot: slash command payload is %T", evt.Data)
		}
		req.Kind, req.Command, req.Text = KindCommand, cmd.Command, cmd.Text
		req.TeamID, req.UserID, req.ChannelID = cmd.TeamID, cmd.UserID, cmd.ChannelID
		req.TriggerID, req.ResponseURL = cmd.TriggerID, cmd.ResponseURL
		return req, nil
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slack.InteractionCallback)
		if !ok {
			return nil, fmt.Errorf("bot: interaction payload is %T", evt.Data)
		}
		return interactionRequest(req, &cb), nil
	case socketmode.EventTypeEventsAPI:
		ev, ok := evt.Data.(slackevents.EventsAPIEvent)
		if !ok {
			return nil, fmt.Errorf("bot: events API payload is %T", evt.Data)
		}
		req.Kind, req.TeamID = KindEvent, ev.TeamID
		req.EventType, req.Event = ev.InnerEvent.Type, ev.InnerEvent.Data
		if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok {
			req.EventID = cb.EventID
		}
		switch inner := ev.InnerEvent.Data.(type) {
		case *slackevents.AppHomeOpenedEvent:
			req.UserID, req.ChannelID = inner.User, inner.Channel
		case *slackevents.MessageEvent:
			req.UserID, req.ChannelID = inner.User, inner.Channel
		}
		return req, nil
	}
	return nil, nil
}

func interactionRequest(req *Request, cb *slack.InteractionCallback) *Request {
	req.Interaction = cb
	req.TeamID, req.UserID, req.ChannelID = cb.Team.ID, cb.User.ID, cb.Channel.ID
	req.TriggerID, req.ResponseURL = cb.TriggerID, cb.ResponseURL
	if cb.View.ID != "" {
		req.View = &cb.View
		req.CallbackID = cb.View.CallbackID
	}
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		req.Kind = KindAction
		if len(cb.ActionCallback.BlockActions) > 0 {
			a := cb.ActionCallback.BlockActions[0]
			req.Action, req.ActionID = a, a.ActionID
			req.Value = a.Value
			if req.Value == "" {
				req.Value = a.SelectedOption.Value
			}
		}
	case slack.InteractionTypeViewSubmission:
		req.Kind = KindViewSubmission
	case slack.InteractionTypeViewClosed:
		req.Kind = KindViewClosed
	default:
		return nil
	}
	if req.ResponseURL == "" && len(cb.ResponseURLs) > 0 {
		req.ResponseURL = cb.ResponseURLs[0].ResponseURL
	}
	return req
}

// ackPayload returns the ack payload for a reply, or nil for an empty ack.
func ackPayload(req *Request, reply *Reply) any {
	if reply.IsEmpty() {
		return nil
	}
	switch req.Kind {
	case KindCommand:
		if reply.Text == "" && len(reply.Blocks) == 0 {
			return nil
		}
		return messagePayload(reply.Message)
	case KindViewSubmission:
		switch {
		case reply.ViewErrors != nil:
			return slack.NewErrorsViewSubmissionResponse(reply.ViewErrors)
		case reply.ViewUpdate != nil:
			return slack.NewUpdateViewSubmissionResponse(reply.ViewUpdate)
		case reply.ViewPush != nil:
			return slack.NewPushViewSubmissionResponse(reply.ViewPush)
		case reply.ViewClear:
			return slack.NewClearViewSubmissionResponse()
		}
	}
	return nil
}

// messagePayload is the JSON shape of a reply message, used for acks and
// response_url posts alike.
type messageJSON struct {
	Text            string        `json:"text"`
	Blocks          []slack.Block `json:"blocks,omitempty"`
	ResponseType    string        `json:"response_type,omitempty"`
	ReplaceOriginal bool          `json:"replace_original,omitempty"`
}

func messagePayload(m Message) messageJSON {
	p := messageJSON{Text: m.Text, Blocks: m.Blocks, ResponseType: "ephemeral", ReplaceOriginal: m.ReplaceOriginal}
	if m.InChannel {
		p.ResponseType = "in_channel"
	}
	return p
}
