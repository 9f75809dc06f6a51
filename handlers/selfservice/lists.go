package selfservice

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/i18n"
	ss "github.com/platformbot/platformbot/selfservice"
)

const (
	mineLimit  = 15
	queueLimit = 25 // one block each, within a message's 50
	homeLimit  = 10
)

func (h *Handler) status(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Args) == 0 {
		return bot.Say(req.L().T(i18n.SelfServiceWhichStatus, i18n.Data{"Command": h.Command})), nil
	}
	return h.showStatus(ctx, req, req.Args[0])
}

func (h *Handler) statusClicked(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	return h.showStatus(ctx, req, req.Value)
}

func (h *Handler) showStatus(ctx context.Context, req *bot.Request, raw string) (*bot.Reply, error) {
	id, err := parseRef(raw)
	if err != nil {
		return nil, err
	}
	r, evs, err := h.Svc.Get(ctx, id, req.UserID)
	if err != nil {
		return nil, refusal(err, ss.Ref(id), i18n.SelfServiceSomeoneElses)
	}
	l := req.L()
	blocks := statusBlocks(l, r, evs, req.UserID, h.location(ctx, req.UserID), h.now())
	text := l.T(i18n.SelfServiceStatusText, i18n.Data{"Ref": r.Ref(), "Type": bot.Escape(r.TypeTitle), "State": stateLabel(l, r.State)})
	return replyWith(text, blocks...), nil
}

func (h *Handler) mine(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	rs, err := h.Svc.Mine(ctx, req.UserID, mineLimit)
	if err != nil {
		return nil, err
	}
	l, cmd := req.L(), i18n.Data{"Command": h.Command}
	if len(rs) == 0 {
		return bot.Say(l.T(i18n.SelfServiceMineNone, cmd)), nil
	}
	now := h.now()
	lines := make([]string, len(rs))
	for i, r := range rs {
		lines[i] = "• " + listLine(l, r, now)
	}
	return replyWith(l.N(i18n.SelfServiceMineText, len(rs)),
		section(l.T(i18n.SelfServiceMineTitle)), section(bot.TruncateMrkdwn(strings.Join(lines, "\n"), 2900)),
		contextBlock(l.T(i18n.SelfServiceMineHint, i18n.Data{"Command": h.Command, "Ref": rs[0].Ref()}))), nil // an id of theirs, not one that may not exist
}

// queue lists open requests oldest first for the people who act on them,
// marking SLA breaches; each opens its details (with the triage buttons).
func (h *Handler) queue(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	rs, err := h.Svc.Queue(ctx, req.UserID, queueLimit)
	if err != nil {
		return nil, refusal(err, "", i18n.SelfServiceQueueForbidden)
	}
	l := req.L()
	if len(rs) == 0 {
		return bot.Say(l.T(i18n.SelfServiceQueueEmpty)), nil
	}
	now := h.now()
	breaches := 0
	var rows []slack.Block
	for _, r := range rs {
		if r.Overdue(now) {
			breaches++
		}
		rows = append(rows, slack.NewSectionBlock(mrkdwn(listLine(l, r, now)), nil,
			slack.NewAccessory(button(actStatus, fmt.Sprint(r.ID), l.T(i18n.SelfServiceOpen), ""))))
	}
	d := i18n.Data{"Count": l.Int(len(rs)), "Breaches": "", "Limited": ""}
	if breaches > 0 {
		d["Breaches"] = l.T(i18n.SelfServiceQueueBreaches, i18n.Data{"Count": l.Int(breaches)})
	}
	if len(rs) == queueLimit {
		d["Limited"] = l.T(i18n.SelfServiceQueueLimited, i18n.Data{"Count": l.Int(queueLimit)})
	}
	head := l.T(i18n.SelfServiceQueueHead, d)
	return replyWith(l.N(i18n.SelfServiceQueueText, len(rs)), append([]slack.Block{section(head)}, rows...)...), nil
}

// catalog lists the request types with a button that opens each form.
// Their titles and descriptions are shown as configured.
func (h *Handler) catalog(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	l := req.L()
	types := h.Svc.Catalog.Types()
	if len(types) == 0 {
		return bot.Say(l.T(i18n.SelfServiceCatalogEmpty)), nil
	}
	blocks := []slack.Block{section(l.T(i18n.SelfServiceCatalogHead, i18n.Data{"Command": h.Command}))}
	for _, t := range types[:min(len(types), 45)] { // 50 blocks per message
		text := fmt.Sprintf("*%s* (`%s`)", bot.Escape(t.Title), t.ID)
		if d := strings.TrimSpace(t.Description); d != "" {
			text += "\n" + bot.Escape(bot.Truncate(d, 500))
		}
		text += "\n_" + policyText(l, t) + "_"
		if sla := t.SLA; sla > 0 {
			text += " " + l.T(i18n.SelfServiceCatalogSla, i18n.Data{"SLA": span(l, sla)})
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(text), nil, slack.NewAccessory(button(actNew, t.ID, l.T(i18n.SelfServiceRequestButton), ""))))
	}
	return replyWith(l.N(i18n.SelfServiceCatalogText, len(types)), blocks...), nil
}

// HomeSection is the App Home part: the user's open requests and a button
// to file a new one, in the user's language.
func (h *Handler) HomeSection(ctx context.Context, user string) ([]slack.Block, error) {
	rs, err := h.Svc.Mine(ctx, user, 2*homeLimit)
	if err != nil {
		return nil, err
	}
	l := h.Languages.User(ctx, user)
	now := h.now()
	var lines []string
	for _, r := range rs {
		if r.State.Open() && len(lines) < homeLimit {
			lines = append(lines, "• "+listLine(l, r, now))
		}
	}
	text := l.T(i18n.SelfServiceHomeTitle) + "\n"
	if len(lines) == 0 {
		text += l.T(i18n.SelfServiceHomeNone)
	} else {
		text += strings.Join(lines, "\n")
	}
	return []slack.Block{
		slack.NewSectionBlock(mrkdwn(bot.TruncateMrkdwn(text, 2900)), nil, slack.NewAccessory(button(actNew, "", l.T(i18n.SelfServiceHomeNew), "primary"))),
		contextBlock(l.T(i18n.SelfServiceHomeHint, i18n.Data{"Command": h.Command})),
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
