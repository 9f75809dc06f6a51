package pulse

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/i18n"
	"github.com/platformbot/platformbot/surveys"
)

// tap records a one-tap answer to the first question and turns the DM
// into the thank-you (the reply replaces the message through response_url).
func (h *Handler) tap(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	parts := strings.Split(req.Value, ":")
	if len(parts) != 3 {
		return nil, bot.Refuse(i18n.PulseButtonOutOfDate)
	}
	run, err1 := strconv.ParseInt(parts[0], 10, 64)
	value, err2 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil {
		return nil, bot.Refuse(i18n.PulseButtonOutOfDate)
	}
	rc, err := h.Service.Answer(ctx, surveys.Submission{
		RunID: run, UserID: req.UserID, Channel: dmChannel(req),
		Answers: []surveys.Answer{{QuestionID: parts[1], Value: value}},
	})
	if reply, ok := h.answerRefusal(ctx, req, err); ok {
		return reply, nil
	}
	if err != nil {
		return nil, err
	}
	return &bot.Reply{Message: thankYou(rc, h.Location, req.L())}, nil
}

// answerRefusal turns the refusals a DM button can meet into a replacement
// of that DM, so that stale buttons disappear.
func (h *Handler) answerRefusal(ctx context.Context, req *bot.Request, err error) (*bot.Reply, bool) {
	if req.ResponseURL == "" {
		return nil, false // not from a message: the error is shown as it is
	}
	var closed *surveys.ClosedError
	switch {
	case errors.As(err, &closed):
		return &bot.Reply{Message: closedNote(closed, h.location(ctx, req.UserID), req.L())}, true
	case errors.Is(err, surveys.ErrAnswered):
		return &bot.Reply{Message: alreadyNote(req.L())}, true
	}
	return nil, false
}

// dmChannel is the DM channel (D…) a click came from, if it came from one.
func dmChannel(req *bot.Request) string {
	if strings.HasPrefix(req.ChannelID, "D") {
		return req.ChannelID
	}
	return ""
}

// openForm opens the form: "Answer the rest" and "Answer" (value run or
// run:token) or "Change" (run:token, prefilled with every answer). It reads
// one run and at most one response, then opens the modal well inside the
// trigger's 3 seconds.
func (h *Handler) openForm(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	runStr, token, _ := strings.Cut(req.Value, ":")
	run, err := strconv.ParseInt(runStr, 10, 64)
	if err != nil {
		return nil, bot.Refuse(i18n.PulseButtonOutOfDate)
	}
	rc, err := h.Service.Form(ctx, run, req.UserID, token)
	if reply, ok := h.answerRefusal(ctx, req, err); ok {
		return reply, nil
	}
	if err != nil {
		return nil, err
	}
	meta := formMeta{Run: run, Token: token, Change: req.ActionID == actChange || (token != "" && len(rc.Remaining) == 0),
		Channel: dmChannel(req), ResponseURL: req.ResponseURL}
	if req.Interaction != nil {
		meta.TS = req.Interaction.Container.MessageTs
		meta.Home = req.View != nil && req.View.Type == "home"
	}
	if _, err := h.slack.OpenView(ctx, req.TriggerID, answerForm(rc, meta, h.Location, req.L())); err != nil {
		return nil, err
	}
	return nil, nil
}

// submitted stores a form's answers. The modal closes with the ack; the DM
// is then replaced by the thank-you after the ack, so the person never
// waits on Slack for it.
func (h *Handler) submitted(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	var meta formMeta
	if req.View == nil || json.Unmarshal([]byte(req.View.PrivateMetadata), &meta) != nil || meta.Run == 0 {
		return nil, bot.Refuse(i18n.PulseFormOutOfDate)
	}
	run, err := h.Service.Run(ctx, meta.Run)
	if err != nil {
		return nil, err
	}
	rc, err := h.Service.Answer(ctx, surveys.Submission{
		RunID: meta.Run, UserID: req.UserID, Token: meta.Token, Replace: meta.Change, Channel: meta.Channel,
		Answers: formAnswers(run, req.View),
	})
	if err != nil {
		return nil, formError(req, run, err)
	}
	user := req.UserID
	h.after.Go(func(ctx context.Context) { h.updateDM(ctx, user, meta, rc) })
	return nil, nil
}

// formError shows refusals next to the questions, in the submitter's
// language, keeping their input: a bad answer at its question, anything else at the first question
// of the form.
func formError(req *bot.Request, run surveys.Run, err error) error {
	view := req.View
	var in *surveys.InputError
	if errors.As(err, &in) {
		return bot.FieldErrors{blockID(surveys.Question{ID: in.Question}): inputMessage(req.L(), in)}
	}
	if domain.ErrorCode(err) == domain.Internal || view == nil || view.State == nil {
		return err
	}
	for _, q := range run.Questions {
		if _, ok := view.State.Values[blockID(q)]; ok {
			return bot.FieldErrors{blockID(q): userMessage(req, err)}
		}
	}
	return err
}

// updateDM replaces the survey DM with the thank-you: through the
// response_url of the click that opened the form while it is valid (it is
// not rate-limited by method), else chat.update on the stored message.
func (h *Handler) updateDM(ctx context.Context, user string, meta formMeta, rc surveys.Receipt) {
	msg := thankYou(rc, h.Location, h.Languages.User(ctx, user))
	var err error
	switch {
	case meta.ResponseURL != "":
		if err = h.slack.Respond(ctx, meta.ResponseURL, msg); err == nil {
			break
		}
		fallthrough
	default:
		channel, ts := meta.Channel, meta.TS
		if meta.Home || ts == "" {
			channel, ts = rc.Participant.Channel, rc.Participant.TS
		}
		if channel == "" {
			// Slack wants the D… id for chat.update; it is unknown until
			// the person clicks in the DM, so the user id is a best effort.
			channel = user
		}
		if ts != "" {
			msg.ReplaceOriginal = false
			err = h.slack.UpdateMessage(ctx, channel, ts, msg)
		}
	}
	if err != nil {
		h.log.Warn().Err(err).Str("user", user).Int64("run", rc.Run.ID).Msg("pulse: could not update the survey DM (the answers are saved)")
	}
	if meta.Home && h.Refresh != nil {
		if err := h.Refresh(ctx, user); err != nil {
			h.log.Warn().Err(err).Str("user", user).Msg("pulse: could not refresh App Home")
		}
	}
}

// afterAck runs follow-up work once a handler has returned: bounded (a
// full pool runs the work inline rather than queueing without limit),
// with its own deadline and panic recovery.
type afterAck struct {
	log zerolog.Logger
	sem chan struct{}
	wg  sync.WaitGroup
}

func newAfterAck(log zerolog.Logger, n int) *afterAck {
	return &afterAck{log: log, sem: make(chan struct{}, n)}
}

// Go runs fn in the background, or inline when the pool is full.
func (a *afterAck) Go(fn func(ctx context.Context)) {
	run := func() {
		defer func() {
			if v := recover(); v != nil {
				a.log.Error().Interface("panic", v).Msg("pulse: follow-up panicked")
			}
		}()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		fn(ctx)
	}
	select {
	case a.sem <- struct{}{}:
		a.wg.Go(func() {
			defer func() { <-a.sem }()
			run()
		})
	default:
		run()
	}
}

// Wait waits for the follow-ups in flight (tests, shutdown).
func (a *afterAck) Wait() { a.wg.Wait() }

// Wait waits for the DM updates that follow answers (the console, tests).
func (h *Handler) Wait() { h.after.Wait() }
