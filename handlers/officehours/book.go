package officehours

import (
	"context"
	"errors"
	"strings"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/i18n"
	oh "github.com/platformbot/platformbot/officehours"
)

// book opens the booking form with every free slot to pick from.
func (h *Handler) book(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	return nil, h.openForm(ctx, req, "")
}

// bookClicked opens the booking form with the clicked slot preselected.
func (h *Handler) bookClicked(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	return nil, h.openForm(ctx, req, req.Value)
}

// openForm opens the booking modal. The trigger id lives 3 s, so the form
// costs one indexed query and cached users.info lookups before views.open.
func (h *Handler) openForm(ctx context.Context, req *bot.Request, selected string) error {
	form, err := h.form(ctx, req, selected, "", "")
	if err != nil {
		return err
	}
	if selected != "" && form.Selected == "" {
		form.Note = h.userMessage(req, oh.ErrSlotTaken) + " " + req.L().T(i18n.OfficeHoursFormPickAnother)
	}
	_, err = h.slack.OpenView(ctx, req.TriggerID, form.view())
	return err
}

// form builds the booking form for req's user, in their language, with
// the current free slots. A selected slot that is no longer free is
// dropped.
func (h *Handler) form(ctx context.Context, req *bot.Request, selected, topic, note string) (bookForm, error) {
	user := req.UserID
	slots, err := h.Service.FreeSlots(ctx, modalSlots)
	if err != nil {
		return bookForm{}, err
	}
	f := bookForm{
		Slots: slots, Names: map[string]string{}, Topic: topic, Note: note,
		TopicRequired: h.Service.Rules.TopicRequired, Loc: h.people.location(ctx, user), L: req.L(),
	}
	for _, s := range slots {
		if _, ok := f.Names[s.Host]; !ok {
			f.Names[s.Host] = h.people.name(ctx, s.Host)
		}
		if s.Key() == selected {
			f.Selected = selected
		}
	}
	return f, nil
}

// bookSubmitted books the picked slot. Rule violations show inline next to
// the field; a slot someone else took meanwhile refreshes the form with the
// next free slots, keeping the topic the user typed.
func (h *Handler) bookSubmitted(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	key, topic := formValues(req)
	host, start, err := oh.ParseSlotKey(key)
	if err != nil {
		return nil, bot.FieldErrors{"slot": req.L().T(i18n.OfficeHoursFormPickSlot)}
	}
	b, err := h.Service.Book(ctx, oh.BookRequest{User: req.UserID, Host: host, Start: start, Topic: topic})
	_, isDomain := domain.As(err)
	switch {
	case errors.Is(err, oh.ErrSlotTaken):
		form, ferr := h.form(ctx, req, "", topic, h.userMessage(req, err)+" "+req.L().T(i18n.OfficeHoursFormNextFree))
		if ferr != nil {
			return nil, ferr
		}
		v := form.view()
		return &bot.Reply{ViewUpdate: &v}, nil
	case errors.Is(err, oh.ErrTopicRequired), errors.Is(err, oh.ErrTopicTooLong):
		return nil, bot.FieldErrors{"topic": h.fieldMessage(req, err)}
	case isDomain:
		return nil, bot.FieldErrors{"slot": h.fieldMessage(req, err)}
	case err != nil:
		return nil, err
	}
	h.refresh(ctx, req.UserID)
	return &bot.Reply{ViewUpdate: bookedView(req.L(), b, h.people.location(ctx, req.UserID), h.Service.Rules.ReminderBefore)}, nil
}

// formValues reads the slot key and topic from a submitted booking form.
func formValues(req *bot.Request) (key, topic string) {
	if req.View == nil || req.View.State == nil {
		return "", ""
	}
	v := req.View.State.Values
	if a, ok := v["slot"]["slot"]; ok {
		key = a.SelectedOption.Value
	}
	if a, ok := v["topic"]["topic"]; ok {
		topic = strings.TrimSpace(a.Value)
	}
	return key, topic
}
