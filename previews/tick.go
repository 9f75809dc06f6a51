package previews

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// owedLookback bounds how far back Tick re-queues owed sends: the outbox
// forgets finished sends after 30 days, and a re-queued key it no longer
// knows would be sent again.
const owedLookback = 7 * 24 * time.Hour

// Tick moves every preview forward: it fills seats freed by a raised cap,
// re-queues automation calls and promotion DMs a crash left unqueued, asks
// for feedback at the points that are due, sends the one reminder, and
// closes the feedback once every ask has closed. Every step is idempotent
// or claimed in the database, so Tick may run on several replicas and be
// retried.
func (s *Service) Tick(ctx context.Context) error {
	all, err := s.store.Previews(ctx)
	if err != nil {
		return err
	}
	counts, err := s.store.Counts(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, p := range all {
		if p.FeedbackClosed {
			continue
		}
		if err := s.advance(ctx, s.withConfig(p), counts[p.ID]); err != nil {
			errs = append(errs, fmt.Errorf("previews: preview %s: %w", p.ID, err))
		}
	}
	return errors.Join(errs...)
}

func (s *Service) advance(ctx context.Context, p Preview, c Counts) error {
	now := s.clock.Now().UTC()
	if c.Waitlisted > 0 && (p.MaxParticipants == 0 || c.Active < p.MaxParticipants) && !p.HasEnded(now) {
		ch, err := s.store.Rebalance(ctx, p.ID, p.Automation, now)
		if err != nil {
			return fmt.Errorf("rebalance: %w", err)
		}
		if err := s.promoted(ctx, p, ch.Promoted); err != nil {
			return err
		}
	}
	if err := s.requeueOwed(ctx, p, now); err != nil {
		return err
	}
	if len(p.Feedback.Points) == 0 {
		// Nothing to ask: the preview is done once owed sends can no
		// longer be owed, and later ticks skip it.
		if !now.Before(p.EndAt.Add(owedLookback)) {
			_, err := s.store.CloseFeedback(ctx, p.ID, false)
			return err
		}
		return nil
	}
	if err := s.askDue(ctx, p, now); err != nil {
		return fmt.Errorf("ask: %w", err)
	}
	if err := s.remindDue(ctx, p, now); err != nil {
		return fmt.Errorf("remind: %w", err)
	}
	return s.maybeClose(ctx, p, now)
}

// requeueOwed queues again what a join, leave or promotion stored but may
// not have queued (the process died in between). The keys make it a no-op
// for sends queued already.
func (s *Service) requeueOwed(ctx context.Context, p Preview, now time.Time) error {
	owed, err := s.store.OwedSends(ctx, p.ID, now.Add(-owedLookback))
	if err != nil {
		return err
	}
	var errs []error
	for _, part := range owed {
		switch {
		case part.NoticeOwed:
			errs = append(errs, s.promoted(ctx, p, []Participant{part}))
		case p.Automation && part.Automation == AutomationPending && part.State == Active:
			errs = append(errs, s.notifier.Automation(ctx, p, part, Join))
		case p.Automation && part.Automation == AutomationLeaving:
			errs = append(errs, s.notifier.Automation(ctx, p, part, Leave))
		}
	}
	return errors.Join(errs...)
}

// askDue creates the asks of every point that is due and queues the DMs
// not queued yet. After-points count from the later of a person's seat and
// the preview's start, and only while the preview runs (the end point
// covers the rest).
func (s *Service) askDue(ctx context.Context, p Preview, now time.Time) error {
	for _, pt := range p.Feedback.Points {
		var users []string
		var err error
		switch {
		case pt.AtEnd && p.HasEnded(now):
			users, err = s.store.ActiveAt(ctx, p.ID, pt.ID(), p.EndAt)
		case !pt.AtEnd && p.StartAt.Add(pt.After).Before(p.EndAt) && !p.StartAt.Add(pt.After).After(now):
			// The seat must have begun by now-After, and early enough
			// that the ask falls before the end.
			users, err = s.store.DueAfter(ctx, p.ID, pt.ID(), minTime(now.Add(-pt.After), p.EndAt.Add(-pt.After)))
		}
		if err != nil {
			return err
		}
		if len(users) == 0 {
			continue
		}
		if err := s.store.CreateAsks(ctx, s.newAsks(p, pt, users, now)); err != nil {
			return err
		}
	}
	asks, err := s.store.Uninvited(ctx, p.ID)
	if err != nil || len(asks) == 0 {
		return err
	}
	if err := s.notifier.AskFeedback(ctx, p, asks, false); err != nil {
		return err
	}
	return s.store.MarkInvited(ctx, asks)
}

func (s *Service) newAsks(p Preview, pt Point, users []string, now time.Time) []Ask {
	asks := make([]Ask, len(users))
	for i, u := range users {
		a := Ask{PreviewID: p.ID, PointID: pt.ID(), UserID: u, AskedAt: now, ClosesAt: now.Add(p.Feedback.Window)}
		if r := p.Feedback.Reminder; r > 0 && r < p.Feedback.Window {
			a.RemindAt = now.Add(r)
		}
		asks[i] = a
	}
	return asks
}

// remindDue queues the one reminder of each ask that is due. Queuing is
// idempotent per ask, and the send re-checks that the ask is still open
// and unanswered.
func (s *Service) remindDue(ctx context.Context, p Preview, now time.Time) error {
	asks, err := s.store.DueReminders(ctx, p.ID, now)
	if err != nil || len(asks) == 0 {
		return err
	}
	if err := s.notifier.AskFeedback(ctx, p, asks, true); err != nil {
		return err
	}
	return s.store.MarkReminded(ctx, asks)
}

// maybeClose closes the preview's feedback once it has ended, its end point
// (if any) was asked, and every ask has closed.
func (s *Service) maybeClose(ctx context.Context, p Preview, now time.Time) error {
	if now.Before(p.FeedbackEnd()) {
		return nil
	}
	last, err := s.store.LastClose(ctx, p.ID)
	if err != nil {
		return err
	}
	if now.Before(last) {
		return nil
	}
	_, err = s.store.CloseFeedback(ctx, p.ID, p.Feedback.Anonymous)
	return err
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
