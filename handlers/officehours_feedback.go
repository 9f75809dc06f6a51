package handlers

import (
	"context"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/i18n"
)

// rateClicked stores a 1–5 answer from the feedback DM and replaces the
// question with a thank-you that keeps the comment button.
func (h *OfficeHours) rateClicked(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	score, err := strconv.Atoi(strings.TrimPrefix(req.ActionID, ohActRate))
	if err != nil {
		return nil, bot.Errorf("Please rate from 1 to 5.")
	}
	id, err := ohParseID(req.Value)
	if err != nil {
		return nil, err
	}
	b, err := h.Service.RecordFeedback(ctx, id, req.UserID, score)
	if err != nil {
		return nil, err
	}
	l := req.L()
	text := l.T(i18n.OfficeHoursFeedbackThanks, i18n.Data{"Host": "<@" + b.Slot.Host + ">", "Score": score})
	blocks := ohFeedbackBlocks(text, b.ID, l)
	return &bot.Reply{Message: bot.Message{Text: text, Blocks: blocks, ReplaceOriginal: true}}, nil
}

// commentClicked opens the optional comment form.
func (h *OfficeHours) commentClicked(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	id, err := ohParseID(req.Value)
	if err != nil {
		return nil, err
	}
	b, err := h.Service.Booking(ctx, id, req.UserID)
	if err != nil {
		return nil, err
	}
	_, err = h.slack.OpenView(ctx, req.TriggerID, ohCommentView(b.ID, b.FeedbackComment))
	return nil, err
}

// commentSubmitted stores the comment and closes the form.
func (h *OfficeHours) commentSubmitted(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	id, err := ohParseID(req.View.PrivateMetadata)
	if err != nil {
		return nil, err
	}
	comment := req.View.State.Values["comment"]["comment"].Value
	if _, err := h.Service.RecordComment(ctx, id, req.UserID, comment); err != nil {
		return nil, bot.FieldErrors{"comment": h.fieldMessage(err)}
	}
	return &bot.Reply{ViewUpdate: &slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: ohViewComment, Title: ohPlain("Office-hours feedback"), Close: ohPlain("Done"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{ohSection(":pray: Thanks, the platform team will read it.")}},
	}}, nil
}
