package report_test

import (
	"errors"
	"testing"
	"time"

	"github.com/platformbot/platformbot/report"
)

func TestParsePeriod(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 10, 5, 9, 0, 0, 0, berlin)
	for _, tc := range []struct {
		in, name, label, prev string
		days                  int
		toDate                bool
	}{
		{"", "2026Q3", "Q3 2026 (1 Jul – 30 Sep 2026)", "31 Mar – 30 Jun 2026", 92, false},
		{"last", "2026Q3", "Q3 2026 (1 Jul – 30 Sep 2026)", "31 Mar – 30 Jun 2026", 92, false},
		{"2026q1", "2026Q1", "Q1 2026 (1 Jan – 31 Mar 2026)", "3 Oct – 31 Dec 2025", 90, false},
		{"Q2-2026", "2026Q2", "Q2 2026 (1 Apr – 30 Jun 2026)", "31 Dec 2025 – 31 Mar 2026", 91, false},
		{"2025-Q4", "2025Q4", "Q4 2025 (1 Oct – 31 Dec 2025)", "1 Jul – 30 Sep 2025", 92, false},
		{"this", "2026Q4", "Q4 2026 to date (1–4 Oct 2026)", "27–30 Sep 2026", 4, true},
		{"2026-09-01..2026-09-30", "2026-09-01..2026-09-30", "1–30 Sep 2026", "2–31 Aug 2026", 30, false},
		{"2025-12-15..2026-01-14", "2025-12-15..2026-01-14", "15 Dec 2025 – 14 Jan 2026", "14 Nov – 14 Dec 2025", 31, false},
	} {
		p, err := report.ParsePeriod(tc.in, now, berlin)
		if err != nil {
			t.Errorf("ParsePeriod(%q): %v", tc.in, err)
			continue
		}
		if p.Name != tc.name || p.Label() != tc.label || p.PrevLabel() != tc.prev || p.Days() != tc.days || p.ToDate != tc.toDate {
			t.Errorf("ParsePeriod(%q) = %q %q vs %q, %d days, to date %v; want %q %q vs %q, %d, %v",
				tc.in, p.Name, p.Label(), p.PrevLabel(), p.Days(), p.ToDate, tc.name, tc.label, tc.prev, tc.days, tc.toDate)
		}
		if p.From.Location() != berlin || p.From.Hour() != 0 || !p.PrevFrom.AddDate(0, 0, p.Days()).Equal(p.From) {
			t.Errorf("ParsePeriod(%q): boundaries %s, %s", tc.in, p.PrevFrom, p.From)
		}
	}
}

func TestParsePeriodRefusals(t *testing.T) {
	now := time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC)
	for in, why := range map[string]report.PeriodProblem{
		"2026Q5": report.PeriodUnknown, "Q0 2026": report.PeriodUnknown, "soon": report.PeriodUnknown,
		"2027Q1": report.PeriodNotStarted, "2026-10-05..2026-10-06": report.PeriodNotStarted,
		"2026-09-30..2026-09-01": report.PeriodBackwards, "2024-01-01..2025-12-31": report.PeriodTooLong,
		"2026-13-01..2026-13-02": report.PeriodDateFormat, "1999Q4": report.PeriodNoQuarter,
		"1999-12-31..2000-01-02": report.PeriodTooEarly, "2026-10-01..2026-10-10": report.PeriodNotOver,
	} {
		_, err := report.ParsePeriod(in, now, time.UTC)
		var pe *report.PeriodError
		if !errors.As(err, &pe) || pe.Msg == "" || !errors.Is(err, report.ErrPeriod) {
			t.Errorf("ParsePeriod(%q) = %v, want a *PeriodError", in, err)
		} else if pe.Why != why {
			t.Errorf("ParsePeriod(%q): why %q, want %q", in, pe.Why, why)
		}
	}
}

// TestWeeks: weeks are counted from the first day; a short remainder
// joins the last week.
func TestWeeks(t *testing.T) {
	now := time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in         string
		weeks      int
		lastDays   float64
		firstStart string
	}{
		{"2026Q3", 13, 8, "2026-07-01"},                 // 92 days: 12 weeks and one of 8 days
		{"2026-09-01..2026-09-25", 4, 4, "2026-09-01"},  // 25 days: 3 weeks and 4 days
		{"2026-09-01..2026-09-03", 1, 3, "2026-09-01"},  // shorter than a week
		{"2026-09-01..2026-09-24", 3, 10, "2026-09-01"}, // 24 days: 3 days join the third week
	} {
		p, err := report.ParsePeriod(tc.in, now, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		w := p.Weeks()
		if len(w) != tc.weeks || w[len(w)-1].Days() != tc.lastDays || w[0].From.Format("2006-01-02") != tc.firstStart || !w[len(w)-1].To.Equal(p.To) {
			t.Errorf("%s: %d weeks, last of %v days, first %s; want %d, %v, %s", tc.in, len(w), w[len(w)-1].Days(), w[0].From, tc.weeks, tc.lastDays, tc.firstStart)
		}
	}
}
