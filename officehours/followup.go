package officehours

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// RunDue sends the reminders and feedback questions that are due. It is
// the body of a job that runs every minute. Every message is claimed in
// the database before it is sent (an atomic conditional update), so it goes
// out once even when runs overlap across restarts or replicas; a message
// that fails to send is released and retried on the next run.
func (s *Service) RunDue(ctx context.Context) error {
	_, errR := s.SendReminders(ctx)
	_, errF := s.AskForFeedback(ctx)
	return errors.Join(errR, errF)
}

// SendReminders reminds booker and host of sessions starting within
// Rules.ReminderBefore. It returns how many reminders it sent.
func (s *Service) SendReminders(ctx context.Context) (int, error) {
	if s.Rules.ReminderBefore <= 0 {
		return 0, nil
	}
	now := s.Now()
	due, err := s.Store.DueReminders(ctx, now, now.Add(s.Rules.ReminderBefore))
	if err != nil {
		return 0, fmt.Errorf("officehours: due reminders: %w", err)
	}
	sent := 0
	var errs []error
	for _, b := range due {
		for _, p := range []Party{Booker, Host} {
			if p == Booker && !b.BookerRemindedAt.IsZero() || p == Host && !b.HostRemindedAt.IsZero() {
				continue
			}
			ok, err := s.Store.ClaimReminder(ctx, b.ID, p, now)
			if err != nil || !ok {
				errs = append(errs, err) // nil when another run was faster
				continue
			}
			if err := s.Notifier.Remind(ctx, b, p); err != nil {
				errs = append(errs, fmt.Errorf("officehours: remind %s of booking %d: %w", p, b.ID, err),
					s.Store.ReleaseReminder(ctx, b.ID, p))
				continue
			}
			sent++
		}
	}
	return sent, errors.Join(errs...)
}

// AskForFeedback asks bookers of sessions that ended (Rules.FeedbackAfter
// ago, at most a day late) how helpful they were; sessions the host marked
// as no-shows are skipped. It returns how many questions it sent.
func (s *Service) AskForFeedback(ctx context.Context) (int, error) {
	now := s.Now()
	until := now.Add(-s.Rules.FeedbackAfter)
	due, err := s.Store.DueFeedback(ctx, until.Add(-feedbackMaxAge), until)
	if err != nil {
		return 0, fmt.Errorf("officehours: due feedback: %w", err)
	}
	sent := 0
	var errs []error
	for _, b := range due {
		ok, err := s.Store.ClaimFeedback(ctx, b.ID, now)
		if err != nil || !ok {
			errs = append(errs, err)
			continue
		}
		if err := s.Notifier.AskFeedback(ctx, b); err != nil {
			errs = append(errs, fmt.Errorf("officehours: ask feedback for booking %d: %w", b.ID, err),
				s.Store.ReleaseFeedback(ctx, b.ID))
			continue
		}
		sent++
	}
	return sent, errors.Join(errs...)
}

// RecordFeedback stores the booker's 1–5 answer; answering again replaces
// the score.
func (s *Service) RecordFeedback(ctx context.Context, id int64, user string, score int) (Booking, error) {
	b, err := s.feedbackTarget(ctx, id, user)
	if err != nil {
		return Booking{}, err
	}
	if score < 1 || score > 5 {
		return Booking{}, ErrBadScore
	}
	now := s.Now()
	if err := s.Store.SaveFeedback(ctx, id, score, now); err != nil {
		return Booking{}, err
	}
	b.FeedbackScore, b.FeedbackAt = score, now
	return b, nil
}

// RecordComment stores the booker's optional comment.
func (s *Service) RecordComment(ctx context.Context, id int64, user, comment string) (Booking, error) {
	b, err := s.feedbackTarget(ctx, id, user)
	if err != nil {
		return Booking{}, err
	}
	comment = strings.TrimSpace(comment)
	if utf8.RuneCountInString(comment) > maxComment {
		return Booking{}, ErrCommentTooLong
	}
	now := s.Now()
	if err := s.Store.SaveFeedbackComment(ctx, id, comment, now); err != nil {
		return Booking{}, err
	}
	b.FeedbackComment = comment
	return b, nil
}

// feedbackTarget loads a booking user may give feedback on: their own,
// attended session that has ended.
func (s *Service) feedbackTarget(ctx context.Context, id int64, user string) (Booking, error) {
	b, err := s.Store.Booking(ctx, id)
	if err != nil {
		return Booking{}, err
	}
	switch {
	case b.Booker != user || b.Kind != KindBooking:
		return Booking{}, ErrNotAllowed
	case !b.Active():
		return Booking{}, ErrAlreadyCancelled
	case s.Now().Before(b.Slot.Start):
		return Booking{}, newError("not_started", "You can rate the session once it has taken place.")
	}
	return b, nil
}
