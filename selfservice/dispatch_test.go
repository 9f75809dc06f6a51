package selfservice_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/selfservice"
)

// recorder is a Messenger that writes down what it was asked to say.
type recorder struct {
	mu   sync.Mutex
	log  []string
	fail map[string]int // method → failures left
}

func (m *recorder) add(method, format string, args ...any) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail[method] > 0 {
		m.fail[method]--
		return errors.New("slack is down")
	}
	m.log = append(m.log, method+" "+fmt.Sprintf(format, args...))
	return nil
}

func (m *recorder) PostTriage(_ context.Context, r *selfservice.Request) (string, string, error) {
	return "CTRIAGE01", "1.000" + fmt.Sprint(r.ID), m.add("post", "%s %s", r.Ref(), r.State)
}
func (m *recorder) UpdateTriage(_ context.Context, r *selfservice.Request) error {
	return m.add("update", "%s %s", r.Ref(), r.State)
}
func (m *recorder) Notify(_ context.Context, r *selfservice.Request, ev selfservice.Event) error {
	return m.add("dm", "%s %s→%s", r.Ref(), ev.From, ev.To)
}
func (m *recorder) Alert(_ context.Context, r *selfservice.Request, a selfservice.Alert) error {
	return m.add("alert", "%s %s", r.Ref(), a)
}

func (m *recorder) Log() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.log
	m.log = nil
	return out
}

// newDispatcher returns a dispatcher whose "new-repo" webhook is srv.
func newDispatcher(t *testing.T, srv *hookServer) (*selfservice.Dispatcher, *recorder) {
	t.Helper()
	t.Setenv("TEST_HOOK_SECRET", "hooksecret")
	svc, _ := newService(t)
	cat := testCatalog(t).Types()
	var types []config.RequestType
	for _, typ := range cat {
		rt := typ.RequestType
		if rt.ID == "new-repo" {
			rt.Automation = config.Automation{URL: srv.URL, SecretEnv: "TEST_HOOK_SECRET", Attempts: 2, Timeout: config.Duration(time.Second)}
		}
		types = append(types, rt)
	}
	svc.Catalog, _ = selfservice.NewCatalog(types)
	rec := &recorder{fail: map[string]int{}}
	d := &selfservice.Dispatcher{Service: svc, Messenger: rec,
		Webhooks: &selfservice.Webhooks{Backoff: func(int, time.Duration) time.Duration { return 0 }}}
	return d, rec
}

// settle runs passes until the webhook calls are done and their
// notifications delivered.
func settle(t *testing.T, d *selfservice.Dispatcher) {
	t.Helper()
	for range 3 {
		if err := d.Pass(context.Background()); err != nil {
			t.Fatal(err)
		}
		d.Wait()
	}
}

var repoInput = selfservice.Input{"name": {"billing"}, "visibility": {"private"}}

func TestDispatchAutomation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		state  selfservice.State
		want   []string
	}{
		{"done", 200, selfservice.Done, []string{"dm REQ-1 submitted→approved", "dm REQ-1 approved→done"}},
		{"accepted", 202, selfservice.InProgress, []string{"dm REQ-1 submitted→approved", "dm REQ-1 approved→in_progress"}},
		{"failed", 500, selfservice.Failed, []string{"dm REQ-1 submitted→approved", "alert REQ-1 failed", "dm REQ-1 approved→failed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newHookServer(t, "hooksecret", tc.status)
			d, rec := newDispatcher(t, srv)
			ctx := context.Background()
			r, err := d.Service.Submit(ctx, alice, "new-repo", repoInput)
			if err != nil {
				t.Fatal(err)
			}
			settle(t, d)
			got, _ := d.Service.Store.Request(ctx, r.ID)
			if got.State != tc.state || got.HumanStep {
				t.Errorf("state %s human %v, want %s with no human step", got.State, got.HumanStep, tc.state)
			}
			if diff := cmp.Diff(tc.want, rec.Log()); diff != "" {
				t.Errorf("messages mismatch (-want +got):\n%s", diff)
			}
			calls := srv.Calls()
			if len(calls) == 0 || !calls[0].Signed {
				t.Errorf("webhook calls = %+v; want signed calls", calls)
			}
			settle(t, d)
			if n := len(srv.Calls()); n != len(calls) {
				t.Errorf("webhook called again after the request settled (%d → %d calls)", len(calls), n)
			}
		})
	}
}

func TestDispatchApprovalFlow(t *testing.T) {
	srv := newHookServer(t, "hooksecret", 200)
	d, rec := newDispatcher(t, srv)
	ctx := context.Background()
	// An exception of an auto-approved type waits for an admin.
	r, _ := d.Service.Submit(ctx, alice, "new-repo", selfservice.Input{"name": {"billing"}, "visibility": {"public"}})
	settle(t, d)
	if len(srv.Calls()) != 0 {
		t.Fatal("the webhook was called before approval")
	}
	if _, err := d.Service.Approve(ctx, r.ID, bob); err != nil {
		t.Fatal(err)
	}
	settle(t, d)
	want := []string{
		"post REQ-1 pending_approval", "dm REQ-1 submitted→pending_approval",
		"update REQ-1 approved", "dm REQ-1 pending_approval→approved",
		"update REQ-1 done", "dm REQ-1 approved→done",
	}
	if diff := cmp.Diff(want, rec.Log()); diff != "" {
		t.Errorf("messages mismatch (-want +got):\n%s", diff)
	}
	got, _ := d.Service.Store.Request(ctx, r.ID)
	if got.State != selfservice.Done || !got.HumanStep {
		t.Errorf("state %s human %v; want done with a human step (the approval)", got.State, got.HumanStep)
	}
}

func TestDispatchManualFulfilment(t *testing.T) {
	srv := newHookServer(t, "hooksecret", 200)
	d, rec := newDispatcher(t, srv)
	ctx := context.Background()
	r, _ := d.Service.Submit(ctx, alice, "dns", nil)
	d.Service.Approve(ctx, r.ID, bob)
	settle(t, d)
	d.Service.Complete(ctx, r.ID, bob, selfservice.Done, "")
	settle(t, d)
	want := []string{
		"post REQ-1 approved", // posted once: the request is already approved when the first event is delivered
		"dm REQ-1 submitted→pending_approval",
		"update REQ-1 approved", "dm REQ-1 pending_approval→approved",
		"update REQ-1 done", "dm REQ-1 approved→done",
	}
	if diff := cmp.Diff(want, rec.Log()); diff != "" {
		t.Errorf("messages mismatch (-want +got):\n%s", diff)
	}
}

func TestDispatchRetriesFailedDeliveries(t *testing.T) {
	srv := newHookServer(t, "hooksecret", 200)
	d, rec := newDispatcher(t, srv)
	rec.fail["dm"] = 1
	ctx := context.Background()
	clock := d.Service.Clock.(interface{ Advance(time.Duration) })
	d.Service.Submit(ctx, alice, "dns", nil)
	settle(t, d)
	if diff := cmp.Diff([]string{"post REQ-1 pending_approval"}, rec.Log()); diff != "" {
		t.Errorf("first pass mismatch (-want +got):\n%s", diff)
	}
	clock.Advance(3 * time.Minute) // the lease of the failed delivery runs out
	settle(t, d)
	if diff := cmp.Diff([]string{"update REQ-1 pending_approval", "dm REQ-1 submitted→pending_approval"}, rec.Log()); diff != "" {
		t.Errorf("retry mismatch (-want +got):\n%s (the triage message is updated, not posted twice)", diff)
	}
}

// TestDispatchResumesAfterRestart: a request approved by a process that
// died before calling the webhook is picked up by the next pass of a new
// dispatcher, and a claim whose holder died is taken over after its lease.
func TestDispatchResumesAfterRestart(t *testing.T) {
	srv := newHookServer(t, "hooksecret", 200)
	d, _ := newDispatcher(t, srv)
	ctx := context.Background()
	r, _ := d.Service.Submit(ctx, alice, "new-repo", repoInput)
	now := d.Service.Clock.Now()
	// The dead process had claimed it.
	if _, ok, _ := d.Service.Store.ClaimAutomation(ctx, r.ID, now, now.Add(time.Minute)); !ok {
		t.Fatal("claim failed")
	}
	restarted := &selfservice.Dispatcher{Service: d.Service, Messenger: d.Messenger, Webhooks: d.Webhooks}
	settle(t, restarted)
	if len(srv.Calls()) != 0 {
		t.Fatal("called while another claim held the lease")
	}
	d.Service.Clock.(interface{ Advance(time.Duration) }).Advance(2 * time.Minute)
	settle(t, restarted)
	got, _ := d.Service.Store.Request(ctx, r.ID)
	if got.State != selfservice.Done || len(srv.Calls()) != 1 {
		t.Errorf("after the lease: state %s with %d calls; want done after 1", got.State, len(srv.Calls()))
	}
}

func TestNudgeOverdue(t *testing.T) {
	srv := newHookServer(t, "hooksecret", http.StatusOK)
	d, rec := newDispatcher(t, srv)
	ctx := context.Background()
	var types []config.RequestType
	for _, typ := range d.Service.Catalog.Types() {
		rt := typ.RequestType
		rt.SLA = config.Duration(time.Hour)
		types = append(types, rt)
	}
	d.Service.Catalog, _ = selfservice.NewCatalog(types)
	d.Service.Submit(ctx, alice, "dns", nil)
	d.Deliver(ctx)
	rec.Log()
	clock := d.Service.Clock.(interface{ Advance(time.Duration) })
	if err := d.NudgeOverdue(ctx); err != nil || len(rec.Log()) != 0 {
		t.Fatal("nudged before the SLA passed")
	}
	clock.Advance(time.Hour)
	rec.fail["alert"] = 1
	if err := d.NudgeOverdue(ctx); err == nil {
		t.Error("a failed nudge should be reported")
	}
	for range 3 {
		d.NudgeOverdue(ctx)
	}
	if diff := cmp.Diff([]string{"alert REQ-1 overdue"}, rec.Log()); diff != "" {
		t.Errorf("nudges mismatch (-want +got):\n%s (exactly one after the failed one)", diff)
	}
}
