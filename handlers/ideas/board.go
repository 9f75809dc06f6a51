// Package ideas is the Slack side of the request board: `/platform idea`
// (the form), `/platform ideas …` (the lists and the admins' status and
// merge commands), the Vote / Unvote buttons and the admin menu of the
// board message, and the App Home section. It renders what the board
// sends and hands it to the outbox.
package ideas

import (
	"context"
	"errors"
	"strings"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/i18n"
	dom "github.com/platformbot/platformbot/ideas"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/outbox/slacksend"
)

// Board serves the request board. Set every field before Register.
type Board struct {
	Service *dom.Service
	Outbox  *outbox.Dispatcher
	Slack   bot.Slack
	Admins  bot.Authorizer
	Teams   *Teams
	Command string // e.g. "/platform"
	Channel string // the board channel; "" keeps ideas unposted
	Log     zerolog.Logger
	// Languages picks the board channel's language for its posts and each
	// voter's for the DMs once an idea is decided; nil means English.
	Languages *i18n.Chooser
}

// Register adds `idea` and `ideas` to the command table, the routes of the
// buttons and forms, and the delivery of the board's sends to the outbox.
// Each handler's domain errors are worded by explain.
func (b *Board) Register(r *bot.Router) {
	x := explain
	r.Command(b.Command, "").Add(
		bot.Subcommand{Name: "idea", Usage: "[title]", HelpID: i18n.IdeasHelpIdea, Run: x(b.open)},
		bot.Subcommand{Name: "ideas", Usage: "[top|new|mine|status [STATUS]]", HelpID: i18n.IdeasHelpIdeas, Run: x(b.ideas)},
	)
	r.Action(actVote, x(b.vote))
	r.Action(actUnvote, x(b.unvote))
	r.Action(actNew, x(func(ctx context.Context, req *bot.Request) (*bot.Reply, error) { return b.open(ctx, req) }))
	r.Action(actAdmin, bot.RequireAdmin(b.Admins, x(b.adminMenu)))
	r.ViewSubmission(viewSubmit, x(b.submitted))
	r.ViewSubmission(viewStatus, bot.RequireAdmin(b.Admins, x(b.statusSubmitted)))
	r.ViewSubmission(viewMerge, bot.RequireAdmin(b.Admins, x(b.mergeSubmitted)))
	post := slacksend.Posts(b.Slack)
	b.Outbox.Handle(KindPost, outbox.Handler{Deliver: post, Sent: b.posted})
	b.Outbox.Handle(KindUpdate, outbox.Handler{Deliver: b.deliverUpdate, Before: b.beforeUpdate})
	b.Outbox.Handle(KindDecision, outbox.Handler{Deliver: post})
	b.Outbox.Handle(KindThread, outbox.Handler{Deliver: post})
}

func (b *Board) lists() listContext { return listContext{Command: b.Command, Channel: b.Channel} }

// open shows the form at once: the trigger id lasts 3 seconds.
func (b *Board) open(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	_, err := b.Slack.OpenView(ctx, req.TriggerID, submitModal(req.L(), strings.Join(req.Args, " "), b.Channel))
	return nil, err
}

// submitted files the idea, or answers with inline errors that keep the
// rest of the form.
func (b *Board) submitted(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	i, err := b.Service.Submit(ctx, req.UserID, draftOf(req.View))
	var fe dom.FieldErrors
	if errors.As(err, &fe) {
		return nil, fieldErrors(req.L(), fe)
	}
	if err != nil && i.ID == 0 {
		return nil, err
	}
	if err != nil {
		// Stored; the post is queued by the next PostMissing run.
		b.Log.Warn().Err(err).Int64("idea", i.ID).Msg("ideas: board post not queued yet")
	}
	l := req.L()
	text := l.T(i18n.IdeasSubmittedNoBoard, i18n.Data{"Title": title(i), "Command": b.Command})
	if b.Channel != "" {
		text = l.T(i18n.IdeasSubmitted, i18n.Data{"Title": title(i), "Channel": "<#" + b.Channel + ">"})
	}
	return &bot.Reply{ViewUpdate: doneView(l, l.T(i18n.IdeasSubmittedHeading, i18n.Data{"ID": i.ID}), text)}, nil
}

// ideas routes `/platform ideas [top|new|mine|status …|merge …]`.
func (b *Board) ideas(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	what := "top"
	if len(req.Args) > 0 {
		what = strings.ToLower(req.Args[0])
	}
	switch what {
	case "top":
		return b.top(ctx, req)
	case "new", "newest", "latest":
		return b.newest(ctx, req)
	case "mine", "my":
		return b.mine(ctx, req)
	case "status":
		return b.status(ctx, req)
	case "merge":
		return bot.RequireAdmin(b.Admins, b.mergeCommand)(ctx, req)
	}
	return nil, bot.Refuse(i18n.IdeasUnknownList, i18n.Data{"Command": b.Command, "Word": bot.Escape(bot.Truncate(what, 30))})
}

func (b *Board) top(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	r, err := b.Service.List(ctx, dom.Query{Order: dom.ByScore, Statuses: dom.ActiveStatuses, Viewer: req.UserID, Limit: listSize})
	if err != nil {
		return nil, err
	}
	l := req.L()
	return bot.SayBlocks(l.T(i18n.IdeasListTopText), rankedBlocks(l, l.T(i18n.IdeasListTop), r, b.lists())...), nil
}

func (b *Board) newest(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	r, err := b.Service.List(ctx, dom.Query{Order: dom.ByNewest, Viewer: req.UserID, Limit: listSize})
	if err != nil {
		return nil, err
	}
	l := req.L()
	return bot.SayBlocks(l.T(i18n.IdeasListNewText),
		briefBlocks(l, l.T(i18n.IdeasListNew), l.T(i18n.IdeasListNewEmpty), r, req.UserID, b.lists())...), nil
}

func (b *Board) mine(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	r, err := b.Service.List(ctx, dom.Query{Order: dom.ByNewest, Person: req.UserID, Viewer: req.UserID, Limit: listSize})
	if err != nil {
		return nil, err
	}
	l := req.L()
	return bot.SayBlocks(l.T(i18n.IdeasListMineText),
		briefBlocks(l, l.T(i18n.IdeasListMine), l.T(i18n.IdeasListMineEmpty), r, req.UserID, b.lists())...), nil
}

// status is `ideas status` (the roadmap), `ideas status STATUS` (one
// status, ranked) and, for admins, `ideas status ID STATUS [reason]`.
func (b *Board) status(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	args := req.Args[1:]
	switch {
	case len(args) == 0:
		return b.roadmap(ctx, req)
	case len(args) >= 2:
		if _, ok := parseID(args[0]); ok {
			return bot.RequireAdmin(b.Admins, b.statusCommand)(ctx, req)
		}
	}
	st, ok := dom.ParseStatus(strings.Join(args, " "))
	if !ok {
		return nil, b.statusUsage(strings.Join(args, " "))
	}
	r, err := b.Service.List(ctx, dom.Query{Order: dom.ByScore, Statuses: []dom.Status{st}, Viewer: req.UserID, Limit: listSize})
	if err != nil {
		return nil, err
	}
	l := req.L()
	return bot.SayBlocks(l.T(i18n.IdeasListStatusText, i18n.Data{"Status": statusLabel(l, st)}),
		rankedBlocks(l, l.T(i18n.IdeasListStatus, i18n.Data{"Status": statusText(l, st)}), r, b.lists())...), nil
}

func (b *Board) statusUsage(got string) error {
	var names []string
	for _, st := range dom.Statuses {
		names = append(names, "`"+string(st)+"`")
	}
	return bot.Refuse(i18n.IdeasStatusUsage, i18n.Data{"Got": bot.Escape(bot.Truncate(got, 40)), "Statuses": strings.Join(names, ", "), "Command": b.Command})
}

func (b *Board) roadmap(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	r, err := b.Service.List(ctx, dom.Query{Order: dom.ByNewest, Statuses: roadmapStatuses, Viewer: req.UserID})
	if err != nil {
		return nil, err
	}
	groups := map[dom.Status][]dom.Ranked{}
	for _, i := range r.Ideas {
		groups[i.Status] = append(groups[i.Status], i)
	}
	l := req.L()
	return bot.SayBlocks(l.T(i18n.IdeasListRoadmapText), roadmapBlocks(l, groups, b.lists())...), nil
}

// HomeSection renders the App Home part, in the viewer's language: their
// ideas and votes, and the top open ideas.
func (b *Board) HomeSection(ctx context.Context, userID string) ([]slack.Block, error) {
	mine, err := b.Service.List(ctx, dom.Query{Order: dom.ByNewest, Person: userID, Viewer: userID, Limit: homeMineSize})
	if err != nil {
		return nil, err
	}
	top, err := b.Service.List(ctx, dom.Query{Order: dom.ByScore, Statuses: dom.ActiveStatuses, Viewer: userID, Limit: homeTopSize})
	if err != nil {
		return nil, err
	}
	return homeBlocks(b.Languages.User(ctx, userID), mine, top, userID), nil
}
