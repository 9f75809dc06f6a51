package storage_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/platformbot/platformbot/previews"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

var pvStart = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func pvPreview(id string, maxSeats int, anonymous bool) previews.Preview {
	return previews.Preview{
		ID: id, Name: "Fast CI", Owner: "UOWNER", Channel: "CPREVIEW", MaxParticipants: maxSeats,
		Start: "2026-03-02", End: "2026-03-29", StartAt: pvStart.Truncate(24 * time.Hour), EndAt: time.Date(2026, 3, 30, 0, 0, 0, 0, time.UTC),
		Source: previews.Configured,
		Feedback: previews.Feedback{
			Points:    []previews.Point{{After: 7 * 24 * time.Hour}, {AtEnd: true}},
			Questions: []previews.Question{{ID: "rating", Kind: previews.Rating, Text: "How is it?"}, {ID: "better", Kind: previews.Text, Text: "What would help?"}},
			Window:    7 * 24 * time.Hour, Reminder: 48 * time.Hour, Anonymous: anonymous, MinGroupSize: 3,
		},
	}
}

func pvStore(t *testing.T, db *storage.DB, p previews.Preview) *storage.PreviewStore {
	t.Helper()
	st := storage.NewPreviewStore(db)
	if err := st.SavePreview(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return st
}

func pvJoin(t *testing.T, st *storage.PreviewStore, id, user string, at time.Time) previews.Change {
	t.Helper()
	ch, err := st.Join(context.Background(), previews.JoinRequest{PreviewID: id, UserID: user, Automation: true, At: at})
	if err != nil {
		t.Fatalf("join %s: %v", user, err)
	}
	return ch
}

// TestPreviewFiftyJoinsForTheLastSeat races 50 joins for the one seat
// left: exactly one gets it, the others queue with distinct positions.
func TestPreviewFiftyJoinsForTheLastSeat(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		st := pvStore(t, db, pvPreview("fast-ci", 10, false))
		for i := range 9 {
			pvJoin(t, st, "fast-ci", fmt.Sprintf("USEAT%04d", i), pvStart)
		}
		const racers = 50
		var wg sync.WaitGroup
		start := make(chan struct{})
		changes := make([]previews.Change, racers)
		errs := make([]error, racers)
		for i := range racers {
			wg.Go(func() {
				<-start
				changes[i], errs[i] = st.Join(context.Background(), previews.JoinRequest{
					PreviewID: "fast-ci", UserID: fmt.Sprintf("URACE%04d", i), At: pvStart.Add(time.Hour),
				})
			})
		}
		close(start)
		wg.Wait()
		seated, positions := 0, map[int]bool{}
		for i, ch := range changes {
			if errs[i] != nil {
				t.Fatalf("racer %d: %v", i, errs[i])
			}
			switch ch.Participant.State {
			case previews.Active:
				seated++
			case previews.Waitlisted:
				positions[ch.Participant.Position] = true
			}
		}
		if seated != 1 {
			t.Errorf("%d racers got a seat, want exactly 1", seated)
		}
		for p := 1; p <= racers-1; p++ {
			if !positions[p] {
				t.Errorf("no racer got waitlist position %d (positions %v)", p, positions)
			}
		}
		counts, err := st.Counts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if want := (previews.Counts{Active: 10, Waitlisted: 49}); counts["fast-ci"] != want {
			t.Errorf("counts = %+v, want %+v", counts["fast-ci"], want)
		}
	})
}

// TestPreviewDoubleClickJoinsOnce sends 50 joins of one person at once.
func TestPreviewDoubleClickJoinsOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		st := pvStore(t, db, pvPreview("fast-ci", 0, false))
		var wg sync.WaitGroup
		already := make([]bool, 50)
		for i := range already {
			wg.Go(func() {
				ch, err := st.Join(context.Background(), previews.JoinRequest{PreviewID: "fast-ci", UserID: "UDOUBLE", At: pvStart})
				if err != nil {
					t.Error(err)
				}
				already[i] = ch.Already
			})
		}
		wg.Wait()
		fresh := 0
		for _, a := range already {
			if !a {
				fresh++
			}
		}
		if fresh != 1 {
			t.Errorf("%d of 50 clicks joined, want 1 (the others Already)", fresh)
		}
		p, err := st.Participant(context.Background(), "fast-ci", "UDOUBLE")
		if err != nil {
			t.Fatal(err)
		}
		if p.Generation != 1 || p.State != previews.Active {
			t.Errorf("participant = %+v, want one active join", p)
		}
	})
}

// TestPreviewWaitlistPromotedInOrder: seats freed by leavers go to the
// waitlist in the order people joined it, with a DM owed and the
// automation pending; leaving the waitlist frees nothing.
func TestPreviewWaitlistPromotedInOrder(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := pvStore(t, db, pvPreview("fast-ci", 2, false))
		for i, u := range []string{"UA", "UB", "UC", "UD", "UE"} {
			pvJoin(t, st, "fast-ci", u, pvStart.Add(time.Duration(i)*time.Minute))
		}
		leave := func(u string) []string {
			t.Helper()
			ch, err := st.Leave(ctx, "fast-ci", u, true, pvStart.Add(time.Hour))
			if err != nil {
				t.Fatalf("leave %s: %v", u, err)
			}
			var got []string
			for _, p := range ch.Promoted {
				if !p.NoticeOwed || p.Automation != previews.AutomationPending || p.State != previews.Active {
					t.Errorf("promoted %+v: want active, notice owed, automation pending", p)
				}
				got = append(got, p.UserID)
			}
			return got
		}
		if got := leave("UA"); !slices.Equal(got, []string{"UC"}) {
			t.Errorf("after UA left, promoted %v, want [UC]", got)
		}
		if got := leave("UD"); got != nil {
			t.Errorf("a waitlisted person leaving promoted %v", got)
		}
		if p, _ := st.Participant(ctx, "fast-ci", "UE"); p.Position != 1 {
			t.Errorf("UE at position %d after UD left, want 1", p.Position)
		}
		if got := leave("UB"); !slices.Equal(got, []string{"UE"}) {
			t.Errorf("after UB left, promoted %v, want [UE]", got)
		}
		a, err := st.Participant(ctx, "fast-ci", "UA")
		if err != nil {
			t.Fatal(err)
		}
		if a.State != previews.Left || a.Automation != previews.AutomationLeaving {
			t.Errorf("UA = %+v, want left with the leave call owed", a)
		}
		if _, err := st.Leave(ctx, "fast-ci", "UA", true, pvStart); !errors.Is(err, previews.ErrNotIn) {
			t.Errorf("leaving twice: %v, want ErrNotIn", err)
		}
		// Joining again is a new generation at the back of the queue.
		ch := pvJoin(t, st, "fast-ci", "UA", pvStart.Add(2*time.Hour))
		if ch.Participant.State != previews.Waitlisted || ch.Participant.Generation != 2 || ch.Before != previews.Left {
			t.Errorf("rejoin = %+v, want waitlisted generation 2", ch)
		}
	})
}

// TestPreviewRaisedCapPromotes: raising the cap in the configuration frees
// seats that Rebalance (and the next join) hand to the waitlist first.
func TestPreviewRaisedCapPromotes(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		p := pvPreview("fast-ci", 1, false)
		st := pvStore(t, db, p)
		for _, u := range []string{"UA", "UB", "UC"} {
			pvJoin(t, st, "fast-ci", u, pvStart)
		}
		p.MaxParticipants = 3
		if err := st.SavePreview(ctx, p); err != nil {
			t.Fatal(err)
		}
		ch := pvJoin(t, st, "fast-ci", "UD", pvStart.Add(time.Minute))
		var promoted []string
		for _, x := range ch.Promoted {
			promoted = append(promoted, x.UserID)
		}
		if !slices.Equal(promoted, []string{"UB", "UC"}) || ch.Participant.State != previews.Waitlisted {
			t.Errorf("join after raising the cap: promoted %v, joiner %s; want [UB UC] promoted and UD waitlisted", promoted, ch.Participant.State)
		}
		p.MaxParticipants = 0
		if err := st.SavePreview(ctx, p); err != nil {
			t.Fatal(err)
		}
		rb, err := st.Rebalance(ctx, "fast-ci", false, pvStart.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(rb.Promoted) != 1 || rb.Promoted[0].UserID != "UD" {
			t.Errorf("rebalance with no cap promoted %+v, want UD", rb.Promoted)
		}
	})
}

func TestPreviewCreateAndSync(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewPreviewStore(db)
		p := pvPreview("new-ui", 5, true)
		p.Source, p.CreatedBy, p.CreatedAt = previews.Created, "UADMIN", pvStart
		if err := st.CreatePreview(ctx, p); err != nil {
			t.Fatal(err)
		}
		if err := st.CreatePreview(ctx, p); !errors.Is(err, previews.ErrDuplicate) {
			t.Errorf("second create: %v, want ErrDuplicate", err)
		}
		got, err := st.Preview(ctx, "new-ui")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(p, got); diff != "" {
			t.Errorf("stored preview mismatch (-want +got):\n%s", diff)
		}
		if _, err := st.Preview(ctx, "nope"); !errors.Is(err, previews.ErrNotFound) {
			t.Errorf("unknown preview: %v", err)
		}
	})
}

// TestPreviewFeedbackLedger: asks are created once, a first answer is
// taken once, later answers need the token, and closing an anonymous
// preview rewrites its answers and refuses new ones.
func TestPreviewFeedbackLedger(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := pvStore(t, db, pvPreview("fast-ci", 0, true))
		pvJoin(t, st, "fast-ci", "UA", pvStart)
		pvJoin(t, st, "fast-ci", "UB", pvStart.Add(48*time.Hour))
		due, err := st.DueAfter(ctx, "fast-ci", "after-7d", pvStart.Add(24*time.Hour))
		if err != nil || !slices.Equal(due, []string{"UA"}) {
			t.Fatalf("due = %v, %v; want [UA]", due, err)
		}
		ask := previews.Ask{PreviewID: "fast-ci", PointID: "after-7d", UserID: "UA", AskedAt: pvStart, ClosesAt: pvStart.Add(7 * 24 * time.Hour), RemindAt: pvStart.Add(time.Hour)}
		for range 2 {
			if err := st.CreateAsks(ctx, []previews.Ask{ask}); err != nil {
				t.Fatal(err)
			}
		}
		if due, _ := st.DueAfter(ctx, "fast-ci", "after-7d", pvStart.Add(24*time.Hour)); len(due) != 0 {
			t.Errorf("still due after the ask: %v", due)
		}
		un, err := st.Uninvited(ctx, "fast-ci")
		if err != nil || len(un) != 1 {
			t.Fatalf("uninvited = %v, %v", un, err)
		}
		if err := st.MarkInvited(ctx, un); err != nil {
			t.Fatal(err)
		}
		if rem, _ := st.DueReminders(ctx, "fast-ci", pvStart.Add(2*time.Hour)); len(rem) != 0 {
			t.Errorf("reminder due before delivery: %v", rem)
		}
		if err := st.MarkDelivered(ctx, "fast-ci", "after-7d", "UA"); err != nil {
			t.Fatal(err)
		}
		if rem, _ := st.DueReminders(ctx, "fast-ci", pvStart.Add(2*time.Hour)); len(rem) != 1 {
			t.Errorf("reminders due = %v, want UA's", rem)
		}
		if err := st.MarkAnswered(ctx, "fast-ci", "after-7d", "UA"); err != nil {
			t.Fatal(err)
		}
		if err := st.MarkAnswered(ctx, "fast-ci", "after-7d", "UA"); !errors.Is(err, previews.ErrAnswered) {
			t.Errorf("second answer: %v, want ErrAnswered", err)
		}
		if err := st.MarkAnswered(ctx, "fast-ci", "end", "UA"); !errors.Is(err, previews.ErrNotFound) {
			t.Errorf("answer without an ask: %v, want ErrNotFound", err)
		}
		r := previews.Response{PreviewID: "fast-ci", PointID: "after-7d", Token: "tok1", Answers: []previews.Answer{{QuestionID: "rating", Value: 4}}}
		if err := st.SaveResponse(ctx, r, false); err != nil {
			t.Fatal(err)
		}
		if err := st.SaveResponse(ctx, previews.Response{PreviewID: "fast-ci", PointID: "after-7d", Token: "nope",
			Answers: []previews.Answer{{QuestionID: "better", Text: "x"}}}, true); !errors.Is(err, previews.ErrNotFound) {
			t.Errorf("merge with an unknown token: %v", err)
		}
		r.Answers = []previews.Answer{{QuestionID: "better", Text: "faster caches"}, {QuestionID: "rating", Value: 5}}
		if err := st.SaveResponse(ctx, r, true); err != nil {
			t.Fatal(err)
		}
		got, _ := st.ResponseAnswers(ctx, "fast-ci", "tok1")
		if len(got) != 2 {
			t.Errorf("response has %d answers after the merge, want 2: %+v", len(got), got)
		}
		pvCloseAnonymous(t, db, st)
	})
}

func pvCloseAnonymous(t *testing.T, db *storage.DB, st *storage.PreviewStore) {
	ctx := context.Background()
	var before []string
	db.Gorm.Raw("SELECT id FROM preview_answers ORDER BY id").Scan(&before)
	closed, err := st.CloseFeedback(ctx, "fast-ci", true)
	if err != nil || !closed {
		t.Fatalf("close = %v, %v", closed, err)
	}
	if again, _ := st.CloseFeedback(ctx, "fast-ci", true); again {
		t.Error("closed twice")
	}
	var after []string
	db.Gorm.Raw("SELECT id FROM preview_answers ORDER BY id").Scan(&after)
	if len(after) != len(before) || len(after) == 0 {
		t.Fatalf("%d answers before closing, %d after", len(before), len(after))
	}
	for _, id := range after {
		if slices.Contains(before, id) {
			t.Errorf("answer id %s survived the rewrite", id)
		}
	}
	var users int64
	db.Gorm.Raw("SELECT count(*) FROM preview_answers WHERE user_id IS NOT NULL OR answered_at IS NOT NULL").Scan(&users)
	if users != 0 {
		t.Errorf("%d anonymous answers name a person or a time", users)
	}
	err = st.SaveResponse(ctx, previews.Response{PreviewID: "fast-ci", PointID: "end", Token: "late", Answers: []previews.Answer{{QuestionID: "rating", Value: 1}}}, false)
	if !errors.Is(err, previews.ErrFeedbackClosed) {
		t.Errorf("answer after close: %v, want ErrFeedbackClosed", err)
	}
}

// TestPreviewActiveAtEnd: the end point asks those seated at the end,
// including people who left after it, but not those who left before.
func TestPreviewActiveAtEnd(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		p := pvPreview("fast-ci", 0, false)
		st := pvStore(t, db, p)
		for _, u := range []string{"UA", "UB", "UC"} {
			pvJoin(t, st, "fast-ci", u, pvStart)
		}
		if _, err := st.Leave(ctx, "fast-ci", "UB", false, p.EndAt.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Leave(ctx, "fast-ci", "UC", false, p.EndAt.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		got, err := st.ActiveAt(ctx, "fast-ci", "end", p.EndAt)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, []string{"UA", "UC"}) {
			t.Errorf("seated at the end: %v, want [UA UC]", got)
		}
	})
}

// TestPreviewAutomationStateByGeneration: a hook of an older generation
// changes nothing.
func TestPreviewAutomationStateByGeneration(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := pvStore(t, db, pvPreview("fast-ci", 0, false))
		pvJoin(t, st, "fast-ci", "UA", pvStart)
		ok, err := st.SetAutomation(ctx, "fast-ci", "UA", 2, []previews.AutomationState{previews.AutomationPending}, previews.AutomationEnabled)
		if err != nil || ok {
			t.Errorf("generation 2 hook applied to generation 1: %v, %v", ok, err)
		}
		ok, err = st.SetAutomation(ctx, "fast-ci", "UA", 1, []previews.AutomationState{previews.AutomationPending}, previews.AutomationEnabled)
		if err != nil || !ok {
			t.Errorf("generation 1 hook: %v, %v", ok, err)
		}
		owed, err := st.OwedSends(ctx, "fast-ci", pvStart.Add(-time.Hour))
		if err != nil || len(owed) != 0 {
			t.Errorf("owed after enabling = %+v, %v", owed, err)
		}
	})
}
