package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/platformbot/platformbot/metrics"
	"github.com/platformbot/platformbot/selfservice"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

func TestSelfServiceOutbox(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewSelfServiceStore(db)
		r := newRequest(t, st, selfservice.PendingApproval, 1)
		evs, err := st.PendingEvents(ctx, t0, 5, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 1 || evs[0].To != selfservice.PendingApproval || evs[0].RequestID != r.ID {
			t.Fatalf("pending = %+v; want only the →pending_approval event (the submission is silent)", evs)
		}
		id := evs[0].ID
		lease := t0.Add(2 * time.Minute)
		if ok, err := st.ClaimEvent(ctx, id, t0, lease); !ok || err != nil {
			t.Fatalf("first claim = %v, %v", ok, err)
		}
		if ok, _ := st.ClaimEvent(ctx, id, t0.Add(time.Minute), lease); ok {
			t.Error("claimed an event whose lease is held")
		}
		if evs, _ := st.PendingEvents(ctx, t0.Add(time.Minute), 5, 10); len(evs) != 0 {
			t.Errorf("leased event still pending: %+v", evs)
		}
		// The lease ran out (the delivery failed): it is due again.
		if evs, _ := st.PendingEvents(ctx, lease.Add(time.Second), 5, 10); len(evs) != 1 {
			t.Fatalf("event not pending after its lease: %+v", evs)
		}
		if ok, _ := st.ClaimEvent(ctx, id, lease.Add(time.Second), lease.Add(time.Hour)); !ok {
			t.Fatal("could not reclaim after the lease")
		}
		if err := st.DeliveredEvent(ctx, id, lease.Add(2*time.Second)); err != nil {
			t.Fatal(err)
		}
		if evs, _ := st.PendingEvents(ctx, t0.Add(24*time.Hour), 5, 10); len(evs) != 0 {
			t.Errorf("delivered event still pending: %+v", evs)
		}
		// Attempts are bounded.
		r2 := newRequest(t, st, selfservice.PendingApproval, 1)
		evs, _ = st.PendingEvents(ctx, t0, 5, 10)
		for i := range 2 {
			now := t0.Add(time.Duration(i) * time.Hour)
			if ok, _ := st.ClaimEvent(ctx, evs[0].ID, now, now.Add(time.Minute)); !ok {
				t.Fatalf("claim %d failed", i)
			}
		}
		if evs, _ := st.PendingEvents(ctx, t0.Add(5*time.Hour), 2, 10); len(evs) != 0 {
			t.Errorf("event of %s tried twice is still pending with maxAttempts 2: %+v", r2.Ref(), evs)
		}
	})
}

func TestSelfServiceAutomationClaims(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewSelfServiceStore(db)
		auto := func(r *selfservice.Request) { r.HasAutomation = true }
		a := newRequest(t, st, selfservice.Approved, 0, auto)
		newRequest(t, st, selfservice.Approved, 0)              // no automation
		newRequest(t, st, selfservice.PendingApproval, 1, auto) // not approved yet
		ids, err := st.DueAutomations(ctx, t0, 10)
		if diff := cmp.Diff([]int64{a.ID}, ids); diff != "" || err != nil {
			t.Fatalf("due mismatch (-want +got):\n%s %v", diff, err)
		}
		runs, ok, err := st.ClaimAutomation(ctx, a.ID, t0, t0.Add(time.Minute))
		if !ok || runs != 1 || err != nil {
			t.Fatalf("claim = %d, %v, %v; want 1, true", runs, ok, err)
		}
		if _, ok, _ := st.ClaimAutomation(ctx, a.ID, t0.Add(30*time.Second), t0.Add(2*time.Minute)); ok {
			t.Error("claimed a leased automation")
		}
		if ids, _ := st.DueAutomations(ctx, t0.Add(30*time.Second), 10); len(ids) != 0 {
			t.Errorf("leased automation still due: %v", ids)
		}
		// The process died during the call: after the lease it is due again.
		runs, ok, _ = st.ClaimAutomation(ctx, a.ID, t0.Add(2*time.Minute), t0.Add(3*time.Minute))
		if !ok || runs != 2 {
			t.Errorf("reclaim after lease = %d, %v; want run 2", runs, ok)
		}
		st.Transition(ctx, a.ID, selfservice.Transition{From: []selfservice.State{selfservice.Approved}, To: selfservice.Done, At: t0})
		if ids, _ := st.DueAutomations(ctx, t0.Add(time.Hour), 10); len(ids) != 0 {
			t.Errorf("done request still due: %v", ids)
		}
	})
}

func TestSelfServiceSLANudgeClaims(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewSelfServiceStore(db)
		due := func(d time.Duration) func(*selfservice.Request) {
			return func(r *selfservice.Request) { r.SLADueAt = t0.Add(d) }
		}
		late := newRequest(t, st, selfservice.PendingApproval, 1, due(time.Hour))
		newRequest(t, st, selfservice.PendingApproval, 1, due(3*time.Hour)) // not yet
		newRequest(t, st, selfservice.PendingApproval, 1)                   // no SLA
		closed := newRequest(t, st, selfservice.Approved, 0, due(time.Hour))
		st.Transition(ctx, closed.ID, selfservice.Transition{From: []selfservice.State{selfservice.Approved}, To: selfservice.Done, At: t0})
		now := t0.Add(2 * time.Hour)
		rs, err := st.OverdueRequests(ctx, now, 10)
		if err != nil || len(rs) != 1 || rs[0].ID != late.ID {
			t.Fatalf("overdue = %v, %v; want only %s", rs, err, late.Ref())
		}
		if ok, _ := st.ClaimSLANudge(ctx, late.ID, now); !ok {
			t.Fatal("first claim failed")
		}
		if ok, _ := st.ClaimSLANudge(ctx, late.ID, now); ok {
			t.Error("nudge claimed twice")
		}
		if rs, _ := st.OverdueRequests(ctx, now, 10); len(rs) != 0 {
			t.Errorf("nudged request still overdue: %v", rs)
		}
		if err := st.ReleaseSLANudge(ctx, late.ID); err != nil {
			t.Fatal(err)
		}
		if rs, _ := st.OverdueRequests(ctx, now, 10); len(rs) != 1 {
			t.Errorf("released nudge not due again: %v", rs)
		}
	})
}

func TestSelfServiceRateAndLists(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewSelfServiceStore(db)
		open := newRequest(t, st, selfservice.PendingApproval, 1)
		done := newRequest(t, st, selfservice.Approved, 0)
		st.Transition(ctx, done.ID, selfservice.Transition{From: []selfservice.State{selfservice.Approved}, To: selfservice.Done, At: t0})
		other := newRequest(t, st, selfservice.Approved, 0, func(r *selfservice.Request) { r.Requester = "UOTHER001"; r.Type = "dns" })

		var se *selfservice.StateError
		for _, tc := range []struct {
			name string
			id   int64
			user string
			ok   func(error) bool
		}{
			{"not done yet", open.ID, "UREQ00001", func(err error) bool { return errors.As(err, &se) }},
			{"someone else", done.ID, "UOTHER001", func(err error) bool { return errors.Is(err, selfservice.ErrForbidden) }},
			{"unknown", 999, "UREQ00001", func(err error) bool { return errors.Is(err, selfservice.ErrNotFound) }},
			{"the requester", done.ID, "UREQ00001", func(err error) bool { return err == nil }},
		} {
			if err := st.Rate(ctx, tc.id, tc.user, 4, t0); !tc.ok(err) {
				t.Errorf("%s: Rate error = %v", tc.name, err)
			}
		}
		got, _ := st.Request(ctx, done.ID)
		if got.Rating != 4 {
			t.Errorf("rating = %d, want 4", got.Rating)
		}
		mine, _ := st.RequestsBy(ctx, "UREQ00001", 10)
		if len(mine) != 2 || mine[0].ID != done.ID {
			t.Errorf("RequestsBy = %v; want newest first, two requests", mine)
		}
		queue, _ := st.OpenRequests(ctx, nil, 10)
		if len(queue) != 2 || queue[0].ID != open.ID || queue[1].ID != other.ID {
			t.Errorf("OpenRequests(all) = %v", queue)
		}
		queue, _ = st.OpenRequests(ctx, []string{"dns"}, 10)
		if len(queue) != 1 || queue[0].ID != other.ID {
			t.Errorf("OpenRequests(dns) = %v", queue)
		}
		if queue, _ = st.OpenRequests(ctx, []string{}, 10); len(queue) != 0 {
			t.Errorf("OpenRequests(no types) = %v", queue)
		}
	})
}

func TestSelfServiceFigures(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewSelfServiceStore(db)
		finish := func(r *selfservice.Request, after time.Duration, human bool, rating int) {
			t.Helper()
			at := r.CreatedAt.Add(after)
			if _, err := st.Transition(ctx, r.ID, selfservice.Transition{From: []selfservice.State{selfservice.Approved},
				To: selfservice.Done, At: at, Human: human}); err != nil {
				t.Fatal(err)
			}
			if rating > 0 {
				if err := st.Rate(ctx, r.ID, r.Requester, rating, at); err != nil {
					t.Fatal(err)
				}
			}
		}
		// In the window: three done (two with no human step), one exception pending, one other team.
		finish(newRequest(t, st, selfservice.Approved, 0), 2*time.Minute, false, 5)
		finish(newRequest(t, st, selfservice.Approved, 0), 4*time.Minute, false, 0)
		finish(newRequest(t, st, selfservice.Approved, 0, func(r *selfservice.Request) { r.Type = "dns"; r.ManualMinutes = 10 }), time.Hour, true, 2)
		newRequest(t, st, selfservice.PendingApproval, 1, func(r *selfservice.Request) { r.Exception = true })
		newRequest(t, st, selfservice.Approved, 0, func(r *selfservice.Request) { r.Team = "data" })
		// Outside the window.
		newRequest(t, st, selfservice.Approved, 0, func(r *selfservice.Request) { r.CreatedAt = t0.Add(-8 * 24 * time.Hour) })

		w := metrics.Window{From: t0.Add(-7 * 24 * time.Hour), To: t0.Add(time.Hour), Team: "web"}
		got, err := st.SelfServiceFigures(ctx, w)
		if err != nil {
			t.Fatal(err)
		}
		want := metrics.SelfServiceFigures{Requests: 4, NoHumanStep: 2, Exceptions: 1, Fulfilled: 3,
			MedianTimeToFulfil: 4 * time.Minute, MinutesSaved: 60, SatisfactionN: 2, SatisfactionMean: 3.5}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("team web figures mismatch (-want +got):\n%s", diff)
		}
		w.Team = ""
		all, _ := st.SelfServiceFigures(ctx, w)
		if all.Requests != 5 {
			t.Errorf("all teams: %d requests, want 5", all.Requests)
		}
		byType, err := st.SelfServiceFiguresByType(ctx, metrics.Window{From: w.From, To: w.To})
		if err != nil {
			t.Fatal(err)
		}
		dns := metrics.SelfServiceFigures{Requests: 1, Fulfilled: 1, MedianTimeToFulfil: time.Hour, SatisfactionN: 1, SatisfactionMean: 2}
		if diff := cmp.Diff(dns, byType["dns"]); diff != "" {
			t.Errorf("dns figures mismatch (-want +got):\n%s", diff)
		}
		if byType["new-repo"].Requests != 4 {
			t.Errorf("new-repo requests = %d, want 4", byType["new-repo"].Requests)
		}
	})
}
