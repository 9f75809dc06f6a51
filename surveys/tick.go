package surveys

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Tick moves every unfinished run forward: it queues invitations a crash
// left unqueued, sends the reminder when due, closes runs whose window has
// ended and posts their results. Every step is claimed in the database or
// idempotent, so Tick may run on several replicas at once and be retried.
func (s *Service) Tick(ctx context.Context) error {
	runs, err := s.store.PendingRuns(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, run := range runs {
		if err := s.advance(ctx, run, s.clock.Now()); err != nil {
			errs = append(errs, fmt.Errorf("surveys: run %d (%s): %w", run.ID, run.SurveyID, err))
		}
	}
	return errors.Join(errs...)
}

func (s *Service) advance(ctx context.Context, run Run, now time.Time) error {
	if run.State != Open {
		return s.publish(ctx, run)
	}
	if !run.Invited {
		if err := s.invite(ctx, run); err != nil {
			return fmt.Errorf("invite: %w", err)
		}
	}
	switch {
	case !now.Before(run.ClosesAt):
		return s.closeRun(ctx, run)
	case !run.RemindAt.IsZero() && !now.Before(run.RemindAt) && !run.Reminded:
		return s.remind(ctx, run)
	}
	return nil
}

// remind queues the one reminder for those who have not answered. Queuing
// is idempotent per person, so a crash before MarkReminded only repeats
// the queuing, not the DMs; the send itself re-checks that the person still
// has not answered.
func (s *Service) remind(ctx context.Context, run Run) error {
	people, err := s.store.Unanswered(ctx, run.ID)
	if err != nil {
		return err
	}
	if len(people) > 0 {
		// Each reminder goes its person's Reminder after they were asked:
		// those asked later in their zone are reminded later.
		invitees := make([]Invitee, len(people))
		for i, p := range people {
			invitees[i] = run.invitee(p, true)
		}
		if err := s.notifier.Remind(ctx, run, invitees); err != nil {
			return fmt.Errorf("remind: %w", err)
		}
	}
	return s.store.MarkReminded(ctx, run.ID)
}

// closeRun closes the run (once, whoever gets there first) and posts its
// results.
func (s *Service) closeRun(ctx context.Context, run Run) error {
	if _, err := s.store.CloseRun(ctx, run.ID, s.clock.Now().UTC()); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	closed, err := s.store.Run(ctx, run.ID)
	if err != nil {
		return err
	}
	return s.publish(ctx, closed)
}

// publish posts a closed run's results to its results channel, once.
func (s *Service) publish(ctx context.Context, run Run) error {
	if run.ResultsPosted {
		return nil
	}
	if run.ResultsChannel != "" {
		res, err := s.results(ctx, run)
		if err != nil {
			return err
		}
		if err := s.notifier.PublishResults(ctx, res); err != nil {
			return fmt.Errorf("publish results: %w", err)
		}
	}
	return s.store.MarkResultsPosted(ctx, run.ID)
}

// Results reports the latest run of a survey, open or closed.
func (s *Service) Results(ctx context.Context, surveyID string) (Results, error) {
	if _, err := s.Survey(surveyID); err != nil {
		return Results{}, err
	}
	run, err := s.store.LatestRun(ctx, surveyID)
	if err != nil {
		return Results{}, err
	}
	return s.results(ctx, run)
}

// RunResults reports one run.
func (s *Service) RunResults(ctx context.Context, runID int64) (Results, error) {
	run, err := s.store.Run(ctx, runID)
	if err != nil {
		return Results{}, err
	}
	return s.results(ctx, run)
}

func (s *Service) results(ctx context.Context, run Run) (Results, error) {
	t, err := s.store.Tally(ctx, run.ID)
	if err != nil {
		return Results{}, err
	}
	var prev *Run
	var prevTally *Tally
	if p, err := s.store.PreviousRun(ctx, run); err == nil {
		pt, err := s.store.Tally(ctx, p.ID)
		if err != nil {
			return Results{}, err
		}
		prev, prevTally = &p, &pt
	} else if !errors.Is(err, ErrNotFound) {
		return Results{}, err
	}
	res := Summarize(run, t, prev, prevTally)
	for i := range res.Teams {
		res.Teams[i].Name = s.TeamName(res.Teams[i].Team)
	}
	return res, nil
}

// ShouldInvite decides, right before an invitation is sent, whether it
// still should be: the run must still be open and the person an active
// human (bots and deactivated accounts are excluded from the run here,
// where the Directory can answer from a listing of the workspace, rather
// than when the run starts, which must be quick).
func (s *Service) ShouldInvite(ctx context.Context, runID int64, userID string) (bool, string, error) {
	run, err := s.store.Run(ctx, runID)
	if err != nil {
		return false, "", err
	}
	now := s.clock.Now()
	if !run.IsOpenAt(now) {
		return false, "the run has closed", nil
	}
	p, err := s.store.Participant(ctx, runID, userID)
	if err != nil {
		return false, "", err
	}
	if p.Excluded {
		return false, "excluded", nil
	}
	if !run.IsOpenFor(p, now) {
		return false, "their window has closed", nil
	}
	ok, err := s.dir.IsActiveHuman(ctx, userID)
	if err != nil {
		return false, "", err
	}
	if !ok {
		return false, "a bot or deactivated account", s.store.Exclude(ctx, runID, userID)
	}
	if asked := run.askedAt(p); now.Sub(asked) > lateBy {
		// Held well past the plan (Do Not Disturb): the person still
		// gets the whole window, from now.
		now = now.UTC()
		if err := s.store.MoveWindow(ctx, runID, userID, now, now.Add(run.window())); err != nil {
			return false, "", err
		}
	}
	return true, "", nil
}

// ShouldRemind decides, right before a reminder is sent, whether it still
// should be: the run is open and the person was invited and has not
// answered meanwhile.
func (s *Service) ShouldRemind(ctx context.Context, runID int64, userID string) (bool, string, error) {
	run, err := s.store.Run(ctx, runID)
	if err != nil {
		return false, "", err
	}
	if !run.IsOpenAt(s.clock.Now()) {
		return false, "the run has closed", nil
	}
	p, err := s.store.Participant(ctx, runID, userID)
	if err != nil {
		return false, "", err
	}
	switch {
	case p.Answered:
		return false, "answered meanwhile", nil
	case p.Excluded || !p.Delivered:
		return false, "not invited", nil
	case !run.IsOpenFor(p, s.clock.Now()):
		return false, "their window has closed", nil
	}
	return true, "", nil
}

// Delivered records the invitation message, which the thank-you later
// replaces in place.
func (s *Service) Delivered(ctx context.Context, runID int64, userID, ts string) error {
	return s.store.MarkDelivered(ctx, runID, userID, ts)
}

// Waiting returns the open runs the user was asked in and has not answered,
// for the App Home.
func (s *Service) Waiting(ctx context.Context, userID string) ([]Run, error) {
	now := s.clock.Now().UTC()
	runs, err := s.store.Waiting(ctx, userID, now)
	if err != nil {
		return nil, err
	}
	open := runs[:0]
	for _, run := range runs {
		p, err := s.store.Participant(ctx, run.ID, userID)
		if err != nil {
			return nil, err
		}
		if run.IsOpenFor(p, now) {
			open = append(open, run)
		}
	}
	return open, nil
}

// OpenRuns returns the open runs, for `/pulse list`.
func (s *Service) OpenRuns(ctx context.Context) ([]Run, error) { return s.store.OpenRuns(ctx) }

// FoldTeams returns the teams whose answers must be merged into team "" when
// a run closes: the ones Suppress hides, so that every team left in the
// stored answers has at least minN respondents.
func FoldTeams(byTeam map[string]int, minN int) []string {
	var out []string
	for team := range Suppress(byTeam, minN) {
		if team != "" {
			out = append(out, team)
		}
	}
	slices.Sort(out)
	return out
}
