package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/platformbot/platformbot/metrics"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
	"github.com/platformbot/platformbot/surveys"
)

// closedRun stores a run closed at closeAt in which every team answered
// the scale question with the given values (and, when nps is set, the NPS
// question with it); asked people per team is twice the answers.
func closedRun(t *testing.T, st *storage.SurveyStore, occurrence string, closeAt time.Time, nps int, answers map[string][]int) surveys.Run {
	t.Helper()
	ctx := context.Background()
	var ledger []surveys.Participant
	for team, vals := range answers {
		for i := range 2 * len(vals) {
			ledger = append(ledger, surveys.Participant{UserID: fmt.Sprintf("U%s%s%02d", occurrence, team, i), Team: team})
		}
	}
	run, err := st.CreateRun(ctx, testRun("devex", occurrence, true), ledger)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ledger {
		_ = st.MarkDelivered(ctx, run.ID, p.UserID, "ts")
	}
	for team, vals := range answers {
		for i, v := range vals {
			as := []surveys.Answer{{QuestionID: "sat", Value: v}}
			if nps >= 0 {
				as = append(as, surveys.Answer{QuestionID: "nps", Value: nps})
			}
			r := surveys.Response{RunID: run.ID, Token: fmt.Sprintf("%s-%s-%d", occurrence, team, i), Team: team, Answers: as}
			if err := st.SaveResponse(ctx, r, surveys.SaveNew); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := st.CloseRun(ctx, run.ID, closeAt); err != nil {
		t.Fatal(err)
	}
	return run
}

func TestSatisfactionFigures(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		st := storage.NewSurveyStore(db)
		week := func(n int) time.Time { return pulseT0.AddDate(0, 0, 7*n) }
		// Run 1 (week 1): mean 3. Run 2 (week 3): payments 4,4,4,5 and
		// platform 5,5,5, search 2,2 (folded away when the run closed).
		closedRun(t, st, "w1", week(1), -1, map[string][]int{"payments": {3, 3, 3}, "platform": {3, 3, 3}})
		closedRun(t, st, "w3", week(3), 9, map[string][]int{"payments": {4, 4, 4, 5}, "platform": {5, 5, 5}, "search": {2, 2}})
		// A run with two answers only, later but in its own window.
		closedRun(t, st, "w6", week(6), 10, map[string][]int{"payments": {1, 1}})

		for _, tc := range []struct {
			name string
			w    metrics.Window
			want metrics.SatisfactionFigures
		}{
			{
				name: "whole organization",
				w:    metrics.Window{From: week(2), To: week(4)},
				want: metrics.SatisfactionFigures{Survey: "Pulse", HasData: true, Mean: 4, HasNPS: true, NPS: 100,
					Asked: 18, Responses: 9, ResponseRate: 0.5, HasPrevious: true, PreviousMean: 3},
			},
			{
				name: "a team large enough",
				w:    metrics.Window{From: week(2), To: week(4), Team: "payments"},
				want: metrics.SatisfactionFigures{Survey: "Pulse", HasData: true, Mean: 17.0 / 4, HasNPS: true, NPS: 100,
					Asked: 8, Responses: 4, ResponseRate: 0.5, HasPrevious: true, PreviousMean: 3},
			},
			{
				name: "a team folded away for size",
				w:    metrics.Window{From: week(2), To: week(4), Team: "search"},
				want: metrics.SatisfactionFigures{Survey: "Pulse"},
			},
			{
				name: "too few responses",
				w:    metrics.Window{From: week(5), To: week(7)},
				want: metrics.SatisfactionFigures{Survey: "Pulse", Asked: 4, Responses: 2, ResponseRate: 0.5},
			},
			{
				name: "no run in the window",
				w:    metrics.Window{From: week(10), To: week(11)},
				want: metrics.SatisfactionFigures{},
			},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := st.Satisfaction(context.Background(), tc.w)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tc.want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
					t.Errorf("Satisfaction mismatch (-want +got):\n%s", diff)
				}
			})
		}
	})
}
