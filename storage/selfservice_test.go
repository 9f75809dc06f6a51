package storage_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/platformbot/platformbot/selfservice"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// newRequest files a request in state with the given approvals required.
func newRequest(t *testing.T, st *storage.SelfServiceStore, state selfservice.State, required int, mut ...func(*selfservice.Request)) *selfservice.Request {
	t.Helper()
	r := &selfservice.Request{
		Type: "new-repo", TypeTitle: "New repository", Requester: "UREQ00001", Team: "web",
		State: state, NeedsApproval: required > 0, ApprovalsRequired: required, ManualMinutes: 30,
		Fields:    []selfservice.FieldValue{{ID: "name", Label: "Name", Kind: "text", Values: []string{"billing"}}},
		CreatedAt: t0, UpdatedAt: t0,
	}
	for _, m := range mut {
		m(r)
	}
	evs := []selfservice.Event{
		{Kind: selfservice.EventTransition, At: r.CreatedAt, Actor: r.Requester, To: selfservice.Submitted, Silent: true},
		{Kind: selfservice.EventTransition, At: r.CreatedAt, From: selfservice.Submitted, To: state},
	}
	if err := st.CreateRequest(context.Background(), r, evs); err != nil {
		t.Fatalf("CreateRequest: %v", err)
	}
	return r
}

func TestSelfServiceCreateAndLoad(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewSelfServiceStore(db)
		want := newRequest(t, st, selfservice.PendingApproval, 1, func(r *selfservice.Request) {
			r.Exception = true
			r.SLADueAt = t0.Add(48 * time.Hour)
			r.Fields = append(r.Fields, selfservice.FieldValue{ID: "vis", Label: "Visibility", Kind: "select",
				Values: []string{"public"}, Texts: []string{"Public"}, Exception: true})
		})
		if want.ID == 0 {
			t.Fatal("CreateRequest did not set the id")
		}
		got, err := st.Request(ctx, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("round trip mismatch (-want +got):\n%s", diff)
		}
		if _, err := st.Request(ctx, want.ID+100); !errors.Is(err, selfservice.ErrNotFound) {
			t.Errorf("Request(unknown) error = %v, want ErrNotFound", err)
		}
		second := newRequest(t, st, selfservice.Approved, 0)
		if second.ID <= want.ID {
			t.Errorf("ids not increasing: %d then %d", want.ID, second.ID)
		}
	})
}

func TestSelfServiceTransitionIsConditional(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewSelfServiceStore(db)
		r := newRequest(t, st, selfservice.Approved, 0)
		done := selfservice.Transition{From: []selfservice.State{selfservice.Approved, selfservice.InProgress},
			To: selfservice.Done, Actor: selfservice.ActorAutomation, Note: "created", At: t0.Add(time.Minute)}
		got, err := st.Transition(ctx, r.ID, done)
		if err != nil {
			t.Fatalf("first transition: %v", err)
		}
		if got.State != selfservice.Done || !got.DoneAt.Equal(t0.Add(time.Minute)) || got.ClosedAt.IsZero() || got.HumanStep {
			t.Errorf("after done: state %s done_at %v closed_at %v human %v", got.State, got.DoneAt, got.ClosedAt, got.HumanStep)
		}
		_, err = st.Transition(ctx, r.ID, done)
		var se *selfservice.StateError
		if !errors.As(err, &se) || se.Current != selfservice.Done {
			t.Fatalf("second transition error = %v, want StateError{done}", err)
		}
		if _, err := st.Transition(ctx, 9999, done); !errors.Is(err, selfservice.ErrNotFound) {
			t.Errorf("unknown id error = %v, want ErrNotFound", err)
		}
		evs, err := st.Events(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		var trail []string
		for _, e := range evs {
			trail = append(trail, fmt.Sprintf("%s→%s by %q: %s", e.From, e.To, e.Actor, e.Note))
		}
		want := []string{`→submitted by "UREQ00001": `, `submitted→approved by "": `, `approved→done by "automation": created`}
		if diff := cmp.Diff(want, trail); diff != "" {
			t.Errorf("audit trail mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestSelfServiceApproveNofM(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewSelfServiceStore(db)
		r := newRequest(t, st, selfservice.PendingApproval, 2)
		out, err := st.Approve(ctx, r.ID, "UAPPROVE1", t0)
		if err != nil || out.Transitioned || out.Count != 1 {
			t.Fatalf("first approval = %+v, %v; want count 1, no transition", out, err)
		}
		if _, err := st.Approve(ctx, r.ID, "UAPPROVE1", t0); !errors.Is(err, selfservice.ErrAlreadyApproved) {
			t.Fatalf("same approver again error = %v, want ErrAlreadyApproved", err)
		}
		out, err = st.Approve(ctx, r.ID, "UAPPROVE2", t0.Add(time.Minute))
		if err != nil || !out.Transitioned || out.Count != 2 || out.Request.State != selfservice.Approved {
			t.Fatalf("second approval = %+v, %v; want the transition", out, err)
		}
		if !out.Request.HumanStep || out.Request.DecidedBy != "UAPPROVE2" {
			t.Errorf("approved request: human %v decided by %q", out.Request.HumanStep, out.Request.DecidedBy)
		}
		var se *selfservice.StateError
		if _, err := st.Approve(ctx, r.ID, "UAPPROVE3", t0); !errors.As(err, &se) || se.Current != selfservice.Approved {
			t.Errorf("approval after decision error = %v, want StateError{approved}", err)
		}
		who, err := st.Approvers(ctx, r.ID)
		if diff := cmp.Diff([]string{"UAPPROVE1", "UAPPROVE2"}, who); diff != "" || err != nil {
			t.Errorf("approvers mismatch (-want +got):\n%s %v", diff, err)
		}
	})
}

// TestSelfServiceConcurrentApprovals is the "20 approvers click at the same
// moment" guarantee: exactly one transition and one audit row.
func TestSelfServiceConcurrentApprovals(t *testing.T) {
	for _, tc := range []struct {
		name      string
		required  int
		approvers func(i int) string
	}{
		{"twenty approvers, one needed", 1, func(i int) string { return fmt.Sprintf("UAPPR%04d", i) }},
		{"twenty approvers, three needed", 3, func(i int) string { return fmt.Sprintf("UAPPR%04d", i) }},
		{"one approver clicking twenty times", 1, func(int) string { return "UAPPR0001" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storagetest.Each(t, func(t *testing.T, db *storage.DB) {
				ctx := context.Background()
				st := storage.NewSelfServiceStore(db)
				r := newRequest(t, st, selfservice.PendingApproval, tc.required)
				var wg sync.WaitGroup
				var mu sync.Mutex
				transitions, unexpected := 0, []error{}
				for i := range 20 {
					wg.Go(func() {
						out, err := st.Approve(ctx, r.ID, tc.approvers(i), t0)
						var se *selfservice.StateError
						mu.Lock()
						defer mu.Unlock()
						switch {
						case err == nil && out.Transitioned:
							transitions++
						case err == nil, errors.As(err, &se), errors.Is(err, selfservice.ErrAlreadyApproved):
						default:
							unexpected = append(unexpected, err)
						}
					})
				}
				wg.Wait()
				if len(unexpected) > 0 {
					t.Fatalf("unexpected errors: %v", unexpected)
				}
				if transitions != 1 {
					t.Errorf("transitions = %d, want exactly 1", transitions)
				}
				got, _ := st.Request(ctx, r.ID)
				who, _ := st.Approvers(ctx, r.ID)
				if got.State != selfservice.Approved || got.Approvals != tc.required || len(who) != tc.required {
					t.Errorf("after the race: state %s, count %d, approvers %v; want approved with %d", got.State, got.Approvals, who, tc.required)
				}
				evs, _ := st.Events(ctx, r.ID)
				approvedRows := 0
				for _, e := range evs {
					if e.To == selfservice.Approved && e.Kind == selfservice.EventTransition {
						approvedRows++
					}
				}
				if approvedRows != 1 {
					t.Errorf("audit rows for →approved = %d, want 1", approvedRows)
				}
			})
		})
	}
}
