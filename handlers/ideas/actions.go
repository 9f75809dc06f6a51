package ideas

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/i18n"
	dom "github.com/platformbot/platformbot/ideas"
)

// vote counts the clicker's vote; a second click says so and counts
// nothing. The board message is updated through the outbox; the answer
// here is for the clicker alone.
func (b *Board) vote(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	id, ok := parseID(req.Value)
	if !ok {
		return nil, fmt.Errorf("ideas: bad vote value %q", req.Value)
	}
	i, added, err := b.Service.Vote(ctx, id, req.UserID)
	if err != nil {
		return nil, err
	}
	l := req.L()
	data := i18n.Data{"Title": title(i), "Votes": votesText(l, i.Votes)}
	if !added {
		data["Unvote"] = l.T(i18n.IdeasBoardUnvote)
		return bot.Say(l.T(i18n.IdeasVoteAgain, data)), nil
	}
	return bot.Say(l.T(i18n.IdeasVoteCounts, data)), nil
}

func (b *Board) unvote(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	id, ok := parseID(req.Value)
	if !ok {
		return nil, fmt.Errorf("ideas: bad unvote value %q", req.Value)
	}
	i, removed, err := b.Service.Unvote(ctx, id, req.UserID)
	if err != nil {
		return nil, err
	}
	l := req.L()
	if !removed {
		return bot.Say(l.T(i18n.IdeasUnvoteNone, i18n.Data{"Title": title(i)})), nil
	}
	return bot.Say(l.T(i18n.IdeasUnvoteDone, i18n.Data{"Title": title(i), "Votes": votesText(l, i.Votes)})), nil
}

// adminMenu opens the status or merge form from the board message's menu
// (admins only: the route is wrapped in bot.RequireAdmin).
func (b *Board) adminMenu(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	what, rawID, _ := strings.Cut(req.Value, ":")
	id, ok := parseID(rawID)
	if !ok {
		return nil, fmt.Errorf("ideas: bad admin menu value %q", req.Value)
	}
	i, err := b.Service.Idea(ctx, id)
	if err != nil {
		return nil, err
	}
	switch what {
	case "status":
		_, err = b.Slack.OpenView(ctx, req.TriggerID, statusModal(req.L(), i))
	case "merge":
		if i.Status == dom.Merged {
			return nil, &dom.ClosedError{Idea: i}
		}
		_, err = b.Slack.OpenView(ctx, req.TriggerID, mergeModal(req.L(), i))
	default:
		return nil, fmt.Errorf("ideas: bad admin menu value %q", req.Value)
	}
	return nil, err
}

func metadataID(req *bot.Request) (int64, error) {
	if req.View == nil {
		return 0, errors.New("ideas: view submission without a view")
	}
	id, ok := parseID(req.View.PrivateMetadata)
	if !ok {
		return 0, fmt.Errorf("ideas: bad private_metadata %q", req.View.PrivateMetadata)
	}
	return id, nil
}

func (b *Board) statusSubmitted(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	id, err := metadataID(req)
	if err != nil {
		return nil, err
	}
	st := dom.Status(value(req.View, dom.FieldStatus))
	i, changed, err := b.Service.SetStatus(ctx, id, st, value(req.View, dom.FieldReason), req.UserID)
	var fe dom.FieldErrors
	l := req.L()
	if errors.As(err, &fe) {
		return nil, fieldErrors(l, fe)
	}
	if err != nil && i.ID == 0 {
		return nil, err
	}
	b.logQueued(err, i)
	return &bot.Reply{ViewUpdate: doneView(l, l.T(i18n.IdeasStatusHeading, i18n.Data{"ID": i.ID}), statusDone(l, i, changed))}, nil
}

// statusCommand is `ideas status ID STATUS [reason]`.
func (b *Board) statusCommand(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	args := req.Args[1:]
	id, _ := parseID(args[0])
	st, ok := dom.ParseStatus(args[1])
	if !ok {
		return nil, b.statusUsage(args[1])
	}
	i, changed, err := b.Service.SetStatus(ctx, id, st, strings.Join(args[2:], " "), req.UserID)
	var fe dom.FieldErrors
	l := req.L()
	if errors.As(err, &fe) {
		msgs := make([]string, 0, len(fe))
		for _, f := range slices.Sorted(maps.Keys(fe)) {
			msgs = append(msgs, bot.Escape(reasonText(l, fe[f])))
		}
		return nil, bot.Refuse(i18n.IdeasStatusFieldUsage, i18n.Data{"Errors": strings.Join(msgs, " "), "Command": b.Command})
	}
	if err != nil && i.ID == 0 {
		return nil, err
	}
	b.logQueued(err, i)
	return bot.Say(statusDone(l, i, changed)), nil
}

// logQueued logs a change that is stored but whose messages could not be
// queued; the next click or change queues them again.
func (b *Board) logQueued(err error, i dom.Idea) {
	if err != nil {
		b.Log.Warn().Err(err).Int64("idea", i.ID).Msg("ideas: change stored, its messages not queued")
	}
}

// statusDone says, in l, what setting a status did.
func statusDone(l *i18n.Lang, i dom.Idea, changed bool) string {
	if !changed {
		return l.T(i18n.IdeasStatusUnchanged, i18n.Data{"Title": title(i), "Status": stateText(l, i.Status)})
	}
	text := l.T(i18n.IdeasStatusChanged, i18n.Data{"Title": title(i), "Status": statusText(l, i.Status)})
	if i.Status.Decided() && i.Votes > 0 {
		text += " " + l.T(i18n.IdeasStatusVotersDM, i18n.Data{"Votes": votesText(l, i.Votes)})
	}
	return text
}

func (b *Board) mergeSubmitted(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	dup, err := metadataID(req)
	if err != nil {
		return nil, err
	}
	l := req.L()
	into, ok := parseID(value(req.View, dom.FieldInto))
	if !ok {
		return nil, bot.FieldErrors{block(dom.FieldInto): l.T(i18n.IdeasMergeNumber)}
	}
	res, err := b.Service.Merge(ctx, dup, into, req.UserID)
	if msg := mergeRefusal(l, err); msg != "" {
		return nil, bot.FieldErrors{block(dom.FieldInto): msg}
	}
	if err != nil && res.Dup.ID == 0 {
		return nil, err
	}
	b.logQueued(err, res.Into)
	return &bot.Reply{ViewUpdate: doneView(l, l.T(i18n.IdeasMergedHeading, i18n.Data{"ID": dup}), mergeDone(l, res))}, nil
}

// mergeRefusal is the message, in plain text in l, of an error a person
// can fix by naming another idea; "" for no error and other errors.
func mergeRefusal(l *i18n.Lang, err error) string {
	var fe dom.FieldErrors
	switch {
	case err == nil:
		return ""
	case errors.As(err, &fe):
		return reasonText(l, fe[dom.FieldInto])
	case domain.ErrorCode(err) != domain.Internal:
		return errorText(l, err)
	}
	return ""
}

// mergeCommand is `ideas merge ID INTO` (also `merge ID into INTO`).
func (b *Board) mergeCommand(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	var nums []int64
	for _, a := range req.Args[1:] {
		if strings.EqualFold(a, "into") {
			continue
		}
		id, ok := parseID(a)
		if !ok {
			nums = nil
			break
		}
		nums = append(nums, id)
	}
	if len(nums) != 2 {
		return nil, bot.Refuse(i18n.IdeasMergeUsage, i18n.Data{"Command": b.Command})
	}
	l := req.L()
	res, err := b.Service.Merge(ctx, nums[0], nums[1], req.UserID)
	if msg := mergeRefusal(l, err); msg != "" {
		return nil, bot.Errorf("%s", bot.Escape(msg))
	}
	if err != nil && res.Dup.ID == 0 {
		return nil, err
	}
	b.logQueued(err, res.Into)
	return bot.Say(mergeDone(l, res)), nil
}

// mergeDone says, in l, what a merge did.
func mergeDone(l *i18n.Lang, res dom.MergeResult) string {
	return l.N(i18n.IdeasMergeDone, res.Moved, i18n.Data{"Dup": title(res.Dup), "Into": title(res.Into), "Votes": votesText(l, res.Into.Votes)})
}
