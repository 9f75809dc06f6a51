package surveys_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/platformbot/platformbot/surveys"
)

func TestSuppress(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sizes map[string]int
		want  []string
	}{
		{"all large", map[string]int{"a": 5, "b": 7}, nil},
		{"one small hides the next smallest too", map[string]int{"a": 2, "b": 7, "c": 5, "d": 9}, []string{"a", "c"}},
		{"two small but together too few", map[string]int{"a": 1, "b": 2, "c": 6, "d": 8}, []string{"a", "b", "c"}},
		{"two small, together enough", map[string]int{"a": 2, "b": 3, "c": 6}, []string{"a", "b"}},
		{"empty groups never count", map[string]int{"a": 0, "b": 6, "c": 7}, nil},
		{"only one group, small", map[string]int{"a": 3}, []string{"a"}},
		{"everything hidden when it must be", map[string]int{"a": 1, "b": 5}, []string{"a", "b"}},
		{"ties broken by name", map[string]int{"x": 1, "b": 6, "a": 6}, []string{"a", "x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for g, hidden := range surveys.Suppress(tc.sizes, 5) {
				if hidden {
					got = append(got, g)
				}
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
				t.Errorf("hidden groups mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

var snap = surveys.Snapshot{
	Title: "Pulse", Anonymous: true, MinGroupSize: 3,
	Questions: []surveys.Question{
		{ID: "sat", Kind: surveys.Scale, Text: "Happy?"},
		{ID: "nps", Kind: surveys.NPS, Text: "Recommend?"},
		{ID: "tool", Kind: surveys.Choice, Text: "Which?", Options: []string{"CI", "Docs"}},
		{ID: "why", Kind: surveys.Text, Text: "Why?"},
	},
}

// tally builds a tally from per-team answers to one question.
func tally(asked int, cells map[surveys.Cell]int, byTeam map[string]int, comments ...string) surveys.Tally {
	t := surveys.Tally{Asked: asked, ByTeam: byTeam, Counts: cells, AskedByTeam: map[string]int{}}
	for _, n := range byTeam {
		t.Responses += n
	}
	for _, c := range comments {
		t.Comments = append(t.Comments, surveys.Comment{QuestionID: "why", Text: c})
	}
	return t
}

func TestSummarize(t *testing.T) {
	run := surveys.Run{ID: 2, Snapshot: snap}
	prevRun := surveys.Run{ID: 1, Snapshot: snap}
	cur := tally(10, map[surveys.Cell]int{
		{Team: "pay", Question: "sat", Value: 5}: 3, {Team: "pay", Question: "sat", Value: 4}: 1,
		{Team: "web", Question: "sat", Value: 2}: 2, {Team: "", Question: "sat", Value: 3}: 1,
		{Team: "pay", Question: "nps", Value: 10}: 2, {Team: "pay", Question: "nps", Value: 3}: 1,
		{Team: "pay", Question: "tool", Value: 1}: 2,
	}, map[string]int{"pay": 4, "web": 2, "": 1}, "fast", "slow builds", "more docs")
	prev := tally(10, map[surveys.Cell]int{
		{Question: "sat", Value: 3}: 4, {Question: "nps", Value: 9}: 2, {Question: "nps", Value: 8}: 2,
	}, map[string]int{"": 4})

	got := surveys.Summarize(run, cur, &prevRun, &prev)
	if got.Hidden || got.Responses != 7 || got.Rate != 0.7 {
		t.Fatalf("Summarize = hidden %v, %d responses, rate %v; want shown, 7, 0.7", got.Hidden, got.Responses, got.Rate)
	}
	type q struct {
		ID           string
		N            int
		Hidden       bool
		Counts       []int
		Mean, NPS    float64
		HasPrevious  bool
		PreviousMean float64
		Comments     int
	}
	var qs []q
	for _, r := range got.Questions {
		qs = append(qs, q{r.Question.ID, r.N, r.Hidden, r.Counts, r.Mean, r.NPS, r.HasPrevious, r.PreviousMean, len(r.Comments)})
	}
	want := []q{
		{ID: "sat", N: 7, Counts: []int{0, 2, 1, 1, 3}, Mean: 26.0 / 7, HasPrevious: true, PreviousMean: 3},
		{ID: "nps", N: 3, Counts: []int{0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2}, Mean: 23.0 / 3, NPS: 100.0 / 3, HasPrevious: true, PreviousMean: 8.5},
		{ID: "tool", N: 2, Hidden: true},
		{ID: "why", N: 3, Comments: 3},
	}
	if diff := cmp.Diff(want, qs, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Errorf("questions mismatch (-want +got):\n%s", diff)
	}
	// web (2) is too small; "" (1) too; together 3 = the minimum, so pay
	// stays visible.
	var teams []string
	for _, tr := range got.Teams {
		teams = append(teams, tr.Team)
		if tr.Hidden && (tr.HasMean || tr.HasNPS) {
			t.Errorf("hidden team %q carries figures: %+v", tr.Team, tr)
		}
		if tr.Team == "pay" && (tr.Hidden || tr.Mean != 4.75 || !tr.HasNPS) {
			t.Errorf("team pay = %+v, want shown with mean 4.75 and an NPS", tr)
		}
	}
	if diff := cmp.Diff([]string{"pay", "web", ""}, teams); diff != "" {
		t.Errorf("team order mismatch (-want +got):\n%s", diff)
	}
}

func TestSummarizeHidesSmallRuns(t *testing.T) {
	run := surveys.Run{ID: 1, Snapshot: snap}
	got := surveys.Summarize(run, tally(9, map[surveys.Cell]int{{Question: "sat", Value: 5}: 2}, map[string]int{"": 2}, "only me"), nil, nil)
	if !got.Hidden || len(got.Questions) != 0 || len(got.Teams) != 0 {
		t.Errorf("Summarize of 2 responses = %+v, want hidden with no figures", got)
	}
	if got.Asked != 9 || got.Responses != 2 {
		t.Errorf("counts = %d of %d, want 2 of 9 (counts are never hidden)", got.Responses, got.Asked)
	}
}
