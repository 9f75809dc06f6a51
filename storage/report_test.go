package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/platformbot/platformbot/metrics"
	"github.com/platformbot/platformbot/report"
	"github.com/platformbot/platformbot/selfservice"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// TestCatalogUsage: distinct requesters and requests per item and range,
// for the two windows (one statement) and weekly buckets (another).
func TestCatalogUsage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		st := storage.NewSelfServiceStore(db)
		day := func(n int) time.Time { return t0.AddDate(0, 0, n) }
		file := func(typ, user string, at time.Time) {
			newRequest(t, st, selfservice.Approved, 0, func(r *selfservice.Request) {
				r.Type, r.Requester, r.CreatedAt, r.UpdatedAt = typ, user, at, at
			})
		}
		// Previous window (days -14..-7): one repo. Current (-7..7): week
		// one has two repos by U1 and one by U2, and a db by U1; week two a
		// db by U3; day 7 is the end, excluded.
		file("new-repo", "U1", day(-10))
		file("new-repo", "U1", day(-7))
		file("new-repo", "U1", day(-6))
		file("new-repo", "U2", day(-1))
		file("db-access", "U1", day(-2))
		file("db-access", "U3", day(6))
		file("db-access", "U3", day(7))

		ranges := []metrics.Range{
			{From: day(-14), To: day(-7)}, {From: day(-7), To: day(7)},
			{From: day(-7), To: day(0)}, {From: day(0), To: day(7)},
		}
		got, err := st.CatalogUsage(context.Background(), ranges)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][]report.ItemUsage{
			"new-repo":  {{Users: 1, Requests: 1}, {Users: 2, Requests: 3}, {Users: 2, Requests: 3}, {}},
			"db-access": {{}, {Users: 2, Requests: 2}, {Users: 1, Requests: 1}, {Users: 1, Requests: 1}},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("usage mismatch (-want +got):\n%s", diff)
		}
	})
}

// TestSatisfactionRounds: each run closed in the window, oldest first,
// with the survey's suppression (the two-answer run has no mean).
func TestSatisfactionRounds(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		st := storage.NewSurveyStore(db)
		week := func(n int) time.Time { return pulseT0.AddDate(0, 0, 7*n) }
		closedRun(t, st, "w1", week(1), -1, map[string][]int{"payments": {3, 3, 3}, "platform": {3, 3, 3}})
		closedRun(t, st, "w3", week(3), 9, map[string][]int{"payments": {4, 4, 4, 5}, "platform": {5, 5, 5}})
		closedRun(t, st, "w4", week(4), 10, map[string][]int{"payments": {1, 1}})
		closedRun(t, st, "w9", week(9), 10, map[string][]int{"payments": {5, 5, 5}})

		got, err := st.SatisfactionRounds(context.Background(), metrics.Window{From: week(1), To: week(5)})
		if err != nil {
			t.Fatal(err)
		}
		want := []report.Round{
			{Survey: "Pulse", ClosedAt: week(1), HasMean: true, Mean: 3, Responses: 6, Asked: 12, ResponseRate: 0.5},
			{Survey: "Pulse", ClosedAt: week(3), HasMean: true, Mean: 32.0 / 7, HasNPS: true, NPS: 100, Responses: 7, Asked: 14, ResponseRate: 0.5},
			{Survey: "Pulse", ClosedAt: week(4), Responses: 2, Asked: 4, ResponseRate: 0.5},
		}
		if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
			t.Errorf("rounds mismatch (-want +got):\n%s", diff)
		}
	})
}
