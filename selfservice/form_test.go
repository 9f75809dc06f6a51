package selfservice_test

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/selfservice"
)

func ptr(x float64) *float64 { return &x }

// formToday is the requester's date in form tests.
var formToday = time.Date(2026, 1, 1, 15, 0, 0, 0, time.UTC)

// testCatalog has one type of each approval policy and every field kind.
func testCatalog(t testing.TB) *selfservice.Catalog {
	t.Helper()
	c, err := selfservice.NewCatalog([]selfservice.Type{
		{
			ID: "new-repo", Title: "New repository", ManualMinutes: 30,
			Fields: []selfservice.Field{
				{ID: "name", Label: "Name", Type: selfservice.FieldText, Required: true, Pattern: `[a-z][a-z0-9-]{2,30}`, PatternHint: "lower-case letters, digits and dashes"},
				{ID: "why", Label: "Why", Type: selfservice.FieldTextarea, Max: ptr(20)},
				{ID: "visibility", Label: "Visibility", Type: selfservice.FieldSelect, Required: true,
					Options:  []selfservice.Option{{Value: "private"}, {Value: "public", Label: "Public"}},
					Standard: []string{"private"}},
				{ID: "teams", Label: "Teams", Type: selfservice.FieldMultiSelect, Max: ptr(2),
					Options: []selfservice.Option{{Value: "web"}, {Value: "api"}, {Value: "data"}}},
				{ID: "minutes", Label: "CI minutes", Type: selfservice.FieldNumber, Min: ptr(100), Max: ptr(5000)},
				{ID: "owner", Label: "Owner", Type: selfservice.FieldUser},
				{ID: "channel", Label: "Channel", Type: selfservice.FieldChannel},
				{ID: "until", Label: "Until", Type: selfservice.FieldDate},
			},
			Automation: selfservice.Automation{Hook: "new-repo"},
		},
		{ID: "db-access", Title: "Database access", Approval: selfservice.Approval{Policy: selfservice.ApprovalUserGroup, UserGroup: "SDBA00001", Required: 2}},
		{ID: "dns", Title: "DNS record", Approval: selfservice.Approval{Policy: selfservice.ApprovalAdmins}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestValidate(t *testing.T) {
	typ, _ := testCatalog(t).Type("new-repo")
	valid := func() selfservice.Input {
		return selfservice.Input{"name": {"billing-api"}, "visibility": {"private"}}
	}
	with := func(k string, v ...string) selfservice.Input {
		in := valid()
		in[k] = v
		return in
	}
	for _, tc := range []struct {
		name string
		in   selfservice.Input
		want map[string]string // messages by field; nil: valid
	}{
		{"minimal valid", valid(), nil},
		{"everything valid", selfservice.Input{"name": {" billing "}, "why": {"because\n"}, "visibility": {"public"},
			"teams": {"web", "api"}, "minutes": {"250"}, "owner": {"U0ALICE01"}, "channel": {"C0DEPLOY1"}, "until": {"2026-05-01"}}, nil},
		{"all blank", selfservice.Input{}, map[string]string{"name": "Please fill this in.", "visibility": "Please fill this in."}},
		{"blank after trimming", with("name", "   "), map[string]string{"name": "Please fill this in."}},
		{"pattern", with("name", "Billing API"), map[string]string{"name": "Use lower-case letters, digits and dashes."}},
		{"too long", with("why", "a very long explanation indeed"), map[string]string{"why": "Use at most 20 characters (this is 30)."}},
		{"not an option", with("visibility", "secret"), map[string]string{"visibility": `"secret" is not one of the choices.`}},
		{"two values for a select", with("visibility", "private", "public"), map[string]string{"visibility": "Pick only one."}},
		{"too many choices", with("teams", "web", "api", "data"), map[string]string{"teams": "Pick at most 2."}},
		{"same choice twice", with("teams", "web", "web"), map[string]string{"teams": `"web" is picked twice.`}},
		{"not a number", with("minutes", "lots"), map[string]string{"minutes": "Enter a number."}},
		{"not whole", with("minutes", "150.5"), map[string]string{"minutes": "Enter a whole number."}},
		{"out of range", with("minutes", "99"), map[string]string{"minutes": "Enter a number from 100 to 5000."}},
		{"NaN", with("minutes", "NaN"), map[string]string{"minutes": "Enter a number."}},
		{"bad user", with("owner", "alice"), map[string]string{"owner": "Pick a person."}},
		{"bad channel", with("channel", "#general"), map[string]string{"channel": "Pick a channel."}},
		{"bad date", with("until", "01/05/2026"), map[string]string{"until": "Enter a date like 2026-01-31."}},
		// Issue 15: Until = 2020-01-01 was filed. A date is not in the past
		// unless the field's min allows it.
		{"date in the past", with("until", "2020-01-01"), map[string]string{"until": "Pick 2026-01-01 or a later date."}},
		{"date yesterday", with("until", "2025-12-31"), map[string]string{"until": "Pick 2026-01-01 or a later date."}},
		{"date today", with("until", "2026-01-01"), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := typ.Validate(tc.in, formToday)
			var got selfservice.FieldErrors
			if err != nil && !errors.As(err, &got) {
				t.Fatalf("error %v is not FieldErrors", err)
			}
			if diff := cmp.Diff(tc.want, messages(got)); diff != "" {
				t.Errorf("errors mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// messages are the English messages of field errors by field; nil for
// none.
func messages(fe selfservice.FieldErrors) map[string]string {
	if fe == nil {
		return nil
	}
	out := map[string]string{}
	for id, e := range fe {
		out[id] = e.Message
	}
	return out
}

func TestValidateValuesAndExceptions(t *testing.T) {
	typ, _ := testCatalog(t).Type("new-repo")
	values, err := typ.Validate(selfservice.Input{"name": {" billing "}, "visibility": {"public"}, "teams": {"api", "web"}, "minutes": {"300"}, "ignored": {"x"}}, formToday)
	if err != nil {
		t.Fatal(err)
	}
	if !selfservice.IsException(values) {
		t.Error("public is not a standard option: the request should be an exception")
	}
	got := map[string]any{}
	for _, v := range values {
		got[v.ID] = v.Typed()
	}
	want := map[string]any{"name": "billing", "why": nil, "visibility": "public", "teams": []string{"api", "web"},
		"minutes": 300.0, "owner": nil, "channel": nil, "until": nil}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("typed values mismatch (-want +got):\n%s", diff)
	}
	if values[2].Texts[0] != "Public" {
		t.Errorf("option text = %q, want the label", values[2].Texts[0])
	}
	std, _ := typ.Validate(selfservice.Input{"name": {"billing"}, "visibility": {"private"}}, formToday)
	if selfservice.IsException(std) {
		t.Error("private is standard: not an exception")
	}
}

func TestPolicy(t *testing.T) {
	c := testCatalog(t)
	for _, tc := range []struct {
		typ       string
		exception bool
		want      selfservice.Policy
	}{
		{"new-repo", false, selfservice.Policy{Kind: selfservice.ApprovalNone}},
		{"new-repo", true, selfservice.Policy{Kind: selfservice.ApprovalAdmins, Required: 1}},
		{"db-access", false, selfservice.Policy{Kind: selfservice.ApprovalUserGroup, UserGroup: "SDBA00001", Required: 2}},
		{"db-access", true, selfservice.Policy{Kind: selfservice.ApprovalUserGroup, UserGroup: "SDBA00001", Required: 2}},
		{"dns", false, selfservice.Policy{Kind: selfservice.ApprovalAdmins, Required: 1}},
	} {
		typ, _ := c.Type(tc.typ)
		if diff := cmp.Diff(tc.want, typ.Policy(tc.exception)); diff != "" {
			t.Errorf("%s exception=%v: policy mismatch (-want +got):\n%s", tc.typ, tc.exception, diff)
		}
	}
}

// TestDateBounds: min and max of a date field are days from the
// requester's today.
func TestDateBounds(t *testing.T) {
	c, err := selfservice.NewCatalog([]selfservice.Type{{ID: "t", Title: "T", Fields: []selfservice.Field{
		{ID: "soon", Label: "Soon", Type: selfservice.FieldDate, Min: ptr(1), Max: ptr(90)},
		{ID: "past", Label: "Past", Type: selfservice.FieldDate, Min: ptr(-30), Max: ptr(0)},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	typ, _ := c.Type("t")
	for _, tc := range []struct {
		soon, past string
		want       map[string]string
	}{
		{"2026-01-02", "2025-12-02", nil},
		{"2026-04-01", "2026-01-01", nil},
		{"2026-01-01", "2025-12-01", map[string]string{"soon": "Pick a date from 2026-01-02 to 2026-04-01.", "past": "Pick a date from 2025-12-02 to 2026-01-01."}},
		{"2026-04-02", "2026-01-02", map[string]string{"soon": "Pick a date from 2026-01-02 to 2026-04-01.", "past": "Pick a date from 2025-12-02 to 2026-01-01."}},
	} {
		_, err := typ.Validate(selfservice.Input{"soon": {tc.soon}, "past": {tc.past}}, formToday)
		var got selfservice.FieldErrors
		if err != nil && !errors.As(err, &got) {
			t.Fatalf("error %v is not FieldErrors", err)
		}
		if diff := cmp.Diff(tc.want, messages(got)); diff != "" {
			t.Errorf("soon %s, past %s: mismatch (-want +got):\n%s", tc.soon, tc.past, diff)
		}
	}
	soon := typ.Fields[0]
	if got := selfservice.DateRange(soon, time.Time{}); got != "a date from tomorrow to 90 days from today" {
		t.Errorf("hint = %q", got)
	}
}

func TestParseRef(t *testing.T) {
	for in, want := range map[string]int64{"REQ-42": 42, "req-7": 7, "#3": 3, " 12 ": 12, "REQ-": 0, "REQ-x": 0, "-1": 0, "": 0} {
		got, err := selfservice.ParseRef(in)
		if got != want || (err != nil) != (want == 0) {
			t.Errorf("ParseRef(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	if got := selfservice.Ref(42); got != "REQ-42" {
		t.Errorf("Ref(42) = %q", got)
	}
}

// TestParseRefCutsWhatItEchoes: `/platform status REQ-<3000 characters>`
// used to repeat all of them back.
func TestParseRefCutsWhatItEchoes(t *testing.T) {
	in := "REQ-" + strings.Repeat("x", 3000)
	_, err := selfservice.ParseRef(in)
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("ParseRef error = %v, want a domain error", err)
	}
	msg := de.Message
	if n := utf8.RuneCountInString(msg); n > 120 || !strings.Contains(msg, `"REQ-xxxx`) || !strings.Contains(msg, "…") {
		t.Errorf("message (%d characters) = %q, want the input cut with …", n, msg)
	}
}
