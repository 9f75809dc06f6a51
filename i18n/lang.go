package i18n

import (
	"fmt"
	"time"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// ID names a message of the catalogs. The constants in ids.go are the
// only IDs code uses, so that a test can hold code and catalogs together.
type ID string

// Data is a message's template data: {{.Title}} takes Data{"Title": …}.
// Values are shown as given: escape user text for mrkdwn before, and
// format numbers with the Lang (Int, Number) when they can be large.
type Data map[string]any

// Lang renders messages, numbers, dates and durations in one language. It
// is safe for concurrent use; the Catalog holds one per language.
type Lang struct {
	code    string
	tag     language.Tag
	loc     *goi18n.Localizer
	printer *message.Printer
	names   calendarNames
}

func newLang(c *Catalog, tag language.Tag) *Lang {
	base, _ := tag.Base()
	names, ok := calendars[base.String()]
	if !ok {
		names = calendars[English]
	}
	return &Lang{
		code:    base.String(),
		tag:     tag,
		loc:     goi18n.NewLocalizer(c.bundle, tag.String(), English),
		printer: message.NewPrinter(tag),
		names:   names,
	}
}

// Code returns the language's code: "en", "de".
func (l *Lang) Code() string { return l.code }

// Name returns the language's own name ("English", "Deutsch").
func (l *Lang) Name() string { return l.T(LanguageName) }

// Worded is the message ids holds for reason, in l with data, or
// fallback when it holds none: how a handler words a domain's reason code,
// while a reason it has no words for keeps the domain's own.
func Worded[K comparable](l *Lang, ids map[K]ID, reason K, data Data, fallback string) string {
	id, ok := ids[reason]
	if !ok {
		return fallback
	}
	return l.T(id, data)
}

// T renders a message with the data given (none or one Data).
func (l *Lang) T(id ID, data ...Data) string {
	var d Data
	if len(data) > 0 {
		d = data[0]
	}
	return l.render(id, d, nil)
}

// N renders a message with plural forms for count n: the catalog picks
// the form ("one", "other") by the language's rules, and {{.Count}} shows
// n formatted for the language (1.000 in German).
func (l *Lang) N(id ID, n int, data ...Data) string {
	d := Data{}
	if len(data) > 0 {
		for k, v := range data[0] {
			d[k] = v
		}
	}
	d["Count"] = l.Int(n)
	return l.render(id, d, n)
}

func (l *Lang) render(id ID, data Data, count any) string {
	cfg := &goi18n.LocalizeConfig{MessageID: string(id), PluralCount: count}
	if data != nil {
		cfg.TemplateData = map[string]any(data)
	}
	s, err := l.loc.Localize(cfg)
	if err != nil && s == "" {
		// Only a message missing from the English catalog gets here,
		// which TestCatalogsMatchCode prevents; the ID beats a blank.
		return string(id)
	}
	return s
}

// Int formats an integer with the language's digit grouping: 12,345 or
// 12.345.
func (l *Lang) Int(n int) string { return l.printer.Sprint(number.Decimal(n)) }

// Number formats v with at most frac decimals, grouped, with the
// language's decimal mark: 1,234.5 or 1.234,5.
func (l *Lang) Number(v float64, frac int) string {
	return l.printer.Sprint(number.Decimal(v, number.MaxFractionDigits(frac)))
}

// Percent formats a percentage (12.5 for 12.5 %) with at most frac
// decimals: "12.5%" or "12,5 %".
func (l *Lang) Percent(p float64, frac int) string {
	return l.T(NumberPercent, Data{"N": l.Number(p, frac)})
}

// Duration renders d with its two largest units: "2d 4h", "5h 30m", "12m",
// "40s" in English, "2 T. 4 Std.", "5 Std. 30 Min." in German.
func (l *Lang) Duration(d time.Duration) string {
	d = d.Round(time.Second)
	if d < 0 {
		d = -d
	}
	switch {
	case d >= 24*time.Hour:
		return l.T(DurationDaysHours, Data{"D": l.Int(int(d / (24 * time.Hour))), "H": int(d % (24 * time.Hour) / time.Hour)})
	case d >= time.Hour:
		return l.T(DurationHoursMinutes, Data{"H": int(d / time.Hour), "M": int(d % time.Hour / time.Minute)})
	case d >= time.Minute:
		return l.T(DurationMinutes, Data{"M": int(d / time.Minute)})
	}
	return l.T(DurationSeconds, Data{"S": int(d / time.Second)})
}

// Date renders a day: "4 Dec 2026", "4. Dez. 2026".
func (l *Lang) Date(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	return l.T(DateDay, Data{"Day": t.Day(), "Month": l.names.months[t.Month()-1], "Year": t.Year()})
}

// Weekday renders a day with its weekday and without the year: "Fri 4
// Dec", "Fr. 4. Dez.".
func (l *Lang) Weekday(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	return l.T(DateWeekday, Data{"Weekday": l.names.weekdays[t.Weekday()], "Day": t.Day(), "Month": l.names.months[t.Month()-1]})
}

// DateTime renders a moment with its weekday and zone: "Fri 4 Dec 14:30
// CET", "Fr. 4. Dez. 14:30 CET".
func (l *Lang) DateTime(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	return l.T(DateWeekdayTime, Data{
		"Weekday": l.names.weekdays[t.Weekday()], "Day": t.Day(), "Month": l.names.months[t.Month()-1],
		"Time": t.Format("15:04"), "Zone": t.Format("MST"),
	})
}

// SlackDate renders t as Slack's date token, which each reader's client
// shows in their own zone, with the words around it and the fallback (for
// clients that cannot) in this language, in loc.
func (l *Lang) SlackDate(t time.Time, loc *time.Location) string {
	return fmt.Sprintf("<!date^%d^%s|%s>", t.Unix(), l.T(DateSlackToken), l.DateTime(t, loc))
}

// calendarNames are the short names of weekdays (Sunday first) and months.
// They are data of the language rather than messages: they are used only
// inside the date messages above.
type calendarNames struct {
	weekdays [7]string
	months   [12]string
}

var calendars = map[string]calendarNames{
	"en": {
		weekdays: [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
		months:   [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
	},
	"de": {
		weekdays: [7]string{"So.", "Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa."},
		months:   [12]string{"Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."},
	},
}
