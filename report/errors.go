package report

import (
	"time"

	"github.com/platformbot/platformbot/domain"
)

// ErrPeriod is a period that cannot be reported (see *PeriodError). Its
// message is plain words; the handlers add the markup and escape it.
var ErrPeriod = &domain.Error{Code: domain.Invalid, Reason: "report_period", Message: "That period cannot be reported."}

// PeriodError is a period that cannot be reported, with what is wrong
// for the person who asked; it is an ErrPeriod. Msg says it in English;
// Why and the fields it names let a caller say it in another language.
type PeriodError struct {
	Msg string
	Why PeriodProblem
	// Input is what was typed (PeriodUnknown).
	Input string
	// First and Last are the dates as typed (PeriodBackwards, PeriodTooLong,
	// PeriodNotOver).
	First, Last string
	// Year and Quarter name a quarter that does not exist (PeriodNoQuarter).
	Year, Quarter int
	// Days is how many days the period asked for has (PeriodTooLong).
	Days int
	// From and Until are the first and last day of a period that has not
	// begun (PeriodNotStarted), in the report's zone.
	From, Until time.Time
}

// PeriodProblem is why a period cannot be reported.
type PeriodProblem string

const (
	PeriodUnknown    PeriodProblem = "unknown"     // not a period at all
	PeriodNoQuarter  PeriodProblem = "no_quarter"  // a quarter outside 1–4 or years 2000–9999
	PeriodDateFormat PeriodProblem = "date_format" // dates not written YYYY-MM-DD
	PeriodBackwards  PeriodProblem = "backwards"   // ends before it starts
	PeriodTooEarly   PeriodProblem = "too_early"   // starts before 2000
	PeriodTooLong    PeriodProblem = "too_long"    // more than MaxDays
	PeriodNotOver    PeriodProblem = "not_over"    // dates that do not end before today
	PeriodNotStarted PeriodProblem = "not_started" // no complete day yet
)

func (e *PeriodError) Error() string { return "report: " + e.Msg }
func (e *PeriodError) Unwrap() error { return ErrPeriod.Withf("%s", e.Msg) }
