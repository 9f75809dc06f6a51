package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	rpt "github.com/platformbot/platformbot/report"
)

// value renders a figure's value, or "no data".
func value(f rpt.Figure) string {
	if f.Value == nil {
		return "no data"
	}
	return number(f.Unit, *f.Value)
}

// number renders v in unit u for people.
func number(u rpt.Unit, v float64) string {
	switch u {
	case rpt.Ratio:
		return trim(v*100, 1) + "%"
	case rpt.Seconds:
		return duration(time.Duration(v * float64(time.Second)))
	case rpt.Score:
		return fmt.Sprintf("%.1f / 5", v)
	case rpt.NPS:
		return fmt.Sprintf("%+.0f", v)
	case rpt.PerDay:
		return trim(v, 1) + " a day"
	case rpt.Minutes:
		return grouped(math.Round(v)) + " min"
	case rpt.Money:
		return grouped(math.Round(v))
	case rpt.Users, rpt.PerWeek:
		return trim(v, 1)
	}
	return grouped(math.Round(v))
}

// trim renders v with at most prec decimals and no trailing zeros.
func trim(v float64, prec int) string {
	s := strconv.FormatFloat(v, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if math.Abs(v) >= 1000 {
		whole, frac, _ := strings.Cut(s, ".")
		s = grouped(mustFloat(whole))
		if frac != "" {
			s += "." + frac
		}
	}
	return s
}

func mustFloat(s string) float64 {
	v, _ := strconv.ParseFloat(s, 64)
	return v
}

// grouped renders a whole number with thousands separators: 12,345.
func grouped(v float64) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', 0, 64)
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// duration renders a duration with its two largest units: "2d 4h",
// "5h 30m", "12m", "40s".
func duration(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d >= 24*time.Hour:
		return fmt.Sprintf("%dd %dh", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
	case d >= time.Hour:
		return fmt.Sprintf("%dh %dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	case d >= time.Minute:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	}
	return fmt.Sprintf("%ds", int(d/time.Second))
}

// money renders an amount with its currency: "3,879 EUR".
func money(v float64, currency string) string {
	return strings.TrimSpace(grouped(math.Round(v)) + " " + currency)
}
