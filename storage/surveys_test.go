package storage_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
	"github.com/platformbot/platformbot/surveys"
)

var pulseT0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func testRun(survey, occurrence string, anonymous bool) surveys.Run {
	return surveys.Run{
		SurveyID: survey, Occurrence: occurrence, State: surveys.Open, StartedBy: "schedule",
		StartedAt: pulseT0, ClosesAt: pulseT0.Add(72 * time.Hour), RemindAt: pulseT0.Add(24 * time.Hour),
		Snapshot: surveys.Snapshot{
			Title: "Pulse", Anonymous: anonymous, MinGroupSize: 3,
			Questions: []surveys.Question{
				{ID: "sat", Kind: surveys.Scale, Text: "How happy?"},
				{ID: "nps", Kind: surveys.NPS, Text: "Recommend?"},
				{ID: "why", Kind: surveys.Text, Text: "Why?"},
			},
		},
	}
}

func pulsePeople(team string, ids ...string) []surveys.Participant {
	out := make([]surveys.Participant, len(ids))
	for i, id := range ids {
		out[i] = surveys.Participant{UserID: id, Team: team}
	}
	return out
}

func TestSurveyRunsStartOncePerOccurrenceAndOneAtATime(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewSurveyStore(db)
		first, err := st.CreateRun(ctx, testRun("devex", "cron:a", true), pulsePeople("", "U1", "U2"))
		if err != nil || first.ID == 0 {
			t.Fatalf("CreateRun = %+v, %v", first, err)
		}
		for _, tc := range []struct {
			name    string
			run     surveys.Run
			wantErr error
		}{
			{"same occurrence", testRun("devex", "cron:a", true), surveys.ErrDuplicateRun},
			{"another occurrence while open", testRun("devex", "cron:b", true), surveys.ErrRunOpen},
		} {
			got, err := st.CreateRun(ctx, tc.run, pulsePeople("", "U1"))
			if !errors.Is(err, tc.wantErr) || got.ID != first.ID {
				t.Errorf("%s: CreateRun = run %d, %v; want run %d, %v", tc.name, got.ID, err, first.ID, tc.wantErr)
			}
		}
		other, err := st.CreateRun(ctx, testRun("other", "cron:a", true), pulsePeople("", "U1"))
		if err != nil || other.ID == first.ID {
			t.Fatalf("another survey's run = %+v, %v", other, err)
		}
		closed, err := st.CloseRun(ctx, first.ID, pulseT0.Add(72*time.Hour))
		if err != nil || !closed {
			t.Fatalf("CloseRun = %v, %v", closed, err)
		}
		if again, _ := st.CloseRun(ctx, first.ID, pulseT0.Add(73*time.Hour)); again {
			t.Error("second CloseRun also claimed the close")
		}
		next, err := st.CreateRun(ctx, testRun("devex", "cron:b", true), pulsePeople("", "U1"))
		if err != nil {
			t.Fatalf("CreateRun after close: %v", err)
		}
		prev, err := st.PreviousRun(ctx, next)
		if err != nil || prev.ID != first.ID || prev.State != surveys.Closed || prev.ClosedAt.IsZero() {
			t.Errorf("PreviousRun = %+v, %v; want the closed first run", prev, err)
		}
		latest, _ := st.LatestRun(ctx, "devex")
		if latest.ID != next.ID || latest.Title != "Pulse" || len(latest.Questions) != 3 {
			t.Errorf("LatestRun = %+v, want run %d with its snapshot", latest, next.ID)
		}
	})
}

func TestSurveyLedger(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewSurveyStore(db)
		run, err := st.CreateRun(ctx, testRun("devex", "cron:a", true), pulsePeople("payments", "U1", "U2", "U3", "UBOT"))
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range []string{"U1", "U2", "U3"} {
			if err := st.MarkDelivered(ctx, run.ID, u, "ts-"+u); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.Exclude(ctx, run.ID, "UBOT"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.MarkAnswered(ctx, run.ID, "U1"); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			user    string
			wantErr error
		}{{"U1", surveys.ErrAnswered}, {"UNOBODY", surveys.ErrNotFound}} {
			if _, err := st.MarkAnswered(ctx, run.ID, tc.user); !errors.Is(err, tc.wantErr) {
				t.Errorf("MarkAnswered(%s) error = %v, want %v", tc.user, err, tc.wantErr)
			}
		}
		unanswered, _ := st.Unanswered(ctx, run.ID)
		var ids []string
		for _, p := range unanswered {
			ids = append(ids, p.UserID)
		}
		if diff := cmp.Diff([]string{"U2", "U3"}, ids); diff != "" {
			t.Errorf("Unanswered mismatch (-want +got):\n%s", diff)
		}
		if inv, _ := st.Invitees(ctx, run.ID); len(inv) != 0 {
			t.Errorf("Invitees = %v, want none (all delivered or excluded)", inv)
		}
		if err := st.SetChannel(ctx, run.ID, "U2", "DU2"); err != nil {
			t.Fatal(err)
		}
		p, _ := st.Participant(ctx, run.ID, "U2")
		want := surveys.Participant{RunID: run.ID, UserID: "U2", Team: "payments", Delivered: true, Channel: "DU2", TS: "ts-U2"}
		if diff := cmp.Diff(want, p); diff != "" {
			t.Errorf("Participant mismatch (-want +got):\n%s", diff)
		}
		for _, tc := range []struct {
			user string
			now  time.Time
			want int
		}{
			{"U2", pulseT0, 1},
			{"U1", pulseT0, 0},                     // answered
			{"UBOT", pulseT0, 0},                   // excluded
			{"U2", pulseT0.Add(72 * time.Hour), 0}, // window over
		} {
			runs, err := st.Waiting(ctx, tc.user, tc.now)
			if err != nil || len(runs) != tc.want {
				t.Errorf("Waiting(%s, %v) = %d runs, %v; want %d", tc.user, tc.now, len(runs), err, tc.want)
			}
		}
	})
}

func TestSurveyResponsesSaveMergeReplaceAndClose(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewSurveyStore(db)
		run, _ := st.CreateRun(ctx, testRun("devex", "cron:a", true), pulsePeople("", "U1"))
		resp := surveys.Response{RunID: run.ID, Token: "tok1", Answers: []surveys.Answer{{QuestionID: "sat", Value: 4}}}
		if err := st.SaveResponse(ctx, resp, surveys.SaveNew); err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			name    string
			resp    surveys.Response
			mode    surveys.SaveMode
			wantErr error
			want    []surveys.Answer
		}{
			{"merge the rest", surveys.Response{RunID: run.ID, Token: "tok1", Answers: []surveys.Answer{{QuestionID: "nps", Value: 9}, {QuestionID: "why", Text: "fast CI"}}},
				surveys.SaveMerge, nil, []surveys.Answer{{QuestionID: "nps", Value: 9}, {QuestionID: "sat", Value: 4}, {QuestionID: "why", Text: "fast CI"}}},
			{"replace all", surveys.Response{RunID: run.ID, Token: "tok1", Answers: []surveys.Answer{{QuestionID: "sat", Value: 2}}},
				surveys.SaveReplace, nil, []surveys.Answer{{QuestionID: "sat", Value: 2}}},
			{"unknown token", surveys.Response{RunID: run.ID, Token: "guess", Answers: []surveys.Answer{{QuestionID: "sat", Value: 5}}},
				surveys.SaveMerge, surveys.ErrNotFound, []surveys.Answer{{QuestionID: "sat", Value: 2}}},
		}
		for _, s := range steps {
			if err := st.SaveResponse(ctx, s.resp, s.mode); !errors.Is(err, s.wantErr) {
				t.Fatalf("%s: SaveResponse error = %v, want %v", s.name, err, s.wantErr)
			}
			got, _ := st.Answers(ctx, run.ID, "tok1")
			sortAnswers(got)
			if diff := cmp.Diff(s.want, got); diff != "" {
				t.Errorf("%s: answers mismatch (-want +got):\n%s", s.name, diff)
			}
		}
		if _, err := st.CloseRun(ctx, run.ID, pulseT0); err != nil {
			t.Fatal(err)
		}
		late := surveys.Response{RunID: run.ID, Token: "tok2", Answers: []surveys.Answer{{QuestionID: "sat", Value: 5}}}
		if err := st.SaveResponse(ctx, late, surveys.SaveNew); !errors.Is(err, surveys.ErrRunClosed) {
			t.Errorf("SaveResponse after close error = %v, want ErrRunClosed", err)
		}
	})
}

func sortAnswers(as []surveys.Answer) {
	for i := range as {
		for j := i + 1; j < len(as); j++ {
			if as[j].QuestionID < as[i].QuestionID {
				as[i], as[j] = as[j], as[i]
			}
		}
	}
}

// answerRow is every column of pulse_answers, read with plain SQL.
type answerRow struct {
	ID, ResponseID, QuestionID, Team string
	RunID                            int64
	Value                            *int
	Text, UserID                     *string
}

func rawAnswers(t *testing.T, db *storage.DB, runID int64) []answerRow {
	t.Helper()
	var rows []answerRow
	if err := db.Gorm.Raw("SELECT id, run_id, response_id, question_id, team, value, text, user_id FROM pulse_answers WHERE run_id = ?", runID).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestAnonymousAnswersHoldNoUserAndCloseScrubs asserts by querying the
// tables directly that an anonymous run stores no user id, no time and
// nothing shared with the ledger; that closing rewrites the answers with
// new ids and folds a team too small to report; and that a non-anonymous
// run does store the user.
func TestAnonymousAnswersHoldNoUserAndCloseScrubs(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewSurveyStore(db)
		users := []string{"UAAA1", "UAAA2", "UAAA3", "UAAA4", "UBBB1", "UBBB2"}
		ledger := append(pulsePeople("payments", users[:4]...), pulsePeople("search", users[4:]...)...)
		run, _ := st.CreateRun(ctx, testRun("devex", "cron:a", true), ledger)
		for i, p := range ledger {
			if _, err := st.MarkAnswered(ctx, run.ID, p.UserID); err != nil {
				t.Fatal(err)
			}
			r := surveys.Response{RunID: run.ID, Token: fmt.Sprintf("token%02d", i), Team: p.Team,
				Answers: []surveys.Answer{{QuestionID: "sat", Value: 1 + i%5}, {QuestionID: "why", Text: "comment by " + p.UserID[:2]}}}
			if err := st.SaveResponse(ctx, r, surveys.SaveNew); err != nil {
				t.Fatal(err)
			}
		}
		rows, err := db.Gorm.Raw("SELECT * FROM pulse_answers LIMIT 1").Rows()
		if err != nil {
			t.Fatal(err)
		}
		columns, _ := rows.Columns()
		rows.Close()
		for _, c := range columns {
			if c == "created_at" || c == "updated_at" || c == "answered_at" {
				t.Errorf("pulse_answers has a time column %q", c)
			}
		}
		before := rawAnswers(t, db, run.ID)
		checkNoUser := func(stage string, rows []answerRow) {
			for _, r := range rows {
				if r.UserID != nil {
					t.Errorf("%s: anonymous answer %s stores user id %q", stage, r.ID, *r.UserID)
				}
				for _, u := range users {
					for _, v := range []string{r.ID, r.ResponseID, r.Team, deref(r.Text)} {
						if v != "" && strings.Contains(v, u) {
							t.Errorf("%s: answer %s holds user id %s in %q", stage, r.ID, u, v)
						}
					}
				}
			}
		}
		checkNoUser("open", before)
		if _, err := st.CloseRun(ctx, run.ID, pulseT0.Add(72*time.Hour)); err != nil {
			t.Fatal(err)
		}
		after := rawAnswers(t, db, run.ID)
		checkNoUser("closed", after)
		if len(after) != len(before) {
			t.Fatalf("%d answers after close, want %d", len(after), len(before))
		}
		oldIDs := map[string]bool{}
		for _, r := range before {
			oldIDs[r.ID] = true
		}
		teams := map[string]int{}
		for _, r := range after {
			if oldIDs[r.ID] {
				t.Errorf("answer id %s survived the close; ids must be rewritten", r.ID)
			}
			teams[r.Team]++
		}
		// search (2 people) is below the minimum of 3: it is folded into "",
		// and so is payments, the next smallest (complementary suppression).
		if diff := cmp.Diff(map[string]int{"": 12}, teams); diff != "" {
			t.Errorf("teams after close mismatch (-want +got):\n%s", diff)
		}

		named, _ := st.CreateRun(ctx, testRun("named", "cron:a", false), pulsePeople("", "UNAMED1"))
		if err := st.SaveResponse(ctx, surveys.Response{RunID: named.ID, Token: "t", UserID: "UNAMED1",
			Answers: []surveys.Answer{{QuestionID: "sat", Value: 3}}}, surveys.SaveNew); err != nil {
			t.Fatal(err)
		}
		if got := rawAnswers(t, db, named.ID); len(got) != 1 || deref(got[0].UserID) != "UNAMED1" {
			t.Errorf("non-anonymous answers = %+v, want the user id stored", got)
		}
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func TestSurveyTally(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewSurveyStore(db)
		ledger := append(pulsePeople("payments", "U1", "U2", "U3"), pulsePeople("", "U4", "U5")...)
		run, _ := st.CreateRun(ctx, testRun("devex", "cron:a", true), ledger)
		for _, p := range ledger {
			_ = st.MarkDelivered(ctx, run.ID, p.UserID, "ts")
		}
		answers := map[string][]surveys.Answer{
			"U1": {{QuestionID: "sat", Value: 5}, {QuestionID: "nps", Value: 10}},
			"U2": {{QuestionID: "sat", Value: 4}, {QuestionID: "why", Text: "ok"}},
			"U4": {{QuestionID: "sat", Value: 4}},
		}
		team := map[string]string{"U1": "payments", "U2": "payments", "U4": ""}
		for u, as := range answers {
			if err := st.SaveResponse(ctx, surveys.Response{RunID: run.ID, Token: "t" + u, Team: team[u], Answers: as}, surveys.SaveNew); err != nil {
				t.Fatal(err)
			}
		}
		got, err := st.Tally(ctx, run.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := surveys.Tally{
			Asked: 5, AskedByTeam: map[string]int{"payments": 3, "": 2},
			Responses: 3, ByTeam: map[string]int{"payments": 2, "": 1},
			Counts: map[surveys.Cell]int{
				{Team: "payments", Question: "sat", Value: 5}: 1, {Team: "payments", Question: "sat", Value: 4}: 1,
				{Team: "payments", Question: "nps", Value: 10}: 1, {Team: "", Question: "sat", Value: 4}: 1,
			},
			Comments: []surveys.Comment{{QuestionID: "why", Text: "ok"}},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Tally mismatch (-want +got):\n%s", diff)
		}
	})
}

// TestSurveyWindows: a participant's planned time is stored with the
// ledger, and moving their window keeps the run open until it ends (never
// shortens it).
func TestSurveyWindows(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewSurveyStore(db)
		r := testRun("devex", "cron:w", true)
		people := pulsePeople("", "U1", "U2")
		later := r.StartedAt.Add(7 * time.Hour).UTC()
		people[1].AskedAt = later
		run, err := st.CreateRun(ctx, r, people)
		if err != nil {
			t.Fatal(err)
		}
		inv, err := st.Invitees(ctx, run.ID)
		if err != nil || len(inv) != 2 || !inv[0].AskedAt.IsZero() || !inv[1].AskedAt.Equal(later) {
			t.Fatalf("Invitees = %+v, %v; want U1 unplanned and U2 at %v", inv, err, later)
		}
		closes := run.ClosesAt.Add(5 * time.Hour)
		if err := st.MoveWindow(ctx, run.ID, "U2", later.Add(time.Hour), closes); err != nil {
			t.Fatal(err)
		}
		if err := st.MoveWindow(ctx, run.ID, "U1", run.StartedAt, run.ClosesAt.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		got, _ := st.Run(ctx, run.ID)
		p, _ := st.Participant(ctx, run.ID, "U2")
		if !got.ClosesAt.Equal(closes) || !p.AskedAt.Equal(later.Add(time.Hour)) {
			t.Errorf("after MoveWindow: run closes %v (want %v), U2 asked at %v (want %v)", got.ClosesAt, closes, p.AskedAt, later.Add(time.Hour))
		}
	})
}
