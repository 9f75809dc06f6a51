package report

import (
	"math"
	"time"

	"github.com/platformbot/platformbot/i18n"
	rpt "github.com/platformbot/platformbot/report"
)

// value renders a figure's value in l, or "no data".
func value(l *i18n.Lang, f rpt.Figure) string {
	if f.Value == nil {
		return l.T(i18n.ReportNoData)
	}
	return number(l, f.Unit, *f.Value)
}

// number renders v in unit u for people reading l.
func number(l *i18n.Lang, u rpt.Unit, v float64) string {
	switch u {
	case rpt.Ratio:
		return l.Percent(v*100, 1)
	case rpt.Seconds:
		return l.Duration(time.Duration(v * float64(time.Second)))
	case rpt.Score:
		return l.Fixed(v, 1) + " / 5"
	case rpt.NPS:
		return l.Signed(v, 0)
	case rpt.PerDay:
		return l.T(i18n.ReportADay, i18n.Data{"N": l.Number(v, 1)})
	case rpt.Minutes:
		return l.T(i18n.ReportMinutes, i18n.Data{"N": l.Fixed(math.Round(v), 0)})
	case rpt.Users, rpt.PerWeek:
		return l.Number(v, 1)
	}
	return l.Fixed(math.Round(v), 0)
}

// money renders an amount with its currency: "3,879 EUR".
func money(l *i18n.Lang, v float64, currency string) string {
	if currency == "" {
		return l.Fixed(math.Round(v), 0)
	}
	return l.Fixed(math.Round(v), 0) + " " + currency
}
