package previews

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Submission is what a participant sends: one tap on the first rating, or
// the form.
type Submission struct {
	PreviewID string
	PointID   string
	UserID    string
	// Token is "" for a first answer; the form carries the token the first
	// answer returned.
	Token   string
	Answers []Answer
}

// Receipt is what a participant is shown after answering, or in the form.
type Receipt struct {
	Preview   Preview
	Point     Point
	Ask       Ask
	Token     string
	Answers   []Answer   // in question order
	Remaining []Question // questions without an answer yet
}

// Answer records a submission. A first answer flips the person's ask to
// answered and stores the answers under a fresh random token, in two
// separate transactions so that not even the database's transaction ids
// tie the two together; a second first answer is refused. Later answers
// need the token.
func (s *Service) Answer(ctx context.Context, sub Submission) (Receipt, error) {
	p, pt, ask, err := s.openAsk(ctx, sub.PreviewID, sub.PointID, sub.UserID)
	if err != nil {
		return Receipt{}, err
	}
	answers, err := checkAnswers(p.Feedback, sub.Answers)
	if err != nil {
		return Receipt{}, err
	}
	if len(answers) == 0 {
		return Receipt{}, ErrNothingAnswered
	}
	resp := Response{PreviewID: p.ID, PointID: pt.ID(), Token: sub.Token, Answers: answers}
	if !p.Feedback.Anonymous {
		resp.UserID, resp.At = sub.UserID, s.clock.Now().UTC()
	}
	if sub.Token == "" {
		resp.Token = newToken()
		err = s.firstAnswer(ctx, ask, resp)
		ask.Answered = err == nil
	} else if !ask.Answered {
		err = ErrUnknownResponse
	} else {
		err = s.store.SaveResponse(ctx, resp, true)
		if errors.Is(err, ErrNotFound) {
			err = ErrUnknownResponse.Wrap(err)
		}
	}
	if err != nil {
		return Receipt{}, closedOr(ask, err)
	}
	return s.receipt(ctx, p, pt, ask, resp.Token)
}

func (s *Service) firstAnswer(ctx context.Context, ask Ask, resp Response) error {
	err := s.store.MarkAnswered(ctx, ask.PreviewID, ask.PointID, ask.UserID)
	switch {
	case errors.Is(err, ErrNotFound):
		return ErrNotAsked.Wrap(err)
	case err != nil:
		return err
	}
	if err := s.store.SaveResponse(ctx, resp, false); err != nil {
		// Give the person their answer back rather than a ledger that
		// says they answered when nothing was stored.
		if uerr := s.store.UnmarkAnswered(ctx, ask.PreviewID, ask.PointID, ask.UserID); uerr != nil {
			err = errors.Join(err, uerr)
		}
		return err
	}
	return nil
}

// Form returns what the form shows: with a token, the answers so far;
// without, it checks that the person may still answer at all.
func (s *Service) Form(ctx context.Context, previewID, pointID, userID, token string) (Receipt, error) {
	p, pt, ask, err := s.openAsk(ctx, previewID, pointID, userID)
	if err != nil {
		return Receipt{}, err
	}
	if token == "" && ask.Answered {
		return Receipt{}, ErrAnswered
	}
	return s.receipt(ctx, p, pt, ask, token)
}

func (s *Service) receipt(ctx context.Context, p Preview, pt Point, ask Ask, token string) (Receipt, error) {
	rc := Receipt{Preview: p, Point: pt, Ask: ask, Token: token}
	var given []Answer
	if token != "" {
		var err error
		if given, err = s.store.ResponseAnswers(ctx, p.ID, token); err != nil {
			return Receipt{}, err
		}
		if len(given) == 0 {
			return Receipt{}, ErrUnknownResponse
		}
	}
	byQ := map[string]Answer{}
	for _, a := range given {
		byQ[a.QuestionID] = a
	}
	for _, q := range p.Feedback.Questions {
		if a, ok := byQ[q.ID]; ok {
			rc.Answers = append(rc.Answers, a)
		} else {
			rc.Remaining = append(rc.Remaining, q)
		}
	}
	return rc, nil
}

// openAsk returns the preview, point and ask if the ask takes answers now.
func (s *Service) openAsk(ctx context.Context, previewID, pointID, userID string) (Preview, Point, Ask, error) {
	p, err := s.Preview(ctx, previewID)
	if errors.Is(err, ErrNotFound) {
		return p, Point{}, Ask{}, ErrNotAsked.Wrap(err)
	}
	if err != nil {
		return p, Point{}, Ask{}, err
	}
	pt, ok := p.Feedback.Point(pointID)
	if !ok {
		return p, pt, Ask{}, ErrNotAsked
	}
	ask, err := s.store.Ask(ctx, p.ID, pointID, userID)
	if errors.Is(err, ErrNotFound) {
		return p, pt, ask, ErrNotAsked.Wrap(err)
	}
	if err != nil {
		return p, pt, ask, err
	}
	if !ask.IsOpenAt(s.clock.Now()) || p.FeedbackClosed {
		return p, pt, ask, &ClosedError{ClosedAt: ask.ClosesAt}
	}
	return p, pt, ask, nil
}

// ShouldAsk decides, right before a feedback DM (or its reminder) is sent,
// whether it still should be: the ask is open, unanswered, and the person
// has not left the preview meanwhile.
func (s *Service) ShouldAsk(ctx context.Context, previewID, pointID, userID string, reminder bool) (bool, string, error) {
	ask, err := s.store.Ask(ctx, previewID, pointID, userID)
	if errors.Is(err, ErrNotFound) {
		return false, "no such ask", nil
	}
	if err != nil {
		return false, "", err
	}
	switch {
	case !ask.IsOpenAt(s.clock.Now()):
		return false, "closed", nil
	case ask.Answered:
		return false, "answered meanwhile", nil
	case reminder && !ask.Delivered:
		return false, "the ask was not delivered", nil
	}
	part, err := s.store.Participant(ctx, previewID, userID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return false, "", err
	}
	if part.State == Left && !part.LeftAt.After(ask.AskedAt) {
		return false, "left the preview", nil
	}
	return true, "", nil
}

// Delivered records that the feedback DM went out, so that the reminder
// goes only to people who got it.
func (s *Service) Delivered(ctx context.Context, previewID, pointID, userID string) error {
	return s.store.MarkDelivered(ctx, previewID, pointID, userID)
}

// closedOr turns the store's ErrFeedbackClosed into the polite ClosedError.
func closedOr(ask Ask, err error) error {
	if errors.Is(err, ErrFeedbackClosed) {
		return &ClosedError{ClosedAt: ask.ClosesAt}
	}
	return err
}

// checkAnswers validates answers against the questions, keeping the last
// answer per question and dropping empty free text.
func checkAnswers(f Feedback, in []Answer) ([]Answer, error) {
	byQ := map[string]Answer{}
	for _, a := range in {
		q, ok := f.Question(a.QuestionID)
		if !ok {
			return nil, &InputError{Question: a.QuestionID, Problem: fieldError(ReasonQuestionGone, nil, "That question is not part of this preview's feedback any more.")}
		}
		switch q.Kind {
		case Text:
			a.Text, a.Value = strings.TrimSpace(a.Text), 0
			if utf8.RuneCountInString(a.Text) > MaxTextAnswer {
				return nil, &InputError{Question: q.ID, Problem: fieldError(ReasonTooLong, map[string]any{"Max": MaxTextAnswer}, fmt.Sprintf("Please keep it under %d characters.", MaxTextAnswer))}
			}
		default:
			if a.Value < 1 || a.Value > 5 {
				return nil, &InputError{Question: q.ID, Problem: fieldError(ReasonRatingRange, nil, "Please pick a rating from 1 to 5.")}
			}
			a.Text = ""
		}
		byQ[q.ID] = a
	}
	var out []Answer
	for _, q := range f.Questions {
		if a, ok := byQ[q.ID]; ok && (q.Kind != Text || a.Text != "") {
			out = append(out, a)
		}
	}
	return out, nil
}

// newToken returns 128 random bits as hex: a response token that cannot be
// guessed or derived from anything about the person.
func newToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
