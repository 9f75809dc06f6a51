package ideas

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	dom "github.com/platformbot/platformbot/ideas"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/outbox/slacksend"
)

// Kinds of pending sends the board enqueues. Keys:
//
//	ideas.post:<idea>                      the board message, once
//	ideas.update:<idea>:<version>[:c<h>]   chat.update to a version (c: a catch-up)
//	ideas.status-dm:<idea>:<status>:<user> one DM per voter and decision
//	ideas.thread:<idea>:<version>          the status note in the thread
const (
	KindPost     = "ideas.post"
	KindUpdate   = "ideas.update"
	KindDecision = "ideas.status-dm"
	KindThread   = "ideas.thread"
)

// updatePayload names the idea and the version that made the update; the
// message itself is rendered from the database when it is delivered.
type updatePayload struct {
	ID      int64 `json:"id"`
	Version int64 `json:"version"`
}

// Notifier renders the board's messages and queues them in the outbox.
func (b *Board) Notifier() dom.Notifier { return notifier{b} }

type notifier struct{ b *Board }

// postPayload is a slacksend.Post (which slacksend.Posts delivers; it
// ignores the extra field) plus the version of the idea it shows, for the
// Sent hook.
type postPayload struct {
	slacksend.Post
	Version int64 `json:"version"`
}

func (n notifier) Post(ctx context.Context, i dom.Idea) error {
	if n.b.Channel == "" {
		return nil
	}
	msg := boardMessage(n.b.Languages.Channel(n.b.Channel), n.b.view(ctx, i))
	p := postPayload{Post: slacksend.Post{Channel: n.b.Channel, Text: msg.Text, Blocks: slack.Blocks{BlockSet: msg.Blocks}}, Version: i.Version}
	s, err := outbox.NewSend(KindPost, fmt.Sprintf("%s:%d", KindPost, i.ID), n.b.Channel, p)
	if err != nil {
		return err
	}
	_, err = n.b.Outbox.Enqueue(ctx, s)
	return err
}

func (n notifier) Refresh(ctx context.Context, i dom.Idea) error {
	if !i.Posted() {
		return nil
	}
	return n.b.enqueueUpdate(ctx, i, fmt.Sprintf("%s:%d:%d", KindUpdate, i.ID, i.Version))
}

func (b *Board) enqueueUpdate(ctx context.Context, i dom.Idea, key string) error {
	s, err := outbox.NewSend(KindUpdate, key, i.Channel, updatePayload{ID: i.ID, Version: i.Version})
	if err != nil {
		return err
	}
	_, err = b.Outbox.Enqueue(ctx, s)
	return err
}

func (n notifier) StatusChanged(ctx context.Context, i dom.Idea, voters []string) error {
	var sends []outbox.Send
	if i.Posted() {
		s, err := slacksend.NewPost(KindThread, fmt.Sprintf("%s:%d:%d", KindThread, i.ID, i.Version), i.Channel, threadNote(n.b.Languages.Channel(i.Channel), i))
		if err != nil {
			return err
		}
		sends = append(sends, s)
	}
	if i.Status.Decided() {
		for _, g := range n.b.Languages.Users(ctx, voters) {
			dm := decisionDM(g.Lang, i, i.Channel)
			for _, u := range g.Users {
				s, err := slacksend.NewPost(KindDecision, fmt.Sprintf("%s:%d:%s:%s", KindDecision, i.ID, i.Status, u), u, dm)
				if err != nil {
					return err
				}
				sends = append(sends, s)
			}
		}
	}
	if len(sends) == 0 {
		return nil
	}
	_, err := n.b.Outbox.Enqueue(ctx, sends...)
	return err
}

// view adds the author's team's name to an idea.
func (b *Board) view(ctx context.Context, i dom.Idea) boardView {
	v := boardView{Idea: i}
	if i.AuthorTeam != "" && b.Teams != nil {
		v.AuthorTeam = b.Teams.Name(i.AuthorTeam)
	}
	return v
}

// posted records the board message's ts (the Sent hook of KindPost).
func (b *Board) posted(ctx context.Context, s outbox.Send, ts string) error {
	id, err := strconv.ParseInt(strings.TrimPrefix(s.Key, KindPost+":"), 10, 64)
	if err != nil {
		return fmt.Errorf("ideas: bad post key %q", s.Key)
	}
	var p postPayload
	if err := s.Decode(&p); err != nil {
		return err
	}
	return b.Service.Posted(ctx, id, p.Channel, ts, p.Version)
}

// beforeUpdate skips an update when a newer version of the idea exists:
// the newer version's own update is queued (or delivered), and it renders
// at least as much.
func (b *Board) beforeUpdate(ctx context.Context, s outbox.Send) (bool, string, error) {
	var p updatePayload
	if err := s.Decode(&p); err != nil {
		return false, err.Error(), nil
	}
	current, err := b.Service.Current(ctx, p.ID, p.Version)
	switch {
	case errors.Is(err, dom.ErrNotFound):
		return false, "no such idea", nil
	case err != nil:
		return false, "", err
	case !current:
		return false, "a newer update is queued", nil
	}
	return true, "", nil
}

// deliverUpdate renders the idea as it is now and updates its message.
// Two updates delivered at once (two workers, two replicas) can reach
// Slack in either order, so once its update is applied a delivery checks
// whether the idea moved on since it was read, and if so queues one more
// update under a key of its own: the last update Slack applies therefore
// always renders the latest version.
func (b *Board) deliverUpdate(ctx context.Context, s outbox.Send) (string, error) {
	var p updatePayload
	if err := s.Decode(&p); err != nil {
		return "", err
	}
	i, err := b.Service.Idea(ctx, p.ID)
	if err != nil {
		if errors.Is(err, dom.ErrNotFound) {
			return "", outbox.Permanent(err)
		}
		return "", err
	}
	if !i.Posted() {
		return "", outbox.Permanent(fmt.Errorf("ideas: #%d has no board message", i.ID))
	}
	if err := b.Slack.UpdateMessage(ctx, i.Channel, i.TS, boardMessage(b.Languages.Channel(i.Channel), b.view(ctx, i))); err != nil {
		return "", slacksend.Classify(err)
	}
	now, err := b.Service.Idea(ctx, p.ID)
	if err != nil || now.Version <= i.Version {
		return i.TS, err
	}
	h := fnv.New32a()
	h.Write([]byte(s.Key))
	return i.TS, b.enqueueUpdate(ctx, now, fmt.Sprintf("%s:%d:%d:c%08x", KindUpdate, now.ID, now.Version, h.Sum32()))
}
