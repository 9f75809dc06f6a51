package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/platformbot/platformbot/handlers"
	"github.com/platformbot/platformbot/handlers/home"
	hideas "github.com/platformbot/platformbot/handlers/ideas"
	"github.com/platformbot/platformbot/i18n"
	"github.com/platformbot/platformbot/ideas"
	"github.com/platformbot/platformbot/schedule"
	"github.com/platformbot/platformbot/storage"
)

// ideasRepostAfter is how old an idea without a board message must be
// before the repair job queues its post (a fresh one is still on its way).
const ideasRepostAfter = 5 * time.Minute

// wireIdeas registers the request board: `/platform idea` and `/platform
// ideas …`, the board message's buttons and admin menu, the App Home
// section, and the job that queues board posts a failure left unqueued.
// Its posts, updates and DMs go out through the outbox.
func (m *Main) wireIdeas(ctx context.Context) error {
	svc, board := m.ideasService()
	m.ideas = svc
	board.Register(m.Router)
	m.Home.Add(home.Section{Name: "Ideas", NameID: i18n.HomeSectionIdeas, Order: 40, Render: board.HomeSection})
	return m.Scheduler.Add(schedule.Job{Name: "ideas-post-missing", Every: 10 * time.Minute, Run: func(ctx context.Context) error {
		m.Outbox.Start()
		return svc.PostMissing(ctx, ideasRepostAfter)
	}})
}

// ideasService builds the board's service and handlers; the value report
// reads Top from the same service.
func (m *Main) ideasService() (*ideas.Service, *hideas.Board) {
	teams := &hideas.Teams{Dir: handlers.NewMetricsTeams(m.People), Config: m.Config.Teams, Log: m.Log}
	board := &hideas.Board{
		Outbox: m.Outbox, Slack: m.Slack, Admins: m.Admins, Teams: teams,
		Command: m.Config.Slack.Commands.Platform, Channel: m.Config.Ideas.Channel, Log: m.Log, Languages: m.Language,
	}
	board.Service = ideas.New(ideas.Config{
		Store: storage.NewIdeaStore(m.DB), Notifier: board.Notifier(), Teams: teams,
		Weighting: ideas.Weighting(m.Config.Ideas.Weighting), Clock: m.Clock,
	})
	return board.Service, board
}

// demoIdeas are the console demo's ideas: drafts that pass the form's
// rules, their voters, and the status an admin gave them.
var demoIdeas = []struct {
	author string
	draft  ideas.Draft
	voters int
	status ideas.Status
	reason string
}{
	{"UCONSOLE", ideas.Draft{Title: "Preview environments for every pull request",
		Problem:  "Reviewers cannot click through a change before it merges; we deploy to staging by hand and wait for a slot.",
		Affected: "Every web team, about 40 engineers", Link: "https://github.com/acme/platform/issues/112"}, 9, ideas.Planned, "Starting next sprint."},
	{"UDEMO0003", ideas.Draft{Title: "Self-service read replicas",
		Problem:  "Analysts query the primary database because asking for a replica takes a week.",
		Affected: "Data and payments teams"}, 6, ideas.UnderReview, ""},
	{"UADMIN0001", ideas.Draft{Title: "Cache Go modules in CI",
		Problem:  "Every CI run downloads all modules again: five minutes per build.",
		Affected: "Everyone with Go services"}, 12, ideas.Shipped, "Shipped in runner image v42: builds are 4 minutes faster."},
	{"UDEMO0007", ideas.Draft{Title: "Dark mode for the developer portal",
		Problem:  "The portal is blinding at night during on-call.",
		Affected: "On-call engineers"}, 2, ideas.Declined, "The portal is being replaced by Backstage next quarter."},
}

// seedIdeas adds sample ideas for `console --demo`: drafts that pass the
// form's rules, votes (one per person, as the store enforces) and an
// admin's status, stored without the DMs and thread notes a real decision
// sends; then each idea's board post is queued, showing it as seeded. It
// adds nothing when ideas exist.
func (m *Main) seedIdeas(ctx context.Context) error {
	var n int64
	if err := m.DB.WithContext(ctx).Table("ideas").Count(&n).Error; err != nil || n > 0 {
		return err
	}
	st := storage.NewIdeaStore(m.DB)
	_, board := m.ideasService()
	now := m.Clock.Now().UTC()
	for k, d := range demoIdeas {
		draft := d.draft.Clean()
		if fe := draft.Validate(); fe != nil {
			return fe
		}
		at := now.Add(time.Duration(k-len(demoIdeas)) * 24 * time.Hour)
		i, err := st.Create(ctx, ideas.Idea{Title: draft.Title, Problem: draft.Problem, Affected: draft.Affected, Link: draft.Link,
			Author: d.author, AuthorTeam: demoTeam(m, d.author), Status: ideas.Open, Version: 1, CreatedAt: at})
		if err != nil {
			return err
		}
		for v := range d.voters {
			user := fmt.Sprintf("UDEMO%04d", (k*3+v)%20)
			if v == 0 {
				user = d.author
			}
			if _, _, err := st.AddVote(ctx, i.ID, ideas.Vote{User: user, Team: demoTeam(m, user), At: at.Add(time.Hour)}); err != nil {
				return err
			}
		}
		c := ideas.Change{Status: d.status, Reason: d.reason, By: demoAdmin, At: at.Add(2 * time.Hour)}
		if i, _, _, err = st.SetStatus(ctx, i.ID, c); err != nil {
			return err
		}
		if err := board.Notifier().Post(ctx, i); err != nil {
			return err
		}
	}
	return nil
}

// demoTeam is the team a demo user is listed in (user groups aside).
func demoTeam(m *Main, user string) string {
	for _, t := range m.Config.Teams {
		if slices.Contains(t.Users, user) {
			return t.ID
		}
	}
	return ""
}
