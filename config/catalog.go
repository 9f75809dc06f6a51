package config

import (
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// RequestType is one entry of the self-service catalog: a thing developers
// can ask the platform team for, the form they fill in, who approves it and
// what fulfils it. See docs/selfservice.md#self-service-requests (Configuration) for
// the reference.
type RequestType struct {
	ID          string     `yaml:"id"`          // slug used in `/platform request ID` and in webhooks
	Title       string     `yaml:"title"`       // shown in the picker and in messages
	Description string     `yaml:"description"` // one or two sentences shown at the top of the form
	Fields      []Field    `yaml:"fields"`
	Approval    Approval   `yaml:"approval"`
	Automation  Automation `yaml:"automation"` // empty URL: a platform engineer fulfils it by hand
	// ManualMinutes is what fulfilling one request by hand would take a
	// person; requests fulfilled with no human step count as time saved.
	ManualMinutes int `yaml:"manual_minutes"`
	// SLA is how long a request may stay open before the triage channel is
	// nudged (once). 0 means no SLA.
	SLA Duration `yaml:"sla"`
}

// Field kinds of a request form.
const (
	FieldText        = "text"
	FieldTextarea    = "textarea" // multi-line text
	FieldNumber      = "number"
	FieldSelect      = "select"
	FieldMultiSelect = "multi_select"
	FieldUser        = "user"
	FieldChannel     = "channel"
	FieldDate        = "date" // YYYY-MM-DD
)

var fieldKinds = []string{FieldText, FieldTextarea, FieldNumber, FieldSelect, FieldMultiSelect, FieldUser, FieldChannel, FieldDate}

// Field is one input of a request form.
type Field struct {
	ID       string `yaml:"id"`
	Label    string `yaml:"label"`
	Type     string `yaml:"type"` // one of the Field* kinds
	Required bool   `yaml:"required"`
	Hint     string `yaml:"hint"` // help text under the input
	// Default is the initial value: a scalar, or a list for multi_select.
	Default StringList `yaml:"default"`
	Options []Option   `yaml:"options"` // select and multi_select
	// Standard lists the option values that need no special treatment. When
	// set, picking any other option makes the request an exception, which
	// always needs approval. Empty: every option is standard.
	Standard []string `yaml:"standard"`
	// Pattern is a regular expression (RE2) a text value must match in
	// full; PatternHint tells people what it means when it does not.
	Pattern     string `yaml:"pattern"`
	PatternHint string `yaml:"pattern_hint"`
	// Min and Max bound a number's value, a text's length in characters,
	// the number of choices of a multi_select, or a date in days from the
	// requester's today (min defaults to 0 for dates: not in the past;
	// -30 allows the last 30 days).
	Min *float64 `yaml:"min"`
	Max *float64 `yaml:"max"`
	// Decimal allows non-integer numbers.
	Decimal bool `yaml:"decimal"`
}

// Option is one choice of a select field.
type Option struct {
	Value string `yaml:"value"`
	Label string `yaml:"label"` // default: the value
}

// Text returns the label shown for the option.
func (o Option) Text() string {
	if o.Label != "" {
		return o.Label
	}
	return o.Value
}

// Approval policies.
const (
	ApprovalNone      = "none"      // fulfilled without a human (unless an exception)
	ApprovalAdmins    = "admins"    // the admins section
	ApprovalUserGroup = "usergroup" // members of Approval.UserGroup
)

// Approval says who must approve a request of a type before it is
// fulfilled. Exceptions fall back to the admins when the policy is none.
type Approval struct {
	Policy    string `yaml:"policy"`    // none (default), admins or usergroup
	UserGroup string `yaml:"usergroup"` // for policy usergroup
	// Required is how many different approvers must approve (N of the
	// group). Default 1.
	Required int `yaml:"required"`
}

// Automation is the webhook that fulfils a request once it is approved.
type Automation struct {
	URL string `yaml:"url"`
	// SecretEnv names the environment variable holding the HMAC-SHA256 key
	// that signs each call (X-Platformbot-Signature).
	SecretEnv string `yaml:"secret_env"`
	// CallbackTokenEnv names the environment variable holding the bearer
	// token the automation presents to POST /api/v1/requests/{id}/status.
	// Empty: the signing secret is the token.
	CallbackTokenEnv string `yaml:"callback_token_env"`
	// Timeout bounds one call. Default 10s.
	Timeout Duration `yaml:"timeout"`
	// Attempts bounds the calls made for one request (timeouts, 429 and 5xx
	// are retried). Default 4.
	Attempts int `yaml:"attempts"`
	// Backoff is the wait before the first retry; it doubles each time, up
	// to a minute. Default 2s.
	Backoff Duration `yaml:"backoff"`
}

// Enabled reports whether the type is fulfilled by a webhook.
func (a Automation) Enabled() bool { return a.URL != "" }

// Secret returns the signing secret from the environment.
func (a Automation) Secret() string { return env(a.SecretEnv) }

// CallbackToken returns the status callback's bearer token from the
// environment ("" disables callbacks for the type).
func (a Automation) CallbackToken() string {
	if a.CallbackTokenEnv != "" {
		return env(a.CallbackTokenEnv)
	}
	return a.Secret()
}

// Defaults for automation.
const (
	DefaultAutomationTimeout  = 10 * time.Second
	DefaultAutomationAttempts = 4
	DefaultAutomationBackoff  = 2 * time.Second
)

// StringList is a YAML scalar or a list of scalars.
type StringList []string

// UnmarshalYAML accepts "a" as well as [a, b].
func (l *StringList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*l = StringList{n.Value}
		return nil
	}
	var s []string
	if err := n.Decode(&s); err != nil {
		return err
	}
	*l = s
	return nil
}

// Type returns the catalog entry with the given id.
func (c *Config) Type(id string) (RequestType, bool) {
	for _, t := range c.Catalog {
		if t.ID == id {
			return t, true
		}
	}
	return RequestType{}, false
}

// Limits that keep a form inside Slack's modal limits (100 blocks, 100
// options per select, 75-character option texts, 150-character values).
const (
	maxTypes       = 100
	maxFields      = 40
	maxOptions     = 100
	maxOptionText  = 75
	maxOptionValue = 150
	maxTitle       = 75
)

func (c *Config) validateCatalog(v *validator) {
	if len(c.Catalog) > 0 && c.Slack.TriageChannel == "" {
		v.add("catalog", "slack.triage_channel is required with a catalog: approvals, manual fulfilment and failures are posted there")
	}
	if len(c.Catalog) > maxTypes {
		v.add("catalog", "at most %d request types fit in the form's picker, got %d", maxTypes, len(c.Catalog))
	}
	seen := map[string]bool{}
	for i, t := range c.Catalog {
		p := fmt.Sprintf("catalog[%d]", i)
		v.slugID(p+".id", seen, t.ID, "id", "request type id")
		v.title(p+".title", t.Title)
		if t.ManualMinutes < 0 {
			v.add(p+".manual_minutes", "must not be negative")
		}
		if t.SLA < 0 {
			v.add(p+".sla", "must not be negative")
		}
		validateFields(v, p, t.Fields)
		t.Approval.validate(v, p+".approval")
		t.Automation.validate(v, p+".automation")
	}
}

func validateFields(v *validator, p string, fields []Field) {
	if len(fields) > maxFields {
		v.add(p+".fields", "at most %d fields fit in a form, got %d", maxFields, len(fields))
	}
	seen := map[string]bool{}
	for j, f := range fields {
		fp := fmt.Sprintf("%s.fields[%d]", p, j)
		v.slugID(fp+".id", seen, f.ID, "field id", "field id")
		if strings.TrimSpace(f.Label) == "" {
			v.add(fp+".label", "a label is required")
		}
		if !slices.Contains(fieldKinds, f.Type) {
			v.add(fp+".type", "unknown field type %q (use one of %s)", f.Type, strings.Join(fieldKinds, ", "))
			continue
		}
		f.validate(v, fp)
	}
}

func (f Field) validate(v *validator, fp string) {
	isSelect := f.Type == FieldSelect || f.Type == FieldMultiSelect
	isText := f.Type == FieldText || f.Type == FieldTextarea
	if isSelect {
		f.validateOptions(v, fp)
	} else {
		if len(f.Options) > 0 {
			v.add(fp+".options", "only select and multi_select fields have options")
		}
		if len(f.Standard) > 0 {
			v.add(fp+".standard", "only select and multi_select fields have standard options")
		}
	}
	if f.Pattern != "" {
		if !isText {
			v.add(fp+".pattern", "only text and textarea fields have a pattern")
		} else if _, err := regexp.Compile(f.Pattern); err != nil {
			v.add(fp+".pattern", "bad regular expression %q: %v", f.Pattern, regexErr(err))
		} else if strings.TrimSpace(f.PatternHint) == "" {
			v.add(fp+".pattern_hint", "say in words what the pattern accepts; people see this when their input does not match")
		}
	}
	if (f.Min != nil || f.Max != nil) && !(isText || f.Type == FieldNumber || f.Type == FieldMultiSelect || f.Type == FieldDate) {
		v.add(fp, "min and max apply to text, textarea, number, multi_select and date fields only")
	}
	f.validateBounds(v, fp)
	if f.Decimal && f.Type != FieldNumber {
		v.add(fp+".decimal", "only number fields can be decimal")
	}
	f.validateDefault(v, fp)
}

func (f Field) validateOptions(v *validator, fp string) {
	if len(f.Options) == 0 {
		v.add(fp+".options", "a %s field needs options", f.Type)
	}
	if len(f.Options) > maxOptions {
		v.add(fp+".options", "at most %d options, got %d", maxOptions, len(f.Options))
	}
	values := map[string]bool{}
	for k, o := range f.Options {
		op := fmt.Sprintf("%s.options[%d]", fp, k)
		switch {
		case o.Value == "":
			v.add(op+".value", "a value is required")
		case len(o.Value) > maxOptionValue:
			v.add(op+".value", "must be at most %d characters", maxOptionValue)
		case values[o.Value]:
			v.add(op+".value", "duplicate option value %q", o.Value)
		}
		values[o.Value] = true
		if len([]rune(o.Text())) > maxOptionText {
			v.add(op+".label", "must be at most %d characters", maxOptionText)
		}
	}
	for k, s := range f.Standard {
		if !values[s] {
			v.add(fmt.Sprintf("%s.standard[%d]", fp, k), "%q is not one of the field's option values", s)
		}
	}
}

func (f Field) validateBounds(v *validator, fp string) {
	if f.Type == FieldDate { // days from today: negative is in the past
		for key, b := range map[string]*float64{"min": f.Min, "max": f.Max} {
			if b != nil && *b != math.Trunc(*b) {
				v.add(fp+"."+key, "must be a whole number of days from today for a date field (-7 is a week ago)")
			}
		}
	} else if f.Type != FieldNumber {
		for key, b := range map[string]*float64{"min": f.Min, "max": f.Max} {
			if b != nil && (*b < 0 || *b != math.Trunc(*b)) {
				v.add(fp+"."+key, "must be a whole number of at least 0 for a %s field", f.Type)
			}
		}
	}
	if f.Min != nil && f.Max != nil && *f.Min > *f.Max {
		v.add(fp+".min", "min (%v) is greater than max (%v)", *f.Min, *f.Max)
	}
}

func (f Field) validateDefault(v *validator, fp string) {
	if len(f.Default) == 0 {
		return
	}
	dp := fp + ".default"
	if len(f.Default) > 1 && f.Type != FieldMultiSelect {
		v.add(dp, "only a multi_select field takes a list of defaults")
		return
	}
	for _, d := range f.Default {
		switch f.Type {
		case FieldSelect, FieldMultiSelect:
			if !slices.ContainsFunc(f.Options, func(o Option) bool { return o.Value == d }) {
				v.add(dp, "%q is not one of the field's option values", d)
			}
		case FieldNumber:
			if _, err := strconv.ParseFloat(d, 64); err != nil {
				v.add(dp, "%q is not a number", d)
			}
		case FieldUser:
			v.userID(dp, d)
		case FieldChannel:
			v.channelID(dp, d, false)
		case FieldDate:
			if _, err := time.Parse(time.DateOnly, d); err != nil {
				v.add(dp, "%q is not a date like 2026-01-31", d)
			}
		}
	}
}

func (a Approval) validate(v *validator, p string) {
	switch a.Policy {
	case "", ApprovalNone, ApprovalAdmins:
		if a.UserGroup != "" {
			v.add(p+".usergroup", "only policy usergroup takes a user group")
		}
	case ApprovalUserGroup:
		v.userGroupID(p+".usergroup", a.UserGroup, true)
	default:
		v.add(p+".policy", "unknown approval policy %q (use none, admins or usergroup)", a.Policy)
	}
	if a.Required < 0 {
		v.add(p+".required", "must be at least 1")
	}
	if a.Required > 1 && (a.Policy == "" || a.Policy == ApprovalNone) {
		v.add(p+".required", "policy none needs no approvals; set policy admins or usergroup")
	}
}

func (a Automation) validate(v *validator, p string) {
	if a.URL == "" {
		if a.SecretEnv != "" || a.CallbackTokenEnv != "" {
			v.add(p+".url", "a webhook URL is required when automation is configured")
		}
		return
	}
	if u, err := url.Parse(a.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.add(p+".url", "%q is not an http(s) URL", a.URL)
	}
	if a.SecretEnv == "" {
		v.add(p+".secret_env", "name the environment variable that holds the webhook signing secret")
	} else if v.envName(p+".secret_env", a.SecretEnv, "PLATFORMBOT_REPO_SECRET") {
		v.envSet(p+".secret_env", a.SecretEnv, "the webhook signing secret")
	}
	if a.CallbackTokenEnv != "" && v.envName(p+".callback_token_env", a.CallbackTokenEnv, "") {
		v.envSet(p+".callback_token_env", a.CallbackTokenEnv, "the status callback token")
	}
	if a.Timeout < 0 || a.Timeout.D() > time.Minute {
		v.add(p+".timeout", "must be between 0 (default 10s) and 1m")
	}
	if a.Attempts < 0 || a.Attempts > 10 {
		v.add(p+".attempts", "must be between 1 and 10")
	}
	if a.Backoff < 0 || a.Backoff.D() > time.Minute {
		v.add(p+".backoff", "must be between 0 (default 2s) and 1m")
	}
}

// regexErr shortens regexp's error ("error parsing regexp: missing closing ]:
// `[a-z`") to its reason.
func regexErr(err error) string {
	return strings.TrimPrefix(err.Error(), "error parsing regexp: ")
}
