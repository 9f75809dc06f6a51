package metrics_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/metrics"
)

// TestFailuresAreDomainErrors: every failure a person can act on is a
// domain error that errors.Is matches against its sentinel, with its
// code, and a message (the handlers and the ingest API word it from
// these).
func TestFailuresAreDomainErrors(t *testing.T) {
	now := time.Date(2024, 5, 15, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name     string
		err      func() error
		sentinel *domain.Error
		msg      string
	}{
		{"14-day window", func() error { _, err := metrics.NewPeriod(now, 14, nil); return err },
			metrics.ErrNoWindow, "There is no 14-day window: use 7d, 30d or 90d."},
		{"until today", func() error {
			_, err := service(&fakeStore{}).Report(context.Background(), metrics.Query{Days: 7, Until: reportNow})
			return err
		}, metrics.ErrUntil, "A window must end with a complete day: use a date before today (2024-05-15), e.g. until 2024-05-14."},
		{"deployment without id", func() error {
			d := metrics.Deployment{Service: "checkout", Environment: "production", Status: "success", FinishedAt: now}
			return d.Validate(now)
		}, metrics.ErrInvalidField, "id: "},
	}
	for _, tc := range cases {
		err := tc.err()
		if !errors.Is(err, tc.sentinel) {
			t.Errorf("%s: %v is not %v", tc.name, err, tc.sentinel)
		}
		if got := domain.ErrorCode(err); got != domain.Invalid {
			t.Errorf("%s: code %q, want invalid", tc.name, got)
		}
		if got := domain.ErrorMessage(err); !strings.HasPrefix(got, tc.msg) {
			t.Errorf("%s: message %q, want it to start with %q", tc.name, got, tc.msg)
		}
	}
}
