package config

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const validSurvey = `
timezone: Europe/Berlin
surveys:
  - id: devex
    title: Developer experience pulse
    schedule:
      cron: "0 10 * * MON"
      every_weeks: 2
    audience:
      usergroups: [S0DEVS0001]
      channels: [C0ENG00001]
      users: [U0ALICE001]
    questions:
      - type: scale
        text: How happy are you with the platform?
        labels: [Awful, Poor, OK, Good, Great]
      - id: nps
        type: nps
        text: How likely are you to recommend the platform to a colleague?
      - type: choice
        text: What slows you down most?
        options: [CI, Reviews, Environments]
        optional: true
      - type: text
        text: Anything else?
    results_channel: C0PLATFORM
    share_comments: true
`

func TestSurveyDefaults(t *testing.T) {
	cfg := mustParse(t, validSurvey)
	s, ok := cfg.Survey("devex")
	if !ok {
		t.Fatal("survey devex not found")
	}
	type summary struct {
		Anonymous      bool
		MinGroup       int
		Window         time.Duration
		Reminder       time.Duration
		EveryWeeks     int
		Anchor         string
		QuestionIDs    []string
		ScheduleZone   string
		ResultsChannel string
	}
	var ids []string
	for _, q := range s.Questions {
		ids = append(ids, q.ID)
	}
	got := summary{
		Anonymous: s.IsAnonymous(), MinGroup: s.MinGroupSize, Window: s.Window.D(), Reminder: s.ReminderAfter(),
		EveryWeeks: s.Schedule.EveryWeeks, Anchor: s.Schedule.Anchor, QuestionIDs: ids,
		ScheduleZone: s.Schedule.Location(cfg.Location()).String(), ResultsChannel: s.ResultsChannel,
	}
	want := summary{
		Anonymous: true, MinGroup: 5, Window: 72 * time.Hour, Reminder: 24 * time.Hour,
		EveryWeeks: 2, Anchor: "2024-01-01", QuestionIDs: []string{"q1", "nps", "q3", "q4"},
		ScheduleZone: "Europe/Berlin", ResultsChannel: "C0PLATFORM",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("defaults mismatch (-want +got):\n%s", diff)
	}
}

func TestSurveyReminderDefaultFitsShortWindow(t *testing.T) {
	cfg := mustParse(t, strings.Replace(validSurvey, "    share_comments: true", "    share_comments: true\n    window: 12h", 1))
	if got := cfg.Surveys[0].ReminderAfter(); got != 6*time.Hour {
		t.Errorf("reminder = %s, want half of a 12h window", got)
	}
	off := mustParse(t, strings.Replace(validSurvey, "    share_comments: true", "    share_comments: true\n    reminder: 0s\n    anonymous: false", 1))
	if got := off.Surveys[0]; got.ReminderAfter() != 0 || got.IsAnonymous() {
		t.Errorf("reminder %s anonymous %v, want 0 and false", got.ReminderAfter(), got.IsAnonymous())
	}
}

func TestSurveyProblems(t *testing.T) {
	testProblems(t, []problemCase{
		{
			name: "missing everything",
			yaml: "surveys:\n  - id: Dev Ex\n",
			want: []string{
				`2: surveys[0].id: "Dev Ex" is not a valid id`,
				"surveys[0].title: a title is required",
				"surveys[0].audience: list users, usergroups and/or channels",
				"surveys[0].questions: a survey needs at least one question",
			},
		},
		{
			name: "bad schedule and audience",
			yaml: `surveys:
  - id: a
    title: A
    schedule:
      cron: "0 25 * * MON"
      timezone: Mars/Base
      every_weeks: 60
      anchor: next monday
      send_at: "25:00"
      working_hours: 17:00-09:00
    audience:
      users: [alice]
      usergroups: [devs]
      channels: ["#eng"]
    questions: [{type: scale, text: Q}]
`,
			want: []string{
				`5: surveys[0].schedule.cron: bad cron expression "0 25 * * MON"`,
				`6: surveys[0].schedule.timezone: unknown time zone "Mars/Base"`,
				`7: surveys[0].schedule.every_weeks: must be between 1 and 52`,
				`8: surveys[0].schedule.anchor: "next monday" is not a date`,
				`9: surveys[0].schedule.send_at: `,
				`10: surveys[0].schedule.working_hours: `,
				`12: surveys[0].audience.users[0]: "alice" is not a Slack user id`,
				`13: surveys[0].audience.usergroups[0]: "devs" is not a Slack user group id`,
				`14: surveys[0].audience.channels[0]: "#eng" is not a Slack channel id`,
			},
		},
		{
			name: "bad questions",
			yaml: `surveys:
  - id: a
    title: A
    audience: {users: [U0ALICE001]}
    questions:
      - {type: stars, text: Q}
      - {type: scale, text: Q, labels: [bad, good]}
      - {type: choice, text: Q, options: [only]}
      - {type: text, text: "", labels: [x]}
      - {id: q1, type: nps, text: Q}
`,
			want: []string{
				`6: surveys[0].questions[0].type: unknown question type "stars"`,
				`7: surveys[0].questions[1].labels: a scale question takes 5 labels (or none), got 2`,
				`8: surveys[0].questions[2].options: a choice question needs 2 to 10 options, got 1`,
				`9: surveys[0].questions[3].text: the question text is required`,
				`9: surveys[0].questions[3].labels: only scale and nps questions have labels`,
				`10: surveys[0].questions[4].id: duplicate question id "q1"`,
			},
		},
		{
			name: "bad settings",
			yaml: `surveys:
  - id: a
    title: A
    audience: {users: [U0ALICE001]}
    questions: [{type: scale, text: Q}]
    min_group_size: 1
    window: 10m
    reminder: 100h
    results_channel: general
  - id: a
    title: B
    audience: {users: [U0ALICE001]}
    questions: [{type: nps, text: Q}]
    share_comments: true
    schedule: {every_weeks: 2}
`,
			want: []string{
				`6: surveys[0].min_group_size: must be at least 2`,
				`7: surveys[0].window: must be between 1h and 30d`,
				`8: surveys[0].reminder: must be 0s (no reminder) or shorter than the window`,
				`9: surveys[0].results_channel: "general" is not a Slack channel id`,
				`10: surveys[1].id: duplicate survey id "a"`,
				`14: surveys[1].share_comments: needs a results_channel`,
				`surveys[1].schedule.cron: every_weeks and timezone need a cron schedule`,
			},
		},
	})
}
