package officehours

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"
)

// memStore is an in-memory Store for the service tests; the database-backed
// store is tested against the same contract in package storage.
type memStore struct {
	mu   sync.Mutex
	rows []Booking
}

func (m *memStore) Book(_ context.Context, b Booking, limit Limit) (Booking, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, r := range m.rows {
		if !r.Active() {
			continue
		}
		if r.Slot.Host == b.Slot.Host && r.Slot.Start.Equal(b.Slot.Start) {
			return Booking{}, ErrSlotTaken
		}
		if r.Kind == KindBooking && r.Booker == b.Booker && !r.Slot.Start.Before(limit.From) && r.Slot.Start.Before(limit.To) {
			n++
		}
	}
	if limit.Max > 0 && n >= limit.Max {
		return Booking{}, ErrWeeklyLimit
	}
	b.ID = int64(len(m.rows) + 1)
	m.rows = append(m.rows, b)
	return b, nil
}

func (m *memStore) update(id int64, f func(b *Booking) bool) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if id < 1 || int(id) > len(m.rows) {
		return false
	}
	return f(&m.rows[id-1])
}

func (m *memStore) Booking(_ context.Context, id int64) (Booking, error) {
	var out Booking
	if !m.update(id, func(b *Booking) bool { out = *b; return true }) {
		return Booking{}, ErrNotFound
	}
	return out, nil
}

func (m *memStore) Cancel(_ context.Context, id int64, by string, at time.Time) error {
	if !m.update(id, func(b *Booking) bool {
		if !b.Active() {
			return false
		}
		b.CancelledAt, b.CancelledBy = at, by
		return true
	}) {
		return ErrAlreadyCancelled
	}
	return nil
}

func (m *memStore) MarkNoShow(_ context.Context, id int64, at time.Time) error {
	m.update(id, func(b *Booking) bool {
		if b.NoShowAt.IsZero() {
			b.NoShowAt = at
		}
		return true
	})
	return nil
}

func (m *memStore) filter(keep func(b Booking) bool) []Booking {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Booking
	for _, b := range m.rows {
		if keep(b) {
			out = append(out, b)
		}
	}
	slices.SortFunc(out, func(a, b Booking) int { return cmp.Compare(a.Slot.Start.UnixNano(), b.Slot.Start.UnixNano()) })
	return out
}

func in(t, from, to time.Time) bool { return !t.Before(from) && t.Before(to) }

func (m *memStore) Held(_ context.Context, from, to time.Time) ([]Booking, error) {
	return m.filter(func(b Booking) bool { return b.Active() && in(b.Slot.Start, from, to) }), nil
}

func (m *memStore) Upcoming(_ context.Context, user string, t time.Time) ([]Booking, error) {
	return m.filter(func(b Booking) bool {
		return b.Active() && (b.Booker == user || b.Slot.Host == user) && b.Slot.End.After(t)
	}), nil
}

func (m *memStore) HostBookings(_ context.Context, host string, from, to time.Time) ([]Booking, error) {
	return m.filter(func(b Booking) bool { return b.Active() && b.Slot.Host == host && in(b.Slot.Start, from, to) }), nil
}

func (m *memStore) DueReminders(_ context.Context, from, to time.Time) ([]Booking, error) {
	return m.filter(func(b Booking) bool {
		return b.Active() && b.Kind == KindBooking && b.Slot.Start.After(from) && !b.Slot.Start.After(to) &&
			(b.BookerRemindedAt.IsZero() || b.HostRemindedAt.IsZero())
	}), nil
}

func (m *memStore) Reminded(_ context.Context, id int64, p Party, at time.Time) error {
	m.update(id, func(b *Booking) bool {
		if p == Host {
			b.HostRemindedAt = at
		} else {
			b.BookerRemindedAt = at
		}
		return true
	})
	return nil
}

func (m *memStore) DueFeedback(_ context.Context, from, to time.Time) ([]Booking, error) {
	return m.filter(func(b Booking) bool {
		return b.Active() && b.Kind == KindBooking && !b.NoShow() && b.FeedbackAskedAt.IsZero() &&
			b.Slot.End.After(from) && !b.Slot.End.After(to)
	}), nil
}

func (m *memStore) FeedbackAsked(_ context.Context, id int64, at time.Time) error {
	m.update(id, func(b *Booking) bool { b.FeedbackAskedAt = at; return true })
	return nil
}

func (m *memStore) SaveFeedback(_ context.Context, id int64, score int, at time.Time) error {
	m.update(id, func(b *Booking) bool { b.FeedbackScore, b.FeedbackAt = score, at; return true })
	return nil
}

func (m *memStore) SaveFeedbackComment(_ context.Context, id int64, comment string, at time.Time) error {
	m.update(id, func(b *Booking) bool { b.FeedbackComment, b.FeedbackAt = comment, at; return true })
	return nil
}
