// Package surveys runs pulse surveys: short developer-satisfaction surveys
// sent by DM on a schedule, answered in a tap, reminded once, and reported
// with anonymity that holds (see docs/surveys.md#pulse-surveys, Guarantees).
//
// The package knows nothing of Slack or SQL. It declares what it needs: a
// Store for runs, the participation ledger and answers; a Directory to
// resolve audiences; and a Notifier that queues DMs and results posts
// (rendered and delivered by the handlers and the outbox).
package surveys

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Kind is a question's type.
type Kind string

// Question kinds.
const (
	Scale  Kind = "scale"  // 1–5
	NPS    Kind = "nps"    // 0–10
	Choice Kind = "choice" // index into Options
	Text   Kind = "text"   // free text
)

// MaxTextLength bounds a free-text answer, in characters.
const MaxTextLength = 2000

// Question is one question of a survey.
type Question struct {
	ID       string   `json:"id"`
	Kind     Kind     `json:"kind"`
	Text     string   `json:"text"`
	Labels   []string `json:"labels,omitempty"`  // scale: 5 (1→5); nps: 2 (0 and 10)
	Options  []string `json:"options,omitempty"` // choice
	Optional bool     `json:"optional,omitempty"`
}

// Values returns the answer values a question takes, in display order; nil
// for free text.
func (q Question) Values() []int {
	var lo, hi int
	switch q.Kind {
	case Scale:
		lo, hi = 1, 5
	case NPS:
		lo, hi = 0, 10
	case Choice:
		lo, hi = 0, len(q.Options)-1
	default:
		return nil
	}
	out := make([]int, 0, hi-lo+1)
	for v := lo; v <= hi; v++ {
		out = append(out, v)
	}
	return out
}

// Label returns how an answer value is shown: the option of a choice, the
// number and its label on a scale ("4 · Good"), or the bare number.
func (q Question) Label(v int) string {
	switch q.Kind {
	case Choice:
		if v >= 0 && v < len(q.Options) {
			return q.Options[v]
		}
	case Scale:
		if len(q.Labels) == 5 && v >= 1 && v <= 5 {
			return fmt.Sprintf("%d · %s", v, q.Labels[v-1])
		}
	}
	return fmt.Sprint(v)
}

// IsOptional reports whether the form may leave the question blank.
func (q Question) IsOptional() bool { return q.Optional || q.Kind == Text }

// Answer is one answer to one question: Value for scale, NPS and choice
// questions, Text for free text.
type Answer struct {
	QuestionID string `json:"q"`
	Value      int    `json:"v,omitempty"`
	Text       string `json:"t,omitempty"`
}

// check validates an answer against its question and normalises free text.
func (q Question) check(a Answer) (Answer, error) {
	if q.Kind == Text {
		a.Text = strings.TrimSpace(a.Text)
		if utf8.RuneCountInString(a.Text) > MaxTextLength {
			return a, &InputError{Question: q.ID, Why: AnswerTooLong, Msg: fmt.Sprintf("Please keep it under %d characters.", MaxTextLength)}
		}
		a.Value = 0
		return a, nil
	}
	vals := q.Values()
	if len(vals) == 0 || a.Value < vals[0] || a.Value > vals[len(vals)-1] {
		return a, &InputError{Question: q.ID, Why: NotAnOption, Msg: "Please pick one of the options."}
	}
	a.Text = ""
	return a, nil
}

// Audience is who a survey asks. Members of all lists are merged and
// de-duplicated; bots and deactivated accounts are skipped at send time.
type Audience struct {
	Users      []string
	UserGroups []string
	Channels   []string
}

// Survey is a survey as configured.
type Survey struct {
	ID    string
	Title string
	Intro string
	// Cron starts runs ("" = only by hand) in Location, in every
	// EveryWeeks-th week counted from the week of Anchor.
	Cron       string
	Location   *time.Location
	EveryWeeks int
	Anchor     time.Time

	Audience  Audience
	Questions []Question
	Anonymous bool
	// MinGroupSize is the fewest answers a figure is reported for.
	MinGroupSize int
	// Window is how long each person has to answer from when they are
	// asked; Reminder, how long after being asked they are reminded (0:
	// never).
	Window         time.Duration
	Reminder       time.Duration
	ResultsChannel string
	ShareComments  bool
	// Schedule is when the invitations go out in each person's zone.
	Schedule Schedule
}

// Snapshot is the part of a survey a run keeps, so that a run is answered
// and reported as it was asked even after the configuration changes.
type Snapshot struct {
	Title          string     `json:"title"`
	Intro          string     `json:"intro,omitempty"`
	Questions      []Question `json:"questions"`
	Anonymous      bool       `json:"anonymous"`
	MinGroupSize   int        `json:"min_group_size"`
	ResultsChannel string     `json:"results_channel,omitempty"`
	ShareComments  bool       `json:"share_comments,omitempty"`
	// Window and Reminder are per person (see Run.ClosesFor); runs stored
	// without them have one window for everyone.
	Window   time.Duration `json:"window,omitempty"`
	Reminder time.Duration `json:"reminder,omitempty"`
}

func (s Survey) snapshot() Snapshot {
	return Snapshot{
		Title: s.Title, Intro: s.Intro, Questions: s.Questions, Anonymous: s.Anonymous,
		MinGroupSize: max(s.MinGroupSize, 1), ResultsChannel: s.ResultsChannel, ShareComments: s.ShareComments,
		Window: s.Window, Reminder: s.Reminder,
	}
}

// Question returns the question with the given id.
func (s Snapshot) Question(id string) (Question, bool) {
	for _, q := range s.Questions {
		if q.ID == id {
			return q, true
		}
	}
	return Question{}, false
}

// FirstOf returns the first question of a kind.
func (s Snapshot) FirstOf(k Kind) (Question, bool) {
	for _, q := range s.Questions {
		if q.Kind == k {
			return q, true
		}
	}
	return Question{}, false
}

// Team is a group that results are broken down by.
type Team struct {
	ID        string
	Name      string
	Users     []string
	UserGroup string
}
