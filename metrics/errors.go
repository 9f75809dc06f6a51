package metrics

import (
	"fmt"
	"time"

	"github.com/platformbot/platformbot/domain"
)

// Sentinels, each a *domain.Error; compare with errors.Is. Each comes
// wrapped in a detailed error below, whose message is plain words; the
// handlers add the markup and the (configurable) command hints. Other
// failures (a store, a section) are the bot's own.
var (
	// ErrInvalidField: a reported deployment or incident has a field that
	// cannot be stored (see *FieldError).
	ErrInvalidField = &domain.Error{Code: domain.Invalid, Reason: "metrics_invalid_field", Message: "A field cannot be used."}
	// ErrNoWindow: a window length other than 7, 30 or 90 days (see
	// *WindowError).
	ErrNoWindow = &domain.Error{Code: domain.Invalid, Reason: "metrics_no_window", Message: "There is no such window: use 7d, 30d or 90d."}
	// ErrUntil: an as-of date that is not over yet (see *UntilError).
	ErrUntil = &domain.Error{Code: domain.Invalid, Reason: "metrics_until", Message: "A window must end with a complete day."}
)

// FieldError is a validation error naming the offending field in the
// sender's payload; the HTTP layer answers it with 400. It is an
// ErrInvalidField.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }
func (e *FieldError) Unwrap() error { return ErrInvalidField.Withf("%s", e.Error()) }

// WindowError is a window length other than 7, 30 or 90 days; it is an
// ErrNoWindow.
type WindowError struct{ Days int }

func (e *WindowError) Error() string {
	return fmt.Sprintf("metrics: no %d-day window; windows are 7d, 30d and 90d", e.Days)
}
func (e *WindowError) Unwrap() error {
	return ErrNoWindow.Withf("There is no %d-day window: use 7d, 30d or 90d.", e.Days)
}

// UntilError is an as-of date that is not over yet; it is an ErrUntil.
type UntilError struct{ Until, Today time.Time }

func (e *UntilError) Error() string {
	return fmt.Sprintf("metrics: until %s is not before today (%s)", e.Until.Format(time.DateOnly), e.Today.Format(time.DateOnly))
}
func (e *UntilError) Unwrap() error {
	return ErrUntil.Withf("A window must end with a complete day: use a date before today (%s), e.g. until %s.",
		e.Today.Format(time.DateOnly), e.Today.AddDate(0, 0, -1).Format(time.DateOnly))
}
