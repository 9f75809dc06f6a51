package ideas_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/platformbot/platformbot/ideas"
)

// seedRanking builds three ideas whose order differs by weighting (teams:
// web 40 people, api 10, data 30; mean 26.67, 80 engineers):
//
//	A "Faster CI":      author web, 3 votes from web
//	B "DB self-service": author data, 2 votes from api, 1 from data, 1 from no team
//	C "Dark mode":      author in no team, 1 vote from no team
func seedRanking(t *testing.T, w ideas.Weighting) *ideas.Service {
	t.Helper()
	ctx := context.Background()
	svc, _, _ := newService(w)
	a := submit(t, svc, "UWEB0", "Faster CI")
	b := submit(t, svc, "UDATA9", "DB self-service")
	c := submit(t, svc, "UNOBODY", "Dark mode")
	votes := map[int64][]string{a.ID: {"UWEB1", "UWEB2", "UWEB3"}, b.ID: {"UAPI1", "UAPI2", "UDATA1", "UX"}, c.ID: {"UY"}}
	for id, users := range votes {
		for _, u := range users {
			if _, _, err := svc.Vote(ctx, id, u); err != nil {
				t.Fatal(err)
			}
		}
	}
	return svc
}

func TestRankingWeightings(t *testing.T) {
	for _, tc := range []struct {
		w      ideas.Weighting
		titles []string
		scores []float64
	}{
		{ideas.ByVotes, []string{"DB self-service", "Faster CI", "Dark mode"}, []float64{4, 3, 1}},
		// A: 3 × 40/26.67 = 4.5; B: 2 × 10/26.67 + 30/26.67 + 1 = 2.875; C: 1.
		{ideas.ByTeamSize, []string{"Faster CI", "DB self-service", "Dark mode"}, []float64{4.5, 2.875, 1}},
		// B: 4 × (10+30+1)/80 = 2.05; A: 3 × 40/80 = 1.5; C: 1 × 1/80.
		{ideas.ByEngineerShare, []string{"DB self-service", "Faster CI", "Dark mode"}, []float64{2.05, 1.5, 0.0125}},
	} {
		t.Run(string(tc.w), func(t *testing.T) {
			r, err := seedRanking(t, tc.w).Top(context.Background(), 10)
			if err != nil {
				t.Fatal(err)
			}
			var titles []string
			var scores []float64
			for _, i := range r.Ideas {
				titles = append(titles, i.Title)
				scores = append(scores, math.Round(i.Score*10000)/10000)
			}
			if diff := cmp.Diff(tc.titles, titles); diff != "" {
				t.Errorf("order mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.scores, scores); diff != "" {
				t.Errorf("scores mismatch (-want +got):\n%s", diff)
			}
			if r.Weighting != tc.w || r.Engineers != 80 || math.Abs(r.MeanTeamSize-80.0/3) > 1e-9 {
				t.Errorf("inputs: %s, %d engineers, mean %.2f", r.Weighting, r.Engineers, r.MeanTeamSize)
			}
		})
	}
}

// TestRankingShowsAskingTeams checks the inputs a ranked idea carries:
// teams with their votes, sizes and whether the author is in them.
func TestRankingShowsAskingTeams(t *testing.T) {
	r, err := seedRanking(t, ideas.ByEngineerShare).List(context.Background(), ideas.Query{Order: ideas.ByScore, Viewer: "UAPI1"})
	if err != nil {
		t.Fatal(err)
	}
	b := r.Ideas[0]
	var teams []string
	for _, ta := range b.Teams {
		teams = append(teams, fmt.Sprintf("%s:%d:%d:%v", ta.ID, ta.Votes, ta.Size, ta.Author))
	}
	if diff := cmp.Diff([]string{"api:2:10:false", "data:1:30:true"}, teams); diff != "" {
		t.Errorf("asking teams mismatch (-want +got):\n%s", diff)
	}
	if b.NoTeam != 1 || math.Abs(b.Weight-41.0/80) > 1e-9 || !b.YouVoted || r.Ideas[1].YouVoted {
		t.Errorf("B: no team %d, weight %.4f, you voted %v; A you voted %v", b.NoTeam, b.Weight, b.YouVoted, r.Ideas[1].YouVoted)
	}
}

func TestListQueries(t *testing.T) {
	ctx := context.Background()
	svc := seedRanking(t, ideas.ByVotes)
	if _, _, err := svc.SetStatus(ctx, 1, ideas.Shipped, "", "UADMIN"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Merge(ctx, 3, 2, "UADMIN"); err != nil {
		t.Fatal(err)
	}
	titles := func(q ideas.Query) []string {
		t.Helper()
		r, err := svc.List(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, i := range r.Ideas {
			out = append(out, i.Title)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		q    ideas.Query
		want []string
	}{
		{"everything but merged", ideas.Query{}, []string{"DB self-service", "Faster CI"}},
		{"active only", ideas.Query{Statuses: ideas.ActiveStatuses}, []string{"DB self-service"}},
		{"mine (voted for A)", ideas.Query{Person: "UWEB1"}, []string{"Faster CI"}},
		{"mine (voted for the merged C: the vote moved to B)", ideas.Query{Person: "UY"}, []string{"DB self-service"}},
		{"limit", ideas.Query{Limit: 1}, []string{"DB self-service"}},
	} {
		if diff := cmp.Diff(tc.want, titles(tc.q)); diff != "" {
			t.Errorf("%s mismatch (-want +got):\n%s", tc.name, diff)
		}
	}
	top, err := svc.Top(ctx, 5)
	if err != nil || len(top.Ideas) != 2 || top.Ideas[1].Status != ideas.Shipped {
		t.Errorf("Top = %+v, %v; want B then the shipped A", top.Ideas, err)
	}
}
