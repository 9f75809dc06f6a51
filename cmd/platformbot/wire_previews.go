package main

import (
	"context"
	"fmt"
	"time"

	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/handlers/home"
	hpreviews "github.com/platformbot/platformbot/handlers/previews"
	"github.com/platformbot/platformbot/i18n"
	"github.com/platformbot/platformbot/outbox/webhook"
	"github.com/platformbot/platformbot/previews"
	"github.com/platformbot/platformbot/schedule"
	"github.com/platformbot/platformbot/storage"
)

// wirePreviews registers /preview, its buttons and modals, the App Home
// section and the tick that promotes, asks for feedback and reminds. The
// configured previews are written to the database here, so that every
// replica counts seats against the same cap. Everything the previews send
// (announcements, DMs, automation calls) goes out through the outbox.
func (m *Main) wirePreviews(ctx context.Context) error {
	h := hpreviews.New(m.Slack, m.Log)
	h.Outbox, h.Admins, h.Location, h.Refresh, h.Now = m.Outbox, m.Admins, m.Config.Location(), m.Home.Publish, m.Clock.Now
	h.Hooks, h.Languages = previewHooks(m.Config), m.Language
	svc := previews.New(previews.Config{
		Configured: previewsFromConfig(m.Config), Teams: previewTeams(m.Config), Store: storage.NewPreviewStore(m.DB),
		Dir: m.Slack, Notifier: h.Notifier(), Clock: m.Clock, Location: m.Config.Location(),
	})
	h.Service, m.Previews = svc, svc
	if err := svc.Sync(ctx); err != nil {
		return err
	}
	h.Register(m.Router, m.Config.Slack.Commands.Preview)
	m.Home.Add(home.Section{Name: "Preview programs", NameID: i18n.HomeSectionPreviews, Order: 35, Render: h.HomeSection})
	d := m.Outbox
	return m.Scheduler.Add(schedule.Job{Name: "previews-tick", Every: time.Minute, Run: func(ctx context.Context) error {
		d.Start()
		return svc.Tick(ctx)
	}})
}

// previewsFromConfig turns the validated config into the domain's previews.
func previewsFromConfig(cfg *config.Config) []previews.Preview {
	var out []previews.Preview
	for _, c := range cfg.Previews {
		start, end, _ := previews.DateSpan(c.Start, c.End, cfg.Location())
		p := previews.Preview{
			ID: c.ID, Name: c.Name, Description: c.Description, Owner: c.Owner, Channel: c.Channel,
			MaxParticipants: c.MaxParticipants, Start: c.Start, End: c.End, StartAt: start, EndAt: end,
			Automation: c.Automation.Enabled(), Source: previews.Configured,
			Feedback: previews.Feedback{
				Window: c.FeedbackWindow.D(), Reminder: c.ReminderAfter(), Anonymous: c.Anonymous, MinGroupSize: c.MinGroupSize,
			},
		}
		for _, pt := range c.Feedback {
			p.Feedback.Points = append(p.Feedback.Points, previews.Point{After: pt.After.D(), AtEnd: pt.AtEnd})
		}
		for _, q := range c.Questions {
			p.Feedback.Questions = append(p.Feedback.Questions, previews.Question{ID: q.ID, Kind: previews.Kind(q.Type), Text: q.Text})
		}
		out = append(out, p)
	}
	return out
}

func previewTeams(cfg *config.Config) []previews.Team {
	var out []previews.Team
	for _, t := range cfg.Teams {
		out = append(out, previews.Team{ID: t.ID, Name: t.Name, Users: t.Users, UserGroup: t.UserGroup})
	}
	return out
}

// previewHooks looks a preview's automation up by hook name when a call
// is made, so that a rotated secret applies to calls still waiting; the
// secret is read from its environment variable then, never stored.
func previewHooks(cfg *config.Config) func(name string) (webhook.Hook, bool) {
	return func(name string) (webhook.Hook, bool) {
		for _, p := range cfg.Previews {
			if hpreviews.HookName(p.ID) == name && p.Automation.Enabled() {
				a := p.Automation
				return webhook.Hook{URL: a.URL, Secret: a.Secret(), Timeout: a.Timeout.D()}, true
			}
		}
		return webhook.Hook{}, false
	}
}

// seedPreviews adds sample participants and feedback to the first
// configured preview for `console --demo`: people joined week by week
// since its start (a few more than its seats, so some wait), two left, and
// those seated for a week answered the after-point. It writes through the
// store with past times and sends nothing; it does nothing when the preview
// has participants already.
func (m *Main) seedPreviews(ctx context.Context) error {
	all := previewsFromConfig(m.Config)
	if len(all) == 0 {
		return nil
	}
	p := all[0]
	st := storage.NewPreviewStore(m.DB)
	if parts, err := st.Participants(ctx, p.ID); err != nil || len(parts) > 0 {
		return err
	}
	now := m.Clock.Now().UTC()
	last := p.EndAt
	if now.Before(last) {
		last = now
	}
	last = last.Add(-time.Hour)
	people := max(p.MaxParticipants+3, 14)
	step := max(last.Sub(p.StartAt)/time.Duration(people), time.Minute)
	for i := range people {
		at := p.StartAt.Add(time.Duration(i) * step)
		if i == people/2 {
			if err := seedLeaves(ctx, st, p, at.Add(-time.Minute)); err != nil {
				return err
			}
		}
		if _, err := st.Join(ctx, previews.JoinRequest{PreviewID: p.ID, UserID: fmt.Sprintf("UDEMO%04d", 100+i), Team: previewDemoTeam(m.Config, i), At: at}); err != nil {
			return err
		}
	}
	return seedPreviewFeedback(ctx, st, p, now)
}

// seedLeaves has two of the demo people leave at at; the seats they free
// go to the waitlist as they would, without the DMs.
func seedLeaves(ctx context.Context, st *storage.PreviewStore, p previews.Preview, at time.Time) error {
	for _, i := range []int{1, 4} {
		ch, err := st.Leave(ctx, p.ID, fmt.Sprintf("UDEMO%04d", 100+i), false, at)
		if err != nil {
			return err
		}
		for _, x := range ch.Promoted {
			if err := st.ClearNotice(ctx, p.ID, x.UserID, x.Generation); err != nil {
				return err
			}
		}
	}
	return nil
}

// previewDemoTeam spreads the demo people over the configured teams, a few in
// none.
func previewDemoTeam(cfg *config.Config, i int) string {
	if len(cfg.Teams) == 0 || i%4 == 3 {
		return ""
	}
	return cfg.Teams[i%len(cfg.Teams)].ID
}

// seedPreviewFeedback asks everyone seated long enough at the first
// after-point and answers for two in three of them.
func seedPreviewFeedback(ctx context.Context, st *storage.PreviewStore, p previews.Preview, now time.Time) error {
	var pt previews.Point
	for _, x := range p.Feedback.Points {
		if !x.AtEnd {
			pt = x
			break
		}
	}
	q, ok := p.Feedback.FirstRating()
	if pt.After == 0 || !ok {
		return nil
	}
	users, err := st.DueAfter(ctx, p.ID, pt.ID(), now.Add(-pt.After))
	if err != nil || len(users) == 0 {
		return err
	}
	asks := make([]previews.Ask, len(users))
	for i, u := range users {
		asks[i] = previews.Ask{PreviewID: p.ID, PointID: pt.ID(), UserID: u, AskedAt: now.Add(-time.Hour), ClosesAt: now.Add(-time.Hour).Add(p.Feedback.Window)}
	}
	if err := st.CreateAsks(ctx, asks); err != nil {
		return err
	}
	if err := st.MarkInvited(ctx, asks); err != nil {
		return err
	}
	comments := []string{"Builds take half the time, thanks!", "Cache misses after a rebase are still slow.", "Works well for Go; the Node images are missing.", "Please keep it!"}
	for i, u := range users {
		if err := st.MarkDelivered(ctx, p.ID, pt.ID(), u); err != nil {
			return err
		}
		if i%3 == 2 {
			continue
		}
		if err := seedPreviewAnswer(ctx, st, p, pt, q, u, i, now.Add(-time.Duration(i)*time.Hour), comments); err != nil {
			return err
		}
	}
	return nil
}

func seedPreviewAnswer(ctx context.Context, st *storage.PreviewStore, p previews.Preview, pt previews.Point, q previews.Question, u string, i int, at time.Time, comments []string) error {
	if err := st.MarkAnswered(ctx, p.ID, pt.ID(), u); err != nil {
		return err
	}
	r := previews.Response{PreviewID: p.ID, PointID: pt.ID(), Token: fmt.Sprintf("demo-%s-%04d", p.ID, i),
		Answers: []previews.Answer{{QuestionID: q.ID, Value: 3 + i%3}}}
	for _, tq := range p.Feedback.Questions {
		if tq.Kind == previews.Text && i%2 == 0 {
			r.Answers = append(r.Answers, previews.Answer{QuestionID: tq.ID, Text: comments[(i/2)%len(comments)]})
			break
		}
	}
	if !p.Feedback.Anonymous {
		r.UserID, r.At = u, at
	}
	return st.SaveResponse(ctx, r, false)
}
