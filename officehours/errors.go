package officehours

import "fmt"

// Error is a domain error whose message is meant for the person who asked;
// the bot shows UserMessage as it is. Errors with the same code match with
// errors.Is, so a message can carry details (a limit, a date) while callers
// still test against the sentinels below.
type Error struct {
	Code string
	Msg  string
}

func (e *Error) Error() string       { return "officehours: " + e.Code }
func (e *Error) UserMessage() string { return e.Msg }

// Is matches errors with the same code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

func newError(code, format string, args ...any) *Error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// Sentinels. Compare with errors.Is; the message of the error actually
// returned may be more specific.
var (
	ErrSlotTaken        = &Error{"slot_taken", ":hourglass: Sorry, that slot was just taken by someone else."}
	ErrWeeklyLimit      = &Error{"weekly_limit", "You have reached the weekly limit of office-hours bookings."}
	ErrTooSoon          = &Error{"too_soon", "That slot starts too soon to be booked."}
	ErrTooFar           = &Error{"too_far", "That slot is too far ahead to be booked yet."}
	ErrNoSuchSlot       = &Error{"no_such_slot", "That slot is not part of the office-hours schedule (any more). Use `/officehours list` to see the free slots."}
	ErrStarted          = &Error{"started", "That slot has already started."}
	ErrOver             = &Error{"over", "That session is already over."}
	ErrNotFound         = &Error{"not_found", "I can't find that booking. `/officehours mine` lists yours."}
	ErrNotAllowed       = &Error{"not_allowed", ":no_entry: Only the person who booked and the host can do that."}
	ErrNotHost          = &Error{"not_host", ":no_entry: Only the host of that slot can do that."}
	ErrOwnSlot          = &Error{"own_slot", "That is your own slot. Hosts block a slot instead of booking it."}
	ErrAlreadyCancelled = &Error{"already_cancelled", "That booking was already cancelled."}
	ErrTopicRequired    = &Error{"topic_required", "Please say in a few words what you'd like to talk about."}
	ErrTopicTooLong     = &Error{"topic_too_long", "Please keep the topic under 500 characters."}
	ErrCommentTooLong   = &Error{"comment_too_long", "Please keep the comment under 2000 characters."}
	ErrBadScore         = &Error{"bad_score", "Please rate from 1 to 5."}
	ErrNotBooking       = &Error{"not_booking", "That is a blocked slot, not a booking."}
	ErrNoHosts          = &Error{"no_hosts", "Office hours are not set up yet: the configuration lists no hosts."}
)
