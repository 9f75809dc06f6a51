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
	pv "github.com/platformbot/platformbot/previews"
)

// feedbackMessage is the DM asking for feedback at one point: the first
// rating question as five one-tap buttons.
func feedbackMessage(p pv.Preview, pt pv.Point, a pv.Ask, reminder bool, loc *time.Location) bot.Message {
	q, _ := p.Feedback.FirstRating()
	intro := fmt.Sprintf(":test_tube: You've been in %s for a while — how is it going?", name(p))
	if pt.AtEnd {
		intro = fmt.Sprintf(":test_tube: %s has ended — how was it?", name(p))
	}
	text := "How is " + bot.Escape(p.Name) + " going? One tap to answer."
	if reminder {
		intro = ":wave: A friendly reminder: " + strings.TrimPrefix(intro, ":test_tube: ")
		text = "Reminder: " + text
	}
	var buttons []slack.BlockElement
	for v := 1; v <= 5; v++ {
		value := strings.Join([]string{p.ID, pt.ID(), strconv.Itoa(v)}, sep)
		buttons = append(buttons, slack.NewButtonBlockElement(actRate+strconv.Itoa(v), value, plain(strconv.Itoa(v))))
	}
	blocks := []slack.Block{
		section(intro),
		section("*" + bot.Escape(q.Text) + "*"),
		slack.NewActionBlock("preview:rating", buttons...),
		note("1 = poor · 5 = great. " + privacyNote(p.Feedback) + " Open until " + when(a.ClosesAt, loc) + "."),
	}
	return bot.Message{Text: text, Blocks: blocks}
}

func privacyNote(f pv.Feedback) string {
	if f.Anonymous {
		return fmt.Sprintf(":lock: Anonymous: stored without your name; results only for groups of %d or more.", f.MinGroup())
	}
	return ":bust_in_silhouette: Not anonymous: the platform team sees who answered what."
}

// thanksMessage replaces the feedback DM once answered: the answers, and
// a button for the questions left.
func thanksMessage(rc pv.Receipt) bot.Message {
	p := rc.Preview
	var lines []string
	for _, a := range rc.Answers {
		q, ok := p.Feedback.Question(a.QuestionID)
		if !ok {
			continue
		}
		lines = append(lines, fmt.Sprintf("• %s — *%s*", bot.Escape(bot.Truncate(q.Text, 120)), answerText(q, a)))
	}
	blocks := []slack.Block{section(fmt.Sprintf(":white_check_mark: *Thanks for your feedback on %s!*", bot.Escape(p.Name)))}
	if len(lines) > 0 {
		blocks = append(blocks, section(bot.TruncateMrkdwn(strings.Join(lines, "\n"), 2900)))
	}
	if len(rc.Remaining) > 0 {
		label := "Answer the rest"
		if len(rc.Remaining) == 1 && rc.Remaining[0].Kind == pv.Text {
			label = "Add a comment"
		}
		value := strings.Join([]string{p.ID, rc.Point.ID(), rc.Token}, sep)
		blocks = append(blocks, slack.NewActionBlock("preview:more", slack.NewButtonBlockElement(actForm, value, plain(label)).WithStyle(slack.StylePrimary)))
	}
	return bot.Message{Text: "Thanks for your feedback on " + bot.Escape(p.Name) + "!", Blocks: blocks, ReplaceOriginal: true}
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
	if errors.Is(err, pv.ErrFeedbackClosed) || errors.Is(err, pv.ErrAnswered) {
		return replacement(h.userMessage(err)), true
	}
	return nil, false
}

// rate records a one-tap rating and turns the DM into the thank-you.
func (h *Handler) rate(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	parts := strings.Split(req.Value, sep)
	if len(parts) != 3 {
		return nil, bot.Errorf("That button is out of date.")
	}
	v, err := strconv.Atoi(parts[2])
	if err != nil {
		return nil, bot.Errorf("That button is out of date.")
	}
	p, err := h.Service.Preview(ctx, parts[0])
	if err != nil {
		return nil, err
	}
	q, ok := p.Feedback.FirstRating()
	if !ok {
		return nil, bot.Errorf("That button is out of date.")
	}
	rc, err := h.Service.Answer(ctx, pv.Submission{PreviewID: parts[0], PointID: parts[1], UserID: req.UserID,
		Answers: []pv.Answer{{QuestionID: q.ID, Value: v}}})
	if reply, ok := h.refusal(req, err); ok {
		return reply, nil
	}
	if err != nil {
		return nil, err
	}
	return &bot.Reply{Message: thanksMessage(rc)}, nil
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
		return nil, bot.Errorf("That button is out of date.")
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
	if _, err := h.slack.OpenView(ctx, req.TriggerID, answerForm(rc, meta)); err != nil {
		return nil, err
	}
	return nil, nil
}

func answerBlock(q pv.Question) string { return "preview:q:" + q.ID }

// answerForm is the modal with the questions still open.
func answerForm(rc pv.Receipt, meta formMeta) slack.ModalViewRequest {
	var blocks []slack.Block
	for _, q := range rc.Remaining {
		var el slack.BlockElement
		if q.Kind == pv.Text {
			in := slack.NewPlainTextInputBlockElement(plain("Optional"), inputID)
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
	blocks = append(blocks, note(privacyNote(rc.Preview.Feedback)))
	metaJSON, _ := json.Marshal(meta)
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: viewAnswer, PrivateMetadata: string(metaJSON),
		Title: plain(bot.Truncate(rc.Preview.Name, 24)), Submit: plain("Send"), Close: plain("Cancel"),
		Blocks: slack.Blocks{BlockSet: blocks},
	}
}

// answered stores the form's answers; the modal closes with the ack, and
// the DM is replaced through the outbox.
func (h *Handler) answered(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	var meta formMeta
	if req.View == nil || json.Unmarshal([]byte(req.View.PrivateMetadata), &meta) != nil || meta.Preview == "" {
		return nil, bot.Errorf("This form is out of date; please use the buttons in the feedback message.")
	}
	p, err := h.Service.Preview(ctx, meta.Preview)
	if err != nil {
		return nil, err
	}
	rc, err := h.Service.Answer(ctx, pv.Submission{PreviewID: meta.Preview, PointID: meta.Point, UserID: req.UserID, Token: meta.Token,
		Answers: formAnswers(p.Feedback, req.View)})
	if err != nil {
		return nil, h.formError(p.Feedback, req.View, err)
	}
	if meta.Channel != "" && meta.TS != "" {
		msg := thanksMessage(rc)
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
func (h *Handler) formError(f pv.Feedback, view *slack.View, err error) error {
	var in *pv.InputError
	if errors.As(err, &in) {
		return bot.FieldErrors{answerBlock(pv.Question{ID: in.Question}): in.Msg}
	}
	if domain.ErrorCode(err) == domain.Internal || view.State == nil {
		return err
	}
	for _, q := range f.Questions {
		if _, ok := view.State.Values[answerBlock(q)]; ok {
			return bot.FieldErrors{answerBlock(q): h.userMessage(err)}
		}
	}
	return err
}
