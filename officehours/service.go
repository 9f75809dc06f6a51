package officehours

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jonboulle/clockwork"
)

// Store keeps bookings. Implementations must make Book atomic: the weekly
// limit check and the insert happen in one transaction, and a unique
// constraint on (host, slot start) among active bookings turns a second
// booking of the same slot into ErrSlotTaken however many callers race.
type Store interface {
	// Book inserts b and returns it with its ID. It returns ErrSlotTaken
	// when the host's slot is already held, and ErrWeeklyLimit when
	// limit.Max > 0 and b.Booker already holds limit.Max active bookings
	// starting in [limit.From, limit.To).
	Book(ctx context.Context, b Booking, limit Limit) (Booking, error)
	// Booking returns one booking or ErrNotFound.
	Booking(ctx context.Context, id int64) (Booking, error)
	// Cancel marks an active booking cancelled; ErrAlreadyCancelled if it
	// was not active.
	Cancel(ctx context.Context, id int64, by string, at time.Time) error
	// MarkNoShow marks an active booking as a no-show (idempotent).
	MarkNoShow(ctx context.Context, id int64, at time.Time) error
	// Held returns the active bookings and blocks starting in [from, to).
	Held(ctx context.Context, from, to time.Time) ([]Booking, error)
	// Upcoming returns user's active bookings and blocks, as booker or as
	// host, that end after t, soonest first.
	Upcoming(ctx context.Context, user string, t time.Time) ([]Booking, error)
	// HostBookings returns host's active bookings and blocks starting in
	// [from, to), soonest first.
	HostBookings(ctx context.Context, host string, from, to time.Time) ([]Booking, error)

	// DueReminders returns active bookings starting in (from, to] with a
	// reminder not yet queued for at least one side.
	DueReminders(ctx context.Context, from, to time.Time) ([]Booking, error)
	// Reminded records that p's reminder of booking id is queued.
	Reminded(ctx context.Context, id int64, p Party, at time.Time) error
	// DueFeedback returns active, attended bookings ending in (from, to]
	// whose feedback question was not queued yet.
	DueFeedback(ctx context.Context, from, to time.Time) ([]Booking, error)
	// FeedbackAsked records that the feedback question is queued.
	FeedbackAsked(ctx context.Context, id int64, at time.Time) error
	// SaveFeedback stores a score (1–5); the last answer counts.
	SaveFeedback(ctx context.Context, id int64, score int, at time.Time) error
	// SaveFeedbackComment stores the optional comment.
	SaveFeedbackComment(ctx context.Context, id int64, comment string, at time.Time) error
}

// Notifier tells people about their bookings, each in their own time zone.
// The Slack handlers implement it by queueing DMs in the outbox, each
// under a key of its own: calling a method again for the same booking
// queues nothing more.
type Notifier interface {
	// Booked confirms a new booking to the booker and the host.
	Booked(ctx context.Context, b Booking) error
	// Cancelled tells the side that did not cancel.
	Cancelled(ctx context.Context, b Booking) error
	// Remind reminds one side of an upcoming session.
	Remind(ctx context.Context, b Booking, to Party) error
	// AskFeedback asks the booker how helpful the session was.
	AskFeedback(ctx context.Context, b Booking) error
}

// Rules are the booking rules beyond the timetable.
type Rules struct {
	MaxPerWeek     int            // active bookings per person per week; 0 = no limit
	WeekZone       *time.Location // where weeks start on Monday; nil = UTC
	TopicRequired  bool
	ReminderBefore time.Duration
	FeedbackAfter  time.Duration // after the slot ends
}

// Service applies the office-hours rules. All fields but TeamOf and
// OnNotifyError are required.
type Service struct {
	Schedule *Schedule
	Rules    Rules
	Store    Store
	Notifier Notifier
	Clock    clockwork.Clock
	// TeamOf maps a booker to their team id for metrics ("" if unknown).
	TeamOf func(ctx context.Context, user string) string
	// OnNotifyError is told about messages that could not be queued after
	// a change was stored; the change stands.
	OnNotifyError func(ctx context.Context, err error)
}

const (
	maxTopic   = 500
	maxComment = 2000
	// feedbackMaxAge bounds how late a feedback question is still sent, so
	// that a bot down for days does not ask about last week's sessions.
	feedbackMaxAge = 24 * time.Hour
)

// Now returns the service's current time in UTC.
func (s *Service) Now() time.Time { return s.Clock.Now().UTC() }

// IsHost reports whether user hosts office hours.
func (s *Service) IsHost(user string) bool { return s.Schedule.IsHost(user) }

// BookRequest asks for one slot.
type BookRequest struct {
	User  string
	Host  string
	Start time.Time
	Topic string
}

// Book books a slot and confirms it to both sides. Errors are domain
// errors for the user: ErrSlotTaken when someone was faster.
func (s *Service) Book(ctx context.Context, req BookRequest) (Booking, error) {
	if len(s.Schedule.Hosts) == 0 {
		return Booking{}, ErrNoHosts
	}
	topic := strings.TrimSpace(req.Topic)
	switch {
	case topic == "" && s.Rules.TopicRequired:
		return Booking{}, ErrTopicRequired
	case utf8.RuneCountInString(topic) > maxTopic:
		return Booking{}, ErrTopicTooLong
	}
	now := s.Now()
	slot, err := s.Schedule.CheckBookable(req.Host, req.Start, now)
	if err != nil {
		return Booking{}, err
	}
	if req.User == slot.Host {
		return Booking{}, ErrOwnSlot
	}
	b := Booking{Kind: KindBooking, Slot: slot, Booker: req.User, Topic: topic, CreatedAt: now}
	if slot.Start.Sub(now) <= s.Rules.ReminderBefore {
		// Booked inside the reminder window: the confirmation is the
		// reminder, a second DM minutes later would be noise.
		b.BookerRemindedAt, b.HostRemindedAt = now, now
	}
	if s.TeamOf != nil {
		b.Team = s.TeamOf(ctx, req.User)
	}
	limit := Limit{Max: s.Rules.MaxPerWeek}
	limit.From, limit.To = WeekOf(slot.Start, s.weekZone())
	b, err = s.Store.Book(ctx, b, limit)
	if errors.Is(err, ErrWeeklyLimit) {
		return Booking{}, ErrWeeklyLimit.Withf("You already have %d office-hours booking(s) in the week of %s, the most one person can hold.",
			limit.Max, limit.From.In(s.weekZone()).Format("Mon 2 Jan"))
	}
	if err != nil {
		return Booking{}, err
	}
	s.notified(ctx, s.Notifier.Booked(ctx, b))
	return b, nil
}

// Block holds one of the host's own slots so nobody can book it.
func (s *Service) Block(ctx context.Context, host string, start time.Time) (Booking, error) {
	slot, err := s.Schedule.Find(host, start)
	if err != nil {
		return Booking{}, err
	}
	now := s.Now()
	if !slot.Start.After(now) {
		return Booking{}, ErrStarted
	}
	b := Booking{Kind: KindBlock, Slot: slot, Booker: host, CreatedAt: now}
	b, err = s.Store.Book(ctx, b, Limit{})
	if errors.Is(err, ErrSlotTaken) {
		return Booking{}, ErrSlotTaken.Withf("That slot is already booked or blocked. Cancel the booking first if you can't make it (the booker is told).")
	}
	return b, err
}

// Cancel cancels a booking (or lifts a block) on behalf of by, who must be
// the booker or the host, and tells the other side.
func (s *Service) Cancel(ctx context.Context, id int64, by string) (Booking, error) {
	b, err := s.Store.Booking(ctx, id)
	if err != nil {
		return Booking{}, err
	}
	now := s.Now()
	switch {
	case by != b.Booker && by != b.Slot.Host:
		return Booking{}, ErrNotAllowed
	case !b.Active():
		return Booking{}, ErrAlreadyCancelled
	case !b.Slot.End.After(now):
		return Booking{}, ErrOver
	}
	if err := s.Store.Cancel(ctx, id, by, now); err != nil {
		return Booking{}, err
	}
	b.CancelledAt, b.CancelledBy = now, by
	if b.Kind == KindBooking {
		s.notified(ctx, s.Notifier.Cancelled(ctx, b))
	}
	return b, nil
}

// MarkNoShow records, for the host, that the booker did not come. It is
// allowed from the slot's start on, and repeating it changes nothing.
func (s *Service) MarkNoShow(ctx context.Context, id int64, by string) (Booking, error) {
	b, err := s.Store.Booking(ctx, id)
	if err != nil {
		return Booking{}, err
	}
	now := s.Now()
	switch {
	case by != b.Slot.Host:
		return Booking{}, ErrNotHost
	case b.Kind != KindBooking:
		return Booking{}, ErrNotBooking
	case !b.Active():
		return Booking{}, ErrAlreadyCancelled
	case now.Before(b.Slot.Start):
		return Booking{}, ErrNotStarted.Withf("The session has not started yet; mark a no-show once it has.")
	}
	if err := s.Store.MarkNoShow(ctx, id, now); err != nil {
		return Booking{}, err
	}
	if b.NoShowAt.IsZero() {
		b.NoShowAt = now
	}
	return b, nil
}

// FreeSlots returns up to n bookable slots nobody holds, soonest first.
func (s *Service) FreeSlots(ctx context.Context, n int) ([]Slot, error) {
	if len(s.Schedule.Hosts) == 0 {
		return nil, ErrNoHosts
	}
	return s.unheld(ctx, s.Schedule.Bookable(s.Now()), n)
}

// HostFreeSlots returns host's future slots starting in [from, to) that
// nobody holds, whatever the notice and horizon: a host may block any of
// them.
func (s *Service) HostFreeSlots(ctx context.Context, host string, from, to time.Time) ([]Slot, error) {
	h, ok := s.Schedule.Host(host)
	if !ok {
		return nil, ErrNotHost
	}
	if now := s.Now(); from.Before(now) {
		from = now.Add(time.Second) // only slots that have not started
	}
	return s.unheld(ctx, s.Schedule.hostSlots(h, from, to), 0)
}

// unheld drops the slots held by a booking or block from a sorted list,
// keeping at most n (0: all). It costs one indexed query.
func (s *Service) unheld(ctx context.Context, all []Slot, n int) ([]Slot, error) {
	if len(all) == 0 {
		return nil, nil
	}
	held, err := s.Store.Held(ctx, all[0].Start, all[len(all)-1].Start.Add(time.Second))
	if err != nil {
		return nil, fmt.Errorf("officehours: free slots: %w", err)
	}
	taken := make(map[string]bool, len(held))
	for _, b := range held {
		taken[b.Slot.Key()] = true
	}
	var free []Slot
	for _, sl := range all {
		if !taken[sl.Key()] {
			free = append(free, sl)
			if len(free) == n {
				break
			}
		}
	}
	return free, nil
}

// Upcoming returns user's bookings and blocks (as booker or host) that are
// not over yet.
func (s *Service) Upcoming(ctx context.Context, user string) ([]Booking, error) {
	return s.Store.Upcoming(ctx, user, s.Now())
}

// Agenda returns the bookings and blocks host holds starting in [from, to).
func (s *Service) Agenda(ctx context.Context, host string, from, to time.Time) ([]Booking, error) {
	return s.Store.HostBookings(ctx, host, from, to)
}

// Booking returns one booking if user is its booker or host.
func (s *Service) Booking(ctx context.Context, id int64, user string) (Booking, error) {
	b, err := s.Store.Booking(ctx, id)
	if err != nil {
		return Booking{}, err
	}
	if user != b.Booker && user != b.Slot.Host {
		return Booking{}, ErrNotFound // do not reveal other people's bookings
	}
	return b, nil
}

func (s *Service) weekZone() *time.Location {
	if s.Rules.WeekZone == nil {
		return time.UTC
	}
	return s.Rules.WeekZone
}

func (s *Service) notified(ctx context.Context, err error) {
	if err != nil && s.OnNotifyError != nil {
		s.OnNotifyError(ctx, err)
	}
}
