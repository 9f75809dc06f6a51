package report_test

import (
	"errors"
	"testing"
	"time"

	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/report"
)

// TestFailuresAreDomainErrors: a period that cannot be reported is an
// Invalid domain error that errors.Is matches against ErrPeriod, and its
// message says what is wrong.
func TestFailuresAreDomainErrors(t *testing.T) {
	now := time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC)
	for in, msg := range map[string]string{
		"2026-13-01..2026-13-02": "dates are written YYYY-MM-DD, like 2026-07-01..2026-09-30.",
		"2026-09-30..2026-09-01": "the period ends (2026-09-01) before it starts (2026-09-30).",
		"<!channel>":             "“<!channel>” is not a period: use a quarter like 2026Q3, “last” (the last quarter), “this” (this quarter so far) or two dates like 2026-07-01..2026-09-30.",
	} {
		_, err := report.ParsePeriod(in, now, time.UTC)
		if !errors.Is(err, report.ErrPeriod) || domain.ErrorCode(err) != domain.Invalid {
			t.Errorf("ParsePeriod(%q) = %v, want an Invalid ErrPeriod", in, err)
		}
		if got := domain.ErrorMessage(err); got != msg {
			t.Errorf("ParsePeriod(%q): message %q, want %q", in, got, msg)
		}
	}
}
