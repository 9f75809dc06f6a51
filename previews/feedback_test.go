package previews_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/platformbot/platformbot/previews"
)

func (f *fixture) tick(t *testing.T) {
	t.Helper()
	if err := f.svc.Tick(context.Background()); err != nil {
		t.Fatalf("tick: %v", err)
	}
}

// deliver records what the outbox would: the asks' DMs went out.
func (f *fixture) deliver(t *testing.T, point string, users ...string) {
	t.Helper()
	for _, u := range users {
		if err := f.svc.Delivered(context.Background(), "fast-ci", point, u); err != nil {
			t.Fatal(err)
		}
	}
}

// TestFeedbackAtPoints: the after-point asks each participant a week after
// their seat, once; the reminder goes once, only to those who have not
// answered; the end point asks those seated at the end; the feedback
// closes after the last window.
func TestFeedbackAtPoints(t *testing.T) {
	f := newFixture(t, fastCI(false))
	ctx := context.Background()
	f.join(t, "UA")
	f.clock.Advance(2 * 24 * time.Hour)
	f.join(t, "UB")
	f.tick(t)
	if len(f.n.asks) != 0 {
		t.Fatalf("asked before a week: %v", f.n.asks)
	}
	f.clock.Advance(5 * 24 * time.Hour) // UA's week is up, UB's is not
	f.tick(t)
	f.tick(t)
	if !slices.Equal(f.n.asks, []string{"after-7d:UA"}) {
		t.Fatalf("asks = %v, want UA's once", f.n.asks)
	}
	f.deliver(t, "after-7d", "UA")
	f.clock.Advance(2 * 24 * time.Hour) // UB's week; UA's reminder
	f.tick(t)
	if !slices.Equal(f.n.asks, []string{"after-7d:UA", "after-7d:UB"}) || !slices.Equal(f.n.reminders, []string{"after-7d:UA"}) {
		t.Fatalf("asks %v reminders %v", f.n.asks, f.n.reminders)
	}
	f.deliver(t, "after-7d", "UB")
	if _, err := f.svc.Answer(ctx, previews.Submission{PreviewID: "fast-ci", PointID: "after-7d", UserID: "UB",
		Answers: []previews.Answer{{QuestionID: "rating", Value: 4}}}); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(3 * 24 * time.Hour)
	f.tick(t)
	if len(f.n.reminders) != 1 {
		t.Errorf("reminders = %v; UB answered and must not be reminded", f.n.reminders)
	}
	ok, reason, err := f.svc.ShouldAsk(ctx, "fast-ci", "after-7d", "UB", true)
	if err != nil || ok {
		t.Errorf("ShouldAsk after answering = %v (%s), %v", ok, reason, err)
	}
	f.clock.Advance(20 * 24 * time.Hour) // past the end (29 March)
	f.tick(t)
	if mine, err := f.svc.Mine(ctx, "UA"); err != nil || len(mine) != 0 {
		t.Errorf("an ended preview is still among UA's: %+v, %v", mine, err)
	}
	if got := f.n.asks[2:]; !slices.Equal(got, []string{"end:UA", "end:UB"}) {
		t.Errorf("end asks = %v, want UA and UB", got)
	}
	f.clock.Advance(8 * 24 * time.Hour)
	f.tick(t)
	p, err := f.svc.Preview(ctx, "fast-ci")
	if err != nil || !p.FeedbackClosed {
		t.Errorf("feedback not closed a window after the end: %+v, %v", p.FeedbackClosed, err)
	}
}

// TestAnswerOneTapThenForm: a tap stores the rating under a token, a
// second first answer is refused, the form adds the rest with the token,
// and nothing is taken after the window.
func TestAnswerOneTapThenForm(t *testing.T) {
	f := newFixture(t, fastCI(false))
	ctx := context.Background()
	f.join(t, "UA")
	f.clock.Advance(7 * 24 * time.Hour)
	f.tick(t)
	sub := previews.Submission{PreviewID: "fast-ci", PointID: "after-7d", UserID: "UA", Answers: []previews.Answer{{QuestionID: "rating", Value: 5}}}
	rc, err := f.svc.Answer(ctx, sub)
	if err != nil {
		t.Fatal(err)
	}
	if rc.Token == "" || len(rc.Remaining) != 2 {
		t.Fatalf("receipt = %+v, want a token and two questions left", rc)
	}
	if _, err := f.svc.Answer(ctx, sub); !errors.Is(err, previews.ErrAnswered) {
		t.Errorf("second tap: %v, want already answered", err)
	}
	if _, err := f.svc.Form(ctx, "fast-ci", "after-7d", "UA", ""); !errors.Is(err, previews.ErrAnswered) {
		t.Errorf("form without token after answering: %v", err)
	}
	var in *previews.InputError
	if _, err := f.svc.Answer(ctx, previews.Submission{PreviewID: "fast-ci", PointID: "after-7d", UserID: "UA", Token: rc.Token,
		Answers: []previews.Answer{{QuestionID: "speed", Value: 9}}}); !errors.As(err, &in) || in.Question != "speed" {
		t.Errorf("rating 9: %v", err)
	}
	rc2, err := f.svc.Answer(ctx, previews.Submission{PreviewID: "fast-ci", PointID: "after-7d", UserID: "UA", Token: rc.Token,
		Answers: []previews.Answer{{QuestionID: "speed", Value: 3}, {QuestionID: "better", Text: "  more cache  "}}})
	if err != nil {
		t.Fatal(err)
	}
	want := []previews.Answer{{QuestionID: "rating", Value: 5}, {QuestionID: "speed", Value: 3}, {QuestionID: "better", Text: "more cache"}}
	if diff := cmp.Diff(want, rc2.Answers); diff != "" {
		t.Errorf("answers mismatch (-want +got):\n%s", diff)
	}
	if _, err := f.svc.Answer(ctx, previews.Submission{PreviewID: "fast-ci", PointID: "after-7d", UserID: "UZ",
		Answers: []previews.Answer{{QuestionID: "rating", Value: 1}}}); !errors.Is(err, previews.ErrNotAsked) {
		t.Errorf("answer from someone not asked: %v", err)
	}
	f.clock.Advance(8 * 24 * time.Hour)
	var closed *previews.ClosedError
	if _, err := f.svc.Answer(ctx, previews.Submission{PreviewID: "fast-ci", PointID: "after-7d", UserID: "UA", Token: rc.Token,
		Answers: []previews.Answer{{QuestionID: "better", Text: "late"}}}); !errors.As(err, &closed) {
		t.Errorf("answer after the window: %v", err)
	}
}

// TestResults: participants over time, seats, team shares, ratings and
// comments newest first, paged.
func TestResults(t *testing.T) {
	p := fastCI(false)
	p.MaxParticipants = 0
	f := newFixture(t, p)
	ctx := context.Background()
	users := []string{"UA", "UB", "UC", "UD"}
	for i, u := range users {
		if i == 2 {
			f.clock.Advance(14 * 24 * time.Hour) // two weeks later, a week with nobody in between
		}
		f.join(t, u)
	}
	if _, err := f.svc.Leave(ctx, "fast-ci", "UD"); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(7 * 24 * time.Hour)
	f.tick(t)
	for i, u := range users[:3] {
		rc, err := f.svc.Answer(ctx, previews.Submission{PreviewID: "fast-ci", PointID: "after-7d", UserID: u,
			Answers: []previews.Answer{{QuestionID: "rating", Value: 3 + i}}})
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		f.clock.Advance(time.Hour)
		if _, err := f.svc.Answer(ctx, previews.Submission{PreviewID: "fast-ci", PointID: "after-7d", UserID: u, Token: rc.Token,
			Answers: []previews.Answer{{QuestionID: "better", Text: "comment from " + u}}}); err != nil {
			t.Fatal(err)
		}
	}
	res, err := f.svc.Results(ctx, "fast-ci", 1)
	if err != nil {
		t.Fatal(err)
	}
	var weeks []int
	for _, w := range res.Weeks {
		weeks = append(weeks, w.N)
	}
	var teams []string
	for _, tm := range res.Teams {
		teams = append(teams, tm.Name)
	}
	got := struct {
		Counts       previews.Counts
		Participants int
		Weeks        []int
		Teams        []string
		Mean         float64
		Dist         [5]int
		Comments     []string
	}{res.Counts, res.Participants, weeks, teams, res.Ratings[0].Mean, res.Ratings[0].Counts, nil}
	for _, c := range res.Comments {
		got.Comments = append(got.Comments, c.Text)
	}
	want := struct {
		Counts       previews.Counts
		Participants int
		Weeks        []int
		Teams        []string
		Mean         float64
		Dist         [5]int
		Comments     []string
	}{previews.Counts{Active: 3, Left: 1}, 4, []int{2, 0, 2}, []string{"Payments", "Search", "No team"}, 4, [5]int{0, 0, 1, 1, 1},
		[]string{"comment from UC", "comment from UB", "comment from UA"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results mismatch (-want +got):\n%s", diff)
	}
	if res.Teams[0].N != 2 || res.Teams[0].Share != 0.5 {
		t.Errorf("payments share = %+v, want 2 of 4", res.Teams[0])
	}
}

// TestAnonymousResultsNeedTheGroup: with fewer answers than the minimum
// group size, neither ratings nor comments are shown; nothing names who.
func TestAnonymousResultsNeedTheGroup(t *testing.T) {
	f := newFixture(t, fastCI(true))
	ctx := context.Background()
	f.join(t, "UA")
	f.join(t, "UB")
	f.clock.Advance(7 * 24 * time.Hour)
	f.tick(t)
	for _, u := range []string{"UA", "UB"} {
		if _, err := f.svc.Answer(ctx, previews.Submission{PreviewID: "fast-ci", PointID: "after-7d", UserID: u,
			Answers: []previews.Answer{{QuestionID: "rating", Value: 2}, {QuestionID: "better", Text: "hm"}}}); err != nil {
			t.Fatal(err)
		}
	}
	res, err := f.svc.Results(ctx, "fast-ci", 1)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Ratings[0].Hidden || res.Ratings[0].Mean != 0 || !res.CommentsHidden || len(res.Comments) != 0 {
		t.Errorf("2 anonymous answers with a minimum of 3 were shown: %+v, comments %v", res.Ratings[0], res.Comments)
	}
	sum, err := f.svc.Summary(ctx, start.AddDate(0, -1, 0), start.AddDate(0, 3, 0))
	if err != nil || len(sum) != 1 {
		t.Fatalf("summary = %+v, %v", sum, err)
	}
	if s := sum[0]; s.Participants != 2 || s.Active != 2 || s.Ratings != 2 || !s.Hidden || s.RatingMean != 0 {
		t.Errorf("summary = %+v, want 2 participants, 2 hidden ratings", s)
	}
}

func TestSummaryPeriod(t *testing.T) {
	p := fastCI(false)
	f := newFixture(t, p)
	ctx := context.Background()
	f.join(t, "UA")
	f.join(t, "UB")
	f.clock.Advance(3 * 24 * time.Hour)
	if _, err := f.svc.Leave(ctx, "fast-ci", "UB"); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(5 * 24 * time.Hour)
	f.tick(t)
	if _, err := f.svc.Answer(ctx, previews.Submission{PreviewID: "fast-ci", PointID: "after-7d", UserID: "UA",
		Answers: []previews.Answer{{QuestionID: "rating", Value: 4}}}); err != nil {
		t.Fatal(err)
	}
	q1 := []time.Time{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	if sum, _ := f.svc.Summary(ctx, q1[0], q1[1]); len(sum) != 0 {
		t.Errorf("a preview starting in March is in January–February: %+v", sum)
	}
	sum, err := f.svc.Summary(ctx, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	want := []previews.Summary{{ID: "fast-ci", Name: "Fast CI runners", Start: "2026-03-02", End: "2026-03-29", Participants: 2, Active: 1, RatingMean: 4, Ratings: 1}}
	if diff := cmp.Diff(want, sum); diff != "" {
		t.Errorf("summary mismatch (-want +got):\n%s", diff)
	}
}
