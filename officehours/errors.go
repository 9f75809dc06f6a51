package officehours

import "github.com/platformbot/platformbot/domain"

// Sentinels, each a *domain.Error. Compare with errors.Is: the error
// actually returned may carry a more precise message (a limit, a date) or
// a cause. The messages are plain words; the handlers add emoji and the
// command hints (`list`, `mine`), whose names are configurable.
var (
	ErrSlotTaken        = &domain.Error{Code: domain.Conflict, Reason: "slot_taken", Message: "Sorry, that slot was just taken by someone else."}
	ErrWeeklyLimit      = &domain.Error{Code: domain.Conflict, Reason: "weekly_limit", Message: "You have reached the weekly limit of office-hours bookings."}
	ErrTooSoon          = &domain.Error{Code: domain.Invalid, Reason: "too_soon", Message: "That slot starts too soon to be booked."}
	ErrTooFar           = &domain.Error{Code: domain.Invalid, Reason: "too_far", Message: "That slot is too far ahead to be booked yet."}
	ErrNoSuchSlot       = &domain.Error{Code: domain.NotFound, Reason: "no_such_slot", Message: "That slot is not part of the office-hours schedule (any more)."}
	ErrStarted          = &domain.Error{Code: domain.Conflict, Reason: "started", Message: "That slot has already started."}
	ErrNotStarted       = &domain.Error{Code: domain.Conflict, Reason: "not_started", Message: "The session has not started yet."}
	ErrOver             = &domain.Error{Code: domain.Conflict, Reason: "over", Message: "That session is already over."}
	ErrNotFound         = &domain.Error{Code: domain.NotFound, Reason: "not_found", Message: "I can't find that booking."}
	ErrNotAllowed       = &domain.Error{Code: domain.Forbidden, Reason: "not_allowed", Message: "Only the person who booked and the host can do that."}
	ErrNotHost          = &domain.Error{Code: domain.Forbidden, Reason: "not_host", Message: "Only the host of that slot can do that."}
	ErrOwnSlot          = &domain.Error{Code: domain.Invalid, Reason: "own_slot", Message: "That is your own slot. Hosts block a slot instead of booking it."}
	ErrAlreadyCancelled = &domain.Error{Code: domain.Conflict, Reason: "already_cancelled", Message: "That booking was already cancelled."}
	ErrTopicRequired    = &domain.Error{Code: domain.Invalid, Reason: "topic_required", Message: "Please say in a few words what you'd like to talk about."}
	ErrTopicTooLong     = &domain.Error{Code: domain.Invalid, Reason: "topic_too_long", Message: "Please keep the topic under 500 characters."}
	ErrCommentTooLong   = &domain.Error{Code: domain.Invalid, Reason: "comment_too_long", Message: "Please keep the comment under 2000 characters."}
	ErrBadScore         = &domain.Error{Code: domain.Invalid, Reason: "bad_score", Message: "Please rate from 1 to 5."}
	ErrNotBooking       = &domain.Error{Code: domain.Invalid, Reason: "not_booking", Message: "That is a blocked slot, not a booking."}
	ErrNoHosts          = &domain.Error{Code: domain.NotFound, Reason: "no_hosts", Message: "Office hours are not set up yet: the configuration lists no hosts."}
)
