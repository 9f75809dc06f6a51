package report

import "github.com/platformbot/platformbot/domain"

// ErrPeriod is a period that cannot be reported (see *PeriodError). Its
// message is plain words; the handlers add the markup and escape it.
var ErrPeriod = &domain.Error{Code: domain.Invalid, Reason: "report_period", Message: "That period cannot be reported."}

// PeriodError is a period that cannot be reported, with what is wrong
// for the person who asked; it is an ErrPeriod.
type PeriodError struct{ Msg string }

func (e *PeriodError) Error() string { return "report: " + e.Msg }
func (e *PeriodError) Unwrap() error { return ErrPeriod.Withf("%s", e.Msg) }
