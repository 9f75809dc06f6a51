package i18n

import (
	"testing"
	"time"
)

func TestSpanAndFixed(t *testing.T) {
	en, de := langs(t)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		got, want string
	}{
		{en.Span(day(2024, 1, 8), day(2024, 1, 14), time.UTC), "8–14 Jan 2024"},
		{de.Span(day(2024, 1, 8), day(2024, 1, 14), time.UTC), "8.–14. Jan. 2024"},
		{en.Span(day(2024, 1, 29), day(2024, 2, 4), time.UTC), "29 Jan – 4 Feb 2024"},
		{de.Span(day(2024, 1, 29), day(2024, 2, 4), time.UTC), "29. Jan. – 4. Feb. 2024"},
		{en.Span(day(2023, 12, 29), day(2024, 1, 4), time.UTC), "29 Dec 2023 – 4 Jan 2024"},
		{de.Span(day(2023, 12, 29), day(2024, 1, 4), time.UTC), "29. Dez. 2023 – 4. Jan. 2024"},
		{en.DayMonth(day(2024, 3, 4), time.UTC), "4 Mar"},
		{de.DayMonth(day(2024, 3, 4), time.UTC), "4. März"},
		{en.Fixed(5, 1), "5.0"},
		{de.Fixed(1234.25, 1), "1.234,2"},
		{en.Fixed(0.714, 0), "1"},
		{en.Signed(27, 0), "+27"},
		{en.Signed(0, 0), "+0"},
		{en.Signed(-5.4, 0), "-5"},
		{en.Signed(-0.3, 0), "-0"},
		{de.Signed(1234, 0), "+1.234"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
