package config

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/platformbot/platformbot/workhours"
)

// Survey is one pulse survey: what is asked, of whom, when, and how results
// are reported. See docs/surveys.md#pulse-surveys for the reference and an example.
type Survey struct {
	ID    string `yaml:"id"`    // slug used in `/pulse send ID` and in job names
	Title string `yaml:"title"` // shown in DMs and results
	Intro string `yaml:"intro"` // optional mrkdwn line under the title in the DM
	// Schedule starts runs; an empty cron means runs start only by
	// `/pulse send`.
	Schedule SurveySchedule `yaml:"schedule"`
	Audience SurveyAudience `yaml:"audience"`
	// Questions in order; the first one is answered with one tap in the DM.
	Questions []SurveyQuestion `yaml:"questions"`
	// Anonymous stores answers with no link to the person (default true).
	Anonymous *bool `yaml:"anonymous"`
	// MinGroupSize is the fewest answers any figure (the run, a question,
	// a team, a comment list) is reported for. Default 5.
	MinGroupSize int `yaml:"min_group_size"`
	// Window is how long a run accepts answers. Default 72h.
	Window Duration `yaml:"window"`
	// Reminder is when, after the start, the one reminder goes to those who
	// have not answered. Default 24h (half the window if that is shorter);
	// "0s" sends none.
	Reminder *Duration `yaml:"reminder"`
	// ResultsChannel receives the results when a run closes; empty: results
	// are only shown by `/pulse results`.
	ResultsChannel string `yaml:"results_channel"`
	// ShareComments includes free-text answers in the results posted to
	// ResultsChannel; admins always see them in `/pulse results`.
	ShareComments bool `yaml:"share_comments"`
}

// SurveySchedule is when runs start: a five-field cron expression in a time
// zone, optionally only every Nth week (cron cannot say "every other Monday").
type SurveySchedule struct {
	Cron     string `yaml:"cron"`
	Timezone string `yaml:"timezone"` // default: the top-level timezone
	// EveryWeeks runs only in every Nth week, counted in whole weeks from
	// Anchor. Default 1 (every occurrence of the cron).
	EveryWeeks int `yaml:"every_weeks"`
	// Anchor is a date (YYYY-MM-DD) in a week that runs; default 2024-01-01.
	Anchor string `yaml:"anchor"`
	// SendAt ("HH:MM") asks each person at that time of day in their own
	// zone, on the first working day at or after the run starts: one run,
	// sends spread over the zones. Empty: at the start of the run, or at
	// the next start of their working hours.
	SendAt string `yaml:"send_at"`
	// WorkingHours ("HH:MM-HH:MM", Monday to Friday, in each person's
	// zone) replace delivery.working_hours for this survey's invitations.
	WorkingHours string `yaml:"working_hours"`
}

// Plan returns the survey's own say in when each person is asked (zero
// values where it has none; validate reports bad ones).
func (s SurveySchedule) Plan() (hours workhours.Window, at *workhours.Clock) {
	if s.WorkingHours != "" {
		hours, _ = parseHours(s.WorkingHours)
	}
	if s.SendAt != "" {
		if c, err := workhours.ParseClock(s.SendAt); err == nil {
			at = &c
		}
	}
	return hours, at
}

// SurveyAudience lists who is asked; members of all lists are merged and
// de-duplicated, and bots and deactivated accounts are skipped at send time.
type SurveyAudience struct {
	Users      []string `yaml:"users"`
	UserGroups []string `yaml:"usergroups"`
	Channels   []string `yaml:"channels"`
}

// Question types.
const (
	QuestionScale  = "scale"  // 1–5
	QuestionNPS    = "nps"    // 0–10, "how likely are you to recommend…"
	QuestionChoice = "choice" // one of Options
	QuestionText   = "text"   // free text, always optional
)

var questionTypes = []string{QuestionScale, QuestionNPS, QuestionChoice, QuestionText}

// SurveyQuestion is one question.
type SurveyQuestion struct {
	ID   string `yaml:"id"` // stable across runs for trends; default q1, q2, …
	Type string `yaml:"type"`
	Text string `yaml:"text"`
	// Labels name the points of a scale question, 1 to 5 (all five or
	// none), or the two ends of an NPS question (two: 0 and 10).
	Labels  []string `yaml:"labels"`
	Options []string `yaml:"options"` // choice: 2 to 10 options
	// Optional lets people skip the question in the form. Text questions
	// are always optional.
	Optional bool `yaml:"optional"`
}

// Survey defaults applied by validation.
const (
	DefaultSurveyMinGroupSize = 5
	DefaultSurveyWindow       = 72 * time.Hour
	DefaultSurveyReminder     = 24 * time.Hour
	DefaultSurveyAnchor       = "2024-01-01"
)

// Limits that keep a survey inside Slack's limits: buttons text 75
// characters, 10 options per radio group, 50 blocks per message.
const (
	maxSurveyQuestions = 10
	maxQuestionText    = 300
	maxChoiceOptions   = 10
	maxLabel           = 30
)

// IsAnonymous reports whether answers are stored without the person.
func (s Survey) IsAnonymous() bool { return s.Anonymous == nil || *s.Anonymous }

// ReminderAfter returns the reminder delay (0: no reminder); call it on a
// validated config.
func (s Survey) ReminderAfter() time.Duration {
	if s.Reminder == nil {
		return 0
	}
	return s.Reminder.D()
}

// Location returns the schedule's time zone, def when none is set.
func (s SurveySchedule) Location(def *time.Location) *time.Location {
	if s.Timezone == "" {
		return def
	}
	if loc, err := time.LoadLocation(s.Timezone); err == nil {
		return loc
	}
	return def
}

// AnchorDate returns the parsed anchor; call it on a validated config.
func (s SurveySchedule) AnchorDate() time.Time {
	t, err := time.Parse(time.DateOnly, s.Anchor)
	if err != nil {
		t, _ = time.Parse(time.DateOnly, DefaultSurveyAnchor)
	}
	return t
}

// Survey returns the survey with the given id.
func (c *Config) Survey(id string) (Survey, bool) {
	for _, s := range c.Surveys {
		if s.ID == id {
			return s, true
		}
	}
	return Survey{}, false
}

func (c *Config) validateSurveys(v *validator) {
	seen := map[string]bool{}
	for i := range c.Surveys {
		s := &c.Surveys[i]
		p := fmt.Sprintf("surveys[%d]", i)
		v.slugID(p+".id", seen, s.ID, "id", "survey id")
		v.title(p+".title", s.Title)
		s.applyDefaults()
		s.validateSettings(v, p)
		s.Schedule.validate(v, p+".schedule")
		s.Audience.validate(v, p+".audience")
		validateQuestions(v, p+".questions", s.Questions)
	}
}

func (s *Survey) applyDefaults() {
	if s.MinGroupSize == 0 {
		s.MinGroupSize = DefaultSurveyMinGroupSize
	}
	if s.Window == 0 {
		s.Window = Duration(DefaultSurveyWindow)
	}
	if s.Reminder == nil {
		d := Duration(min(DefaultSurveyReminder, s.Window.D()/2))
		s.Reminder = &d
	}
	if s.Schedule.EveryWeeks == 0 {
		s.Schedule.EveryWeeks = 1
	}
	if s.Schedule.Anchor == "" {
		s.Schedule.Anchor = DefaultSurveyAnchor
	}
	for j := range s.Questions {
		if s.Questions[j].ID == "" {
			s.Questions[j].ID = fmt.Sprintf("q%d", j+1)
		}
	}
}

func (s *Survey) validateSettings(v *validator, p string) {
	if s.MinGroupSize < 2 {
		v.add(p+".min_group_size", "must be at least 2 (default 5): smaller groups would show single answers")
	}
	if w := s.Window.D(); w < time.Hour || w > 30*24*time.Hour {
		v.add(p+".window", "must be between 1h and 30d, got %s", w)
	}
	if r := s.ReminderAfter(); r < 0 || (r > 0 && r >= s.Window.D()) {
		v.add(p+".reminder", "must be 0s (no reminder) or shorter than the window (%s), got %s", s.Window.D(), r)
	}
	v.channelID(p+".results_channel", s.ResultsChannel, false)
	if s.ShareComments && s.ResultsChannel == "" {
		v.add(p+".share_comments", "needs a results_channel to share comments in")
	}
}

func (s SurveySchedule) validate(v *validator, p string) {
	v.cron(p+".cron", s.Cron, false)
	v.timezone(p+".timezone", s.Timezone)
	if s.EveryWeeks < 1 || s.EveryWeeks > 52 {
		v.add(p+".every_weeks", "must be between 1 and 52, got %d", s.EveryWeeks)
	}
	if _, err := time.Parse(time.DateOnly, s.Anchor); err != nil {
		v.add(p+".anchor", "%q is not a date like 2026-01-05", s.Anchor)
	}
	if s.Cron == "" && (s.EveryWeeks != 1 || s.Timezone != "") {
		v.add(p+".cron", "every_weeks and timezone need a cron schedule")
	}
	if s.WorkingHours != "" {
		if _, err := parseHours(s.WorkingHours); err != nil {
			v.add(p+".working_hours", "%v (use HH:MM-HH:MM such as 10:00-16:00)", err)
		}
	}
	if s.SendAt != "" {
		if _, err := workhours.ParseClock(s.SendAt); err != nil {
			v.add(p+".send_at", "%v (use HH:MM such as 10:00)", err)
		}
	}
}

func (a SurveyAudience) validate(v *validator, p string) {
	if len(a.Users)+len(a.UserGroups)+len(a.Channels) == 0 {
		v.add(p, "list users, usergroups and/or channels to ask")
	}
	for i, u := range a.Users {
		v.userID(fmt.Sprintf("%s.users[%d]", p, i), u)
	}
	for i, g := range a.UserGroups {
		v.userGroupID(fmt.Sprintf("%s.usergroups[%d]", p, i), g, true)
	}
	for i, ch := range a.Channels {
		v.channelID(fmt.Sprintf("%s.channels[%d]", p, i), ch, true)
	}
}

func validateQuestions(v *validator, p string, qs []SurveyQuestion) {
	switch {
	case len(qs) == 0:
		v.add(p, "a survey needs at least one question")
	case len(qs) > maxSurveyQuestions:
		v.add(p, "at most %d questions fit (people answer pulses in seconds), got %d", maxSurveyQuestions, len(qs))
	}
	seen := map[string]bool{}
	for j, q := range qs {
		qp := fmt.Sprintf("%s[%d]", p, j)
		v.slugID(qp+".id", seen, q.ID, "question id", "question id")
		switch t := strings.TrimSpace(q.Text); {
		case t == "":
			v.add(qp+".text", "the question text is required")
		case len([]rune(t)) > maxQuestionText:
			v.add(qp+".text", "must be at most %d characters", maxQuestionText)
		}
		if !slices.Contains(questionTypes, q.Type) {
			v.add(qp+".type", "unknown question type %q (use one of %s)", q.Type, strings.Join(questionTypes, ", "))
			continue
		}
		q.validateKind(v, qp)
	}
}

func (q SurveyQuestion) validateKind(v *validator, qp string) {
	wantLabels := map[string][]int{QuestionScale: {0, 5}, QuestionNPS: {0, 2}}[q.Type]
	if wantLabels == nil && len(q.Labels) > 0 {
		v.add(qp+".labels", "only scale and nps questions have labels")
	} else if wantLabels != nil && !slices.Contains(wantLabels, len(q.Labels)) {
		v.add(qp+".labels", "a %s question takes %d labels (or none), got %d", q.Type, wantLabels[1], len(q.Labels))
	}
	for k, l := range q.Labels {
		if strings.TrimSpace(l) == "" || len([]rune(l)) > maxLabel {
			v.add(fmt.Sprintf("%s.labels[%d]", qp, k), "a label must be 1 to %d characters", maxLabel)
		}
	}
	if q.Type != QuestionChoice {
		if len(q.Options) > 0 {
			v.add(qp+".options", "only choice questions have options")
		}
		return
	}
	if len(q.Options) < 2 || len(q.Options) > maxChoiceOptions {
		v.add(qp+".options", "a choice question needs 2 to %d options, got %d", maxChoiceOptions, len(q.Options))
	}
	seen := map[string]bool{}
	for k, o := range q.Options {
		op := fmt.Sprintf("%s.options[%d]", qp, k)
		if strings.TrimSpace(o) == "" || len([]rune(o)) > maxOptionText {
			v.add(op, "an option must be 1 to %d characters", maxOptionText)
		} else {
			v.unique(op, seen, o, "option")
		}
	}
}
