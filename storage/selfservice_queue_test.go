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

// TestSelfServiceUnsentEvents: events wait to be handed over (the
// submission itself is silent), per request or across requests, until they
// are marked sent.
func TestSelfServiceUnsentEvents(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewSelfServiceStore(db)
		r := newRequest(t, st, selfservice.PendingApproval, 1)
		r2 := newRequest(t, st, selfservice.PendingApproval, 1)
		evs, err := st.UnsentEvents(ctx, r.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 1 || evs[0].To != selfservice.PendingApproval || evs[0].RequestID != r.ID {
			t.Fatalf("unsent = %+v; want only the →pending_approval event (the submission is silent)", evs)
		}
		if all, _ := st.UnsentEvents(ctx, 0, 10); len(all) != 2 || all[1].RequestID != r2.ID {
			t.Fatalf("unsent of all requests = %+v; want one of each, oldest first", all)
		}
		if err := st.EventsSent(ctx, []int64{evs[0].ID}, t0); err != nil {
			t.Fatal(err)
		}
		if evs, _ := st.UnsentEvents(ctx, r.ID, 10); len(evs) != 0 {
			t.Errorf("sent event still unsent: %+v", evs)
		}
		if all, _ := st.UnsentEvents(ctx, 0, 10); len(all) != 1 || all[0].RequestID != r2.ID {
			t.Errorf("unsent of all requests = %+v; want only %s's", all, r2.Ref())
		}
		if err := st.EventsSent(ctx, nil, t0); err != nil {
			t.Errorf("marking no events: %v", err)
		}
	})
}

func TestSelfServiceAwaitingAutomation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewSelfServiceStore(db)
		auto := func(r *selfservice.Request) { r.HasAutomation = true }
		a := newRequest(t, st, selfservice.Approved, 0, auto)
		newRequest(t, st, selfservice.Approved, 0)              // no automation
		newRequest(t, st, selfservice.PendingApproval, 1, auto) // not approved yet
		ids, err := st.AwaitingAutomation(ctx, 10)
		if diff := cmp.Diff([]int64{a.ID}, ids); diff != "" || err != nil {
			t.Fatalf("awaiting mismatch (-want +got):\n%s %v", diff, err)
		}
		st.Transition(ctx, a.ID, selfservice.Transition{From: []selfservice.State{selfservice.Approved}, To: selfservice.Done, At: t0})
		if ids, _ := st.AwaitingAutomation(ctx, 10); len(ids) != 0 {
			t.Errorf("done request still awaiting: %v", ids)
		}
	})
}

func TestSelfServiceSLANudged(t *testing.T) {
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
		if err := st.SLANudged(ctx, late.ID, now); err != nil {
			t.Fatal(err)
		}
		if rs, _ := st.OverdueRequests(ctx, now, 10); len(rs) != 0 {
			t.Errorf("nudged request still overdue: %v", rs)
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
