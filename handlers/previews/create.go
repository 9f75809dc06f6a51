package previews

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	pv "github.com/platformbot/platformbot/previews"
)

// Block ids of the /preview new modal, by the domain's field names (see
// previews.Draft), so that its field errors land next to their inputs.
const newBlock = "preview:f:"

func newBlockID(field string) string { return newBlock + field }

// newCmd opens the form for a new preview (admins only).
func (h *Handler) newCmd(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if req.TriggerID == "" {
		return nil, bot.Errorf("Use `%s new` from Slack: it opens a form.", h.command)
	}
	if _, err := h.slack.OpenView(ctx, req.TriggerID, newModal(req.UserID)); err != nil {
		return nil, err
	}
	return nil, nil
}

func textInput(field, label, placeholder, initial string, maxLen int, multiline, optional bool) *slack.InputBlock {
	el := slack.NewPlainTextInputBlockElement(plain(placeholder), inputID)
	el.MaxLength, el.Multiline, el.InitialValue = maxLen, multiline, initial
	in := slack.NewInputBlock(newBlockID(field), plain(label), nil, el)
	in.Optional = optional
	return in
}

func numberInput(field, label, hint, initial string, lo, hi int) *slack.InputBlock {
	el := slack.NewNumberInputBlockElement(nil, inputID, false)
	el.MinValue, el.MaxValue, el.InitialValue = strconv.Itoa(lo), strconv.Itoa(hi), initial
	in := slack.NewInputBlock(newBlockID(field), plain(label), plain(hint), el)
	in.Optional = true
	return in
}

func checkbox(field, label, option string, checked bool) *slack.InputBlock {
	opt := slack.NewOptionBlockObject("yes", plain(option), nil)
	el := slack.NewCheckboxGroupsBlockElement(inputID, opt)
	if checked {
		el.InitialOptions = []*slack.OptionBlockObject{opt}
	}
	in := slack.NewInputBlock(newBlockID(field), plain(label), nil, el)
	in.Optional = true
	return in
}

// newModal is the /preview new form; the user opening it is the default
// owner.
func newModal(owner string) slack.ModalViewRequest {
	ownerEl := slack.NewOptionsSelectBlockElement(slack.OptTypeUser, plain("Choose a person"), inputID)
	ownerEl.InitialUser = owner
	channelEl := slack.NewOptionsSelectBlockElement(slack.OptTypeConversations, plain("Choose a channel"), inputID)
	channelEl.Filter = &slack.SelectBlockElementFilter{Include: []string{"public", "private"}, ExcludeBotUsers: true}
	start, end := slack.NewDatePickerBlockElement(inputID), slack.NewDatePickerBlockElement(inputID)
	blocks := []slack.Block{
		textInput("id", "Id", "fast-ci", "", 63, false, false),
		textInput("name", "Name", "Fast CI runners", "", pv.MaxName, false, false),
		textInput("description", "What is it, and what should people try?", "", "", pv.MaxDescription, true, true),
		slack.NewInputBlock(newBlockID("owner"), plain("Owner"), nil, ownerEl),
		slack.NewInputBlock(newBlockID("channel"), plain("Announce it in"), nil, channelEl),
		numberInput("max", "Seats", "Empty: no cap. With a cap, more joiners wait on a waitlist.", "", 0, pv.MaxParticipants),
		slack.NewInputBlock(newBlockID("start"), plain("First day"), nil, start),
		slack.NewInputBlock(newBlockID("end"), plain("Last day"), nil, end),
		numberInput("after_days", "Ask for feedback after (days)", "Days after someone joins; empty: not then.", "7", 0, 365),
		checkbox("at_end", "Feedback at the end", "Ask when the preview ends", true),
		textInput("rating", "Rating question (1–5)", "", "How would you rate it so far?", pv.MaxQuestionText, false, true),
		textInput("comment", "Free-text question", "", "What should we improve?", pv.MaxQuestionText, false, true),
		checkbox("anonymous", "Anonymity", "Store answers without names (results need a minimum group)", false),
		numberInput("min_group", "Minimum group for anonymous results", "Default 5.", "", 2, pv.MaxParticipants),
	}
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: viewNew, Title: plain("New preview"), Submit: plain("Create"), Close: plain("Cancel"),
		Blocks: slack.Blocks{BlockSet: blocks},
	}
}

// draftOf reads the modal's state into a draft.
func draftOf(view *slack.View) pv.Draft {
	get := func(field string) slack.BlockAction {
		if view.State == nil {
			return slack.BlockAction{}
		}
		return view.State.Values[newBlockID(field)][inputID]
	}
	checked := func(field string) bool { return len(get(field).SelectedOptions) > 0 }
	ch := get("channel")
	return pv.Draft{
		ID: get("id").Value, Name: get("name").Value, Description: get("description").Value,
		Owner: get("owner").SelectedUser, Channel: ch.SelectedConversation + ch.SelectedChannel,
		MaxParticipants: get("max").Value, Start: get("start").SelectedDate, End: get("end").SelectedDate,
		AfterDays: get("after_days").Value, AtEnd: checked("at_end"), Anonymous: checked("anonymous"),
		MinGroupSize: get("min_group").Value, RatingQuestion: get("rating").Value, TextQuestion: get("comment").Value,
	}
}

// created stores the new preview, or shows every problem next to its
// field; on success the modal says what to do next.
func (h *Handler) created(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if req.View == nil {
		return nil, bot.Errorf("This form is out of date; use `%s new` again.", h.command)
	}
	if ok, err := h.Admins.IsAdmin(ctx, req.UserID); err != nil || !ok {
		if err == nil {
			err = bot.ErrForbidden
		}
		return nil, err
	}
	p, err := h.Service.Create(ctx, draftOf(req.View), req.UserID)
	var invalid *pv.InvalidError
	if errors.As(err, &invalid) {
		fe := bot.FieldErrors{}
		for field, msg := range invalid.Fields {
			fe[newBlockID(field)] = msg
		}
		return nil, fe
	}
	if err != nil {
		return nil, err
	}
	h.log.Info().Str("preview", p.ID).Str("user", req.UserID).Msg("previews: preview created")
	text := fmt.Sprintf(":white_check_mark: %s is created. `%s announce %s` posts its announcement to <#%s>.", name(p), h.command, p.ID, p.Channel)
	done := slack.ModalViewRequest{Type: slack.VTModal, Title: plain("New preview"), Close: plain("Done"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{section(text)}}}
	return &bot.Reply{ViewUpdate: &done}, nil
}
