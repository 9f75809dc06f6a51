package i18n

import (
	"math"
	"strings"
	"time"

	"golang.org/x/text/number"
)

// Fixed formats v with exactly frac decimals, grouped, with the
// language's decimal mark: "5.0" or "5,0", for figures whose precision
// is part of what they say.
func (l *Lang) Fixed(v float64, frac int) string {
	return l.printer.Sprint(number.Decimal(v, number.MinFractionDigits(frac), number.MaxFractionDigits(frac)))
}

// Span renders the whole days first to last (inclusive) as short as
// their shared month and year allow: "8–14 Jan 2024", "29 Jan – 4 Feb
// 2024", "29 Dec 2023 – 4 Jan 2024"; "8.–14. Jan. 2024" in German.
func (l *Lang) Span(first, last time.Time, loc *time.Location) string {
	first, last = first.In(loc), last.In(loc)
	switch {
	case first.Year() != last.Year():
		return l.T(DateSpanYears, Data{"First": l.Date(first, loc), "Last": l.Date(last, loc)})
	case first.Month() != last.Month():
		return l.T(DateSpanMonths, Data{
			"First": l.DayMonth(first, loc),
			"Last":  l.Date(last, loc),
		})
	}
	return l.T(DateSpanDays, Data{"First": first.Day(), "Last": l.Date(last, loc)})
}

// DayMonth renders a day without its year: "4 Dec", "4. Dez.".
func (l *Lang) DayMonth(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	return l.T(DateDayMonth, Data{"Day": t.Day(), "Month": l.names.months[t.Month()-1]})
}

// Signed formats v like Fixed with its sign always shown, as an NPS is
// said: "+20", "+0", "-5" (what fmt's %+.0f writes, in the language).
func (l *Lang) Signed(v float64, frac int) string {
	s := l.Fixed(v, frac)
	if math.Signbit(v) {
		if !strings.HasPrefix(s, "-") {
			s = "-" + s // a negative that rounds to zero keeps its sign, as in fmt
		}
		return s
	}
	return "+" + s
}
