package selfservice

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jonboulle/clockwork"
)

// People answers who someone is to the platform: admin, member of a user
// group, member of a team. The Slack side implements it (with caching).
type People interface {
	IsAdmin(ctx context.Context, userID string) (bool, error)
	InGroup(ctx context.Context, groupID, userID string) (bool, error)
	// TeamOf returns the id of the configured team a user belongs to, or
	// "" when none claims them.
	TeamOf(ctx context.Context, userID string) (string, error)
	// Location returns a user's time zone (their "today" for date
	// fields), or nil when it is not known.
	Location(ctx context.Context, userID string) *time.Location
}

// Service carries out what people ask: submit, approve, reject, cancel,
// mark done, rate. It checks who may do what; the Store makes each change
// atomic. What follows a change (notifications, the automation call) is
// handed to the Notifier right after it, and by HandOver for what a
// crashed process left (see followup.go).
type Service struct {
	Store   Store
	Catalog *Catalog
	People  People
	Clock   clockwork.Clock
	// Notifier queues the messages and calls that follow a change; nil
	// leaves them recorded but unsent (tests of the rules alone).
	Notifier Notifier
	// OnNotifyError is told when what follows a change could not be
	// queued; the change stands and HandOver tries again.
	OnNotifyError func(ctx context.Context, err error)
	// Location is the zone of "today" for date fields when the requester's
	// own is not known; nil is UTC.
	Location *time.Location
}

// teamLookupTimeout bounds the team lookup at submission, which may ask
// Slack for user group members; a request without a team is better than a
// form that times out.
const teamLookupTimeout = 500 * time.Millisecond

func (s *Service) now() time.Time { return s.Clock.Now().UTC() }

// Type returns a catalog type or a user-facing error listing the valid ones.
func (s *Service) Type(id string) (*Type, error) {
	if t, ok := s.Catalog.Type(strings.ToLower(strings.TrimSpace(id))); ok {
		return t, nil
	}
	if len(s.Catalog.types) == 0 {
		return nil, ErrNoSuchType.Withf("The self-service catalog is empty: the platform team has not configured any request types yet.")
	}
	return nil, ErrNoSuchType.Withf("There is no request type %s.", quoteInput(id))
}

// Submit validates a form and files the request. It returns FieldErrors
// when the input is invalid. A request that needs no approval is approved
// at once (and its automation runs after the ack); exceptions always wait
// for approval.
func (s *Service) Submit(ctx context.Context, requester, typeID string, in Input) (*Request, error) {
	t, err := s.Type(typeID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	values, err := t.Validate(in, now.In(s.requesterZone(ctx, requester)))
	if err != nil {
		return nil, err
	}
	exception := IsException(values)
	policy := t.Policy(exception)
	r := &Request{
		Type: t.ID, TypeTitle: t.Title, Requester: requester, Team: s.teamOf(ctx, requester),
		State: Approved, Fields: values, Exception: exception,
		NeedsApproval: policy.Needed(), ApprovalsRequired: policy.Required,
		HasAutomation: t.Automation.Enabled(), ManualMinutes: t.ManualMinutes,
		CreatedAt: now, UpdatedAt: now,
	}
	if t.SLA > 0 {
		r.SLADueAt = now.Add(t.SLA)
	}
	if r.NeedsApproval {
		r.State = PendingApproval
	}
	events := []Event{
		{Kind: EventTransition, At: now, Actor: requester, To: Submitted, Silent: true},
		{Kind: EventTransition, At: now, From: Submitted, To: r.State},
	}
	if err := s.Store.CreateRequest(ctx, r, events); err != nil {
		return nil, fmt.Errorf("selfservice.Submit(%s): %w", t.ID, err)
	}
	s.followUp(ctx, r.ID)
	return r, nil
}

// requesterZone is the requester's time zone, else the configured one;
// like the team, it is looked up within a bound.
func (s *Service) requesterZone(ctx context.Context, user string) *time.Location {
	if s.People != nil {
		ctx, cancel := context.WithTimeout(ctx, teamLookupTimeout)
		defer cancel()
		if loc := s.People.Location(ctx, user); loc != nil {
			return loc
		}
	}
	if s.Location != nil {
		return s.Location
	}
	return time.UTC
}

func (s *Service) teamOf(ctx context.Context, user string) string {
	if s.People == nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, teamLookupTimeout)
	defer cancel()
	team, err := s.People.TeamOf(ctx, user)
	if err != nil {
		return "" // figures then count the request under no team
	}
	return team
}

// Get returns a request for someone allowed to see it: the requester, the
// admins and the type's approvers.
func (s *Service) Get(ctx context.Context, id int64, viewer string) (*Request, []Event, error) {
	r, err := s.load(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if r.Requester != viewer {
		ok, err := s.CanApprove(ctx, r, viewer)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			return nil, nil, forbidden("%s is someone else's request.", r.Ref())
		}
	}
	evs, err := s.Store.Events(ctx, id)
	if err != nil {
		return nil, nil, fmt.Errorf("selfservice.Get(%d): %w", id, err)
	}
	return r, evs, nil
}

func (s *Service) load(ctx context.Context, id int64) (*Request, error) {
	r, err := s.Store.Request(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, notFound(id)
	}
	if err != nil {
		return nil, fmt.Errorf("selfservice: load %s: %w", Ref(id), err)
	}
	return r, nil
}

// Mine returns a requester's latest requests.
func (s *Service) Mine(ctx context.Context, user string, limit int) ([]*Request, error) {
	return s.Store.RequestsBy(ctx, user, limit)
}

// policyOf returns who approves r under today's catalog; requests whose
// type was removed fall back to the admins.
func (s *Service) policyOf(r *Request) Policy {
	if t, ok := s.Catalog.Type(r.Type); ok {
		if p := t.Policy(r.Exception); p.Needed() {
			return p
		}
	}
	return Policy{Kind: ApprovalAdmins, Required: max(1, r.ApprovalsRequired)}
}

// CanApprove reports whether user is one of r's approvers.
func (s *Service) CanApprove(ctx context.Context, r *Request, user string) (bool, error) {
	p := s.policyOf(r)
	if p.Kind == ApprovalUserGroup {
		return s.People.InGroup(ctx, p.UserGroup, user)
	}
	return s.People.IsAdmin(ctx, user)
}

// Queue returns the open requests user may act on, oldest first: all of
// them for admins, those of their types for user-group approvers.
func (s *Service) Queue(ctx context.Context, user string, limit int) ([]*Request, error) {
	admin, err := s.People.IsAdmin(ctx, user)
	if err != nil {
		return nil, err
	}
	if admin {
		return s.Store.OpenRequests(ctx, nil, limit)
	}
	var types []string
	for _, t := range s.Catalog.types {
		if p := t.Policy(true); p.Kind == ApprovalUserGroup {
			in, err := s.People.InGroup(ctx, p.UserGroup, user)
			if err != nil {
				return nil, err
			}
			if in {
				types = append(types, t.ID)
			}
		}
	}
	if len(types) == 0 {
		return nil, forbidden("The queue is for the platform team and request approvers.")
	}
	return s.Store.OpenRequests(ctx, types, limit)
}
