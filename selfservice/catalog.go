package selfservice

import (
	"fmt"
	"regexp"
	"slices"
	"time"
)

// Catalog is the list of request types, with patterns compiled once. The
// binary builds it from the validated configuration (cmd/platformbot).
type Catalog struct {
	types []*Type
	byID  map[string]*Type
}

// Type is one request type: a thing developers can ask the platform team
// for, the form they fill in, who approves it and what fulfils it.
type Type struct {
	ID          string // slug used in `request ID` and in webhooks
	Title       string
	Description string // shown at the top of the form
	Fields      []Field
	Approval    Approval
	// Automation fulfils an approved request; its zero value means a
	// platform engineer fulfils it by hand.
	Automation Automation
	// ManualMinutes is what fulfilling one request by hand would take a
	// person; requests fulfilled with no human step count as time saved.
	ManualMinutes int
	// SLA is how long a request may stay open before the triage channel is
	// nudged (once); zero means none.
	SLA time.Duration

	patterns map[string]*regexp.Regexp // field id → anchored pattern
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

// Field is one input of a request form.
type Field struct {
	ID       string
	Label    string
	Type     string // one of the Field* kinds
	Required bool
	Hint     string   // help text under the input
	Default  []string // initial value(s)
	Options  []Option // select and multi_select
	// Standard lists the option values that need no special treatment;
	// any other makes the request an exception, which always needs
	// approval. Empty: every option is standard.
	Standard []string
	// Pattern is a regular expression (RE2) a text value must match in
	// full; PatternHint tells people what it means when it does not.
	Pattern     string
	PatternHint string
	// Min and Max bound a number's value, a text's length in characters,
	// or the number of choices of a multi_select.
	Min, Max *float64
	Decimal  bool // non-integer numbers are allowed
}

// Option is one choice of a select field.
type Option struct {
	Value string
	Label string // default: the value
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
	ApprovalAdmins    = "admins"    // the platform team's admins
	ApprovalUserGroup = "usergroup" // members of Approval.UserGroup
)

// Approval says who must approve a request of a type before it is
// fulfilled.
type Approval struct {
	Policy    string // one of the Approval* policies; "" is none
	UserGroup string // for ApprovalUserGroup
	Required  int    // different approvers needed; default 1
}

// Automation is what fulfils an approved request without a person: a
// webhook, named here and resolved by the binary when it is called.
type Automation struct {
	// Hook names the webhook; "" means none.
	Hook string
	// CallbackToken is the bearer token an automation that answered 202
	// presents when it reports back; "" refuses its reports.
	CallbackToken string
}

// Enabled reports whether an automation fulfils the type.
func (a Automation) Enabled() bool { return a.Hook != "" }

// NewCatalog compiles the catalog. The configuration has been validated;
// an error here means it was not.
func NewCatalog(types []Type) (*Catalog, error) {
	c := &Catalog{byID: map[string]*Type{}}
	for _, rt := range types {
		t := rt
		t.patterns = map[string]*regexp.Regexp{}
		for _, f := range t.Fields {
			if f.Pattern == "" {
				continue
			}
			re, err := regexp.Compile(`^(?:` + f.Pattern + `)$`)
			if err != nil {
				return nil, fmt.Errorf("selfservice.NewCatalog: type %s field %s: %w", t.ID, f.ID, err)
			}
			t.patterns[f.ID] = re
		}
		if _, dup := c.byID[t.ID]; dup {
			return nil, fmt.Errorf("selfservice.NewCatalog: duplicate type %q", t.ID)
		}
		c.types = append(c.types, &t)
		c.byID[t.ID] = &t
	}
	return c, nil
}

// Types returns the types in configuration order.
func (c *Catalog) Types() []*Type { return slices.Clone(c.types) }

// Type returns the type with the given id.
func (c *Catalog) Type(id string) (*Type, bool) {
	t, ok := c.byID[id]
	return t, ok
}

// Policy is who must approve a request and how many of them.
type Policy struct {
	Kind      string // ApprovalNone, ApprovalAdmins or ApprovalUserGroup
	UserGroup string
	Required  int
}

// Needed reports whether a request under this policy waits for approval.
func (p Policy) Needed() bool { return p.Kind != ApprovalNone }

// Policy returns the approval policy of a request of this type. An
// exception always needs approval: by the type's approvers, or by the
// admins when the type needs none.
func (t *Type) Policy(exception bool) Policy {
	a := t.Approval
	p := Policy{Kind: a.Policy, UserGroup: a.UserGroup, Required: max(1, a.Required)}
	if p.Kind == "" {
		p.Kind = ApprovalNone
	}
	if p.Kind == ApprovalNone {
		p.Required = 0
		if exception {
			p = Policy{Kind: ApprovalAdmins, Required: 1}
		}
	}
	return p
}
