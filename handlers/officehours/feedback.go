package officehours

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
func (h *Handler) rateClicked(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	score, err := strconv.Atoi(strings.TrimPrefix(req.ActionID, actRate))
	if err != nil {
		return nil, bot.Refuse(i18n.OfficeHoursErrBadScore)
	}
	id, err := h.parseID(req.Value)
	if err != nil {
		return nil, err
	}
	b, err := h.Service.RecordFeedback(ctx, id, req.UserID, score)
	if err != nil {
		return nil, err
	}
	l := req.L()
	text := l.T(i18n.OfficeHoursFeedbackThanks, i18n.Data{"Host": "<@" + b.Slot.Host + ">", "Score": score})
	blocks := feedbackBlocks(text, b.ID, l)
	return &bot.Reply{Message: bot.Message{Text: text, Blocks: blocks, ReplaceOriginal: true}}, nil
}

// commentClicked opens the optional comment form.
func (h *Handler) commentClicked(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	id, err := h.parseID(req.Value)
	if err != nil {
		return nil, err
	}
	b, err := h.Service.Booking(ctx, id, req.UserID)
	if err != nil {
		return nil, err
	}
	_, err = h.slack.OpenView(ctx, req.TriggerID, commentView(req.L(), b.ID, b.FeedbackComment))
	return nil, err
}

// commentSubmitted stores the comment and closes the form.
func (h *Handler) commentSubmitted(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	id, err := h.parseID(req.View.PrivateMetadata)
	if err != nil {
		return nil, err
	}
	comment := req.View.State.Values["comment"]["comment"].Value
	if _, err := h.Service.RecordComment(ctx, id, req.UserID, comment); err != nil {
		return nil, bot.FieldErrors{"comment": h.fieldMessage(req, err)}
	}
	l := req.L()
	return &bot.Reply{ViewUpdate: &slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: ViewComment, Title: plain(l.T(i18n.OfficeHoursCommentTitle)), Close: plain(l.T(i18n.OfficeHoursCommentDone)),
		Blocks: slack.Blocks{BlockSet: []slack.Block{section(l.T(i18n.OfficeHoursCommentThanks))}},
	}}, nil
}
