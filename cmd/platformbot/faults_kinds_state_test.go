package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	hideas "github.com/platformbot/platformbot/handlers/ideas"
	hpreviews "github.com/platformbot/platformbot/handlers/previews"
	"github.com/platformbot/platformbot/handlers/pulse"
	"github.com/platformbot/platformbot/ideas"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/outbox/slacksend"
	"github.com/platformbot/platformbot/outbox/webhook"
	"github.com/platformbot/platformbot/previews"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/surveys"
)

// The kinds of send whose hooks read their feature's tables before or
// after delivery: a survey invitation needs an open run with its person
// in it, and records the delivery; a reminder needs its person invited
// and not answered yet; an idea's board post records its ts
// on the idea, and an update renders the idea and edits its message; a
// preview's promotion DM needs a seat, its automation call records the
// answer on the seat, its feedback DM and reminder need an open ask (the
// reminder one delivered already), and a feedback edit needs the DM it
// replaces. queueStateKinds seeds that state through the storage types,
// so that every send is due when it goes out, and queues the sends under
// the keys the features give them.

// kindsPreview is the preview the preview sends are about. Its one
// feedback point is due only a month after its start (today), so the
// replicas' previews tick asks nobody by itself.
const (
	kindsPreview      = "kinds-pv"
	kindsPreviewPoint = "after-30d"
)

// kindsPreviewConfig declares kindsPreview, its automation the test's
// receiver under /preview.
func kindsPreviewConfig(receiver string, today time.Time) string {
	return fmt.Sprintf(`previews:
  - id: %s
    name: Kinds under faults
    description: Seats for the fault test.
    owner: %s
    channel: C0PVANNOUNCE
    start: "%s"
    end: "%s"
    feedback: [{after: 720h}]
    questions:
      - {id: rating, type: rating, text: "How is it?"}
    automation: {url: %s/preview, secret_env: SS_LOAD_SECRET}
`, kindsPreview, sendsAdmin, today.Format(time.DateOnly), today.AddDate(0, 0, 60).Format(time.DateOnly), receiver)
}

// updated counts the successful chat.update calls in each conversation
// whose id starts with prefix.
func updated(prefix string) func(*cluster, *automation) map[string]int {
	return func(c *cluster, _ *automation) map[string]int {
		n := map[string]int{}
		for _, u := range c.Fake.Calls("chat.update") {
			if ch := u.Form.Get("channel"); u.Status == http.StatusOK && u.Error == "" && strings.HasPrefix(ch, prefix) {
				n[ch]++
			}
		}
		return n
	}
}

// callsOf returns the automation calls made to path: self-service calls
// /hook, the previews /preview.
func callsOf(a *automation, path string) []automationCall {
	var out []automationCall
	for _, call := range a.Calls() {
		if call.Path == path {
			out = append(out, call)
		}
	}
	return out
}

// called counts the automation calls to path answered 2xx, by
// Idempotency-Key (the send's key).
func called(path string) func(*cluster, *automation) map[string]int {
	return func(_ *cluster, a *automation) map[string]int {
		n := map[string]int{}
		for _, call := range callsOf(a, path) {
			if call.Status < 300 {
				n[call.Key]++
			}
		}
		return n
	}
}

// stateKinds are the kinds queueStateKinds seeds and queues, each to
// recipients of its own (prefix0000, prefix0001, …).
var stateKinds = []sendKind{
	{kind: pulse.InviteKind, delivered: posted("UPULSEINV")},
	{kind: pulse.RemindKind, delivered: posted("UPULSEREM")},
	{kind: hideas.KindPost, delivered: posted("C0IDPOST")},
	{kind: hideas.KindUpdate, delivered: updated("C0IDUPD")},
	{kind: hpreviews.PromotedKind, delivered: posted("UPVPROMO")},
	{kind: hpreviews.AutomationKind, delivered: called("/preview"), byKey: true},
	{kind: hpreviews.FeedbackKind, delivered: posted("UPVASK")},
	{kind: hpreviews.ReminderKind, delivered: posted("UPVREM")},
	{kind: hpreviews.FeedbackEditKind, delivered: updated("C0PVEDIT")},
}

func init() { sendKinds = append(sendKinds, stateKinds...) }

// ideaPost is the payload of an ideas.post send (handlers/ideas
// postPayload): the post and the idea's version it shows, which the Sent
// hook compares with the idea's to tell whether an update must follow.
type ideaPost struct {
	slacksend.Post
	Version int64 `json:"version"`
}

// ideaUpdate is the payload of an ideas.update send (handlers/ideas
// updatePayload): the message is rendered from the idea when sent.
type ideaUpdate struct {
	ID      int64 `json:"id"`
	Version int64 `json:"version"`
}

// stateSeed seeds the feature state of the sends through the storage types.
type stateSeed struct {
	t     *testing.T
	c     *cluster
	db    *storage.DB
	now   time.Time
	pv    *storage.PreviewStore
	ideas *storage.IdeaStore
	slack *slack.Client
}

// queueStateKinds seeds and returns kindsPerKind sends of each of the
// stateKinds.
func queueStateKinds(t *testing.T, c *cluster, db *storage.DB) []outbox.Send {
	t.Helper()
	s := &stateSeed{t: t, c: c, db: db, now: time.Now().UTC(), pv: storage.NewPreviewStore(db),
		ideas: storage.NewIdeaStore(db), slack: c.Fake.NewClient()}
	var sends []outbox.Send
	sends = append(sends, s.pulseSends(pulse.InviteKind, "UPULSEINV")...)
	sends = append(sends, s.pulseSends(pulse.RemindKind, "UPULSEREM")...)
	for i := range kindsPerKind {
		sends = append(sends, s.ideaSends(i)...)
		sends = append(sends, s.previewSends(i)...)
	}
	return sends
}

func (s *stateSeed) check(err error) {
	s.t.Helper()
	if err != nil {
		s.t.Fatal(err)
	}
}

func (s *stateSeed) user(prefix string, i int) string {
	id := fmt.Sprintf("%s%04d", prefix, i)
	s.c.Fake.AddUser(slack.User{ID: id, TZ: "UTC"})
	return id
}

// message posts a message straight to the fake Slack (as a send before
// the test would have), for an update to edit.
func (s *stateSeed) message(channel, text string) string {
	s.t.Helper()
	_, ts, err := s.slack.PostMessage(channel, slack.MsgOptionText(text, false))
	s.check(err)
	return ts
}

// pulseSends opens a run of a survey (no scheduled reminder of its own,
// its invitations marked queued so that the tick queues none) and queues
// a send of kind to each person in it: for reminders, people whose
// invitation went out.
func (s *stateSeed) pulseSends(kind, prefix string) []outbox.Send {
	s.t.Helper()
	people := make([]surveys.Participant, kindsPerKind)
	for i := range people {
		people[i] = surveys.Participant{UserID: s.user(prefix, i)}
	}
	st := storage.NewSurveyStore(s.db)
	ctx := context.Background()
	run, err := st.CreateRun(ctx, surveys.Run{
		SurveyID: "kinds-" + kind, Occurrence: "manual:kinds", State: surveys.Open, StartedBy: sendsAdmin,
		Snapshot:  surveys.Snapshot{Title: "Kinds", MinGroupSize: 1, Window: 7 * 24 * time.Hour},
		StartedAt: s.now, ClosesAt: s.now.Add(7 * 24 * time.Hour), Audience: len(people),
	}, people)
	s.check(err)
	s.check(st.MarkInvited(ctx, run.ID))
	var sends []outbox.Send
	for i, p := range people {
		if kind == pulse.RemindKind {
			s.check(st.MarkDelivered(ctx, run.ID, p.UserID, fmt.Sprintf("1700000000.%06d", i)))
		}
		send, err := slacksend.NewPost(kind, fmt.Sprintf("%s:%d:%s", kind, run.ID, p.UserID), p.UserID,
			bot.Message{Text: fmt.Sprintf("%s %d", kind, i)})
		s.check(err)
		sends = append(sends, send)
	}
	return sends
}

// ideaSends creates two ideas: one whose board post is queued, one posted
// already whose board message an update is queued for. Each has a
// channel of its own.
func (s *stateSeed) ideaSends(i int) []outbox.Send {
	s.t.Helper()
	ctx := context.Background()
	author := s.user("UIDEAAUTH", i)
	fresh, err := s.ideas.Create(ctx, ideas.Idea{Title: fmt.Sprintf("Idea to post %d", i), Problem: "p", Affected: "a", Author: author, CreatedAt: s.now})
	s.check(err)
	channel := fmt.Sprintf("C0IDPOST%04d", i)
	post, err := outbox.NewSend(hideas.KindPost, fmt.Sprintf("%s:%d", hideas.KindPost, fresh.ID), channel,
		ideaPost{Post: slacksend.Post{Channel: channel, Text: fresh.Title}, Version: fresh.Version})
	s.check(err)

	shown, err := s.ideas.Create(ctx, ideas.Idea{Title: fmt.Sprintf("Idea to update %d", i), Problem: "p", Affected: "a", Author: author, CreatedAt: s.now})
	s.check(err)
	channel = fmt.Sprintf("C0IDUPD%04d", i)
	shown, err = s.ideas.SetMessage(ctx, shown.ID, channel, s.message(channel, shown.Title))
	s.check(err)
	update, err := outbox.NewSend(hideas.KindUpdate, fmt.Sprintf("%s:%d:%d", hideas.KindUpdate, shown.ID, shown.Version), channel,
		ideaUpdate{ID: shown.ID, Version: shown.Version})
	s.check(err)
	return []outbox.Send{post, update}
}

// previewSends seats two people in kindsPreview, one promoted (from the
// waitlist, as far as the DM is concerned) and one whose seat calls the
// automation; asks two more for feedback, the second's DM delivered and
// its reminder due; and posts a feedback DM to edit. Keys are those of
// handlers/previews (kind:preview:user:generation,
// kind:preview:user:action:generation, kind:preview:point:user,
// kind:view).
func (s *stateSeed) previewSends(i int) []outbox.Send {
	s.t.Helper()
	ctx := context.Background()
	var sends []outbox.Send
	add := func(send outbox.Send, err error) {
		s.t.Helper()
		s.check(err)
		sends = append(sends, send)
	}
	promoted, err := s.pv.Join(ctx, previews.JoinRequest{PreviewID: kindsPreview, UserID: s.user("UPVPROMO", i), At: s.now})
	s.check(err)
	p := promoted.Participant
	add(slacksend.NewPost(hpreviews.PromotedKind, fmt.Sprintf("%s:%s:%s:%d", hpreviews.PromotedKind, kindsPreview, p.UserID, p.Generation), p.UserID,
		bot.Message{Text: fmt.Sprintf("promoted %d", i)}))

	flagged, err := s.pv.Join(ctx, previews.JoinRequest{PreviewID: kindsPreview, UserID: s.user("UPVAUTO", i), Automation: true, At: s.now})
	s.check(err)
	p = flagged.Participant
	add(webhook.NewSend(hpreviews.AutomationKind, fmt.Sprintf("%s:%s:%s:%s:%d", hpreviews.AutomationKind, kindsPreview, p.UserID, previews.Join, p.Generation),
		hpreviews.HookName(kindsPreview), kindsPreview+":"+p.UserID,
		hpreviews.Call{Preview: kindsPreview, User: p.UserID, Action: previews.Join, Seq: p.Seq, Generation: p.Generation}))

	ask := previews.Ask{PreviewID: kindsPreview, PointID: kindsPreviewPoint, UserID: s.user("UPVASK", i),
		AskedAt: s.now, ClosesAt: s.now.Add(7 * 24 * time.Hour), RemindAt: s.now.Add(48 * time.Hour)}
	remind := previews.Ask{PreviewID: kindsPreview, PointID: kindsPreviewPoint, UserID: s.user("UPVREM", i),
		AskedAt: s.now.Add(-48 * time.Hour), ClosesAt: s.now.Add(5 * 24 * time.Hour), RemindAt: s.now.Add(-time.Minute)}
	asks := []previews.Ask{ask, remind}
	s.check(s.pv.CreateAsks(ctx, asks))
	s.check(s.pv.MarkInvited(ctx, asks))  // so the tick queues no DMs
	s.check(s.pv.MarkReminded(ctx, asks)) // nor reminders
	s.check(s.pv.MarkDelivered(ctx, kindsPreview, kindsPreviewPoint, remind.UserID))
	for kind, a := range map[string]previews.Ask{hpreviews.FeedbackKind: ask, hpreviews.ReminderKind: remind} {
		send, err := slacksend.NewPost(kind, fmt.Sprintf("%s:%s:%s:%s", kind, kindsPreview, kindsPreviewPoint, a.UserID), a.UserID,
			bot.Message{Text: fmt.Sprintf("%s %d", kind, i)})
		send.NotAfter = a.ClosesAt
		add(send, err)
	}

	channel := fmt.Sprintf("C0PVEDIT%04d", i)
	ts := s.message(channel, "feedback DM")
	add(slacksend.NewUpdate(hpreviews.FeedbackEditKind, fmt.Sprintf("%s:VPVEDIT%04d", hpreviews.FeedbackEditKind, i), channel, ts,
		bot.Message{Text: fmt.Sprintf("feedback DM, answered %d", i)}))
	return sends
}
