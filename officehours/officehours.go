// Package officehours is the office-hours domain: platform engineers (hosts)
// offer weekly windows in their own time zone, the windows are cut into
// slots, developers book a slot with a topic, both sides are reminded, and
// the booker says afterwards how helpful it was.
//
// The package knows neither Slack nor SQL. Slot generation (Schedule) is a
// pure function of the configuration and a clock reading; Service applies
// the booking rules and calls the Store it is given, which guarantees with
// a unique constraint that a host's slot is held by one booking at a time.
package officehours

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Slot is one bookable period of a host. Start and End are UTC instants.
type Slot struct {
	Host       string // Slack user id
	Start, End time.Time
}

// Key identifies the slot in buttons and forms: "<host>.<unix seconds>".
func (s Slot) Key() string { return s.Host + "." + strconv.FormatInt(s.Start.Unix(), 10) }

// ParseSlotKey reads a Key back into a host and start instant.
func ParseSlotKey(key string) (host string, start time.Time, err error) {
	host, sec, ok := strings.Cut(key, ".")
	n, perr := strconv.ParseInt(sec, 10, 64)
	if !ok || host == "" || perr != nil || n <= 0 {
		return "", time.Time{}, fmt.Errorf("officehours: bad slot key %q", key)
	}
	return host, time.Unix(n, 0).UTC(), nil
}

// Kind distinguishes bookings from slots a host blocked. Both hold the
// slot, so the same unique constraint keeps them apart.
type Kind string

const (
	KindBooking Kind = "booking"
	KindBlock   Kind = "block"
)

// Party is one side of a booking.
type Party string

const (
	Booker Party = "booker"
	Host   Party = "host"
)

// Booking is a held slot: a developer's booking or a host's block.
type Booking struct {
	ID     int64
	Kind   Kind
	Slot   Slot
	Booker string // for a block, the host
	Team   string // the booker's team id when known, for metrics
	Topic  string

	CreatedAt   time.Time
	CancelledAt time.Time // zero while active
	CancelledBy string
	NoShowAt    time.Time // set by the host when the booker did not come

	BookerRemindedAt time.Time
	HostRemindedAt   time.Time
	FeedbackAskedAt  time.Time
	FeedbackScore    int // 1–5, 0 when not answered
	FeedbackComment  string
	FeedbackAt       time.Time
}

// Active reports whether the booking still holds its slot.
func (b Booking) Active() bool { return b.CancelledAt.IsZero() }

// NoShow reports whether the host marked the booker as absent.
func (b Booking) NoShow() bool { return !b.NoShowAt.IsZero() }

// Other returns the user on the other side from user: the host for the
// booker and the booker for the host.
func (b Booking) Other(user string) string {
	if user == b.Slot.Host {
		return b.Booker
	}
	return b.Slot.Host
}

// Limit is the weekly cap the store enforces inside its booking
// transaction: at most Max active bookings by the booker with a slot
// starting in [From, To). Max 0 means no cap.
type Limit struct {
	Max      int
	From, To time.Time
}
