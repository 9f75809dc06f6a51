// Package previews runs preview programs: a new platform feature tried out
// by volunteers before everyone gets it. An admin declares a preview (in the
// configuration or with a modal), announces it, and developers join or leave
// with one click; a full preview keeps a waitlist that is promoted in order.
// Joining can call the preview's automation (a feature flag), and at
// configured points participants are asked for feedback by DM.
//
// The package knows nothing of Slack or SQL. It declares what it needs: a
// Store for previews, seats, the feedback ledger and answers; a Directory
// to resolve teams; and a Notifier that queues DMs, posts and automation
// calls (rendered and delivered by the handlers and the outbox).
package previews

import (
	"fmt"
	"strings"
	"time"
)

// Kind is a feedback question's type.
type Kind string

// Question kinds.
const (
	Rating Kind = "rating" // 1–5, the first one is answered with one tap
	Text   Kind = "text"   // free text, optional
)

// Limits shared by the configuration and the /preview new modal, chosen to
// fit Slack's texts (75-character buttons and titles, 3,000-character
// sections).
const (
	MaxName          = 75
	MaxDescription   = 1000
	MaxQuestions     = 5
	MaxQuestionText  = 300
	MaxPoints        = 5
	MaxParticipants  = 10000
	MaxTextAnswer    = 2000
	DefaultMinGroup  = 5
	DefaultWindow    = 7 * 24 * time.Hour
	DefaultReminder  = 48 * time.Hour
	MaxFeedbackAfter = 365 * 24 * time.Hour
)

// Question is one feedback question.
type Question struct {
	ID   string `json:"id"`
	Kind Kind   `json:"kind"`
	Text string `json:"text"`
}

// Point is when participants are asked for feedback: After a while with a
// seat (measured from the later of their seat and the preview's start), or
// AtEnd, when the preview ends.
type Point struct {
	After time.Duration `json:"after,omitempty"`
	AtEnd bool          `json:"at_end,omitempty"`
}

// ID names the point in keys and the ledger: "end", or "after-7d" /
// "after-36h".
func (p Point) ID() string {
	if p.AtEnd {
		return "end"
	}
	if p.After%(24*time.Hour) == 0 {
		return fmt.Sprintf("after-%dd", p.After/(24*time.Hour))
	}
	h := p.After.Hours()
	if h == float64(int64(h)) {
		return fmt.Sprintf("after-%dh", int64(h))
	}
	return "after-" + strings.ReplaceAll(p.After.String(), ".", "_")
}

// Label says when the point is, for people.
func (p Point) Label() string {
	switch {
	case p.AtEnd:
		return "at the end"
	case p.After%(24*time.Hour) == 0 && p.After == 24*time.Hour:
		return "after 1 day"
	case p.After%(24*time.Hour) == 0:
		return fmt.Sprintf("after %d days", p.After/(24*time.Hour))
	}
	return "after " + strings.TrimSuffix(strings.TrimSuffix(p.After.String(), "0s"), "0m")
}

// Feedback is what a preview asks its participants, and when.
type Feedback struct {
	Points    []Point       `json:"points,omitempty"`
	Questions []Question    `json:"questions,omitempty"`
	Window    time.Duration `json:"window,omitempty"`   // answers accepted this long after the ask
	Reminder  time.Duration `json:"reminder,omitempty"` // after the ask; 0: none
	// Anonymous stores answers with no link to the person; results are then
	// shown only for at least MinGroupSize answers.
	Anonymous    bool `json:"anonymous,omitempty"`
	MinGroupSize int  `json:"min_group_size,omitempty"`
}

// Point returns the point with the given id.
func (f Feedback) Point(id string) (Point, bool) {
	for _, p := range f.Points {
		if p.ID() == id {
			return p, true
		}
	}
	return Point{}, false
}

// Question returns the question with the given id.
func (f Feedback) Question(id string) (Question, bool) {
	for _, q := range f.Questions {
		if q.ID == id {
			return q, true
		}
	}
	return Question{}, false
}

// FirstRating returns the question answered with one tap in the DM.
func (f Feedback) FirstRating() (Question, bool) {
	for _, q := range f.Questions {
		if q.Kind == Rating {
			return q, true
		}
	}
	return Question{}, false
}

// MinGroup is the fewest answers a figure is shown for: MinGroupSize when
// anonymous, else 1.
func (f Feedback) MinGroup() int {
	if !f.Anonymous {
		return 1
	}
	return max(f.MinGroupSize, 2)
}

// Source says where a preview was declared.
type Source string

// Sources.
const (
	Configured Source = "config" // the YAML file; synced at start
	Created    Source = "admin"  // /preview new
)

// Preview is one preview program.
type Preview struct {
	ID          string
	Name        string
	Description string
	Owner       string // user id
	Channel     string // where it is announced
	// MaxParticipants caps the seats; 0 means no cap (and no waitlist).
	MaxParticipants int
	// Start and End are dates (YYYY-MM-DD), End inclusive; StartAt and
	// EndAt are the midnights that begin the first day and end the last
	// one in the configured time zone.
	Start, End     string
	StartAt, EndAt time.Time
	Feedback       Feedback
	// Automation is set when joining calls a webhook (configured previews
	// only: the secret lives in the environment).
	Automation bool
	Source     Source
	CreatedBy  string
	CreatedAt  time.Time
	// FeedbackClosed is set once every ask has closed after the end.
	FeedbackClosed bool
}

// HasEnded reports whether the preview is over at t.
func (p Preview) HasEnded(t time.Time) bool { return !t.Before(p.EndAt) }

// HasStarted reports whether the preview's first day has begun at t.
func (p Preview) HasStarted(t time.Time) bool { return !t.Before(p.StartAt) }

// FeedbackEnd is when the last ask of the preview may close.
func (p Preview) FeedbackEnd() time.Time { return p.EndAt.Add(p.Feedback.Window) }

// Answer is one answer to one question: Value for a rating, Text for free
// text.
type Answer struct {
	QuestionID string `json:"q"`
	Value      int    `json:"v,omitempty"`
	Text       string `json:"t,omitempty"`
}

// Team is a group participants are counted by (the top-level teams:).
type Team struct {
	ID        string
	Name      string
	Users     []string
	UserGroup string
}

// DateSpan returns the instants that begin start and end the inclusive end
// date in loc.
func DateSpan(start, end string, loc *time.Location) (time.Time, time.Time, error) {
	s, err := time.ParseInLocation(time.DateOnly, start, loc)
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("previews: start %q is not a date like 2026-01-12", start)
	}
	e, err := time.ParseInLocation(time.DateOnly, end, loc)
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("previews: end %q is not a date like 2026-03-06", end)
	}
	return s.UTC(), e.AddDate(0, 0, 1).UTC(), nil
}
