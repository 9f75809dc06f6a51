package previews

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/i18n"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/outbox/slacksend"
	"github.com/platformbot/platformbot/outbox/webhook"
	pv "github.com/platformbot/platformbot/previews"
)

// Kinds of pending sends the previews enqueue. Keys are the kind followed
// by what makes the send unique, joined by ":" (ids are slugs and Slack
// ids, which hold no ":").
const (
	AnnounceKind         = "preview.announce"          // :preview:day
	PromotedKind         = "preview.promoted"          // :preview:user:generation
	AutomationKind       = "preview.automation"        // :preview:user:action:generation
	AutomationFailedKind = "preview.automation-failed" // :preview:user:action:generation
	FeedbackKind         = "preview.feedback"          // :preview:point:user
	ReminderKind         = "preview.feedback-remind"   // :preview:point:user
	FeedbackEditKind     = "preview.feedback-edit"     // :view id
)

// Automation calls are retried by the outbox this many times, starting
// this long apart (doubling).
const (
	automationAttempts = 6
	automationBackoff  = 15 * time.Second
)

// HookName names a preview's automation for webhook.Client.Hooks.
func HookName(previewID string) string { return "preview:" + previewID }

// Call is the signed JSON body of an automation call. Seq grows with every
// change of the preview's seats: calls about one person may arrive out of
// order after retries, so a receiver applies a call only if its Seq is
// higher than the last one it applied for that preview and user.
type Call struct {
	Preview    string    `json:"preview"`
	User       string    `json:"user"`
	Team       string    `json:"team,omitempty"` // team id from teams:, if any
	Action     pv.Action `json:"action"`         // join | leave
	Seq        int64     `json:"seq"`
	Generation int       `json:"generation"` // the person's joins so far
}

// registerSends registers the outbox kinds with their hooks.
func (h *Handler) registerSends() {
	post := slacksend.Posts(h.slack)
	client := &webhook.Client{HTTP: h.HTTP, Hooks: h.Hooks, Now: h.Now}
	h.Outbox.Handle(AnnounceKind, outbox.Handler{Deliver: post})
	h.Outbox.Handle(PromotedKind, outbox.Handler{Deliver: post, Before: h.beforePromoted})
	h.Outbox.Handle(AutomationKind, outbox.Handler{Deliver: client.Deliver, Sent: h.automationSent, Failed: h.automationFailed,
		MaxAttempts: automationAttempts, Backoff: automationBackoff})
	h.Outbox.Handle(AutomationFailedKind, outbox.Handler{Deliver: post})
	h.Outbox.Handle(FeedbackKind, outbox.Handler{Deliver: post, Before: h.beforeAsk(false), Sent: h.asked})
	h.Outbox.Handle(ReminderKind, outbox.Handler{Deliver: post, Before: h.beforeAsk(true)})
	h.Outbox.Handle(FeedbackEditKind, outbox.Handler{Deliver: slacksend.Updates(h.slack)})
}

// Notifier renders the preview messages and queues them in the outbox.
func (h *Handler) Notifier() pv.Notifier { return notifier{h} }

type notifier struct{ h *Handler }

func key(kind string, parts ...any) string {
	s := make([]string, len(parts)+1)
	s[0] = kind
	for i, p := range parts {
		s[i+1] = fmt.Sprint(p)
	}
	return strings.Join(s, ":")
}

func (n notifier) enqueue(ctx context.Context, sends ...outbox.Send) (int, error) {
	return n.h.Outbox.Enqueue(ctx, sends...)
}

func (n notifier) Announce(ctx context.Context, p pv.Preview, day string) (bool, error) {
	s, err := slacksend.NewPost(AnnounceKind, key(AnnounceKind, p.ID, day), p.Channel, Announcement(n.h.Languages.Channel(p.Channel), p))
	if err != nil {
		return false, err
	}
	fresh, err := n.enqueue(ctx, s)
	return fresh == 1, err
}

func (n notifier) Promoted(ctx context.Context, p pv.Preview, part pv.Participant) error {
	msg := promotedMessage(n.h.Languages.User(ctx, part.UserID), p)
	s, err := slacksend.NewPost(PromotedKind, key(PromotedKind, p.ID, part.UserID, part.Generation), part.UserID, msg)
	if err != nil {
		return err
	}
	s.NotAfter = p.EndAt
	_, err = n.enqueue(ctx, s)
	return err
}

func (n notifier) Automation(ctx context.Context, p pv.Preview, part pv.Participant, a pv.Action) error {
	k := key(AutomationKind, p.ID, part.UserID, a, part.Generation)
	s, err := webhook.NewSend(AutomationKind, k, HookName(p.ID), p.ID+":"+part.UserID, Call{
		Preview: p.ID, User: part.UserID, Team: part.Team, Action: a, Seq: part.Seq, Generation: part.Generation,
	})
	if err != nil {
		return err
	}
	_, err = n.enqueue(ctx, s)
	return err
}

func (n notifier) AskFeedback(ctx context.Context, p pv.Preview, asks []pv.Ask, reminder bool) error {
	kind := FeedbackKind
	if reminder {
		kind = ReminderKind
	}
	langs := n.h.languages(ctx, asks)
	sends := make([]outbox.Send, 0, len(asks))
	for _, a := range asks {
		pt, ok := p.Feedback.Point(a.PointID)
		if !ok {
			continue // the point was removed from the configuration
		}
		s, err := slacksend.NewPost(kind, key(kind, a.PreviewID, a.PointID, a.UserID), a.UserID, feedbackMessage(langs[a.UserID], p, pt, a, reminder, n.h.Location))
		if err != nil {
			return err
		}
		s.NotAfter = a.ClosesAt
		sends = append(sends, s)
	}
	_, err := n.enqueue(ctx, sends...)
	return err
}

// languages reads the language of everyone asked, the stored choices at
// once; without a chooser everyone reads English.
func (h *Handler) languages(ctx context.Context, asks []pv.Ask) map[string]*i18n.Lang {
	out := make(map[string]*i18n.Lang, len(asks))
	users := make([]string, len(asks))
	for i, a := range asks {
		users[i] = a.UserID
	}
	for _, g := range h.Languages.Users(ctx, users) {
		for _, u := range g.Users {
			out[u] = g.Lang
		}
	}
	return out
}

// keyParts splits a send key into its parts after the kind.
func keyParts(k string, n int) ([]string, error) {
	parts := strings.Split(k, ":")
	if len(parts) != n+1 {
		return nil, fmt.Errorf("previews: bad send key %q", k)
	}
	return parts[1:], nil
}

func (h *Handler) beforePromoted(ctx context.Context, s outbox.Send) (bool, string, error) {
	p, err := keyParts(s.Key, 3)
	if err != nil {
		return false, err.Error(), nil
	}
	part, err := h.Service.Participant(ctx, p[0], p[1])
	if errors.Is(err, pv.ErrNotFound) {
		return false, "not a participant", nil
	}
	if err != nil {
		return false, "", err
	}
	if part.State != pv.Active || strconv.Itoa(part.Generation) != p[2] {
		return false, "left meanwhile", nil
	}
	return true, "", nil
}

// automationKey reads preview, user, action and generation from a key.
func automationKey(k string) (string, string, pv.Action, int, error) {
	p, err := keyParts(k, 4)
	if err != nil {
		return "", "", "", 0, err
	}
	gen, err := strconv.Atoi(p[3])
	if err != nil {
		return "", "", "", 0, fmt.Errorf("previews: bad send key %q", k)
	}
	return p[0], p[1], pv.Action(p[2]), gen, nil
}

// automationSent records the receiver's answer: the feature is on (or
// off) for the person, which their App Home then shows.
func (h *Handler) automationSent(ctx context.Context, s outbox.Send, _ string) error {
	id, user, action, gen, err := automationKey(s.Key)
	if err != nil {
		return err
	}
	if err := h.Service.AutomationDone(ctx, id, user, gen, action); err != nil {
		return err
	}
	return h.refresh(ctx, user)
}

// automationFailed records that the outbox gave up, and tells the preview's
// owner once.
func (h *Handler) automationFailed(ctx context.Context, s outbox.Send, reason string) error {
	id, user, action, gen, err := automationKey(s.Key)
	if err != nil {
		return err
	}
	changed, err := h.Service.AutomationFailed(ctx, id, user, gen, action)
	if err != nil || !changed {
		return err
	}
	h.log.Error().Str("preview", id).Str("user", user).Str("action", string(action)).Str("reason", reason).Msg("previews: automation failed for good")
	p, err := h.Service.Preview(ctx, id)
	if err != nil {
		return err
	}
	msg := automationFailedMessage(h.Languages.User(ctx, p.Owner), p, user, action, reason)
	dm, err := slacksend.NewPost(AutomationFailedKind, key(AutomationFailedKind, id, user, action, gen), p.Owner, msg)
	if err != nil {
		return err
	}
	if _, err := h.Outbox.Enqueue(ctx, dm); err != nil {
		return err
	}
	return h.refresh(ctx, user)
}

func (h *Handler) refresh(ctx context.Context, user string) error {
	if h.Refresh == nil {
		return nil
	}
	return h.Refresh(ctx, user)
}

// askKey reads preview, point and user from a feedback send key.
func askKey(k string) (string, string, string, error) {
	p, err := keyParts(k, 3)
	if err != nil {
		return "", "", "", err
	}
	return p[0], p[1], p[2], nil
}

func (h *Handler) beforeAsk(reminder bool) func(ctx context.Context, s outbox.Send) (bool, string, error) {
	return func(ctx context.Context, s outbox.Send) (bool, string, error) {
		id, point, user, err := askKey(s.Key)
		if err != nil {
			return false, err.Error(), nil
		}
		ok, reason, err := h.Service.ShouldAsk(ctx, id, point, user, reminder)
		return ok, reason, slacksend.Classify(err)
	}
}

// asked records that a feedback DM went out, so that its reminder may.
func (h *Handler) asked(ctx context.Context, s outbox.Send, _ string) error {
	id, point, user, err := askKey(s.Key)
	if err != nil {
		return err
	}
	return h.Service.Delivered(ctx, id, point, user)
}

// queueEdit replaces a feedback DM through the outbox (chat.update).
func (h *Handler) queueEdit(ctx context.Context, viewID, channel, ts string, msg bot.Message) error {
	s, err := slacksend.NewUpdate(FeedbackEditKind, key(FeedbackEditKind, viewID), channel, ts, msg)
	if err != nil {
		return err
	}
	_, err = h.Outbox.Enqueue(ctx, s)
	return err
}
