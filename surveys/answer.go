package surveys

import (
	"context"
	"errors"
)

// Submission is what a person sends: one tap on the first question, or a
// form.
type Submission struct {
	RunID  int64
	UserID string
	// Token is "" for a first answer; later ones ("Answer the rest",
	// "Change") carry the token the first answer returned.
	Token   string
	Answers []Answer
	// Replace replaces every answer of the response (Change); otherwise
	// answers to other questions are kept.
	Replace bool
	// Channel is the DM channel the answer came from, when known; it is
	// remembered so that later answers can update the DM in place.
	Channel string
}

// Receipt is what a person is shown after answering, or in a form.
type Receipt struct {
	Run         Run
	Participant Participant
	Token       string
	Answers     []Answer   // in question order
	Remaining   []Question // questions without an answer yet
}

// Answer records a submission. A first answer flips the person's ledger
// row to answered and stores the answers under a fresh random token, in two
// separate transactions so that not even the database's own transaction
// ids tie the two together; a second first answer is refused. Later answers
// need the token.
func (s *Service) Answer(ctx context.Context, sub Submission) (Receipt, error) {
	run, err := s.openRun(ctx, sub.RunID)
	if err != nil {
		return Receipt{}, err
	}
	if _, err := s.openFor(ctx, run, sub.UserID); err != nil {
		return Receipt{}, err
	}
	answers, err := checkAnswers(run.Snapshot, sub.Answers)
	if err != nil {
		return Receipt{}, err
	}
	if len(answers) == 0 {
		return Receipt{}, ErrNothingAnswered
	}
	var p Participant
	if sub.Token == "" {
		p, sub.Token, err = s.firstAnswer(ctx, run, sub.UserID, answers)
	} else {
		p, err = s.laterAnswer(ctx, run, sub, answers)
	}
	if err != nil {
		return Receipt{}, err
	}
	if sub.Channel != "" && p.Channel != sub.Channel {
		_ = s.store.SetChannel(ctx, run.ID, sub.UserID, sub.Channel) // only speeds up later updates
		p.Channel = sub.Channel
	}
	return s.receipt(ctx, run, p, sub.Token)
}

func (s *Service) firstAnswer(ctx context.Context, run Run, userID string, answers []Answer) (Participant, string, error) {
	p, err := s.store.MarkAnswered(ctx, run.ID, userID)
	switch {
	case errors.Is(err, ErrNotFound):
		return p, "", ErrNotInvited.Wrap(err)
	case err != nil:
		return p, "", err
	}
	resp := Response{RunID: run.ID, Token: newToken(), Team: p.Team, Answers: answers}
	if !run.Anonymous {
		resp.UserID = userID
	}
	if err := s.store.SaveResponse(ctx, resp, SaveNew); err != nil {
		// Give the person their answer back rather than a ledger that says
		// they answered when nothing was stored.
		if uerr := s.store.UnmarkAnswered(ctx, run.ID, userID); uerr != nil {
			err = errors.Join(err, uerr)
		}
		return p, "", closedOr(run, err)
	}
	p.Answered = true
	return p, resp.Token, nil
}

func (s *Service) laterAnswer(ctx context.Context, run Run, sub Submission, answers []Answer) (Participant, error) {
	p, err := s.participant(ctx, run, sub.UserID)
	if err != nil {
		return p, err
	}
	if !p.Answered {
		return p, ErrUnknownResponse
	}
	resp := Response{RunID: run.ID, Token: sub.Token, Team: p.Team, Answers: answers}
	if !run.Anonymous {
		resp.UserID = sub.UserID
	}
	mode := SaveMerge
	if sub.Replace {
		mode = SaveReplace
	}
	err = s.store.SaveResponse(ctx, resp, mode)
	if errors.Is(err, ErrNotFound) {
		return p, ErrUnknownResponse.Wrap(err)
	}
	return p, closedOr(run, err)
}

// Form returns what a form for the run shows the user: with a token, the
// answers given so far (for Change and "Answer the rest"); without, it
// checks that the user may still answer at all.
func (s *Service) Form(ctx context.Context, runID int64, userID, token string) (Receipt, error) {
	run, err := s.openRun(ctx, runID)
	if err != nil {
		return Receipt{}, err
	}
	p, err := s.openFor(ctx, run, userID)
	if err != nil {
		return Receipt{}, err
	}
	if token == "" && p.Answered {
		return Receipt{}, ErrAnswered
	}
	if token != "" && !p.Answered {
		return Receipt{}, ErrUnknownResponse
	}
	return s.receipt(ctx, run, p, token)
}

func (s *Service) receipt(ctx context.Context, run Run, p Participant, token string) (Receipt, error) {
	rc := Receipt{Run: run, Participant: p, Token: token}
	var given []Answer
	if token != "" {
		var err error
		if given, err = s.store.Answers(ctx, run.ID, token); err != nil {
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
	for _, q := range run.Questions {
		if a, ok := byQ[q.ID]; ok {
			rc.Answers = append(rc.Answers, a)
		} else {
			rc.Remaining = append(rc.Remaining, q)
		}
	}
	return rc, nil
}

// Run returns a run, open or closed, for rendering its form and results.
func (s *Service) Run(ctx context.Context, runID int64) (Run, error) {
	run, err := s.store.Run(ctx, runID)
	if errors.Is(err, ErrNotFound) {
		return run, ErrNotInvited.Wrap(err)
	}
	return run, err
}

// openRun returns the run if it takes answers now.
func (s *Service) openRun(ctx context.Context, runID int64) (Run, error) {
	run, err := s.store.Run(ctx, runID)
	if errors.Is(err, ErrNotFound) {
		return run, ErrNotInvited.Wrap(err)
	}
	if err != nil {
		return run, err
	}
	if !run.IsOpenAt(s.clock.Now()) {
		return run, &ClosedError{ClosedAt: run.ClosesAt}
	}
	return run, nil
}

// openFor returns the person's ledger row if their own window is open.
func (s *Service) openFor(ctx context.Context, run Run, userID string) (Participant, error) {
	p, err := s.participant(ctx, run, userID)
	if err != nil {
		return p, err
	}
	if !run.IsOpenFor(p, s.clock.Now()) {
		return p, &ClosedError{ClosedAt: run.ClosesFor(p)}
	}
	return p, nil
}

func (s *Service) participant(ctx context.Context, run Run, userID string) (Participant, error) {
	p, err := s.store.Participant(ctx, run.ID, userID)
	if errors.Is(err, ErrNotFound) {
		return p, ErrNotInvited.Wrap(err)
	}
	return p, err
}

// closedOr turns the store's ErrRunClosed into the polite ClosedError.
func closedOr(run Run, err error) error {
	if errors.Is(err, ErrRunClosed) {
		return &ClosedError{ClosedAt: run.ClosesAt}
	}
	return err
}

// checkAnswers validates answers against the run's questions, keeping the
// last answer per question and dropping empty free text.
func checkAnswers(snap Snapshot, in []Answer) ([]Answer, error) {
	byQ := map[string]Answer{}
	for _, a := range in {
		q, ok := snap.Question(a.QuestionID)
		if !ok {
			return nil, &InputError{Question: a.QuestionID, Why: QuestionGone, Msg: "That question is not part of this survey any more."}
		}
		a, err := q.check(a)
		if err != nil {
			return nil, err
		}
		byQ[q.ID] = a
	}
	var out []Answer
	for _, q := range snap.Questions {
		if a, ok := byQ[q.ID]; ok && (q.Kind != Text || a.Text != "") {
			out = append(out, a)
		}
	}
	return out, nil
}
