package selfservice_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/selfservice"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// fakePeople is a hand-written People: admins, user groups and teams.
type fakePeople struct {
	admins []string
	groups map[string][]string
	teams  map[string]string
	zones  map[string]*time.Location
}

func (p fakePeople) IsAdmin(_ context.Context, u string) (bool, error) {
	return slices.Contains(p.admins, u), nil
}

func (p fakePeople) InGroup(_ context.Context, g, u string) (bool, error) {
	return slices.Contains(p.groups[g], u), nil
}

func (p fakePeople) TeamOf(_ context.Context, u string) (string, error) { return p.teams[u], nil }

func (p fakePeople) Location(_ context.Context, u string) *time.Location { return p.zones[u] }

const (
	alice = "UALICE001" // developer
	bob   = "UBOB00001" // admin
	carol = "UCAROL001" // DBA
	dave  = "UDAVE0001" // DBA
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func newService(t *testing.T) (*selfservice.Service, *clockwork.FakeClock) {
	t.Helper()
	clock := clockwork.NewFakeClockAt(start)
	return &selfservice.Service{
		Store:   storage.NewSelfServiceStore(storagetest.SQLite(t)),
		Catalog: testCatalog(t),
		People: fakePeople{admins: []string{bob}, groups: map[string][]string{"SDBA00001": {carol, dave, alice}},
			teams: map[string]string{alice: "web"}},
		Clock: clock,
	}, clock
}

func TestSubmit(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name      string
		typ       string
		in        selfservice.Input
		state     selfservice.State
		exception bool
		required  int
	}{
		{"auto-approved", "new-repo", selfservice.Input{"name": {"billing"}, "visibility": {"private"}}, selfservice.Approved, false, 0},
		{"exception of an auto-approved type", "new-repo", selfservice.Input{"name": {"billing"}, "visibility": {"public"}}, selfservice.PendingApproval, true, 1},
		{"two approvals", "db-access", nil, selfservice.PendingApproval, false, 2},
		{"admin approval", "dns", nil, selfservice.PendingApproval, false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc, _ := newService(t)
			r, err := svc.Submit(ctx, alice, tc.typ, tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if r.State != tc.state || r.Exception != tc.exception || r.ApprovalsRequired != tc.required || r.Team != "web" {
				t.Errorf("got state %s exception %v required %d team %q", r.State, r.Exception, r.ApprovalsRequired, r.Team)
			}
			_, evs, err := svc.Get(ctx, r.ID, alice)
			if err != nil || len(evs) != 2 || evs[1].To != tc.state {
				t.Errorf("audit trail = %+v, %v", evs, err)
			}
		})
	}
	t.Run("invalid input and unknown type", func(t *testing.T) {
		svc, _ := newService(t)
		_, err := svc.Submit(ctx, alice, "new-repo", selfservice.Input{"name": {"X"}})
		var fe selfservice.FieldErrors
		if !errors.As(err, &fe) || fe["name"] == nil || fe["visibility"] == nil {
			t.Errorf("Submit(invalid) error = %v, want FieldErrors for name and visibility", err)
		}
		_, err = svc.Submit(ctx, alice, "pony", nil)
		if !errors.Is(err, selfservice.ErrNoSuchType) || !strings.Contains(domain.ErrorMessage(err), `"pony"`) {
			t.Errorf("Submit(unknown type) error = %v, want ErrNoSuchType naming it (the handler lists the types)", err)
		}
	})
}

func TestApproveRules(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	db, _ := svc.Submit(ctx, alice, "db-access", nil)
	dns, _ := svc.Submit(ctx, alice, "dns", nil)
	only := func(group string) func(error) bool { // who may decide instead
		return func(err error) bool {
			var o *selfservice.OnlyError
			return errors.As(err, &o) && o.Group == group && o.Action == "decide" && errors.Is(err, selfservice.ErrForbidden)
		}
	}
	for _, tc := range []struct {
		name   string
		id     int64
		user   string
		refuse string           // fragment of the domain message; "" means allowed
		detail func(error) bool // what the handler words the refusal from
	}{
		{"not an approver", db.ID, bob, "Only the request type's approvers can decide", only("SDBA00001")},
		{"own request", db.ID, alice, "can't decide your own request", nil},
		{"not an admin", dns.ID, carol, "Only the platform team can decide", only("")},
		{"first of two", db.ID, carol, "", nil},
		{"same approver again", db.ID, carol, "You have already approved", nil},
		{"second of two", db.ID, dave, "", nil},
		{"after the decision", db.ID, carol, "is already approved", func(err error) bool {
			var se *selfservice.StateError
			return errors.As(err, &se) && se.By == dave && errors.Is(err, &domain.Error{Code: domain.Conflict})
		}},
		{"admin", dns.ID, bob, "", nil},
		{"unknown request", 999, bob, "There is no request REQ-999.", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := svc.Approve(ctx, tc.id, tc.user)
			if tc.refuse == "" {
				if err != nil {
					t.Fatalf("Approve error = %v", err)
				}
				return
			}
			if domain.ErrorCode(err) == domain.Internal || !strings.Contains(domain.ErrorMessage(err), tc.refuse) {
				t.Errorf("Approve error = %v, want a domain error whose message contains %q", err, tc.refuse)
			}
			if tc.detail != nil && !tc.detail(err) {
				t.Errorf("Approve error = %v (%T) lacks the details to word it", err, err)
			}
		})
	}
	got, _, _ := svc.Get(ctx, db.ID, alice)
	if got.State != selfservice.Approved || !got.HumanStep {
		t.Errorf("db-access after two approvals: %s human=%v", got.State, got.HumanStep)
	}
}

func TestLifecycle(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	var se *selfservice.StateError

	r, _ := svc.Submit(ctx, alice, "dns", nil)
	if _, err := svc.Reject(ctx, r.ID, bob, "  "); err == nil {
		t.Error("Reject without a reason succeeded")
	}
	if _, err := svc.Cancel(ctx, r.ID, bob); !errors.Is(err, selfservice.ErrForbidden) {
		t.Errorf("Cancel by someone else error = %v, want forbidden", err)
	}
	if got, err := svc.Reject(ctx, r.ID, bob, "use the shared zone"); err != nil || got.State != selfservice.Rejected || got.Note != "use the shared zone" {
		t.Fatalf("Reject = %+v, %v", got, err)
	}
	if _, err := svc.Cancel(ctx, r.ID, alice); !errors.As(err, &se) || se.Current != selfservice.Rejected {
		t.Errorf("Cancel after rejection error = %v, want StateError", err)
	}

	r, _ = svc.Submit(ctx, alice, "dns", nil)
	if got, err := svc.Cancel(ctx, r.ID, alice); err != nil || got.State != selfservice.Cancelled {
		t.Fatalf("Cancel = %+v, %v", got, err)
	}
	if _, err := svc.Approve(ctx, r.ID, bob); !errors.As(err, &se) {
		t.Errorf("Approve after cancel error = %v, want StateError", err)
	}

	// No automation: approved until a platform engineer marks it done.
	r, _ = svc.Submit(ctx, alice, "dns", nil)
	svc.Approve(ctx, r.ID, bob)
	if _, err := svc.Complete(ctx, r.ID, alice, selfservice.Done, ""); !errors.Is(err, selfservice.ErrForbidden) {
		t.Errorf("Complete by the requester error = %v, want forbidden", err)
	}
	if got, err := svc.Complete(ctx, r.ID, bob, selfservice.Done, "added"); err != nil || got.State != selfservice.Done || !got.HumanStep {
		t.Fatalf("Complete = %+v, %v", got, err)
	}
	if err := svc.Rate(ctx, r.ID, alice, 6); err == nil {
		t.Error("Rate(6) succeeded")
	}
	if err := svc.Rate(ctx, r.ID, alice, 5); err != nil {
		t.Errorf("Rate = %v", err)
	}
}

func TestReportStatus(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	r, _ := svc.Submit(ctx, alice, "new-repo", selfservice.Input{"name": {"billing"}, "visibility": {"private"}})
	for _, tc := range []struct {
		status selfservice.State
		want   selfservice.State
		fails  bool
	}{
		{selfservice.InProgress, selfservice.InProgress, false},
		{selfservice.InProgress, selfservice.InProgress, false}, // repeated: no-op
		{selfservice.Approved, "", true},                        // not a status an automation reports
		{selfservice.Done, selfservice.Done, false},
		{selfservice.Done, selfservice.Done, false}, // retried callback
		{selfservice.Failed, "", true},              // too late
	} {
		got, err := svc.ReportStatus(ctx, r.ID, selfservice.StatusReport{Status: tc.status, Note: "ok"})
		if (err != nil) != tc.fails || (err == nil && got.State != tc.want) {
			t.Errorf("ReportStatus(%s) = %v, %v; want %s (fails=%v)", tc.status, got, err, tc.want, tc.fails)
		}
	}
	_, evs, _ := svc.Get(ctx, r.ID, alice)
	if n := len(evs); n != 4 { // submitted, approved, in_progress, done
		t.Errorf("%d audit events, want 4: %+v", n, evs)
	}
}

func TestQueue(t *testing.T) {
	ctx := context.Background()
	svc, clock := newService(t)
	db, _ := svc.Submit(ctx, alice, "db-access", nil)
	clock.Advance(time.Minute)
	dns, _ := svc.Submit(ctx, alice, "dns", nil)
	all, err := svc.Queue(ctx, bob, 10)
	if err != nil || len(all) != 2 || all[0].ID != db.ID || all[1].ID != dns.ID {
		t.Errorf("admin queue = %v, %v; want both, oldest first", all, err)
	}
	dba, err := svc.Queue(ctx, carol, 10)
	if err != nil || len(dba) != 1 || dba[0].ID != db.ID {
		t.Errorf("DBA queue = %v, %v; want only db-access", dba, err)
	}
	if _, err := svc.Queue(ctx, "UNOBODY01", 10); !errors.Is(err, selfservice.ErrForbidden) {
		t.Errorf("queue for a developer error = %v, want forbidden", err)
	}
	if _, _, err := svc.Get(ctx, db.ID, "UNOBODY01"); !errors.Is(err, selfservice.ErrForbidden) {
		t.Errorf("Get by a stranger error = %v, want forbidden", err)
	}
}

// TestSubmitDatesInTheRequestersDay: "not in the past" is the requester's
// today. At 23:30 UTC it is already tomorrow in Berlin but still today in
// Los Angeles.
func TestSubmitDatesInTheRequestersDay(t *testing.T) {
	svc, clock := newService(t)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	la, _ := time.LoadLocation("America/Los_Angeles")
	svc.People = fakePeople{zones: map[string]*time.Location{alice: berlin, carol: la}}
	clock.Advance(time.Date(2026, 3, 2, 23, 30, 0, 0, time.UTC).Sub(clock.Now()))
	in := selfservice.Input{"name": {"billing"}, "visibility": {"private"}, "until": {"2026-03-02"}}
	_, err := svc.Submit(context.Background(), alice, "new-repo", in)
	var fe selfservice.FieldErrors
	if !errors.As(err, &fe) || fe["until"].Message != "Pick 2026-03-03 or a later date." {
		t.Errorf("Berlin (3 March): error = %v, want the date refused", err)
	}
	if _, err := svc.Submit(context.Background(), carol, "new-repo", in); err != nil {
		t.Errorf("Los Angeles (2 March): %v, want it filed", err)
	}
}
