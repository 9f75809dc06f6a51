package previews

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/platformbot/platformbot/domain"
)

// Draft is a preview as typed into the /preview new modal. Numbers come as
// typed so that a bad one is reported next to its field like any other
// mistake. The field names of InvalidError are the json names.
type Draft struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	Description     string `json:"description"`
	Owner           string `json:"owner"`
	Channel         string `json:"channel"`
	MaxParticipants string `json:"max"`
	Start           string `json:"start"`
	End             string `json:"end"`
	AfterDays       string `json:"after_days"` // feedback this many days after joining; "" or 0: none
	AtEnd           bool   `json:"at_end"`     // feedback when the preview ends
	Anonymous       bool   `json:"anonymous"`
	MinGroupSize    string `json:"min_group"`
	RatingQuestion  string `json:"rating"`
	TextQuestion    string `json:"comment"` // optional
}

var (
	slugRe    = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)
	userRe    = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)
	channelRe = regexp.MustCompile(`^[CG][A-Z0-9]{2,}$`)
)

// Create validates a draft and stores it as a new preview. Every problem
// is reported at once in an *InvalidError.
func (s *Service) Create(ctx context.Context, d Draft, by string) (Preview, error) {
	p, bad := s.fromDraft(d)
	if len(bad) > 0 {
		return p, &InvalidError{Fields: bad}
	}
	p.Source, p.CreatedBy, p.CreatedAt = Created, by, s.clock.Now().UTC()
	err := s.store.CreatePreview(ctx, p)
	if errors.Is(err, ErrDuplicate) {
		return p, &InvalidError{Fields: map[string]*domain.Error{"id": fieldError(ReasonIDTaken, nil, "A preview with this id exists already; pick another.")}}
	}
	return p, err
}

// fromDraft turns a draft into a preview and lists what is wrong with it.
func (s *Service) fromDraft(d Draft) (Preview, map[string]*domain.Error) {
	bad := map[string]*domain.Error{}
	p := Preview{
		ID: strings.ToLower(strings.TrimSpace(d.ID)), Name: strings.TrimSpace(d.Name),
		Description: strings.TrimSpace(d.Description), Owner: d.Owner, Channel: d.Channel,
		Start: strings.TrimSpace(d.Start), End: strings.TrimSpace(d.End),
	}
	if !slugRe.MatchString(p.ID) {
		bad["id"] = fieldError(ReasonIDFormat, nil, "Use 1–63 lower-case letters, digits, - and _ (e.g. fast-ci).")
	}
	checkLen(bad, "name", p.Name, MaxName, true)
	checkLen(bad, "description", p.Description, MaxDescription, false)
	if !userRe.MatchString(p.Owner) {
		bad["owner"] = fieldError(ReasonOwner, nil, "Pick the person who owns the preview.")
	}
	if !channelRe.MatchString(p.Channel) {
		bad["channel"] = fieldError(ReasonChannel, nil, "Pick a public or private channel to announce it in.")
	}
	p.MaxParticipants = number(bad, "max", d.MaxParticipants, 0, MaxParticipants)
	s.checkDates(bad, &p)
	p.Feedback = draftFeedback(bad, d)
	return p, bad
}

// checkDates parses the dates and checks that the preview does not end
// before it starts or before today.
func (s *Service) checkDates(bad map[string]*domain.Error, p *Preview) {
	if p.Start == "" {
		bad["start"] = fieldError(ReasonStartMissing, nil, "Pick the first day.")
	}
	if p.End == "" {
		bad["end"] = fieldError(ReasonEndMissing, nil, "Pick the last day.")
	}
	if p.Start == "" || p.End == "" {
		return
	}
	start, end, err := DateSpan(p.Start, p.End, s.loc)
	if err != nil {
		bad["start"] = fieldError(ReasonDate, nil, "Use a date like 2026-01-12.")
		return
	}
	switch {
	case end.Before(start.AddDate(0, 0, 1)):
		bad["end"] = fieldError(ReasonEndBeforeStart, nil, "The last day can't be before the first day.")
	case !end.After(s.clock.Now()):
		bad["end"] = fieldError(ReasonEndPast, nil, "The last day is in the past.")
	}
	p.StartAt, p.EndAt = start, end
}

// draftFeedback builds the feedback settings: a rating question (and an
// optional free-text one) asked at the points chosen.
func draftFeedback(bad map[string]*domain.Error, d Draft) Feedback {
	f := Feedback{Window: DefaultWindow, Reminder: DefaultReminder, Anonymous: d.Anonymous}
	if days := number(bad, "after_days", d.AfterDays, 0, int(MaxFeedbackAfter/(24*time.Hour))); days > 0 {
		f.Points = append(f.Points, Point{After: time.Duration(days) * 24 * time.Hour})
	}
	if d.AtEnd {
		f.Points = append(f.Points, Point{AtEnd: true})
	}
	if d.Anonymous {
		f.MinGroupSize = DefaultMinGroup
		if strings.TrimSpace(d.MinGroupSize) != "" {
			f.MinGroupSize = number(bad, "min_group", d.MinGroupSize, 2, MaxParticipants)
		}
	}
	rating, text := strings.TrimSpace(d.RatingQuestion), strings.TrimSpace(d.TextQuestion)
	checkLen(bad, "rating", rating, MaxQuestionText, len(f.Points) > 0)
	checkLen(bad, "comment", text, MaxQuestionText, false)
	if rating != "" {
		f.Questions = append(f.Questions, Question{ID: "rating", Kind: Rating, Text: rating})
	}
	if text != "" {
		f.Questions = append(f.Questions, Question{ID: "comment", Kind: Text, Text: text})
	}
	if len(f.Questions) > 0 && len(f.Points) == 0 {
		bad["after_days"] = fieldError(ReasonNoPoints, nil, "Questions are asked at feedback points: give a number of days, or ask at the end.")
	}
	return f
}

// checkLen records a problem with a required or too long text.
func checkLen(bad map[string]*domain.Error, field, v string, maxLen int, required bool) {
	switch n := utf8.RuneCountInString(v); {
	case n == 0 && required:
		bad[field] = fieldError(ReasonRequired, nil, "This is required.")
	case n > maxLen:
		bad[field] = fieldError(ReasonTooLong, map[string]any{"Max": maxLen}, "Please keep it under "+strconv.Itoa(maxLen)+" characters.")
	}
}

// number parses an optional whole number in [lo, hi]; "" is 0.
func number(bad map[string]*domain.Error, field, v string, lo, hi int) int {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		bad[field] = fieldError(ReasonNumberRange, map[string]any{"Min": lo, "Max": hi}, "Use a whole number from "+strconv.Itoa(lo)+" to "+strconv.Itoa(hi)+".")
		return 0
	}
	return n
}
