package surveys_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
	"github.com/platformbot/platformbot/surveys"
)

// planned asks each user a fixed time after the run starts, as a Planner
// would for people in zones further west.
type planned map[string]time.Duration

func (p planned) Plan(_ context.Context, users []string, t time.Time, _ surveys.Schedule) map[string]time.Time {
	out := map[string]time.Time{}
	for _, u := range users {
		out[u] = t.Add(p[u])
	}
	return out
}

// TestWindowsArePerPerson: people asked later (their zone's morning) get
// the whole window and their reminder from when they are asked, answers
// are refused past their own close only, the run closes when the last
// window ends, and a send held long past its plan (Do Not Disturb) moves
// that person's window.
func TestWindowsArePerPerson(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		// U1 at the start, U3 6 h later, U4 10 h later; U2 and UBOT at once.
		plan := planned{"U3": 6 * time.Hour, "U4": 10 * time.Hour}
		f := newFixture(t, db, func(c *surveys.Config) { c.Planner = plan })
		start := f.clock.Now().UTC()
		run, err := f.svc.StartNow(ctx, "devex", "UADMIN")
		if err != nil {
			t.Fatal(err)
		}
		const window, reminder = 72 * time.Hour, 24 * time.Hour
		if !run.ClosesAt.Equal(start.Add(10*time.Hour + window)) {
			t.Errorf("run closes %v, want the last window's end %v", run.ClosesAt, start.Add(10*time.Hour+window))
		}
		if !run.RemindAt.Equal(start.Add(reminder)) {
			t.Errorf("first reminder due %v, want %v", run.RemindAt, start.Add(reminder))
		}
		at := map[string]surveys.Invitee{}
		for _, v := range f.notices.sends {
			at[v.UserID] = v
		}
		for u, d := range map[string]time.Duration{"U1": 0, "U3": 6 * time.Hour, "U4": 10 * time.Hour} {
			if v := at[u]; !v.At.Equal(start.Add(d)) || !v.Closes.Equal(start.Add(d+window)) {
				t.Errorf("%s invited at %v closing %v, want %v closing %v", u, v.At, v.Closes, start.Add(d), start.Add(d+window))
			}
		}
		for _, u := range []string{"U1", "U3", "U4"} {
			if u == "U4" {
				// U4's invitation is held 3 h past its plan by Do Not
				// Disturb: their window starts when it goes.
				f.clock.Advance(13 * time.Hour)
			}
			if ok, reason, err := f.svc.ShouldInvite(ctx, run.ID, u); !ok || err != nil {
				t.Fatalf("ShouldInvite(%s) = %v (%s), %v", u, ok, reason, err)
			}
			if err := f.svc.Delivered(ctx, run.ID, u, "ts-"+u); err != nil {
				t.Fatal(err)
			}
		}
		moved, err := f.svc.Run(ctx, run.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := start.Add(13*time.Hour + window); !moved.ClosesAt.Equal(want) {
			t.Errorf("after U4's late send the run closes %v, want %v", moved.ClosesAt, want)
		}

		// Reminders: each person's own, Reminder after they were asked.
		f.clock.Advance(start.Add(reminder).Sub(f.clock.Now()))
		if err := f.svc.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		rem := map[string]time.Time{}
		for _, v := range f.notices.remindSends {
			rem[v.UserID] = v.At
		}
		for u, d := range map[string]time.Duration{"U1": reminder, "U3": 6*time.Hour + reminder, "U4": 13*time.Hour + reminder} {
			if !rem[u].Equal(start.Add(d)) {
				t.Errorf("%s reminded at %v, want %v", u, rem[u], start.Add(d))
			}
		}

		// Past U1's close, U1 may not answer; U3 still may.
		f.clock.Advance(start.Add(window + time.Hour).Sub(f.clock.Now()))
		answer := func(u string) error {
			_, err := f.svc.Answer(ctx, surveys.Submission{RunID: run.ID, UserID: u, Answers: []surveys.Answer{{QuestionID: "sat", Value: 4}}})
			return err
		}
		var closed *surveys.ClosedError
		if err := answer("U1"); !errors.As(err, &closed) || !closed.ClosedAt.Equal(start.Add(window)) {
			t.Errorf("U1 answering after their window = %v, want closed at %v", err, start.Add(window))
		}
		if err := answer("U3"); err != nil {
			t.Errorf("U3 answering inside their window = %v", err)
		}
		if ok, reason, _ := f.svc.ShouldRemind(ctx, run.ID, "U1"); ok {
			t.Errorf("ShouldRemind(U1) after their window = true (%s)", reason)
		}
		if err := f.svc.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		if r, _ := f.svc.Run(ctx, run.ID); r.State != surveys.Open {
			t.Errorf("run state %s while U4's window is open", r.State)
		}
		if w, _ := f.svc.Waiting(ctx, "U1"); len(w) != 0 {
			t.Errorf("Waiting(U1) after their window = %d runs, want none", len(w))
		}
		if w, _ := f.svc.Waiting(ctx, "U4"); len(w) != 1 {
			t.Errorf("Waiting(U4) = %d runs, want 1", len(w))
		}

		// The run closes when the last window ends.
		f.clock.Advance(start.Add(13*time.Hour + window).Sub(f.clock.Now()))
		if err := f.svc.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		if r, _ := f.svc.Run(ctx, run.ID); r.State != surveys.Closed {
			t.Errorf("run state %s after the last window", r.State)
		}
	})
}
