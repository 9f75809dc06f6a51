package config

import (
	"fmt"
	"strings"
	"time"
)

// Preview is one preview program: a new platform feature tried by
// volunteers before everyone gets it. Developers join with one click on
// the announcement or `/preview join ID`; see the README's "Preview
// programs" section.
type Preview struct {
	ID   string `yaml:"id"`   // slug used in the /preview commands and automation calls; keep it stable
	Name string `yaml:"name"` // shown in announcements, DMs and App Home (up to 75 characters)
	// Description says what the feature is and what to try; shown in the
	// announcement and /preview list (up to 1,000 characters).
	Description string `yaml:"description"`
	Owner       string `yaml:"owner"`   // user id: answers questions, hears of failed automation
	Channel     string `yaml:"channel"` // where `/preview announce` posts
	// MaxParticipants caps the seats; more joiners wait on a waitlist,
	// promoted in order. 0: no cap.
	MaxParticipants int `yaml:"max_participants"`
	// Start and End are dates (YYYY-MM-DD) in the top-level timezone; End
	// is the last day. Joining is possible until the end.
	Start string `yaml:"start"`
	End   string `yaml:"end"`
	// Feedback lists when participants are asked: after: a duration with
	// a seat (e.g. 168h), or at_end: true.
	Feedback []PreviewPoint `yaml:"feedback"`
	// FeedbackWindow is how long each ask takes answers. Default 7d.
	FeedbackWindow Duration `yaml:"feedback_window"`
	// Reminder is when, after an ask, the one reminder goes to those who
	// have not answered. Default 48h (half the window if shorter); 0s: none.
	Reminder *Duration `yaml:"reminder"`
	// Questions are asked at every point: 1 to 5, at least one rating.
	Questions []PreviewQuestion `yaml:"questions"`
	// Anonymous stores answers with no link to the person (default false).
	Anonymous bool `yaml:"anonymous"`
	// MinGroupSize is, for anonymous previews, the fewest answers a rating
	// or the comments are shown for (default 5, at least 2).
	MinGroupSize int `yaml:"min_group_size"`
	// Automation is called, signed like the catalog's, when someone gets a
	// seat (action join) and when they leave it (action leave).
	Automation PreviewAutomation `yaml:"automation"`
}

// PreviewPoint is one feedback point: give one of the two keys.
type PreviewPoint struct {
	// After asks each participant this long after they got a seat (or
	// after the start, for early joiners), while the preview runs; 1h–365d.
	After Duration `yaml:"after"`
	// AtEnd asks everyone seated when the preview ends.
	AtEnd bool `yaml:"at_end"`
}

// PreviewAutomation is the webhook that turns a preview's feature on and
// off for a person. The answer to each call is its status, and the outbox
// retries calls (6 attempts, from 15s apart), so it has fewer keys than
// the catalog's automation.
type PreviewAutomation struct {
	URL string `yaml:"url"` // http(s)
	// SecretEnv names the environment variable holding the HMAC-SHA256 key
	// that signs each call (X-Platformbot-Signature).
	SecretEnv string `yaml:"secret_env"`
	// Timeout bounds one call. Default 10s, at most 1m.
	Timeout Duration `yaml:"timeout"`
}

// Enabled reports whether joining calls a webhook.
func (a PreviewAutomation) Enabled() bool { return a.URL != "" }

// Secret returns the signing secret from the environment.
func (a PreviewAutomation) Secret() string { return env(a.SecretEnv) }

// Preview question types.
const (
	PreviewRating = "rating" // 1–5, the first one is answered with one tap
	PreviewText   = "text"   // free text, optional
)

// PreviewQuestion is one feedback question.
type PreviewQuestion struct {
	ID   string `yaml:"id"`   // default q1, q2, …
	Type string `yaml:"type"` // rating (1–5; the first is the DM's one-tap question) or text
	Text string `yaml:"text"` // up to 300 characters
}

// Preview defaults and limits (the same as the previews package's, which
// the /preview new modal uses).
const (
	DefaultPreviewWindow   = 7 * 24 * time.Hour
	DefaultPreviewReminder = 48 * time.Hour
	DefaultPreviewMinGroup = 5
	maxPreviewName         = 75
	maxPreviewDescription  = 1000
	maxPreviewQuestions    = 5
	maxPreviewPoints       = 5
	maxPreviewSeats        = 10000
	maxPreviewAfter        = 365 * 24 * time.Hour
)

// ReminderAfter returns the reminder delay (0: none); call it on a
// validated config.
func (p Preview) ReminderAfter() time.Duration {
	if p.Reminder == nil {
		return 0
	}
	return p.Reminder.D()
}

func (c *Config) validatePreviews(v *validator) {
	seen := map[string]bool{}
	for i := range c.Previews {
		p := &c.Previews[i]
		path := fmt.Sprintf("previews[%d]", i)
		v.slugID(path+".id", seen, p.ID, "id", "preview id")
		p.applyDefaults()
		p.validateText(v, path)
		p.validateDates(v, path)
		p.validateFeedback(v, path)
		Automation{URL: p.Automation.URL, SecretEnv: p.Automation.SecretEnv, Timeout: p.Automation.Timeout}.validate(v, path+".automation")
	}
}

func (p *Preview) applyDefaults() {
	if p.FeedbackWindow == 0 {
		p.FeedbackWindow = Duration(DefaultPreviewWindow)
	}
	if p.Reminder == nil {
		d := Duration(min(DefaultPreviewReminder, p.FeedbackWindow.D()/2))
		p.Reminder = &d
	}
	if p.Anonymous && p.MinGroupSize == 0 {
		p.MinGroupSize = DefaultPreviewMinGroup
	}
	for j := range p.Questions {
		if p.Questions[j].ID == "" {
			p.Questions[j].ID = fmt.Sprintf("q%d", j+1)
		}
	}
}

func (p *Preview) validateText(v *validator, path string) {
	switch n := len([]rune(strings.TrimSpace(p.Name))); {
	case n == 0:
		v.add(path+".name", "a name is required")
	case n > maxPreviewName:
		v.add(path+".name", "must be at most %d characters", maxPreviewName)
	}
	if len([]rune(p.Description)) > maxPreviewDescription {
		v.add(path+".description", "must be at most %d characters", maxPreviewDescription)
	}
	if p.Owner == "" {
		v.add(path+".owner", "the owner's user id (like U012AB3CD) is required")
	} else {
		v.userID(path+".owner", p.Owner)
	}
	v.channelID(path+".channel", p.Channel, true)
	if p.MaxParticipants < 0 || p.MaxParticipants > maxPreviewSeats {
		v.add(path+".max_participants", "must be between 0 (no cap) and %d", maxPreviewSeats)
	}
}

func (p *Preview) validateDates(v *validator, path string) {
	start, err1 := time.Parse(time.DateOnly, p.Start)
	if err1 != nil {
		v.add(path+".start", "%q is not a date like 2026-01-12", p.Start)
	}
	end, err2 := time.Parse(time.DateOnly, p.End)
	if err2 != nil {
		v.add(path+".end", "%q is not a date like 2026-03-06", p.End)
	}
	if err1 == nil && err2 == nil && end.Before(start) {
		v.add(path+".end", "the last day (%s) is before the first (%s)", p.End, p.Start)
	}
}

func (p *Preview) validateFeedback(v *validator, path string) {
	if len(p.Feedback) > maxPreviewPoints {
		v.add(path+".feedback", "at most %d feedback points, got %d", maxPreviewPoints, len(p.Feedback))
	}
	seen := map[string]bool{}
	for j, pt := range p.Feedback {
		pp := fmt.Sprintf("%s.feedback[%d]", path, j)
		switch {
		case pt.AtEnd && pt.After != 0, !pt.AtEnd && pt.After == 0:
			v.add(pp, "give exactly one of after: DURATION (like 168h) and at_end: true")
			continue
		case !pt.AtEnd && (pt.After.D() < time.Hour || pt.After.D() > maxPreviewAfter):
			v.add(pp+".after", "must be between 1h and 365d, got %s", pt.After.D())
		}
		key := fmt.Sprint(pt.After.D(), pt.AtEnd)
		v.unique(pp, seen, key, "feedback point")
	}
	if w := p.FeedbackWindow.D(); w < time.Hour || w > 30*24*time.Hour {
		v.add(path+".feedback_window", "must be between 1h and 30d, got %s", w)
	}
	if r := p.ReminderAfter(); r < 0 || (r > 0 && r >= p.FeedbackWindow.D()) {
		v.add(path+".reminder", "must be 0s (no reminder) or shorter than the feedback window (%s), got %s", p.FeedbackWindow.D(), r)
	}
	if p.Anonymous && p.MinGroupSize < 2 {
		v.add(path+".min_group_size", "must be at least 2 (default 5): smaller groups would show single answers")
	}
	if !p.Anonymous && p.MinGroupSize != 0 {
		v.add(path+".min_group_size", "applies only to anonymous previews (anonymous: true)")
	}
	p.validateQuestions(v, path+".questions")
}

func (p *Preview) validateQuestions(v *validator, path string) {
	switch {
	case len(p.Feedback) > 0 && len(p.Questions) == 0:
		v.add(path, "feedback points need questions (a rating, and perhaps free text)")
	case len(p.Feedback) == 0 && len(p.Questions) > 0:
		v.add(path, "questions are asked at feedback points: add feedback: (after: 168h, at_end: true)")
	case len(p.Questions) > maxPreviewQuestions:
		v.add(path, "at most %d questions, got %d", maxPreviewQuestions, len(p.Questions))
	}
	seen, ratings := map[string]bool{}, 0
	for j, q := range p.Questions {
		qp := fmt.Sprintf("%s[%d]", path, j)
		v.slugID(qp+".id", seen, q.ID, "question id", "question id")
		switch q.Type {
		case PreviewRating:
			ratings++
		case PreviewText:
		default:
			v.add(qp+".type", "unknown question type %q (use rating or text)", q.Type)
		}
		switch t := strings.TrimSpace(q.Text); {
		case t == "":
			v.add(qp+".text", "the question text is required")
		case len([]rune(t)) > maxQuestionText:
			v.add(qp+".text", "must be at most %d characters", maxQuestionText)
		}
	}
	if len(p.Questions) > 0 && ratings == 0 {
		v.add(path, "at least one rating question is needed: it is the one-tap question of the DM")
	}
}
