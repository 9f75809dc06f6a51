package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/officehours"
)

// officehoursBooking is the live model of the officehours_bookings table.
type officehoursBooking struct {
	ID               int64 `gorm:"primaryKey"`
	Kind             string
	HostID           string
	SlotStart        time.Time
	SlotEnd          time.Time
	BookerID         string
	BookerTeam       string
	Topic            string
	CreatedAt        time.Time
	CancelledAt      *time.Time
	CancelledBy      string
	NoShowAt         *time.Time
	BookerRemindedAt *time.Time
	HostRemindedAt   *time.Time
	FeedbackAskedAt  *time.Time
	FeedbackScore    *int
	FeedbackComment  string
	FeedbackAt       *time.Time
}

// officehoursBooker is the per-person lock row of the booking transaction.
type officehoursBooker struct {
	UserID   string `gorm:"primaryKey"`
	LockedAt time.Time
}

// OfficeHoursStore implements officehours.Store and
// metrics.OfficeHoursSource.
type OfficeHoursStore struct {
	db *DB
	// schedule generates the slots offered, for metrics; nil counts none.
	schedule *officehours.Schedule
}

// NewOfficeHoursStore returns the office-hours store. The schedule is used
// only to count slots offered in OfficeHoursFigures.
func NewOfficeHoursStore(db *DB, schedule *officehours.Schedule) *OfficeHoursStore {
	return &OfficeHoursStore{db: db, schedule: schedule}
}

var _ officehours.Store = (*OfficeHoursStore)(nil)

// ohActive restricts a query to rows that hold their slot.
func ohActive(tx *gorm.DB) *gorm.DB { return tx.Where("cancelled_at IS NULL") }

// Book inserts the booking in a transaction that first takes the booker's
// lock row and checks the weekly limit; the partial unique index on
// (host_id, slot_start) turns a concurrent second booking of the slot into
// officehours.ErrSlotTaken.
func (s *OfficeHoursStore) Book(ctx context.Context, b officehours.Booking, limit officehours.Limit) (_ officehours.Booking, err error) {
	defer ohWrap(&err, "OfficeHoursStore.Book(%s, %s)", b.Slot.Host, b.Slot.Start.UTC().Format(time.RFC3339))
	row := bookingRow(b)
	err = s.db.Transact(ctx, func(tx *gorm.DB) error {
		if b.Kind == officehours.KindBooking && limit.Max > 0 {
			if err := lockBooker(tx, b.Booker, b.CreatedAt); err != nil {
				return err
			}
			var n int64
			err := tx.Model(&officehoursBooking{}).Scopes(ohActive).
				Where("booker_id = ? AND kind = ? AND slot_start >= ? AND slot_start < ?",
					b.Booker, officehours.KindBooking, limit.From.UTC(), limit.To.UTC()).
				Count(&n).Error
			if err != nil {
				return err
			}
			if n >= int64(limit.Max) {
				return officehours.ErrWeeklyLimit
			}
		}
		if err := tx.Create(&row).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return officehours.ErrSlotTaken
			}
			return err
		}
		return nil
	})
	if err != nil {
		return officehours.Booking{}, err
	}
	return row.domain(), nil
}

// lockBooker makes sure user's lock row exists and locks it until the
// transaction ends. On SQLite, whose single connection serialises
// transactions anyway, it is a cheap no-op in effect.
func lockBooker(tx *gorm.DB, user string, at time.Time) error {
	err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&officehoursBooker{UserID: user, LockedAt: at.UTC()}).Error
	if err != nil {
		return err
	}
	return tx.Model(&officehoursBooker{}).Where("user_id = ?", user).Update("locked_at", at.UTC()).Error
}

// Booking returns one booking or officehours.ErrNotFound.
func (s *OfficeHoursStore) Booking(ctx context.Context, id int64) (officehours.Booking, error) {
	var row officehoursBooking
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return officehours.Booking{}, officehours.ErrNotFound
	}
	if err != nil {
		return officehours.Booking{}, fmt.Errorf("storage: OfficeHoursStore.Booking(%d): %w", id, err)
	}
	return row.domain(), nil
}

// Cancel sets cancelled_at on an active booking, which frees the slot.
func (s *OfficeHoursStore) Cancel(ctx context.Context, id int64, by string, at time.Time) error {
	res := s.db.WithContext(ctx).Model(&officehoursBooking{}).Scopes(ohActive).Where("id = ?", id).
		Updates(map[string]any{"cancelled_at": at.UTC(), "cancelled_by": by})
	if res.Error != nil {
		return fmt.Errorf("storage: OfficeHoursStore.Cancel(%d): %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return officehours.ErrAlreadyCancelled
	}
	return nil
}

// MarkNoShow records a no-show once; repeating it keeps the first time.
func (s *OfficeHoursStore) MarkNoShow(ctx context.Context, id int64, at time.Time) error {
	err := s.db.WithContext(ctx).Model(&officehoursBooking{}).Scopes(ohActive).
		Where("id = ? AND no_show_at IS NULL", id).Update("no_show_at", at.UTC()).Error
	if err != nil {
		return fmt.Errorf("storage: OfficeHoursStore.MarkNoShow(%d): %w", id, err)
	}
	return nil
}

// Held returns active bookings and blocks starting in [from, to).
func (s *OfficeHoursStore) Held(ctx context.Context, from, to time.Time) ([]officehours.Booking, error) {
	return s.list(ctx, "Held", func(q *gorm.DB) *gorm.DB {
		return q.Scopes(ohActive).Where("slot_start >= ? AND slot_start < ?", from.UTC(), to.UTC())
	})
}

// Upcoming returns user's active bookings and blocks, as booker or host,
// ending after t.
func (s *OfficeHoursStore) Upcoming(ctx context.Context, user string, t time.Time) ([]officehours.Booking, error) {
	return s.list(ctx, "Upcoming", func(q *gorm.DB) *gorm.DB {
		return q.Scopes(ohActive).Where("(booker_id = ? OR host_id = ?) AND slot_end > ?", user, user, t.UTC())
	})
}

// HostBookings returns host's active bookings and blocks starting in
// [from, to).
func (s *OfficeHoursStore) HostBookings(ctx context.Context, host string, from, to time.Time) ([]officehours.Booking, error) {
	return s.list(ctx, "HostBookings", func(q *gorm.DB) *gorm.DB {
		return q.Scopes(ohActive).Where("host_id = ? AND slot_start >= ? AND slot_start < ?", host, from.UTC(), to.UTC())
	})
}

// list runs a query over bookings, soonest first.
func (s *OfficeHoursStore) list(ctx context.Context, op string, where func(*gorm.DB) *gorm.DB) ([]officehours.Booking, error) {
	var rows []officehoursBooking
	if err := where(s.db.WithContext(ctx)).Order("slot_start, host_id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("storage: OfficeHoursStore.%s: %w", op, err)
	}
	out := make([]officehours.Booking, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

func bookingRow(b officehours.Booking) officehoursBooking {
	r := officehoursBooking{
		ID: b.ID, Kind: string(b.Kind), HostID: b.Slot.Host, SlotStart: b.Slot.Start.UTC(), SlotEnd: b.Slot.End.UTC(),
		BookerID: b.Booker, BookerTeam: b.Team, Topic: b.Topic, CreatedAt: b.CreatedAt.UTC(),
		CancelledAt: timePtr(b.CancelledAt), CancelledBy: b.CancelledBy, NoShowAt: timePtr(b.NoShowAt),
		BookerRemindedAt: timePtr(b.BookerRemindedAt), HostRemindedAt: timePtr(b.HostRemindedAt),
		FeedbackAskedAt: timePtr(b.FeedbackAskedAt), FeedbackComment: b.FeedbackComment, FeedbackAt: timePtr(b.FeedbackAt),
	}
	if b.FeedbackScore > 0 {
		r.FeedbackScore = &b.FeedbackScore
	}
	return r
}

func (r officehoursBooking) domain() officehours.Booking {
	b := officehours.Booking{
		ID: r.ID, Kind: officehours.Kind(r.Kind),
		Slot:   officehours.Slot{Host: r.HostID, Start: r.SlotStart.UTC(), End: r.SlotEnd.UTC()},
		Booker: r.BookerID, Team: r.BookerTeam, Topic: r.Topic, CreatedAt: r.CreatedAt.UTC(),
		CancelledAt: ohTimeValue(r.CancelledAt), CancelledBy: r.CancelledBy, NoShowAt: ohTimeValue(r.NoShowAt),
		BookerRemindedAt: ohTimeValue(r.BookerRemindedAt), HostRemindedAt: ohTimeValue(r.HostRemindedAt),
		FeedbackAskedAt: ohTimeValue(r.FeedbackAskedAt), FeedbackComment: r.FeedbackComment, FeedbackAt: ohTimeValue(r.FeedbackAt),
	}
	if r.FeedbackScore != nil {
		b.FeedbackScore = *r.FeedbackScore
	}
	return b
}

func ohTimeValue(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// ohWrap adds the operation to an error once, keeping it errors.Is-able;
// domain errors pass unchanged: they are answers, not failures.
func ohWrap(err *error, format string, args ...any) {
	if _, ok := domain.As(*err); *err == nil || ok {
		return
	}
	*err = fmt.Errorf("storage: "+format+": %w", append(args, *err)...)
}
