// Package previews serves /preview: the preview programs' commands, the
// Join and Leave buttons, the feedback DMs and form, the /preview new modal
// and the App Home section. It also renders what the previews domain sends
// and hands it to the outbox (see notify.go).
package previews

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/i18n"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/outbox/webhook"
	pv "github.com/platformbot/platformbot/previews"
)

// Action ids and callback ids. Button values carry "preview|…" so that a
// click needs no lookup to know what it is about.
const (
	actJoin    = "preview:join"    // value preview
	actLeave   = "preview:leave"   // value preview
	actRate    = "preview:rate:"   // + value; value preview|point|rating
	actForm    = "preview:form"    // value preview|point|token
	actPage    = "preview:page"    // value preview|page (admins)
	viewNew    = "preview:new"     // the /preview new modal
	viewAnswer = "preview:answer"  // the feedback form
	inputID    = "v"               // action id of every input
	sep        = "|"               // separates the parts of a button value
	homeView   = "home"            // slack.View.Type of the App Home
	maxListed  = 20                // previews in one /preview list reply
	stateBlock = "preview:actions" // block id of membership buttons
)

// Handler serves the previews. Set Service, Outbox, Admins and Hooks
// before Register.
type Handler struct {
	Service *pv.Service
	Outbox  *outbox.Dispatcher
	Admins  bot.Authorizer
	// Hooks finds a preview's automation by hook name (HookName).
	Hooks func(name string) (webhook.Hook, bool)
	// HTTP makes the automation calls (nil: http.DefaultClient).
	HTTP *http.Client
	// Location renders fallback dates in messages many people read.
	Location *time.Location
	// Refresh, if set, re-renders a user's App Home after a change made
	// elsewhere (an automation answered, a button in the Home).
	Refresh func(ctx context.Context, userID string) error
	Now     func() time.Time
	// Languages picks the language of what the previews send on their own:
	// the feedback requests and reminders, the promotion DM and the
	// owner's automation DM by recipient, the announcement by channel. Nil
	// means English.
	Languages *i18n.Chooser

	slack   bot.Slack
	log     zerolog.Logger
	command string
}

// New returns the preview handlers talking to Slack through s.
func New(s bot.Slack, log zerolog.Logger) *Handler {
	return &Handler{slack: s, log: log, Location: time.UTC, Now: time.Now, command: "/preview"}
}

// Register adds the command's subcommands, the buttons, the modals and the
// outbox kinds of the preview sends. Each handler's domain errors are
// worded by explain.
func (h *Handler) Register(r *bot.Router, command string) {
	h.command = command
	x := h.explain
	cmd := r.Command(command, "")
	cmd.SummaryID = i18n.PreviewsSummary
	cmd.Default = x(h.list)
	cmd.Add(
		bot.Subcommand{Name: "list", Aliases: []string{"ls"}, HelpID: i18n.PreviewsHelpList, Run: x(h.list)},
		bot.Subcommand{Name: "join", Usage: "ID", HelpID: i18n.PreviewsHelpJoin, Run: x(h.joinCmd)},
		bot.Subcommand{Name: "leave", Usage: "ID", HelpID: i18n.PreviewsHelpLeave, Run: x(h.leaveCmd)},
		bot.Subcommand{Name: "new", HelpID: i18n.PreviewsHelpNew, Admin: true, Run: x(h.newCmd)},
		bot.Subcommand{Name: "announce", Usage: "ID", HelpID: i18n.PreviewsHelpAnnounce, Admin: true, Run: x(h.announceCmd)},
		bot.Subcommand{Name: "results", Usage: "ID", HelpID: i18n.PreviewsHelpResults, Admin: true, Run: x(h.resultsCmd)},
	)
	r.Action(actJoin, x(h.joinClick))
	r.Action(actLeave, x(h.leaveClick))
	r.Action(actRate, x(h.rate))
	r.Action(actForm, x(h.openForm))
	r.Action(actPage, bot.RequireAdmin(h.Admins, x(h.pageClick)))
	r.ViewSubmission(viewNew, x(h.created))
	r.ViewSubmission(viewAnswer, x(h.answered))
	h.registerSends()
}

func (h *Handler) list(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	all, err := h.Service.List(ctx)
	if err != nil {
		return nil, err
	}
	mine, err := h.Service.Mine(ctx, req.UserID)
	if err != nil {
		return nil, err
	}
	in := map[string]pv.Participant{}
	for _, m := range mine {
		in[m.Preview.ID] = m.Participant
	}
	return &bot.Reply{Message: listMessage(req.L(), all, in, h.command, h.Service.Now())}, nil
}

// previewArg reads the one preview id of a subcommand.
func (h *Handler) previewArg(req *bot.Request) (string, error) {
	if len(req.Args) != 1 {
		return "", bot.Refuse(i18n.PreviewsNameOne, i18n.Data{"Command": h.command, "Subcommand": req.Subcommand})
	}
	return strings.ToLower(req.Args[0]), nil
}

func (h *Handler) joinCmd(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	id, err := h.previewArg(req)
	if err != nil {
		return nil, err
	}
	m, err := h.join(ctx, id, req.UserID)
	if err != nil {
		return nil, err
	}
	return &bot.Reply{Message: membershipMessage(req.L(), m)}, nil
}

func (h *Handler) leaveCmd(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	id, err := h.previewArg(req)
	if err != nil {
		return nil, err
	}
	m, err := h.leave(ctx, id, req.UserID)
	if err != nil {
		return nil, err
	}
	return &bot.Reply{Message: leftMessage(req.L(), m, h.Service.Now())}, nil
}

// join joins and logs a follow-up that could not be queued yet (the next
// tick queues it): the person is in either way.
func (h *Handler) join(ctx context.Context, id, user string) (pv.Membership, error) {
	m, err := h.Service.Join(ctx, id, user)
	return m, h.later(err, "join", id, user)
}

func (h *Handler) leave(ctx context.Context, id, user string) (pv.Membership, error) {
	m, err := h.Service.Leave(ctx, id, user)
	return m, h.later(err, "leave", id, user)
}

func (h *Handler) later(err error, what, id, user string) error {
	var later *pv.LaterError
	if errors.As(err, &later) {
		h.log.Warn().Err(err).Str("preview", id).Str("user", user).Msg("previews: " + what + " stored; a follow-up is queued by the next tick")
		return nil
	}
	return err
}

// joinClick is the Join button of an announcement, a list or the App
// Home. The answer is shown to the clicker only; in the Home the tab is
// redrawn instead.
func (h *Handler) joinClick(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	m, err := h.join(ctx, req.Value, req.UserID)
	if err != nil {
		return nil, err
	}
	return h.clickReply(ctx, req, membershipMessage(req.L(), m))
}

func (h *Handler) leaveClick(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	m, err := h.leave(ctx, req.Value, req.UserID)
	if err != nil {
		return nil, err
	}
	return h.clickReply(ctx, req, leftMessage(req.L(), m, h.Service.Now()))
}

// clickReply answers a membership button: in the App Home by redrawing
// it; in a DM or an ephemeral reply by replacing that message; under an
// announcement with a message only the clicker sees.
func (h *Handler) clickReply(ctx context.Context, req *bot.Request, msg bot.Message) (*bot.Reply, error) {
	if req.View != nil && req.View.Type == homeView {
		if h.Refresh != nil {
			return nil, h.Refresh(ctx, req.UserID)
		}
		return nil, nil
	}
	if req.Interaction != nil {
		msg.ReplaceOriginal = req.Interaction.Container.IsEphemeral || strings.HasPrefix(req.ChannelID, "D")
	}
	return &bot.Reply{Message: msg}, nil
}

func (h *Handler) announceCmd(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	id, err := h.previewArg(req)
	if err != nil {
		return nil, err
	}
	p, err := h.Service.Announce(ctx, id)
	if err != nil {
		return nil, err
	}
	return bot.Say(req.L().T(i18n.PreviewsAnnounceQueued, i18n.Data{"Name": name(p), "Channel": "<#" + p.Channel + ">"})), nil
}

func (h *Handler) resultsCmd(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	id, err := h.previewArg(req)
	if err != nil {
		return nil, err
	}
	res, err := h.Service.Results(ctx, id, 1)
	if err != nil {
		return nil, err
	}
	return &bot.Reply{Message: resultsMessage(req.L(), res, h.Location)}, nil
}

// pageClick turns a page of the results' comments (admins only).
func (h *Handler) pageClick(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	parts := strings.Split(req.Value, sep)
	if len(parts) != 2 {
		return nil, bot.Refuse(i18n.PreviewsButtonOutOfDate)
	}
	page := atoiOr(parts[1], 1)
	res, err := h.Service.Results(ctx, parts[0], page)
	if err != nil {
		return nil, err
	}
	msg := resultsMessage(req.L(), res, h.Location)
	msg.ReplaceOriginal = true
	return &bot.Reply{Message: msg}, nil
}

// HomeSection renders the previews the user is in or waiting for, in
// their language.
func (h *Handler) HomeSection(ctx context.Context, userID string) ([]slack.Block, error) {
	mine, err := h.Service.Mine(ctx, userID)
	if err != nil {
		return nil, err
	}
	return homeBlocks(h.Languages.User(ctx, userID), mine), nil
}
