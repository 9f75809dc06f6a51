package config

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const validPreview = `
previews:
  - id: fast-ci
    name: Fast CI runners
    description: Twice the cores for your builds.
    owner: UOWNER0001
    channel: C0PREVIEWS
    max_participants: 20
    start: "2026-03-02"
    end: "2026-03-29"
    feedback:
      - after: 168h
      - at_end: true
    questions:
      - {type: rating, text: "How are the new runners?"}
      - {id: better, type: text, text: "What would make them better?"}
`

func TestPreviewDefaults(t *testing.T) {
	cfg := mustParse(t, validPreview)
	p := cfg.Previews[0]
	type summary struct {
		Command   string
		Window    time.Duration
		Reminder  time.Duration
		MinGroup  int
		Questions []string
	}
	got := summary{cfg.Slack.Commands.Preview, p.FeedbackWindow.D(), p.ReminderAfter(), p.MinGroupSize, []string{p.Questions[0].ID, p.Questions[1].ID}}
	want := summary{"/preview", 7 * 24 * time.Hour, 48 * time.Hour, 0, []string{"q1", "better"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("defaults mismatch (-want +got):\n%s", diff)
	}
	anon := mustParse(t, validPreview+"    anonymous: true\n    feedback_window: 2d\n")
	if p := anon.Previews[0]; p.MinGroupSize != 5 || p.ReminderAfter() != 24*time.Hour {
		t.Errorf("anonymous: min group %d reminder %s, want 5 and half the 2d window", p.MinGroupSize, p.ReminderAfter())
	}
}

func TestPreviewProblems(t *testing.T) {
	t.Setenv("PV_SECRET", "s3cret")
	testProblems(t, []problemCase{
		{
			name: "missing everything",
			yaml: "previews:\n  - id: Fast CI\n",
			want: []string{
				`2: previews[0].id: "Fast CI" is not a valid id`,
				"previews[0].name: a name is required",
				"previews[0].owner: the owner's user id (like U012AB3CD) is required",
				"previews[0].channel: a channel id (like C012AB3CD) is required",
				`previews[0].start: "" is not a date like 2026-01-12`,
			},
		},
		{
			name: "bad settings",
			yaml: `previews:
  - id: a
    name: A
    owner: alice
    channel: "#previews"
    max_participants: -1
    start: "2026-03-10"
    end: "2026-03-01"
    feedback:
      - {after: 30m}
      - {after: 168h, at_end: true}
      - {at_end: true}
      - {at_end: true}
    feedback_window: 40d
    min_group_size: 3
    questions:
      - {type: stars, text: Q}
      - {type: text, text: ""}
    automation:
      url: ftp://flags.example.com
      secret_env: PV_SECRET
      attempts: 3
`,
			want: []string{
				`4: previews[0].owner: "alice" is not a Slack user id`,
				`5: previews[0].channel: "#previews" is not a Slack channel id`,
				`6: previews[0].max_participants: must be between 0 (no cap) and 10000`,
				`8: previews[0].end: the last day (2026-03-01) is before the first (2026-03-10)`,
				`10: previews[0].feedback[0].after: must be between 1h and 365d`,
				`11: previews[0].feedback[1]: give exactly one of after: DURATION`,
				`13: previews[0].feedback[3]: duplicate feedback point`,
				`14: previews[0].feedback_window: must be between 1h and 30d`,
				`15: previews[0].min_group_size: applies only to anonymous previews`,
				`17: previews[0].questions[0].type: unknown question type "stars"`,
				`18: previews[0].questions[1].text: the question text is required`,
				`previews[0].questions: at least one rating question is needed`,
				`20: previews[0].automation.url: "ftp://flags.example.com" is not an http(s) URL`,
				`22: previews[0].automation.attempts: unknown key "attempts"`,
			},
		},
		{
			name: "points and questions go together",
			yaml: `previews:
  - {id: a, name: A, owner: U0A, channel: C0A, start: "2026-03-01", end: "2026-03-02", feedback: [{at_end: true}]}
  - {id: a, name: B, owner: U0A, channel: C0A, start: "2026-03-01", end: "2026-03-02", questions: [{type: rating, text: Q}], anonymous: true, min_group_size: 1}
slack:
  commands: {preview: "preview"}
`,
			want: []string{
				"previews[0].questions: feedback points need questions",
				`3: previews[1].id: duplicate preview id "a"`,
				"previews[1].questions: questions are asked at feedback points",
				"previews[1].min_group_size: must be at least 2",
				`slack.commands.preview: a slash command must start with /`,
			},
		},
	})
}
