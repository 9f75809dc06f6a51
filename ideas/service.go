package ideas

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jonboulle/clockwork"
)

// Config configures a Service.
type Config struct {
	Store    Store
	Notifier Notifier
	Teams    Teams
	// Weighting ranks the lists and Top; default ByVotes.
	Weighting Weighting
	Clock     clockwork.Clock // nil: the real clock
}

// Service runs the board.
type Service struct {
	store     Store
	notifier  Notifier
	teams     Teams
	weighting Weighting
	clock     clockwork.Clock
}

// New returns a Service.
func New(cfg Config) *Service {
	if cfg.Clock == nil {
		cfg.Clock = clockwork.NewRealClock()
	}
	if !slices.Contains(Weightings, cfg.Weighting) {
		cfg.Weighting = ByVotes
	}
	return &Service{store: cfg.Store, notifier: cfg.Notifier, teams: cfg.Teams, weighting: cfg.Weighting, clock: cfg.Clock}
}

// Weighting returns how the lists are ranked.
func (s *Service) Weighting() Weighting { return s.weighting }

// Now returns the service's time.
func (s *Service) Now() time.Time { return s.clock.Now() }

// Submit validates a draft, stores the idea under the author's team and
// queues its board message. Invalid drafts are FieldErrors. If the post
// cannot be queued the idea is kept and PostMissing queues it later.
func (s *Service) Submit(ctx context.Context, author string, d Draft) (Idea, error) {
	d = d.Clean()
	if fe := d.Validate(); fe != nil {
		return Idea{}, fe
	}
	i, err := s.store.Create(ctx, Idea{
		Title: d.Title, Problem: d.Problem, Affected: d.Affected, Link: d.Link,
		Author: author, AuthorTeam: s.teams.TeamOf(ctx, author), Status: Open, Version: 1,
		CreatedAt: s.clock.Now().UTC(),
	})
	if err != nil {
		return Idea{}, err
	}
	return i, s.notifier.Post(ctx, i)
}

// Idea returns one idea.
func (s *Service) Idea(ctx context.Context, id int64) (Idea, error) {
	i, err := s.store.Idea(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return Idea{}, notFound(id)
	}
	return i, err
}

// Vote adds user's vote and reports whether it is new; a second click
// counts nothing. Either way the board message is brought up to date, so
// that a click after a lost update repairs it.
func (s *Service) Vote(ctx context.Context, id int64, user string) (Idea, bool, error) {
	i, added, err := s.store.AddVote(ctx, id, Vote{User: user, Team: s.teams.TeamOf(ctx, user), At: s.clock.Now().UTC()})
	return s.voted(ctx, id, i, added, err)
}

// Unvote takes user's vote back and reports whether there was one.
func (s *Service) Unvote(ctx context.Context, id int64, user string) (Idea, bool, error) {
	i, removed, err := s.store.RemoveVote(ctx, id, user, s.clock.Now().UTC())
	return s.voted(ctx, id, i, removed, err)
}

func (s *Service) voted(ctx context.Context, id int64, i Idea, changed bool, err error) (Idea, bool, error) {
	if errors.Is(err, ErrNotFound) {
		return Idea{}, false, notFound(id)
	}
	if err != nil {
		return i, false, err
	}
	return i, changed, s.notifier.Refresh(ctx, i)
}

// SetStatus is an admin's decision. Declining needs a reason (the voters
// read it); other statuses take an optional note. Setting the status an
// idea has already changes nothing and sends nothing; a decided status
// tells each voter once, however often it is set.
func (s *Service) SetStatus(ctx context.Context, id int64, st Status, reason, by string) (Idea, bool, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case !slices.Contains(Statuses, st):
		return Idea{}, false, FieldErrors{FieldStatus: fieldError(ReasonStatusMissing, nil, "Choose a status.")}
	case st == Declined && reason == "":
		return Idea{}, false, FieldErrors{FieldReason: fieldError(ReasonDeclineWhy, nil, "Say why it is declined: every voter reads it.")}
	case utf8.RuneCountInString(reason) > MaxReason:
		return Idea{}, false, FieldErrors{FieldReason: fieldError(ReasonNoteTooLong, map[string]any{"Max": MaxReason}, "Use at most %d characters.", MaxReason)}
	}
	i, voters, changed, err := s.store.SetStatus(ctx, id, Change{Status: st, Reason: reason, By: by, At: s.clock.Now().UTC()})
	if errors.Is(err, ErrNotFound) {
		return Idea{}, false, notFound(id)
	}
	if err != nil || !changed {
		return i, false, err
	}
	return i, true, errors.Join(s.notifier.Refresh(ctx, i), s.notifier.StatusChanged(ctx, i, voters))
}

// Merge folds the duplicate dup into into: votes move (nobody counts
// twice), dup closes and its board message points at into.
func (s *Service) Merge(ctx context.Context, dup, into int64, by string) (MergeResult, error) {
	if dup == into {
		return MergeResult{}, FieldErrors{FieldInto: fieldError(ReasonMergeSelf, nil, "An idea cannot be merged into itself.")}
	}
	res, err := s.store.Merge(ctx, dup, into, by, s.clock.Now().UTC())
	if errors.Is(err, ErrNotFound) {
		return MergeResult{}, ErrNotFound.Withf("There is no idea #%d or #%d.", dup, into).With(map[string]any{"ID": dup, "Into": into})
	}
	if err != nil {
		return MergeResult{}, err
	}
	return res, errors.Join(s.notifier.Refresh(ctx, res.Dup), s.notifier.Refresh(ctx, res.Into))
}

// Posted records the board message once it is out; shown is the version
// of the idea the post shows. An idea that changed since (a status set by
// command before the post got out) gets an update, so the message shows
// the idea as it is: changes made before the message was recorded could
// not update it themselves.
func (s *Service) Posted(ctx context.Context, id int64, channel, ts string, shown int64) error {
	i, err := s.store.SetMessage(ctx, id, channel, ts)
	if err != nil || i.Version <= shown {
		return err
	}
	return s.notifier.Refresh(ctx, i)
}

// Current reports whether version is the idea's latest: an update of the
// board message for an older version is redundant, a newer one is queued.
func (s *Service) Current(ctx context.Context, id, version int64) (bool, error) {
	i, err := s.store.Idea(ctx, id)
	if err != nil {
		return false, err
	}
	return version >= i.Version, nil
}

// PostMissing queues the board message of open ideas whose post was
// never queued (the database failed right after the idea was stored, or
// the board channel was configured later); posts queued already are not
// queued twice. Decided ideas without a message stay unposted.
func (s *Service) PostMissing(ctx context.Context, olderThan time.Duration) error {
	ideas, err := s.store.Unposted(ctx, s.clock.Now().UTC().Add(-olderThan))
	if err != nil {
		return err
	}
	var errs []error
	for _, i := range ideas {
		errs = append(errs, s.notifier.Post(ctx, i))
	}
	return errors.Join(errs...)
}
