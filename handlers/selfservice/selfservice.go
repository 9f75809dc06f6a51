package selfservice

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/rs/zerolog"
	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/i18n"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/outbox/webhook"
	ss "github.com/platformbot/platformbot/selfservice"
)

// Handler is the Slack side of self-service requests: the /platform
// subcommands, the request modal, the triage buttons and the rating DM. It
// also implements ss.Notifier, rendering what follows a change
// and queueing it in the outbox (see selfservice_sends.go).
type Handler struct {
	Svc           *ss.Service
	Slack         bot.Slack
	Outbox        *outbox.Dispatcher
	Webhooks      *webhook.Client // the automation calls; its Hooks name each type's
	Command       string          // e.g. "/platform", for hints
	TriageChannel string
	Location      *time.Location // for fallbacks when a user's zone is unknown
	Clock         clockwork.Clock
	Log           zerolog.Logger
	// Languages picks the language of the requester's DMs; nil means
	// English.
	Languages *i18n.Chooser
}

// Register adds the subcommands to the command table, the routes of the
// modal and buttons, and the deliverers of the feature's sends to the
// outbox.
func (h *Handler) Register(r *bot.Router) {
	h.registerSends()
	x := h.explain
	r.Command(h.Command, "").Add(
		bot.Subcommand{Name: "request", Aliases: []string{"new"}, Usage: "[type]", Help: "ask the platform team for something (opens a form)",
			HelpID: i18n.SelfServiceHelpRequest, Form: true, Run: x(h.request)},
		bot.Subcommand{Name: "status", Usage: "ID", Help: "where a request is, with its history", HelpID: i18n.SelfServiceHelpStatus, Run: x(h.status)},
		bot.Subcommand{Name: "mine", Help: "your recent requests", HelpID: i18n.SelfServiceHelpMine, Run: x(h.mine)},
		bot.Subcommand{Name: "catalog", Help: "what you can request", HelpID: i18n.SelfServiceHelpCatalog, Run: x(h.catalog)},
		bot.Subcommand{Name: "queue", Help: "open requests, oldest first (platform team and approvers)", HelpID: i18n.SelfServiceHelpQueue, Run: x(h.queue)},
		bot.Subcommand{Name: "cancel", Usage: "ID", Help: "withdraw a request that is not approved yet", HelpID: i18n.SelfServiceHelpCancel, Run: x(h.cancelCommand)},
	)
	r.Action(actNew, x(h.newClicked))
	r.Action(actPick, x(h.picked))
	r.Action(actApprove, x(h.approve))
	r.Action(actReject, x(h.rejectClicked))
	r.Action(actDone, x(h.complete(ss.Done)))
	r.Action(actFail, x(h.complete(ss.Failed)))
	r.Action(actCancel, x(h.cancelClicked))
	r.Action(actStatus, x(h.statusClicked))
	r.Action(actRate, x(h.rate))
	r.ViewSubmission(ViewRequest, x(h.submit))
	r.ViewSubmission(ViewReject, x(h.rejectSubmitted))
}

// request opens the form at once (the trigger id lasts 3 s): the picker,
// or the named type's fields. An unknown type gets the list of valid ones.
func (h *Handler) request(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	name := ""
	if len(req.Args) > 0 {
		name = req.Args[0]
	}
	return nil, h.openForm(ctx, req, name)
}

func (h *Handler) newClicked(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	return nil, h.openForm(ctx, req, req.Value)
}

func (h *Handler) openForm(ctx context.Context, req *bot.Request, typeID string) error {
	types := h.Svc.Catalog.Types()
	var chosen *ss.Type
	switch {
	case typeID != "" || len(types) == 0:
		t, err := h.Svc.Type(typeID)
		if err != nil {
			return h.typeRefusal(err, typeID)
		}
		chosen = t
	case len(types) == 1:
		chosen = types[0]
	}
	_, err := h.Slack.OpenView(ctx, req.TriggerID, requestModal(req.L(), types, chosen))
	return err
}

// picked swaps the chosen type's fields into the open modal.
func (h *Handler) picked(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if req.View == nil {
		return nil, nil
	}
	t, err := h.Svc.Type(req.Value)
	if err != nil {
		return nil, h.typeRefusal(err, req.Value)
	}
	_, err = h.Slack.UpdateView(ctx, req.View.ID, req.View.Hash, requestModal(req.L(), h.Svc.Catalog.Types(), t))
	return nil, err
}

// submit files the request, or answers with inline errors that keep the
// person's other input. A form submitted without its fields (the picker
// changed but its dispatch did not arrive) is updated to the type's fields.
func (h *Handler) submit(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	l := req.L()
	typeID := chosenType(req.View)
	if typeID == "" {
		return nil, bot.FieldErrors{TypeBlock: l.T(i18n.SelfServiceChooseType)}
	}
	t, err := h.Svc.Type(typeID)
	if err != nil {
		return nil, bot.FieldErrors{TypeBlock: l.T(i18n.SelfServiceTypeGone)}
	}
	if req.View.PrivateMetadata != t.ID {
		v := requestModal(l, h.Svc.Catalog.Types(), t)
		return &bot.Reply{ViewUpdate: &v}, nil
	}
	r, err := h.Svc.Submit(ctx, req.UserID, t.ID, input(req.View, t))
	var fe ss.FieldErrors
	if errors.As(err, &fe) {
		return nil, fieldErrors(l, fe)
	}
	if err != nil {
		return nil, err
	}
	return &bot.Reply{ViewUpdate: submittedView(l, r, h.Command)}, nil
}

// parseRef reads a request id from a button value or an argument.
func parseRef(s string) (int64, error) {
	id, err := ss.ParseRef(s)
	if err != nil {
		return 0, &said{err, i18n.SelfServiceBadRef, i18n.Data{"Input": quoteInput(s)}}
	}
	return id, nil
}

func (h *Handler) approve(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	id, err := parseRef(req.Value)
	if err != nil {
		return nil, err
	}
	out, err := h.Svc.Approve(ctx, id, req.UserID)
	if errors.Is(err, ss.ErrAlreadyApproved) {
		if r, lerr := h.Svc.Store.Request(ctx, id); lerr == nil {
			return nil, &said{err, i18n.SelfServiceAlreadyApproved, i18n.Data{"Ref": r.Ref(), "Required": r.ApprovalsRequired}}
		}
	}
	if err != nil {
		return nil, refusal(err, ss.Ref(id), i18n.SelfServiceOwnRequest)
	}
	l := req.L()
	if out.Transitioned {
		return bot.Say(l.T(i18n.SelfServiceYouApproved, i18n.Data{"Ref": ss.Ref(id)})), nil
	}
	return bot.Say(l.T(i18n.SelfServiceApprovalRecorded, i18n.Data{"Ref": ss.Ref(id), "Count": out.Count, "Required": out.Request.ApprovalsRequired})), nil
}

// rejectClicked checks the approver first (others get an ephemeral
// refusal, not a modal), then asks for the reason.
func (h *Handler) rejectClicked(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	id, err := parseRef(req.Value)
	if err != nil {
		return nil, err
	}
	r, err := h.Svc.CanDecide(ctx, id, req.UserID)
	if err != nil {
		return nil, refusal(err, ss.Ref(id), i18n.SelfServiceOwnRequest)
	}
	_, err = h.Slack.OpenView(ctx, req.TriggerID, rejectModal(req.L(), r))
	return nil, err
}

// rejectSubmitted rejects with the reason; a refusal (someone decided
// meanwhile) shows inline in the modal.
func (h *Handler) rejectSubmitted(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	id, err := parseRef(req.View.PrivateMetadata)
	if err != nil {
		return nil, err
	}
	var reason string
	if req.View.State != nil {
		reason = req.View.State.Values[ReasonBlock][ValueAction].Value
	}
	_, err = h.Svc.Reject(ctx, id, req.UserID, reason)
	var fe ss.FieldErrors
	switch {
	case errors.As(err, &fe):
		out := bot.FieldErrors{}
		for block, e := range fe { // the domain keys the reason "reason", as the modal does
			out[block] = fieldMessage(req.L(), e)
		}
		return nil, out
	case domain.ErrorCode(err) != domain.Internal && err != nil:
		return nil, bot.FieldErrors{ReasonBlock: h.inlineMessage(req.L(), refusal(err, ss.Ref(id), i18n.SelfServiceOwnRequest))}
	}
	return nil, err
}

func (h *Handler) complete(to ss.State) bot.Handler {
	return func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		id, err := parseRef(req.Value)
		if err != nil {
			return nil, err
		}
		forbidden, marked := i18n.SelfServiceOnlyMarkDone, i18n.SelfServiceMarkedDone
		if to == ss.Failed {
			forbidden, marked = i18n.SelfServiceOnlyMarkFailed, i18n.SelfServiceMarkedFailed
		}
		r, err := h.Svc.Complete(ctx, id, req.UserID, to, ss.NoteByHand)
		if err != nil {
			return nil, refusal(err, ss.Ref(id), forbidden)
		}
		return bot.Say(req.L().T(marked, i18n.Data{"Ref": r.Ref()})), nil
	}
}

func (h *Handler) cancelCommand(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Args) == 0 {
		return bot.Say(req.L().T(i18n.SelfServiceWhichCancel, i18n.Data{"Command": h.Command})), nil
	}
	return h.cancel(ctx, req, req.Args[0])
}

func (h *Handler) cancelClicked(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	return h.cancel(ctx, req, req.Value)
}

func (h *Handler) cancel(ctx context.Context, req *bot.Request, raw string) (*bot.Reply, error) {
	id, err := parseRef(raw)
	if err != nil {
		return nil, err
	}
	r, err := h.Svc.Cancel(ctx, id, req.UserID)
	if err != nil {
		return nil, refusal(err, ss.Ref(id), "")
	}
	return bot.Say(req.L().T(i18n.SelfServiceCancelledReply, i18n.Data{"Ref": r.Ref()})), nil
}

// rate records a "How was this?" answer and replaces the buttons with it.
func (h *Handler) rate(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	rawID, rawScore, _ := strings.Cut(req.Value, ":")
	id, err := parseRef(rawID)
	if err != nil {
		return nil, err
	}
	score, _ := strconv.Atoi(rawScore)
	if err := h.Svc.Rate(ctx, id, req.UserID, score); err != nil {
		if errors.Is(err, ss.ErrInvalid) {
			return nil, &said{err, i18n.SelfServiceBadRating, nil} // the only invalid input of Rate
		}
		return nil, refusal(err, ss.Ref(id), i18n.SelfServiceOnlyRate)
	}
	r, evs, err := h.Svc.Get(ctx, id, req.UserID)
	if err != nil {
		return nil, refusal(err, ss.Ref(id), i18n.SelfServiceSomeoneElses)
	}
	done := ss.Event{To: ss.Done}
	for _, e := range evs {
		if e.To == ss.Done {
			done = e
		}
	}
	msg := notifyMessage(req.L(), r, done, h.Command)
	msg.ReplaceOriginal = true
	return &bot.Reply{Message: msg}, nil
}

// location returns the user's time zone, or the configured one.
func (h *Handler) location(ctx context.Context, user string) *time.Location {
	if u, err := h.Slack.UserInfo(ctx, user); err == nil {
		return u.Location()
	}
	if h.Location != nil {
		return h.Location
	}
	return time.UTC
}

func (h *Handler) now() time.Time { return h.Clock.Now().UTC() }

// replyWith is an ephemeral reply with blocks and a text fallback.
func replyWith(text string, blocks ...slack.Block) *bot.Reply { return bot.SayBlocks(text, blocks...) }
