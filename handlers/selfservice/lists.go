package selfservice

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
)

const (
	mineLimit  = 15
	queueLimit = 25 // one block each, within a message's 50
	homeLimit  = 10
)

func (h *Handler) status(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Args) == 0 {
		return bot.Say(fmt.Sprintf("Which request? `%s status REQ-42` (`%s mine` lists yours).", h.Command, h.Command)), nil
	}
	return h.showStatus(ctx, req.UserID, req.Args[0])
}

func (h *Handler) statusClicked(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	return h.showStatus(ctx, req.UserID, req.Value)
}

func (h *Handler) showStatus(ctx context.Context, user, raw string) (*bot.Reply, error) {
	id, err := parseRef(raw)
	if err != nil {
		return nil, err
	}
	r, evs, err := h.Svc.Get(ctx, id, user)
	if err != nil {
		return nil, err
	}
	blocks := statusBlocks(r, evs, user, h.location(ctx, user), h.now())
	return replyWith(fmt.Sprintf("%s (%s): %s", r.Ref(), r.TypeTitle, r.State.Label()), blocks...), nil
}

func (h *Handler) mine(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	rs, err := h.Svc.Mine(ctx, req.UserID, mineLimit)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return bot.Say(fmt.Sprintf("You have no requests yet. `%s request` asks for something; `%s catalog` lists what you can ask for.", h.Command, h.Command)), nil
	}
	now := h.now()
	lines := make([]string, len(rs))
	for i, r := range rs {
		lines[i] = "• " + listLine(r, now)
	}
	return replyWith(fmt.Sprintf("Your %d latest requests", len(rs)),
		section("*Your latest requests*"), section(bot.TruncateMrkdwn(strings.Join(lines, "\n"), 2900)),
		contextBlock(fmt.Sprintf("`%s status %s` shows one with its history.", h.Command, rs[0].Ref()))), nil // an id of theirs, not one that may not exist
}

// queue lists open requests oldest first for the people who act on them,
// marking SLA breaches; each opens its details (with the triage buttons).
func (h *Handler) queue(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	rs, err := h.Svc.Queue(ctx, req.UserID, queueLimit)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return bot.Say(":sparkles: The queue is empty: no open requests."), nil
	}
	now := h.now()
	breaches := 0
	var rows []slack.Block
	for _, r := range rs {
		if r.Overdue(now) {
			breaches++
		}
		rows = append(rows, slack.NewSectionBlock(mrkdwn(listLine(r, now)), nil,
			slack.NewAccessory(button(actStatus, fmt.Sprint(r.ID), "Open", ""))))
	}
	head := fmt.Sprintf("*Open requests* (%d, oldest first", len(rs))
	if breaches > 0 {
		head += fmt.Sprintf(", :alarm_clock: %d past their SLA", breaches)
	}
	if len(rs) == queueLimit {
		head += fmt.Sprintf("; the oldest %d are shown", queueLimit)
	}
	head += ")"
	return replyWith(fmt.Sprintf("%d open requests", len(rs)), append([]slack.Block{section(head)}, rows...)...), nil
}

// catalog lists the request types with a button that opens each form.
func (h *Handler) catalog(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	types := h.Svc.Catalog.Types()
	if len(types) == 0 {
		return bot.Say("The self-service catalog is empty: the platform team has not configured any request types yet."), nil
	}
	blocks := []slack.Block{section(fmt.Sprintf("*What you can request* — `%s request TYPE` or a button below", h.Command))}
	for _, t := range types[:min(len(types), 45)] { // 50 blocks per message
		text := fmt.Sprintf("*%s* (`%s`)", bot.Escape(t.Title), t.ID)
		if d := strings.TrimSpace(t.Description); d != "" {
			text += "\n" + bot.Escape(bot.Truncate(d, 500))
		}
		text += "\n_" + policyText(t) + "_"
		if sla := t.SLA; sla > 0 {
			text += fmt.Sprintf(" SLA %s.", span(sla))
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(text), nil, slack.NewAccessory(button(actNew, t.ID, "Request", ""))))
	}
	return replyWith(fmt.Sprintf("%d request types", len(types)), blocks...), nil
}

// HomeSection is the App Home part: the user's open requests and a button
// to file a new one.
func (h *Handler) HomeSection(ctx context.Context, user string) ([]slack.Block, error) {
	rs, err := h.Svc.Mine(ctx, user, 2*homeLimit)
	if err != nil {
		return nil, err
	}
	now := h.now()
	var lines []string
	for _, r := range rs {
		if r.State.Open() && len(lines) < homeLimit {
			lines = append(lines, "• "+listLine(r, now))
		}
	}
	text := "*Your open requests*\n"
	if len(lines) == 0 {
		text += "_None._ Ask the platform team for a repository, access, an environment…"
	} else {
		text += strings.Join(lines, "\n")
	}
	return []slack.Block{
		slack.NewSectionBlock(mrkdwn(bot.TruncateMrkdwn(text, 2900)), nil, slack.NewAccessory(button(actNew, "", "New request", "primary"))),
		contextBlock(fmt.Sprintf("`%s mine` lists all your requests; `%s catalog` what you can ask for.", h.Command, h.Command)),
	}, nil
}

// defaultLocation is the zone of fallback times in channel messages
// (Slack shows each reader their own through the date token).
func (h *Handler) defaultLocation() *time.Location {
	if h.Location != nil {
		return h.Location
	}
	return time.UTC
}
