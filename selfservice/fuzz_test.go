package selfservice_test

import (
	"errors"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/selfservice"
)

// FuzzParseRef: request ids arrive typed after `/platform status` or
// `cancel`, in button values and in the status callback's URL. Parsing
// must not panic; an id it accepts is positive and formats back to a ref
// that parses to the same id; a refusal is an Invalid domain error whose
// message quotes the input, cut to 40 characters (the handlers escape it:
// FuzzCommands checks that it cannot turn into a mention or a link).
func FuzzParseRef(f *testing.F) {
	for _, s := range []string{"REQ-42", "req-7", "#3", " 12 ", "REQ-", "REQ-x", "-1", "", "REQ-+5", "#REQ-9", "REQ-REQ-1", "9223372036854775808", "<!channel>", "<https://evil|x>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := selfservice.ParseRef(s)
		if err != nil {
			quoted := s
			if r := []rune(s); len(r) > 40 {
				quoted = string(r[:40]) + "…"
			}
			if domain.ErrorCode(err) != domain.Invalid || !strings.Contains(domain.ErrorMessage(err), strconv.Quote(quoted)) {
				t.Fatalf("ParseRef(%q): %v is not an Invalid domain error quoting the input", s, err)
			}
			return
		}
		if id <= 0 {
			t.Fatalf("ParseRef(%q) = %d", s, id)
		}
		if back, err := selfservice.ParseRef(selfservice.Ref(id)); err != nil || back != id {
			t.Fatalf("%s parses to %d, %v", selfservice.Ref(id), back, err)
		}
	})
}

var (
	fuzzNameRe = regexp.MustCompile(`^[a-z][a-z0-9-]{2,30}$`)
	fuzzUserRe = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)
	fuzzChanRe = regexp.MustCompile(`^[CGD][A-Z0-9]{2,}$`)
)

// FuzzValidate submits arbitrary modal values to the new-repo form of
// testCatalog (text with a pattern, textarea with a maximum, select,
// multi-select, number 100–5000, user, channel, date). Validation must
// not panic; a refusal lists only form fields, each with a message; what
// it accepts meets every rule of its field, and validating the accepted
// values again gives them back unchanged.
func FuzzValidate(f *testing.F) {
	f.Add("billing", "because", "private", "web", "", "250", "U0ALICE01", "C0DEPLOY1", "2026-05-01")
	f.Add(" Billing API ", "a very long explanation indeed", "secret", "web", "web", "150.5", "alice", "#general", "01/05/2026")
	f.Add("abc", "\n\n", "public", "data", "api", "NaN", "W123", "G12", "2026-02-30")
	f.Add("ab", "", "", "", "", "1e3", "", "", "")
	f.Add("a--", "x\n", "private", "web", "api", "0x1p10", "U00", "D00", "2026-12-31")
	f.Add("abc", "", "private", "", "", "+5000", "", "", "")
	f.Add("abc", "", "private", "", "", "5000.0000000000001", "", "", "")
	f.Add("abc", "", "private", "", "", "Inf", "", "", "")
	f.Fuzz(func(t *testing.T, name, why, visibility, team1, team2, minutes, owner, channel, until string) {
		typ, _ := testCatalog(t).Type("new-repo")
		in := selfservice.Input{"name": {name}, "why": {why}, "visibility": {visibility}, "teams": {team1, team2},
			"minutes": {minutes}, "owner": {owner}, "channel": {channel}, "until": {until}}
		values, err := typ.Validate(in, formToday)
		if err != nil {
			var fe selfservice.FieldErrors
			if !errors.As(err, &fe) || len(fe) == 0 {
				t.Fatalf("refusal %v (%T) is not FieldErrors", err, err)
			}
			for id, e := range fe {
				if _, ok := in[id]; !ok || e.Message == "" || !slices.Contains(selfservice.FieldReasons, e.Reason) {
					t.Fatalf("error on %q: %+v", id, e)
				}
			}
			return
		}
		again := selfservice.Input{}
		for _, v := range values {
			checkAccepted(t, v)
			again[v.ID] = v.Values
		}
		values2, err := typ.Validate(again, formToday)
		if diff := cmp.Diff(values, values2); err != nil || diff != "" {
			t.Fatalf("accepted values do not validate to themselves (%v), mismatch (-first +again):\n%s", err, diff)
		}
	})
}

// checkAccepted fails unless an accepted value meets its field's rules.
func checkAccepted(t *testing.T, v selfservice.FieldValue) {
	t.Helper()
	if v.Empty() {
		if v.ID == "name" || v.ID == "visibility" {
			t.Fatalf("required field %s accepted blank", v.ID)
		}
		return
	}
	val := v.Values[0]
	ok := true
	switch v.ID {
	case "name":
		ok = fuzzNameRe.MatchString(val) && val == strings.TrimSpace(val)
	case "why":
		ok = utf8.RuneCountInString(val) <= 20 && strings.TrimSpace(val) != ""
	case "visibility":
		ok = len(v.Values) == 1 && (val == "private" || val == "public") && v.Exception == (val == "public")
	case "teams":
		ok = len(v.Values) <= 2 && len(slices.Compact(slices.Sorted(slices.Values(v.Values)))) == len(v.Values)
		for _, x := range v.Values {
			ok = ok && (x == "web" || x == "api" || x == "data")
		}
	case "minutes":
		x, err := strconv.ParseFloat(val, 64)
		typed, isNum := v.Typed().(float64)
		ok = err == nil && x == math.Trunc(x) && x >= 100 && x <= 5000 && isNum && typed == x
	case "owner":
		ok = fuzzUserRe.MatchString(val)
	case "channel":
		ok = fuzzChanRe.MatchString(val)
	case "until":
		d, err := time.Parse(time.DateOnly, val)
		ok = err == nil && !d.Before(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) // not before formToday
	}
	if !ok {
		t.Fatalf("accepted %s = %q", v.ID, v.Values)
	}
}
