package previews

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/i18n"
	pv "github.com/platformbot/platformbot/previews"
)

// feedbackMessage is the DM asking for feedback at one point, in l: the
// first rating question as five one-tap buttons.
func feedbackMessage(l *i18n.Lang, p pv.Preview, pt pv.Point, a pv.Ask, reminder bool, loc *time.Location) bot.Message {
	q, _ := p.Feedback.FirstRating()
	intro, text := i18n.PreviewsFeedbackIntro, i18n.PreviewsFeedbackText
	switch {
	case reminder && pt.AtEnd:
		intro, text = i18n.PreviewsReminderIntroEnd, i18n.PreviewsReminderText
	case reminder:
		intro, text = i18n.PreviewsReminderIntro, i18n.PreviewsReminderText
	case pt.AtEnd:
		intro = i18n.PreviewsFeedbackIntroEnd
	}
	var buttons []slack.BlockElement
	for v := 1; v <= 5; v++ {
		value := strings.Join([]string{p.ID, pt.ID(), strconv.Itoa(v)}, sep)
		buttons = append(buttons, slack.NewButtonBlockElement(actRate+strconv.Itoa(v), value, plain(strconv.Itoa(v))))
	}
	blocks := []slack.Block{
		section(l.T(intro, i18n.Data{"Name": name(p)})),
		section("*" + bot.Escape(q.Text) + "*"),
		slack.NewActionBlock("preview:rating", buttons...),
		note(l.T(i18n.PreviewsFeedbackScale, i18n.Data{"Privacy": privacyNote(l, p.Feedback), "Closes": l.SlackDate(a.ClosesAt, loc)})),
	}
	return bot.Message{Text: l.T(text, i18n.Data{"Name": bot.Escape(p.Name)}), Blocks: blocks}
}

func privacyNote(l *i18n.Lang, f pv.Feedback) string {
	if f.Anonymous {
		return l.N(i18n.PreviewsPrivacyAnonymous, f.MinGroup())
	}
	return l.T(i18n.PreviewsPrivacyNamed)
}

// thanksMessage replaces the feedback DM once answered: the answers, and
// a button for the questions left.
func thanksMessage(l *i18n.Lang, rc pv.Receipt) bot.Message {
	p := rc.Preview
	var lines []string
	for _, a := range rc.Answers {
		q, ok := p.Feedback.Question(a.QuestionID)
		if !ok {
			continue
		}
		lines = append(lines, fmt.Sprintf("• %s — *%s*", bot.Escape(bot.Truncate(q.Text, 120)), answerText(q, a)))
	}
	blocks := []slack.Block{section(l.T(i18n.PreviewsThanks, i18n.Data{"Name": bot.Escape(p.Name)}))}
	if len(lines) > 0 {
		blocks = append(blocks, section(bot.TruncateMrkdwn(strings.Join(lines, "\n"), 2900)))
	}
	if len(rc.Remaining) > 0 {
		label := l.T(i18n.PreviewsAnswerRest)
		if len(rc.Remaining) == 1 && rc.Remaining[0].Kind == pv.Text {
			label = l.T(i18n.PreviewsAddComment)
		}
		value := strings.Join([]string{p.ID, rc.Point.ID(), rc.Token}, sep)
		blocks = append(blocks, slack.NewActionBlock("preview:more", slack.NewButtonBlockElement(actForm, value, plain(label)).WithStyle(slack.StylePrimary)))
	}
	return bot.Message{Text: l.T(i18n.PreviewsThanksText, i18n.Data{"Name": bot.Escape(p.Name)}), Blocks: blocks, ReplaceOriginal: true}
}

func answerText(q pv.Question, a pv.Answer) string {
	if q.Kind == pv.Text {
		return bot.Escape(bot.Truncate(strings.Join(strings.Fields(a.Text), " "), 200))
	}
	return fmt.Sprintf("%d/5", a.Value)
}

// replacement is a note that replaces a DM whose buttons can no longer be
// used.
func replacement(text string) *bot.Reply {
	return &bot.Reply{Message: bot.Message{Text: text, Blocks: []slack.Block{section(text)}, ReplaceOriginal: true}}
}

// refusal turns what a DM button can meet (closed, answered) into a
// replacement of the DM, so that stale buttons disappear.
func (h *Handler) refusal(req *bot.Request, err error) (*bot.Reply, bool) {
	if req.ResponseURL == "" {
		return nil, false
	}
	switch {
	case errors.Is(err, pv.ErrFeedbackClosed):
		return replacement(req.L().T(i18n.PreviewsClosed)), true
	case errors.Is(err, pv.ErrAnswered):
		return replacement(req.L().T(i18n.PreviewsAlready)), true
	}
	return nil, false
}

// rate records a one-tap rating and turns the DM into the thank-you.
func (h *Handler) rate(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	parts := strings.Split(req.Value, sep)
	if len(parts) != 3 {
		return nil, bot.Refuse(i18n.PreviewsButtonOutOfDate)
	}
	v, err := strconv.Atoi(parts[2])
	if err != nil {
		return nil, bot.Refuse(i18n.PreviewsButtonOutOfDate)
	}
	p, err := h.Service.Preview(ctx, parts[0])
	if err != nil {
		return nil, err
	}
	q, ok := p.Feedback.FirstRating()
	if !ok {
		return nil, bot.Refuse(i18n.PreviewsButtonOutOfDate)
	}
	rc, err := h.Service.Answer(ctx, pv.Submission{PreviewID: parts[0], PointID: parts[1], UserID: req.UserID,
		Answers: []pv.Answer{{QuestionID: q.ID, Value: v}}})
	if reply, ok := h.refusal(req, err); ok {
		return reply, nil
	}
	if err != nil {
		return nil, err
	}
	return &bot.Reply{Message: thanksMessage(req.L(), rc)}, nil
}

// formMeta travels in the form's private_metadata: what it answers and
// which DM to update afterwards.
type formMeta struct {
	Preview string `json:"p"`
	Point   string `json:"pt"`
	Token   string `json:"tok"`
	Channel string `json:"ch,omitempty"`
	TS      string `json:"ts,omitempty"`
}

// openForm opens the form with the questions left, well inside the
// trigger's 3 seconds (one preview, one ask and one response are read).
func (h *Handler) openForm(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	parts := strings.Split(req.Value, sep)
	if len(parts) != 3 {
		return nil, bot.Refuse(i18n.PreviewsButtonOutOfDate)
	}
	rc, err := h.Service.Form(ctx, parts[0], parts[1], req.UserID, parts[2])
	if reply, ok := h.refusal(req, err); ok {
		return reply, nil
	}
	if err != nil {
		return nil, err
	}
	meta := formMeta{Preview: parts[0], Point: parts[1], Token: parts[2]}
	if strings.HasPrefix(req.ChannelID, "D") && req.Interaction != nil {
		meta.Channel, meta.TS = req.ChannelID, req.Interaction.Container.MessageTs
	}
	if _, err := h.slack.OpenView(ctx, req.TriggerID, answerForm(req.L(), rc, meta)); err != nil {
		return nil, err
	}
	return nil, nil
}

func answerBlock(q pv.Question) string { return "preview:q:" + q.ID }

// answerForm is the modal with the questions still open.
func answerForm(l *i18n.Lang, rc pv.Receipt, meta formMeta) slack.ModalViewRequest {
	var blocks []slack.Block
	for _, q := range rc.Remaining {
		var el slack.BlockElement
		if q.Kind == pv.Text {
			in := slack.NewPlainTextInputBlockElement(plain(l.T(i18n.PreviewsFormOptional)), inputID)
			in.Multiline, in.MaxLength = true, pv.MaxTextAnswer
			el = in
		} else {
			var opts []*slack.OptionBlockObject
			for v := 1; v <= 5; v++ {
				opts = append(opts, slack.NewOptionBlockObject(strconv.Itoa(v), plain(strconv.Itoa(v)), nil))
			}
			el = slack.NewRadioButtonsBlockElement(inputID, opts...)
		}
		in := slack.NewInputBlock(answerBlock(q), plain(bot.Truncate(q.Text, 2000)), nil, el)
		in.Optional = true
		blocks = append(blocks, in)
	}
	blocks = append(blocks, note(privacyNote(l, rc.Preview.Feedback)))
	metaJSON, _ := json.Marshal(meta)
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: viewAnswer, PrivateMetadata: string(metaJSON),
		Title: plain(bot.Truncate(rc.Preview.Name, 24)), Submit: plain(l.T(i18n.PreviewsFormSend)), Close: plain(l.T(i18n.PreviewsFormCancel)),
		Blocks: slack.Blocks{BlockSet: blocks},
	}
}

// answered stores the form's answers; the modal closes with the ack, and
// the DM is replaced through the outbox.
func (h *Handler) answered(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	var meta formMeta
	if req.View == nil || json.Unmarshal([]byte(req.View.PrivateMetadata), &meta) != nil || meta.Preview == "" {
		return nil, bot.Refuse(i18n.PreviewsFormOutOfDate)
	}
	p, err := h.Service.Preview(ctx, meta.Preview)
	if err != nil {
		return nil, err
	}
	rc, err := h.Service.Answer(ctx, pv.Submission{PreviewID: meta.Preview, PointID: meta.Point, UserID: req.UserID, Token: meta.Token,
		Answers: formAnswers(p.Feedback, req.View)})
	if err != nil {
		return nil, h.formError(req.L(), p.Feedback, req.View, err)
	}
	if meta.Channel != "" && meta.TS != "" {
		msg := thanksMessage(req.L(), rc)
		msg.ReplaceOriginal = false
		if err := h.queueEdit(ctx, req.View.ID, meta.Channel, meta.TS, msg); err != nil {
			h.log.Warn().Err(err).Str("user", req.UserID).Msg("previews: could not queue the DM update (the answers are saved)")
		}
	}
	return nil, nil
}

// formAnswers reads the answers out of a submitted form.
func formAnswers(f pv.Feedback, view *slack.View) []pv.Answer {
	if view.State == nil {
		return nil
	}
	var out []pv.Answer
	for _, q := range f.Questions {
		st, ok := view.State.Values[answerBlock(q)][inputID]
		if !ok {
			continue
		}
		if q.Kind == pv.Text {
			out = append(out, pv.Answer{QuestionID: q.ID, Text: st.Value})
			continue
		}
		if v, err := strconv.Atoi(st.SelectedOption.Value); err == nil {
			out = append(out, pv.Answer{QuestionID: q.ID, Value: v})
		}
	}
	return out
}

// formError shows refusals next to the questions, keeping the input: a
// bad answer at its question, anything else at the form's first question.
func (h *Handler) formError(l *i18n.Lang, f pv.Feedback, view *slack.View, err error) error {
	var in *pv.InputError
	if errors.As(err, &in) {
		return bot.FieldErrors{answerBlock(pv.Question{ID: in.Question}): fieldMessage(l, in.Problem)}
	}
	if domain.ErrorCode(err) == domain.Internal || view.State == nil {
		return err
	}
	for _, q := range f.Questions {
		if _, ok := view.State.Values[answerBlock(q)]; ok {
			return bot.FieldErrors{answerBlock(q): h.userMessage(l, err)}
		}
	}
	return err
}
