package selfservice_test

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
)

// recorder is a Notifier that writes down what it was asked to queue.
// Like the outbox, it queues a key once: asking again is a no-op.
type recorder struct {
	mu    sync.Mutex
	log   []string
	keys  map[string]bool
	calls []selfservice.Call
	fail  map[string]int // method → failures left
}

func newRecorder() *recorder { return &recorder{keys: map[string]bool{}, fail: map[string]int{}} }

func (m *recorder) add(method, key, format string, args ...any) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail[method] > 0 {
		m.fail[method]--
		return errors.New("database is down")
	}
	if m.keys[key] {
		return nil
	}
	m.keys[key] = true
	m.log = append(m.log, method+" "+fmt.Sprintf(format, args...))
	return nil
}

func (m *recorder) PostTriage(_ context.Context, r *selfservice.Request) error {
	return m.add("post", fmt.Sprint("post", r.ID), "%s %s", r.Ref(), r.State)
}
func (m *recorder) UpdateTriage(_ context.Context, r *selfservice.Request, ev selfservice.Event) error {
	return m.add("update", fmt.Sprint("update", ev.ID), "%s %s", r.Ref(), r.State)
}
func (m *recorder) Notify(_ context.Context, r *selfservice.Request, ev selfservice.Event) error {
	return m.add("dm", fmt.Sprint("dm", ev.ID), "%s %s→%s", r.Ref(), ev.From, ev.To)
}
func (m *recorder) Alert(_ context.Context, r *selfservice.Request, a selfservice.Alert) error {
	return m.add("alert", fmt.Sprint("alert", r.ID, a), "%s %s", r.Ref(), a)
}
func (m *recorder) Automate(_ context.Context, r *selfservice.Request, c selfservice.Call) error {
	err := m.add("automate", c.Key, "%s via %s", r.Ref(), c.Hook)
	if err == nil {
		m.mu.Lock()
		m.calls = append(m.calls, c)
		m.mu.Unlock()
	}
	return err
}

func (m *recorder) Log() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.log
	m.log = nil
	return out
}

// newFollowUps returns a service whose follow-ups the recorder gets, and
// the errors it reported.
func newFollowUps(t *testing.T) (*selfservice.Service, *recorder, *[]error) {
	t.Helper()
	svc, _ := newService(t)
	rec := newRecorder()
	var errs []error
	svc.Notifier = rec
	svc.OnNotifyError = func(_ context.Context, err error) { errs = append(errs, err) }
	return svc, rec, &errs
}

var repoInput = selfservice.Input{"name": {"billing"}, "visibility": {"private"}}

func TestFollowUpAutomation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer func(svc *selfservice.Service, id int64) error
		state  selfservice.State
		want   []string
	}{
		{"done", func(svc *selfservice.Service, id int64) error { return svc.Automated(context.Background(), id, false) },
			selfservice.Done, []string{"dm REQ-1 approved→done"}},
		{"accepted", func(svc *selfservice.Service, id int64) error { return svc.Automated(context.Background(), id, true) },
			selfservice.InProgress, []string{"dm REQ-1 approved→in_progress"}},
		{"failed", func(svc *selfservice.Service, id int64) error {
			return svc.AutomationFailed(context.Background(), id, "gave up after 3 attempts: 500 Internal Server Error")
		}, selfservice.Failed, []string{"alert REQ-1 failed", "dm REQ-1 approved→failed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc, rec, errs := newFollowUps(t)
			ctx := context.Background()
			r, err := svc.Submit(ctx, alice, "new-repo", repoInput)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"dm REQ-1 submitted→approved", "automate REQ-1 via new-repo"}, rec.Log()); diff != "" {
				t.Errorf("after submission (-want +got):\n%s", diff)
			}
			c := rec.calls[0]
			if c.Key != selfservice.IdempotencyKey(r) || c.Payload.ID != "REQ-1" || c.Payload.Fields["name"] != "billing" || c.Payload.ApprovedBy == nil {
				t.Errorf("call = %+v", c)
			}
			if err := tc.answer(svc, r.ID); err != nil {
				t.Fatal(err)
			}
			got, _ := svc.Store.Request(ctx, r.ID)
			if got.State != tc.state || got.HumanStep {
				t.Errorf("state %s human %v, want %s with no human step", got.State, got.HumanStep, tc.state)
			}
			if diff := cmp.Diff(tc.want, rec.Log()); diff != "" {
				t.Errorf("after the answer (-want +got):\n%s", diff)
			}
			// A late repeat of the answer, and the hand-over job, change nothing.
			if err := tc.answer(svc, r.ID); err != nil {
				t.Errorf("repeated answer: %v", err)
			}
			if err := svc.HandOver(ctx); err != nil || len(rec.Log()) != 0 || len(rec.calls) != 1 || len(*errs) != 0 {
				t.Errorf("hand-over after the answer: %v, %d calls, errors %v", err, len(rec.calls), *errs)
			}
		})
	}
}

func TestFollowUpApprovalFlow(t *testing.T) {
	svc, rec, _ := newFollowUps(t)
	ctx := context.Background()
	// An exception of an auto-approved type waits for an admin.
	r, _ := svc.Submit(ctx, alice, "new-repo", selfservice.Input{"name": {"billing"}, "visibility": {"public"}})
	if len(rec.calls) != 0 {
		t.Fatal("the automation was queued before approval")
	}
	if _, err := svc.Approve(ctx, r.ID, bob); err != nil {
		t.Fatal(err)
	}
	if err := svc.Automated(ctx, r.ID, false); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"post REQ-1 pending_approval", "dm REQ-1 submitted→pending_approval",
		"update REQ-1 approved", "dm REQ-1 pending_approval→approved", "automate REQ-1 via new-repo",
		"update REQ-1 done", "dm REQ-1 approved→done",
	}
	if diff := cmp.Diff(want, rec.Log()); diff != "" {
		t.Errorf("messages mismatch (-want +got):\n%s", diff)
	}
	if got := rec.calls[0].Payload.ApprovedBy; !cmp.Equal(got, []string{bob}) {
		t.Errorf("approved by %v in the call, want bob", got)
	}
	got, _ := svc.Store.Request(ctx, r.ID)
	if got.State != selfservice.Done || !got.HumanStep {
		t.Errorf("state %s human %v; want done with a human step (the approval)", got.State, got.HumanStep)
	}
}

func TestFollowUpManualFulfilment(t *testing.T) {
	svc, rec, _ := newFollowUps(t)
	ctx := context.Background()
	r, _ := svc.Submit(ctx, alice, "dns", nil)
	svc.Approve(ctx, r.ID, bob)
	svc.Complete(ctx, r.ID, bob, selfservice.Done, "")
	want := []string{
		"post REQ-1 pending_approval", "dm REQ-1 submitted→pending_approval",
		"update REQ-1 approved", "dm REQ-1 pending_approval→approved", // no automation: a person fulfils it
		"update REQ-1 done", "dm REQ-1 approved→done",
	}
	if diff := cmp.Diff(want, rec.Log()); diff != "" {
		t.Errorf("messages mismatch (-want +got):\n%s", diff)
	}
}

// TestFollowUpRetriedAfterFailure: what could not be queued is reported,
// the change stands, and the hand-over job queues it; what was queued is
// not queued twice (the triage message is posted once).
func TestFollowUpRetriedAfterFailure(t *testing.T) {
	svc, rec, errs := newFollowUps(t)
	rec.fail["dm"] = 1
	ctx := context.Background()
	r, err := svc.Submit(ctx, alice, "dns", nil)
	if err != nil || r.State != selfservice.PendingApproval {
		t.Fatalf("submission = %+v, %v; the change must stand", r, err)
	}
	if diff := cmp.Diff([]string{"post REQ-1 pending_approval"}, rec.Log()); diff != "" || len(*errs) != 1 {
		t.Errorf("first hand-over mismatch (-want +got):\n%s errors %v", diff, *errs)
	}
	if err := svc.HandOver(ctx); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"dm REQ-1 submitted→pending_approval"}, rec.Log()); diff != "" {
		t.Errorf("retry mismatch (-want +got):\n%s", diff)
	}
	if err := svc.HandOver(ctx); err != nil || len(rec.Log()) != 0 {
		t.Errorf("a third hand-over queued more: %v", err)
	}
}

// TestHandOverResumesAfterRestart: a request approved by a process that
// died before handing anything over (written straight to the store) is
// picked up by the hand-over job: its notification and its automation.
func TestHandOverResumesAfterRestart(t *testing.T) {
	svc, rec, _ := newFollowUps(t)
	ctx := context.Background()
	now := svc.Clock.Now()
	r := &selfservice.Request{Type: "new-repo", TypeTitle: "New repository", Requester: alice, State: selfservice.Approved,
		HasAutomation: true, CreatedAt: now, UpdatedAt: now}
	evs := []selfservice.Event{
		{Kind: selfservice.EventTransition, At: now, Actor: alice, To: selfservice.Submitted, Silent: true},
		{Kind: selfservice.EventTransition, At: now, From: selfservice.Submitted, To: selfservice.Approved},
	}
	if err := svc.Store.CreateRequest(ctx, r, evs); err != nil {
		t.Fatal(err)
	}
	if err := svc.HandOver(ctx); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"dm REQ-1 submitted→approved", "automate REQ-1 via new-repo"}, rec.Log()); diff != "" {
		t.Errorf("hand-over mismatch (-want +got):\n%s", diff)
	}
	// The automation is queued again on every run until it answers: a
	// no-op while its send is pending.
	if err := svc.HandOver(ctx); err != nil || len(rec.Log()) != 0 {
		t.Errorf("second hand-over: %v", err)
	}
}

func TestAutomationOfARemovedType(t *testing.T) {
	svc, rec, _ := newFollowUps(t)
	ctx := context.Background()
	r, _ := svc.Submit(ctx, alice, "new-repo", selfservice.Input{"name": {"billing"}, "visibility": {"public"}})
	rec.Log()
	var types []selfservice.Type
	for _, typ := range svc.Catalog.Types() {
		if typ.ID != "new-repo" {
			types = append(types, *typ)
		}
	}
	svc.Catalog, _ = selfservice.NewCatalog(types)
	if _, err := svc.Approve(ctx, r.ID, bob); err != nil {
		t.Fatal(err)
	}
	got, _ := svc.Store.Request(ctx, r.ID)
	if got.State != selfservice.Failed || got.Note != "its automation is no longer configured" || len(rec.calls) != 0 {
		t.Errorf("state %s note %q, %d calls; want failed with a note and no call", got.State, got.Note, len(rec.calls))
	}
	want := []string{"update REQ-1 approved", "dm REQ-1 pending_approval→approved", "update REQ-1 failed", "alert REQ-1 failed", "dm REQ-1 approved→failed"}
	if diff := cmp.Diff(want, rec.Log()); diff != "" {
		t.Errorf("messages mismatch (-want +got):\n%s", diff)
	}
}

func TestNudgeOverdue(t *testing.T) {
	svc, rec, _ := newFollowUps(t)
	ctx := context.Background()
	var types []selfservice.Type
	for _, typ := range svc.Catalog.Types() {
		rt := *typ
		rt.SLA = time.Hour
		types = append(types, rt)
	}
	svc.Catalog, _ = selfservice.NewCatalog(types)
	svc.Submit(ctx, alice, "dns", nil)
	rec.Log()
	clock := svc.Clock.(interface{ Advance(time.Duration) })
	if err := svc.NudgeOverdue(ctx); err != nil || len(rec.Log()) != 0 {
		t.Fatal("nudged before the SLA passed")
	}
	clock.Advance(time.Hour)
	rec.fail["alert"] = 1
	if err := svc.NudgeOverdue(ctx); err == nil {
		t.Error("a nudge that could not be queued should be reported")
	}
	for range 3 {
		svc.NudgeOverdue(ctx)
	}
	if diff := cmp.Diff([]string{"alert REQ-1 overdue"}, rec.Log()); diff != "" {
		t.Errorf("nudges mismatch (-want +got):\n%s (exactly one after the failed one)", diff)
	}
	if rs, _ := svc.Store.(*storage.SelfServiceStore).OverdueRequests(ctx, svc.Clock.Now(), 10); len(rs) != 0 {
		t.Errorf("the nudged request is still due a nudge: %v", rs)
	}
}

// TestShouldAutomate: a queued call is made only while its request is
// approved (a person may have marked it done meanwhile).
func TestShouldAutomate(t *testing.T) {
	svc, _, _ := newFollowUps(t)
	ctx := context.Background()
	r, _ := svc.Submit(ctx, alice, "new-repo", repoInput)
	if ok, why, err := svc.ShouldAutomate(ctx, r.ID); !ok || err != nil {
		t.Fatalf("approved request: %v %q %v", ok, why, err)
	}
	if _, err := svc.Complete(ctx, r.ID, bob, selfservice.Done, "done by hand"); err != nil {
		t.Fatal(err)
	}
	if ok, why, err := svc.ShouldAutomate(ctx, r.ID); ok || why != "REQ-1 is done" || err != nil {
		t.Errorf("done request: %v %q %v; want skipped", ok, why, err)
	}
	if ok, why, _ := svc.ShouldAutomate(ctx, 99); ok || why != "request not found" {
		t.Errorf("unknown request: %v %q", ok, why)
	}
}
