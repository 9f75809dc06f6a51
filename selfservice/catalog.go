package selfservice

import (
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/platformbot/platformbot/config"
)

// Catalog is the validated list of request types from the configuration,
// with patterns compiled once.
type Catalog struct {
	types []*Type
	byID  map[string]*Type
}

// Type is one request type of the catalog.
type Type struct {
	config.RequestType
	patterns map[string]*regexp.Regexp // field id → anchored pattern
}

// NewCatalog compiles the catalog. Config validation has already checked
// it; an error here means the config was not validated.
func NewCatalog(types []config.RequestType) (*Catalog, error) {
	c := &Catalog{byID: map[string]*Type{}}
	for _, rt := range types {
		t := &Type{RequestType: rt, patterns: map[string]*regexp.Regexp{}}
		for _, f := range rt.Fields {
			if f.Pattern == "" {
				continue
			}
			re, err := regexp.Compile(`^(?:` + f.Pattern + `)$`)
			if err != nil {
				return nil, fmt.Errorf("selfservice.NewCatalog: type %s field %s: %w", rt.ID, f.ID, err)
			}
			t.patterns[f.ID] = re
		}
		if _, dup := c.byID[rt.ID]; dup {
			return nil, fmt.Errorf("selfservice.NewCatalog: duplicate type %q", rt.ID)
		}
		c.types = append(c.types, t)
		c.byID[rt.ID] = t
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
	Kind      string // config.ApprovalNone, ApprovalAdmins or ApprovalUserGroup
	UserGroup string
	Required  int
}

// Needed reports whether a request under this policy waits for approval.
func (p Policy) Needed() bool { return p.Kind != config.ApprovalNone }

// Policy returns the approval policy of a request of this type. An
// exception always needs approval: by the type's approvers, or by the
// admins when the type needs none.
func (t *Type) Policy(exception bool) Policy {
	a := t.Approval
	p := Policy{Kind: a.Policy, UserGroup: a.UserGroup, Required: max(1, a.Required)}
	if p.Kind == "" {
		p.Kind = config.ApprovalNone
	}
	if p.Kind == config.ApprovalNone {
		p.Required = 0
		if exception {
			p = Policy{Kind: config.ApprovalAdmins, Required: 1}
		}
	}
	return p
}

// SLA returns the type's SLA (0: none).
func (t *Type) SLA() time.Duration { return t.RequestType.SLA.D() }
