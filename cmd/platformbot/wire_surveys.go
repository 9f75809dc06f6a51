package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/handlers/home"
	hpulse "github.com/platformbot/platformbot/handlers/pulse"
	"github.com/platformbot/platformbot/i18n"
	"github.com/platformbot/platformbot/schedule"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/surveys"
	"github.com/platformbot/platformbot/workhours"
)

// wireSurveys registers /pulse, the survey DMs' buttons and form, the App
// Home section, one start job per scheduled survey and the tick that
// reminds and closes; their DMs go out through the outbox.
func (m *Main) wireSurveys(ctx context.Context) error {
	d := m.Outbox
	pulse := hpulse.New(m.Slack, m.People, m.Log)
	pulse.Location, pulse.Outbox, pulse.Refresh = m.Config.Location(), d, m.Home.Publish
	pulse.Languages = m.Language
	pulse.Waiting = storage.NewOutboxStore(m.DB)
	svc := surveys.New(surveys.Config{
		Surveys: surveysFromConfig(m.Config), Teams: surveyTeams(m.Config), Store: storage.NewSurveyStore(m.DB),
		Dir: pulse.Directory(), Notifier: pulse.Notifier(), Clock: m.Clock,
		Planner: surveyPlanner{gate: m.delivery, dir: m.People, on: m.Config.Delivery.On()},
	})
	pulse.Service = svc
	m.settlers = append(m.settlers, func(context.Context) error { pulse.Wait(); return nil })
	pulse.Register(m.Router, m.Config.Slack.Commands.Pulse)
	m.Home.Add(home.Section{Name: "Pulse surveys", NameID: i18n.HomeSectionPulse, Order: 30, Render: pulse.HomeSection})

	jobs := []schedule.Job{
		{Name: "pulse-tick", Every: time.Minute, Run: func(ctx context.Context) error { d.Start(); return svc.Tick(ctx) }},
	}
	for _, s := range svc.Surveys() {
		if s.Cron == "" {
			continue
		}
		id := s.ID
		jobs = append(jobs, schedule.Job{Name: surveys.JobName(id), Cron: s.Cron, Location: s.Location, Run: func(ctx context.Context) error {
			d.Start()
			_, _, err := svc.StartScheduled(ctx, id)
			return err
		}})
	}
	for _, j := range jobs {
		if err := m.Scheduler.Add(j); err != nil {
			return err
		}
	}
	return nil
}

// surveysFromConfig turns the validated config into the domain's surveys.
func surveysFromConfig(cfg *config.Config) []surveys.Survey {
	var out []surveys.Survey
	for _, s := range cfg.Surveys {
		sv := surveys.Survey{
			ID: s.ID, Title: s.Title, Intro: s.Intro,
			Cron: s.Schedule.Cron, Location: s.Schedule.Location(cfg.Location()), EveryWeeks: s.Schedule.EveryWeeks,
			Anchor:    s.Schedule.AnchorDate(),
			Audience:  surveys.Audience{Users: s.Audience.Users, UserGroups: s.Audience.UserGroups, Channels: s.Audience.Channels},
			Anonymous: s.IsAnonymous(), MinGroupSize: s.MinGroupSize, Window: s.Window.D(), Reminder: s.ReminderAfter(),
			ResultsChannel: s.ResultsChannel, ShareComments: s.ShareComments,
		}
		sv.Schedule.Hours, sv.Schedule.SendAt = s.Schedule.Plan()
		if sv.Schedule.Hours != (workhours.Window{}) {
			sv.Schedule.Hours.Days = cfg.Delivery.Hours().Days
		}
		for _, q := range s.Questions {
			sv.Questions = append(sv.Questions, surveys.Question{
				ID: q.ID, Kind: surveys.Kind(q.Type), Text: q.Text, Labels: q.Labels, Options: q.Options, Optional: q.Optional,
			})
		}
		out = append(out, sv)
	}
	return out
}

func surveyTeams(cfg *config.Config) []surveys.Team {
	var out []surveys.Team
	for _, t := range cfg.Teams {
		out = append(out, surveys.Team{ID: t.ID, Name: t.Name, Users: t.Users, UserGroup: t.UserGroup})
	}
	return out
}

// seedSurveys adds sample data for `console --demo`: two closed runs of the
// first survey with answers, so that `/pulse results` has results and a
// trend to show. Their occurrences ("demo:1", "demo:2") make running it
// again a no-op; it adds nothing while a real run is open.
func (m *Main) seedSurveys(ctx context.Context) error {
	all := surveysFromConfig(m.Config)
	if len(all) == 0 {
		return nil
	}
	st := storage.NewSurveyStore(m.DB)
	now := m.Clock.Now().UTC()
	for i, week := range []int{4, 2} {
		if err := seedRun(ctx, st, all[0], fmt.Sprintf("demo:%d", i+1), now.AddDate(0, 0, -7*week), 12+2*i, i); err != nil {
			return err
		}
	}
	return nil
}

// seedRun stores one closed demo run of s with n made-up respondents;
// later runs (shift) answer a little better, for the trend.
func seedRun(ctx context.Context, st *storage.SurveyStore, s surveys.Survey, occurrence string, at time.Time, n, shift int) error {
	var people []surveys.Participant
	for k := range n + 6 {
		people = append(people, surveys.Participant{UserID: fmt.Sprintf("UDEMO%04d", k)})
	}
	run := surveys.Run{SurveyID: s.ID, Occurrence: occurrence, State: surveys.Open, StartedBy: "demo", StartedAt: at,
		ClosesAt: at.Add(s.Window), Invited: true, Reminded: true, Audience: len(people),
		Snapshot: surveys.Snapshot{Title: s.Title, Intro: s.Intro, Questions: s.Questions, Anonymous: s.Anonymous,
			MinGroupSize: s.MinGroupSize, ResultsChannel: s.ResultsChannel, ShareComments: s.ShareComments}}
	run, err := st.CreateRun(ctx, run, people)
	if errors.Is(err, surveys.ErrDuplicateRun) || errors.Is(err, surveys.ErrRunOpen) {
		return nil
	}
	if err != nil {
		return err
	}
	comments := []string{"CI got much faster, thanks!", "Preview environments take too long to come up.", "Docs for the new deploy flow are great.", "More self-service for databases, please."}
	for k, p := range people {
		_ = st.MarkDelivered(ctx, run.ID, p.UserID, "")
		if k >= n {
			continue
		}
		if _, err := st.MarkAnswered(ctx, run.ID, p.UserID); err != nil {
			return err
		}
		r := surveys.Response{RunID: run.ID, Token: fmt.Sprintf("demo%d-%04d", run.ID, k)}
		for _, q := range s.Questions {
			if a, ok := demoAnswer(q, k, shift, comments); ok {
				r.Answers = append(r.Answers, a)
			}
		}
		if err := st.SaveResponse(ctx, r, surveys.SaveNew); err != nil {
			return err
		}
	}
	if _, err := st.CloseRun(ctx, run.ID, run.ClosesAt); err != nil {
		return err
	}
	return st.MarkResultsPosted(ctx, run.ID)
}

func demoAnswer(q surveys.Question, k, shift int, comments []string) (surveys.Answer, bool) {
	a := surveys.Answer{QuestionID: q.ID}
	switch q.Kind {
	case surveys.Scale:
		a.Value = min(5, 2+(k*7+shift*3)%4)
	case surveys.NPS:
		a.Value = min(10, 5+(k*5+shift*2)%6)
	case surveys.Choice:
		a.Value = k % len(q.Options)
	case surveys.Text:
		if k%3 != 0 {
			return a, false
		}
		a.Text = comments[(k/3)%len(comments)]
	}
	return a, true
}
