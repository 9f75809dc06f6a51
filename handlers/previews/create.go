package previews

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/i18n"
	pv "github.com/platformbot/platformbot/previews"
)

// Block ids of the /preview new modal, by the domain's field names (see
// previews.Draft), so that its field errors land next to their inputs.
const newBlock = "preview:f:"

func newBlockID(field string) string { return newBlock + field }

// maxAfterDays is the most days after joining the form lets feedback wait.
const maxAfterDays = int(pv.MaxFeedbackAfter / (24 * time.Hour))

// newCmd opens the form for a new preview (admins only).
func (h *Handler) newCmd(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if req.TriggerID == "" {
		return nil, bot.Refuse(i18n.PreviewsNewFromSlack, i18n.Data{"Command": h.command})
	}
	if _, err := h.slack.OpenView(ctx, req.TriggerID, newModal(req.L(), req.UserID)); err != nil {
		return nil, err
	}
	return nil, nil
}

func textInput(field, label, placeholder, initial string, maxLen int, multiline, optional bool) *slack.InputBlock {
	var ph *slack.TextBlockObject
	if placeholder != "" {
		ph = plain(placeholder)
	}
	el := slack.NewPlainTextInputBlockElement(ph, inputID)
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

// newModal is the /preview new form in the admin's language l; the user
// opening it is the default owner. The default questions are written in
// l too: they become the preview's configured text.
func newModal(l *i18n.Lang, owner string) slack.ModalViewRequest {
	ownerEl := slack.NewOptionsSelectBlockElement(slack.OptTypeUser, plain(l.T(i18n.PreviewsNewOwnerChoose)), inputID)
	ownerEl.InitialUser = owner
	channelEl := slack.NewOptionsSelectBlockElement(slack.OptTypeConversations, plain(l.T(i18n.PreviewsNewChannelChoose)), inputID)
	channelEl.Filter = &slack.SelectBlockElementFilter{Include: []string{"public", "private"}, ExcludeBotUsers: true}
	start, end := slack.NewDatePickerBlockElement(inputID), slack.NewDatePickerBlockElement(inputID)
	blocks := []slack.Block{
		textInput("id", l.T(i18n.PreviewsNewID), "fast-ci", "", 63, false, false),
		textInput("name", l.T(i18n.PreviewsNewName), l.T(i18n.PreviewsNewNameExample), "", pv.MaxName, false, false),
		textInput("description", l.T(i18n.PreviewsNewDescription), "", "", pv.MaxDescription, true, true),
		slack.NewInputBlock(newBlockID("owner"), plain(l.T(i18n.PreviewsNewOwner)), nil, ownerEl),
		slack.NewInputBlock(newBlockID("channel"), plain(l.T(i18n.PreviewsNewChannel)), nil, channelEl),
		numberInput("max", l.T(i18n.PreviewsNewSeats), l.T(i18n.PreviewsNewSeatsHint), "", 0, pv.MaxParticipants),
		slack.NewInputBlock(newBlockID("start"), plain(l.T(i18n.PreviewsNewStart)), nil, start),
		slack.NewInputBlock(newBlockID("end"), plain(l.T(i18n.PreviewsNewEnd)), nil, end),
		numberInput("after_days", l.T(i18n.PreviewsNewAfterDays), l.T(i18n.PreviewsNewAfterDaysHint), "7", 0, maxAfterDays),
		checkbox("at_end", l.T(i18n.PreviewsNewAtEnd), l.T(i18n.PreviewsNewAtEndOption), true),
		textInput("rating", l.T(i18n.PreviewsNewRating), "", l.T(i18n.PreviewsNewRatingDefault), pv.MaxQuestionText, false, true),
		textInput("comment", l.T(i18n.PreviewsNewComment), "", l.T(i18n.PreviewsNewCommentDefault), pv.MaxQuestionText, false, true),
		checkbox("anonymous", l.T(i18n.PreviewsNewAnonymous), l.T(i18n.PreviewsNewAnonymousOption), false),
		numberInput("min_group", l.T(i18n.PreviewsNewMinGroup), l.T(i18n.PreviewsNewMinGroupHint, i18n.Data{"N": pv.DefaultMinGroup}), "", 2, pv.MaxParticipants),
	}
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: viewNew, Title: plain(l.T(i18n.PreviewsNewTitle)),
		Submit: plain(l.T(i18n.PreviewsNewCreate)), Close: plain(l.T(i18n.PreviewsFormCancel)),
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
		return nil, bot.Refuse(i18n.PreviewsNewOutOfDate, i18n.Data{"Command": h.command})
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
		for field, problem := range invalid.Fields {
			fe[newBlockID(field)] = fieldMessage(req.L(), problem)
		}
		return nil, fe
	}
	if err != nil {
		return nil, err
	}
	h.log.Info().Str("preview", p.ID).Str("user", req.UserID).Msg("previews: preview created")
	l := req.L()
	text := l.T(i18n.PreviewsCreated, i18n.Data{"Name": name(p), "Command": h.command, "ID": p.ID, "Channel": "<#" + p.Channel + ">"})
	done := slack.ModalViewRequest{Type: slack.VTModal, Title: plain(l.T(i18n.PreviewsNewTitle)), Close: plain(l.T(i18n.PreviewsNewDone)),
		Blocks: slack.Blocks{BlockSet: []slack.Block{section(text)}}}
	return &bot.Reply{ViewUpdate: &done}, nil
}
