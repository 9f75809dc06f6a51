package officehours

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// RunDue queues the reminders and feedback questions that are due. It is
// the body of a job that runs every minute. Each message is queued in the
// outbox under a key of its own (so queueing it again is a no-op) and
// then marked as queued on the booking; a message that could not be
// queued is tried again by the next run, and the outbox delivers what it
// holds once, across restarts and replicas.
func (s *Service) RunDue(ctx context.Context) error {
	_, errR := s.SendReminders(ctx)
	_, errF := s.AskForFeedback(ctx)
	return errors.Join(errR, errF)
}

// SendReminders queues reminders to booker and host of sessions starting
// within Rules.ReminderBefore. It returns how many it queued.
func (s *Service) SendReminders(ctx context.Context) (int, error) {
	if s.Rules.ReminderBefore <= 0 {
		return 0, nil
	}
	now := s.Now()
	due, err := s.Store.DueReminders(ctx, now, now.Add(s.Rules.ReminderBefore))
	if err != nil {
		return 0, fmt.Errorf("officehours: due reminders: %w", err)
	}
	queued := 0
	var errs []error
	for _, b := range due {
		for _, p := range []Party{Booker, Host} {
			if p == Booker && !b.BookerRemindedAt.IsZero() || p == Host && !b.HostRemindedAt.IsZero() {
				continue
			}
			if err := s.Notifier.Remind(ctx, b, p); err != nil {
				errs = append(errs, fmt.Errorf("officehours: remind %s of booking %d: %w", p, b.ID, err))
				continue
			}
			errs = append(errs, s.Store.Reminded(ctx, b.ID, p, now))
			queued++
		}
	}
	return queued, errors.Join(errs...)
}

// AskForFeedback queues the question to bookers of sessions that ended
// (Rules.FeedbackAfter ago, at most a day late) how helpful they were;
// sessions the host marked as no-shows are skipped. It returns how many
// it queued.
func (s *Service) AskForFeedback(ctx context.Context) (int, error) {
	now := s.Now()
	until := now.Add(-s.Rules.FeedbackAfter)
	due, err := s.Store.DueFeedback(ctx, until.Add(-feedbackMaxAge), until)
	if err != nil {
		return 0, fmt.Errorf("officehours: due feedback: %w", err)
	}
	queued := 0
	var errs []error
	for _, b := range due {
		if err := s.Notifier.AskFeedback(ctx, b); err != nil {
			errs = append(errs, fmt.Errorf("officehours: ask feedback for booking %d: %w", b.ID, err))
			continue
		}
		errs = append(errs, s.Store.FeedbackAsked(ctx, b.ID, now))
		queued++
	}
	return queued, errors.Join(errs...)
}

// ShouldRemind reports, right before a queued reminder is sent, whether
// it still should be: not when the booking was cancelled meanwhile or the
// session has started.
func (s *Service) ShouldRemind(ctx context.Context, id int64) (bool, string, error) {
	b, err := s.Store.Booking(ctx, id)
	switch {
	case errors.Is(err, ErrNotFound):
		return false, "booking not found", nil
	case err != nil:
		return false, "", err
	case !b.Active():
		return false, "cancelled", nil
	case !s.Now().Before(b.Slot.Start):
		return false, "the session has started", nil
	}
	return true, "", nil
}

// ShouldAskFeedback reports, right before a queued feedback question is
// sent, whether it still should be: not for a cancelled booking, a
// no-show, or a session more than a day past its question.
func (s *Service) ShouldAskFeedback(ctx context.Context, id int64) (bool, string, error) {
	b, err := s.Store.Booking(ctx, id)
	switch {
	case errors.Is(err, ErrNotFound):
		return false, "booking not found", nil
	case err != nil:
		return false, "", err
	case !b.Active():
		return false, "cancelled", nil
	case b.NoShow():
		return false, "no-show", nil
	case s.Now().After(b.Slot.End.Add(s.Rules.FeedbackAfter + feedbackMaxAge)):
		return false, "too late", nil
	}
	return true, "", nil
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
		return Booking{}, ErrNotStarted.Withf("You can rate the session once it has taken place.")
	}
	return b, nil
}
