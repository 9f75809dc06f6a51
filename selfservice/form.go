package selfservice

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/platformbot/platformbot/domain"
)

// Input is what a person entered in a request form: raw values by field
// id. Single-value fields have at most one value; empty means left blank.
type Input map[string][]string

// FieldValue is one validated answer, kept with its label and kind so that
// a request can be shown and sent to its webhook without the catalog.
type FieldValue struct {
	ID     string   `json:"id"`
	Label  string   `json:"label"`
	Kind   string   `json:"kind"`
	Values []string `json:"values,omitempty"`
	// Texts are the option labels of select values, parallel to Values.
	Texts []string `json:"texts,omitempty"`
	// Exception is set when a non-standard option was picked.
	Exception bool `json:"exception,omitempty"`
}

// Empty reports whether the field was left blank.
func (f FieldValue) Empty() bool { return len(f.Values) == 0 }

var (
	userIDRe    = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)
	channelIDRe = regexp.MustCompile(`^[CGD][A-Z0-9]{2,}$`)
)

// Validate checks in against the type's fields and returns the answers in
// form order, or every problem at once keyed by field id so that the form
// can show each next to its input. Unknown keys in in are ignored. today
// is the requester's date (its year, month and day are used), for the
// bounds of date fields.
func (t *Type) Validate(in Input, today time.Time) ([]FieldValue, error) {
	errs := FieldErrors{}
	out := make([]FieldValue, 0, len(t.Fields))
	for _, f := range t.Fields {
		v := FieldValue{ID: f.ID, Label: f.Label, Kind: f.Type}
		for _, raw := range in[f.ID] {
			if s := strings.TrimSpace(raw); s != "" {
				if f.Type == FieldTextarea {
					s = strings.TrimRight(raw, " \t\r\n") // keep the layout of multi-line text
				}
				v.Values = append(v.Values, s)
			}
		}
		if problem := t.check(f, &v, today); problem != nil {
			errs[f.ID] = problem
			continue
		}
		out = append(out, v)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

// check validates one field, filling in option texts and the exception
// flag; it returns what is wrong, or nil.
func (t *Type) check(f Field, v *FieldValue, today time.Time) *domain.Error {
	if v.Empty() {
		if f.Required {
			return fieldError(ReasonRequired, nil, "Please fill this in.")
		}
		return nil
	}
	if f.Type != FieldMultiSelect && len(v.Values) > 1 {
		return fieldError(ReasonOneOnly, nil, "Pick only one.")
	}
	val := v.Values[0]
	switch f.Type {
	case FieldText, FieldTextarea:
		return t.checkText(f, val)
	case FieldNumber:
		return checkNumber(f, val)
	case FieldSelect, FieldMultiSelect:
		return checkOptions(f, v)
	case FieldUser:
		if !userIDRe.MatchString(val) {
			return fieldError(ReasonPerson, nil, "Pick a person.")
		}
	case FieldChannel:
		if !channelIDRe.MatchString(val) {
			return fieldError(ReasonChannel, nil, "Pick a channel.")
		}
	case FieldDate:
		return checkDate(f, val, today)
	}
	return nil
}

// checkDate checks a date against the field's bounds in days from today:
// by default not in the past, so that "access until 2020-01-01" is not
// filed.
func checkDate(f Field, val string, today time.Time) *domain.Error {
	d, err := time.Parse(time.DateOnly, val)
	if err != nil {
		return fieldError(ReasonDate, nil, "Enter a date like 2026-01-31.")
	}
	y, m, day := today.Date()
	today = time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
	lo, hi := DateBounds(f)
	if (lo != nil && d.Before(today.AddDate(0, 0, *lo))) || (hi != nil && d.After(today.AddDate(0, 0, *hi))) {
		return fieldError(ReasonDateRange, dateBounds(lo, hi, today), "Pick %s.", DateRange(f, today))
	}
	return nil
}

// dateBounds are the first (From) and last (To) dates allowed, as
// 2026-01-31, for the handlers' wording of a date out of range.
func dateBounds(lo, hi *int, today time.Time) map[string]any {
	params := map[string]any{}
	if lo != nil {
		params["From"] = today.AddDate(0, 0, *lo).Format(time.DateOnly)
	}
	if hi != nil {
		params["To"] = today.AddDate(0, 0, *hi).Format(time.DateOnly)
	}
	return params
}

// DateBounds returns a date field's bounds in days from today (nil: none).
// Without min a date may not be in the past.
func DateBounds(f Field) (lo, hi *int) {
	zero := 0
	lo = &zero
	if f.Min != nil {
		n := int(*f.Min)
		lo = &n
	}
	if f.Max != nil {
		n := int(*f.Max)
		hi = &n
	}
	return lo, hi
}

// DateRange describes the dates a field accepts, e.g. "today or later" or
// "a date from 2026-12-04 to 2027-03-04"; with today zero it names no
// dates ("from today to 90 days from today").
func DateRange(f Field, today time.Time) string {
	lo, hi := DateBounds(f)
	day := func(n int) string {
		switch {
		case !today.IsZero():
			return today.AddDate(0, 0, n).Format(time.DateOnly)
		case n == 0:
			return "today"
		case n == 1:
			return "tomorrow"
		case n > 0:
			return fmt.Sprintf("%d days from today", n)
		}
		return fmt.Sprintf("%d days ago", -n)
	}
	switch {
	case lo != nil && hi != nil:
		return fmt.Sprintf("a date from %s to %s", day(*lo), day(*hi))
	case lo != nil && *lo == 0 && today.IsZero():
		return "today or a later date"
	case lo != nil:
		return fmt.Sprintf("%s or a later date", day(*lo))
	}
	return fmt.Sprintf("%s or an earlier date", day(*hi))
}

func (t *Type) checkText(f Field, val string) *domain.Error {
	n := utf8.RuneCountInString(val)
	if f.Min != nil && n < int(*f.Min) {
		return fieldError(ReasonTextMin, map[string]any{"Min": int(*f.Min)}, "Use at least %d characters.", int(*f.Min))
	}
	if f.Max != nil && n > int(*f.Max) {
		return fieldError(ReasonTextMax, map[string]any{"Max": int(*f.Max), "Count": n}, "Use at most %d characters (this is %d).", int(*f.Max), n)
	}
	if re := t.patterns[f.ID]; re != nil && !re.MatchString(val) {
		hint := strings.TrimSuffix(f.PatternHint, ".")
		return fieldError(ReasonPattern, map[string]any{"Hint": hint}, "Use %s.", hint)
	}
	return nil
}

func checkNumber(f Field, val string) *domain.Error {
	x, err := strconv.ParseFloat(val, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return fieldError(ReasonNumber, nil, "Enter a number.")
	}
	if !f.Decimal && x != math.Trunc(x) {
		return fieldError(ReasonWhole, nil, "Enter a whole number.")
	}
	switch {
	case f.Min != nil && f.Max != nil && (x < *f.Min || x > *f.Max):
		return fieldError(ReasonNumberRange, map[string]any{"Min": *f.Min, "Max": *f.Max}, "Enter a number from %s to %s.", num(*f.Min), num(*f.Max))
	case f.Min != nil && x < *f.Min:
		return fieldError(ReasonNumberMin, map[string]any{"Min": *f.Min}, "Enter at least %s.", num(*f.Min))
	case f.Max != nil && x > *f.Max:
		return fieldError(ReasonNumberMax, map[string]any{"Max": *f.Max}, "Enter at most %s.", num(*f.Max))
	}
	return nil
}

func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

func checkOptions(f Field, v *FieldValue) *domain.Error {
	seen := map[string]bool{}
	for _, val := range v.Values {
		i := slices.IndexFunc(f.Options, func(o Option) bool { return o.Value == val })
		if i < 0 {
			return fieldError(ReasonChoice, map[string]any{"Value": val}, "%q is not one of the choices.", val)
		}
		if seen[val] {
			return fieldError(ReasonTwice, map[string]any{"Value": val}, "%q is picked twice.", val)
		}
		seen[val] = true
		v.Texts = append(v.Texts, f.Options[i].Text())
		if len(f.Standard) > 0 && !slices.Contains(f.Standard, val) {
			v.Exception = true
		}
	}
	n := len(v.Values)
	if f.Min != nil && n < int(*f.Min) {
		return fieldError(ReasonPickMin, map[string]any{"Min": int(*f.Min)}, "Pick at least %d.", int(*f.Min))
	}
	if f.Max != nil && n > int(*f.Max) {
		return fieldError(ReasonPickMax, map[string]any{"Max": int(*f.Max)}, "Pick at most %d.", int(*f.Max))
	}
	return nil
}

// IsException reports whether any answer picked a non-standard option.
func IsException(values []FieldValue) bool {
	return slices.ContainsFunc(values, func(v FieldValue) bool { return v.Exception })
}

// Typed returns the field's value as it goes into a webhook body: a number
// for number fields, a list for multi_select, a string otherwise, and nil
// when blank.
func (f FieldValue) Typed() any {
	if f.Empty() {
		if f.Kind == FieldMultiSelect {
			return []string{}
		}
		return nil
	}
	switch f.Kind {
	case FieldMultiSelect:
		return f.Values
	case FieldNumber:
		if x, err := strconv.ParseFloat(f.Values[0], 64); err == nil {
			return x
		}
	}
	return f.Values[0]
}
