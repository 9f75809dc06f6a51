package ideas

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/domain"
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
	if !added {
		return bot.Say(fmt.Sprintf("You have already voted for *%s* (%s). *Unvote* takes your vote back.", title(i), votesText(i.Votes))), nil
	}
	return bot.Say(fmt.Sprintf(":white_check_mark: Your vote for *%s* counts: %s now.", title(i), votesText(i.Votes))), nil
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
	if !removed {
		return bot.Say(fmt.Sprintf("You have not voted for *%s*, so there was nothing to take back.", title(i))), nil
	}
	return bot.Say(fmt.Sprintf("Your vote for *%s* is taken back: %s now.", title(i), votesText(i.Votes))), nil
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
		_, err = b.Slack.OpenView(ctx, req.TriggerID, statusModal(i))
	case "merge":
		if i.Status == dom.Merged {
			return nil, &dom.ClosedError{Idea: i}
		}
		_, err = b.Slack.OpenView(ctx, req.TriggerID, mergeModal(i))
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
	if errors.As(err, &fe) {
		return nil, fieldErrors(fe)
	}
	if err != nil && i.ID == 0 {
		return nil, err
	}
	b.logQueued(err, i)
	return &bot.Reply{ViewUpdate: doneView(fmt.Sprintf("Status of #%d", i.ID), statusDone(i, changed))}, nil
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
	if errors.As(err, &fe) {
		msgs := make([]string, 0, len(fe))
		for _, m := range fe {
			msgs = append(msgs, m)
		}
		return nil, bot.Errorf("%s Usage: `%s ideas status ID STATUS [reason]`.", strings.Join(msgs, " "), b.Command)
	}
	if err != nil && i.ID == 0 {
		return nil, err
	}
	b.logQueued(err, i)
	return bot.Say(statusDone(i, changed)), nil
}

// logQueued logs a change that is stored but whose messages could not be
// queued; the next click or change queues them again.
func (b *Board) logQueued(err error, i dom.Idea) {
	if err != nil {
		b.Log.Warn().Err(err).Int64("idea", i.ID).Msg("ideas: change stored, its messages not queued")
	}
}

func statusDone(i dom.Idea, changed bool) string {
	if !changed {
		return fmt.Sprintf("*%s* is %s already; nothing changed and nobody was notified.", title(i), strings.ToLower(i.Status.Label()))
	}
	text := fmt.Sprintf("*%s* is now %s.", title(i), statusText(i.Status))
	if i.Status.Decided() && i.Votes > 0 {
		text += fmt.Sprintf(" Each voter gets a DM (%s).", votesText(i.Votes))
	}
	return text
}

func (b *Board) mergeSubmitted(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	dup, err := metadataID(req)
	if err != nil {
		return nil, err
	}
	into, ok := parseID(value(req.View, dom.FieldInto))
	if !ok {
		return nil, bot.FieldErrors{block(dom.FieldInto): "Type the number of the idea to merge into, e.g. 7."}
	}
	res, err := b.Service.Merge(ctx, dup, into, req.UserID)
	if msg := mergeRefusal(err); msg != "" {
		return nil, bot.FieldErrors{block(dom.FieldInto): msg}
	}
	if err != nil && res.Dup.ID == 0 {
		return nil, err
	}
	b.logQueued(err, res.Into)
	return &bot.Reply{ViewUpdate: doneView(fmt.Sprintf("Merged #%d", dup), mergeDone(res))}, nil
}

// mergeRefusal is the message of an error a person can fix by naming
// another idea, "" for other errors.
func mergeRefusal(err error) string {
	var fe dom.FieldErrors
	switch {
	case errors.As(err, &fe):
		return fe[dom.FieldInto]
	case domain.ErrorCode(err) != domain.Internal:
		return domain.ErrorMessage(err)
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
		return nil, bot.Errorf("Usage: `%s ideas merge ID INTO`, e.g. `%s ideas merge 12 7` folds the duplicate #12 into #7.", b.Command, b.Command)
	}
	res, err := b.Service.Merge(ctx, nums[0], nums[1], req.UserID)
	if msg := mergeRefusal(err); msg != "" {
		return nil, bot.Errorf("%s", msg)
	}
	if err != nil && res.Dup.ID == 0 {
		return nil, err
	}
	b.logQueued(err, res.Into)
	return bot.Say(mergeDone(res)), nil
}

func mergeDone(res dom.MergeResult) string {
	return fmt.Sprintf("*%s* is merged into *%s*: %d vote(s) moved (people who had voted for both count once); it now has %s.",
		title(res.Dup), title(res.Into), res.Moved, votesText(res.Into.Votes))
}
