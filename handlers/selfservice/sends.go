package selfservice

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/outbox/slacksend"
	"github.com/platformbot/platformbot/outbox/webhook"
	ss "github.com/platformbot/platformbot/selfservice"
)

// Kinds of pending sends that self-service requests make.
const (
	TriageKind     = "selfservice.triage"        // the triage message
	UpdateKind     = "selfservice.triage-update" // chat.update of it, rendered when sent
	DMKind         = "selfservice.dm"            // the requester's DM about a transition
	AlertKind      = "selfservice.alert"         // a new triage-channel message: failed, overdue
	AutomationKind = "selfservice.automation"    // the signed automation webhook call
)

var _ ss.Notifier = (*Handler)(nil)

// registerSends tells the outbox how the self-service sends are delivered.
func (h *Handler) registerSends() {
	post := slacksend.Posts(h.Slack)
	h.Outbox.Handle(TriageKind, outbox.Handler{Deliver: post, Sent: h.triagePosted, InOrder: true})
	h.Outbox.Handle(UpdateKind, outbox.Handler{Deliver: h.updateTriage, InOrder: true})
	h.Outbox.Handle(DMKind, outbox.Handler{Deliver: post, InOrder: true})
	h.Outbox.Handle(AlertKind, outbox.Handler{Deliver: post, InOrder: true})
	h.Outbox.Handle(AutomationKind, outbox.Handler{Deliver: h.callAutomation, Before: h.beforeAutomation,
		Failed: h.automationFailed, Limits: h.Webhooks.Limits})
}

func (h *Handler) enqueue(ctx context.Context, s outbox.Send, err error) error {
	if err != nil {
		return err
	}
	_, err = h.Outbox.Enqueue(ctx, s)
	return err
}

// PostTriage queues the request's triage message; its ts is recorded once
// it is posted, for the updates.
func (h *Handler) PostTriage(ctx context.Context, r *ss.Request) error {
	msg, err := h.triageMessage(ctx, r)
	if err != nil {
		return err
	}
	s, err := slacksend.NewPost(TriageKind, sendKey(TriageKind, r.ID), h.TriageChannel, msg)
	return h.enqueue(ctx, s, err)
}

func (h *Handler) triagePosted(ctx context.Context, s outbox.Send, ts string) error {
	id, err := sendKeyID(s.Key)
	if err != nil {
		return err
	}
	return h.Svc.Store.SetTriageMessage(ctx, id, s.To, ts)
}

// update is the payload of a triage update: which request to render
// when the update is sent, so that late updates show the latest state.
type update struct {
	Request int64 `json:"request"`
}

// UpdateTriage queues a re-render of the request's triage message; once
// decided, the buttons disappear and the decision (who, when) shows.
func (h *Handler) UpdateTriage(ctx context.Context, r *ss.Request, ev ss.Event) error {
	key := fmt.Sprintf("%s:%d:%d", UpdateKind, r.ID, ev.ID)
	s, err := outbox.NewSend(UpdateKind, key, h.TriageChannel, update{Request: r.ID})
	return h.enqueue(ctx, s, err)
}

// triageTSWait bounds how long an update waits for the ts of a triage
// message that was just posted (recorded by the post's Sent hook) before
// it is retried later.
const triageTSWait = 2 * time.Second

// updateTriage delivers a triage update: the request as it is now.
func (h *Handler) updateTriage(ctx context.Context, s outbox.Send) (string, error) {
	var u update
	if err := s.Decode(&u); err != nil {
		return "", err
	}
	r, err := h.Svc.Store.Request(ctx, u.Request)
	for deadline := time.Now().Add(triageTSWait); err == nil && r.TriageTS == "" && time.Now().Before(deadline); {
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		r, err = h.Svc.Store.Request(ctx, u.Request)
	}
	switch {
	case errors.Is(err, ss.ErrNotFound):
		return "", outbox.Permanent(err)
	case err != nil:
		return "", err
	case r.TriageTS == "":
		return "", fmt.Errorf("%s: its triage message is not posted yet", r.Ref())
	}
	msg, err := h.triageMessage(ctx, r)
	if err != nil {
		return "", err
	}
	return r.TriageTS, slacksend.Classify(h.Slack.UpdateMessage(ctx, r.TriageChannel, r.TriageTS, msg))
}

// Notify queues the requester's DM about ev, in their language. (The App
// Home is rendered when opened, so it needs no refresh here.)
func (h *Handler) Notify(ctx context.Context, r *ss.Request, ev ss.Event) error {
	key := sendKey(DMKind, ev.ID)
	s, err := slacksend.NewPost(DMKind, key, r.Requester, notifyMessage(h.Languages.User(ctx, r.Requester), r, ev, h.Command))
	return h.enqueue(ctx, s, err)
}

// Alert queues a new message to the triage channel, in its language, once
// per request and alert.
func (h *Handler) Alert(ctx context.Context, r *ss.Request, a ss.Alert) error {
	var sla time.Duration
	if !r.SLADueAt.IsZero() {
		sla = r.SLADueAt.Sub(r.CreatedAt)
	}
	key := fmt.Sprintf("%s:%d:%s", AlertKind, r.ID, a)
	s, err := slacksend.NewPost(AlertKind, key, h.TriageChannel, alertMessage(h.Languages.Channel(h.TriageChannel), r, a, sla, h.defaultLocation()))
	return h.enqueue(ctx, s, err)
}

// Automate queues the automation call. Its key is the call's
// Idempotency-Key, the same on every attempt; the request's ref goes in
// X-Platformbot-Request.
func (h *Handler) Automate(ctx context.Context, r *ss.Request, c ss.Call) error {
	s, err := webhook.NewSend(AutomationKind, c.Key, c.Hook, r.Ref(), c.Payload)
	return h.enqueue(ctx, s, err)
}

// callAutomation makes the call and records its answer. If the answer
// cannot be recorded the call is retried, with the same idempotency key,
// so the receiver does not act twice.
func (h *Handler) callAutomation(ctx context.Context, s outbox.Send) (string, error) {
	id, err := callRequest(s)
	if err != nil {
		return "", err
	}
	ref, err := h.Webhooks.Deliver(ctx, s)
	if err != nil {
		return ref, err
	}
	return ref, h.Svc.Automated(ctx, id, ref == "202")
}

// beforeAutomation skips a call whose request no longer waits for it.
func (h *Handler) beforeAutomation(ctx context.Context, s outbox.Send) (bool, string, error) {
	id, err := callRequest(s)
	if err != nil {
		return false, err.Error(), nil
	}
	return h.Svc.ShouldAutomate(ctx, id)
}

func (h *Handler) automationFailed(ctx context.Context, s outbox.Send, reason string) error {
	id, err := callRequest(s)
	if err != nil {
		return err
	}
	return h.Svc.AutomationFailed(ctx, id, reason)
}

func (h *Handler) triageMessage(ctx context.Context, r *ss.Request) (bot.Message, error) {
	approvers, err := h.Svc.Store.Approvers(ctx, r.ID)
	if err != nil {
		return bot.Message{}, err
	}
	return renderTriage(h.Languages.Channel(h.TriageChannel), r, approvers, h.defaultLocation()), nil
}

func sendKey(kind string, id int64) string { return kind + ":" + strconv.FormatInt(id, 10) }

// sendKeyID reads the request id back from kind:id.
func sendKeyID(key string) (int64, error) {
	_, raw, _ := strings.Cut(key, ":")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return 0, outbox.Permanent(fmt.Errorf("selfservice: bad send key %q", key))
	}
	return id, nil
}

// callRequest reads which request an automation call is about.
func callRequest(s outbox.Send) (int64, error) {
	var c webhook.Call
	if err := s.Decode(&c); err != nil {
		return 0, err
	}
	id, err := ss.ParseRef(c.Subject)
	if err != nil {
		return 0, outbox.Permanent(fmt.Errorf("selfservice: automation call %s names no request", s.Key))
	}
	return id, nil
}
