package surveys_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jonboulle/clockwork"

	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
	"github.com/platformbot/platformbot/surveys"
)

// directory is a hand-written Directory.
type directory struct {
	groups   map[string][]string
	channels map[string][]string
	bots     map[string]bool
}

func (d directory) UserGroupMembers(_ context.Context, id string) ([]string, error) {
	return d.groups[id], nil
}
func (d directory) ChannelMembers(_ context.Context, id string) ([]string, error) {
	return d.channels[id], nil
}
func (d directory) IsActiveHuman(_ context.Context, id string) (bool, error) { return !d.bots[id], nil }

// notices records what the service asked to send.
type notices struct {
	mu        sync.Mutex
	invites   map[int64][]string
	reminders map[int64][]string
	results   []surveys.Results
	// sends and remindSends are the invitations and reminders with each
	// person's time and close.
	sends, remindSends []surveys.Invitee
}

func newNotices() *notices {
	return &notices{invites: map[int64][]string{}, reminders: map[int64][]string{}}
}

func (n *notices) Invite(_ context.Context, run surveys.Run, invitees []surveys.Invitee) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, v := range invitees {
		n.invites[run.ID] = append(n.invites[run.ID], v.UserID)
		n.sends = append(n.sends, v)
	}
	return nil
}

func (n *notices) Remind(_ context.Context, run surveys.Run, invitees []surveys.Invitee) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, v := range invitees {
		n.reminders[run.ID] = append(n.reminders[run.ID], v.UserID)
		n.remindSends = append(n.remindSends, v)
	}
	return nil
}

func (n *notices) PublishResults(_ context.Context, res surveys.Results) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.results = append(n.results, res)
	return nil
}

// monday10 is 10:00:05 Berlin on a Monday of a week the survey runs in.
var monday10 = time.Date(2026, 1, 5, 10, 0, 5, 0, berlin)

func devex() surveys.Survey {
	s := biweekly()
	s.Title = "Developer experience"
	s.Audience = surveys.Audience{Users: []string{"U1", "U2"}, UserGroups: []string{"SDEVS"}, Channels: []string{"CENG"}}
	s.Questions = snap.Questions
	s.Anonymous, s.MinGroupSize = true, 3
	s.Window, s.Reminder = 72*time.Hour, 24*time.Hour
	s.ResultsChannel = "CRESULTS"
	return s
}

type fixture struct {
	svc     *surveys.Service
	store   *storage.SurveyStore
	clock   *clockwork.FakeClock
	notices *notices
}

func newFixture(t *testing.T, db *storage.DB, opts ...func(*surveys.Config)) fixture {
	f := fixture{store: storage.NewSurveyStore(db), clock: clockwork.NewFakeClockAt(monday10), notices: newNotices()}
	cfg := surveys.Config{
		Surveys: []surveys.Survey{devex()},
		Teams: []surveys.Team{
			{ID: "pay", Users: []string{"U1", "U2", "U3"}},
			{ID: "web", UserGroup: "SWEB"},
		},
		Store: f.store,
		Dir: directory{
			groups:   map[string][]string{"SDEVS": {"U2", "U3", "UBOT"}, "SWEB": {"U4"}},
			channels: map[string][]string{"CENG": {"U3", "U4", "U1"}},
			bots:     map[string]bool{"UBOT": true},
		},
		Notifier: f.notices,
		Clock:    f.clock,
	}
	for _, o := range opts {
		o(&cfg)
	}
	f.svc = surveys.New(cfg)
	return f
}

func TestStartResolvesAudienceOncePerOccurrence(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		run, started, err := f.svc.StartScheduled(ctx, "devex")
		if err != nil || !started {
			t.Fatalf("StartScheduled = %+v, %v, %v", run, started, err)
		}
		if _, again, err := f.svc.StartScheduled(ctx, "devex"); err != nil || again {
			t.Errorf("second StartScheduled of the same occurrence = started %v, %v; want a no-op", again, err)
		}
		want := []string{"U1", "U2", "U3", "U4", "UBOT"}
		if diff := cmp.Diff(want, f.notices.invites[run.ID]); diff != "" {
			t.Errorf("invitations mismatch (-want +got):\n%s", diff)
		}
		teams := map[string]string{}
		for _, u := range want {
			p, err := f.store.Participant(ctx, run.ID, u)
			if err != nil {
				t.Fatal(err)
			}
			teams[u] = p.Team
		}
		// web has one member in the audience, below the minimum of 3: its
		// member is recorded with no team.
		if diff := cmp.Diff(map[string]string{"U1": "pay", "U2": "pay", "U3": "pay", "U4": "", "UBOT": ""}, teams); diff != "" {
			t.Errorf("teams mismatch (-want +got):\n%s", diff)
		}
		if run.Audience != 5 || !run.ClosesAt.Equal(monday10.Add(72*time.Hour).UTC()) || run.Title != "Developer experience" {
			t.Errorf("run = %+v", run)
		}

		f.clock.Advance(7 * 24 * time.Hour) // an odd week: skipped
		if _, started, err := f.svc.StartScheduled(ctx, "devex"); started || err != nil {
			t.Errorf("StartScheduled in a skipped week = %v, %v; want nothing", started, err)
		}
	})
}

func TestStartNowRefusesWhileOpenAndClosesOverdueRuns(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		first, err := f.svc.StartNow(ctx, "devex", "UADMIN")
		if err != nil {
			t.Fatal(err)
		}
		var open *surveys.OpenRunError
		if _, err := f.svc.StartNow(ctx, "devex", "UADMIN"); !errors.As(err, &open) || open.Run.ID != first.ID {
			t.Fatalf("StartNow while open error = %v, want OpenRunError for run %d", err, first.ID)
		}
		var unknown *surveys.UnknownSurveyError
		if _, err := f.svc.StartNow(ctx, "nope", "UADMIN"); !errors.As(err, &unknown) {
			t.Errorf("StartNow(nope) error = %v, want UnknownSurveyError", err)
		}
		f.clock.Advance(73 * time.Hour) // past the window, before any tick
		second, err := f.svc.StartNow(ctx, "devex", "UADMIN")
		if err != nil {
			t.Fatalf("StartNow after the window: %v", err)
		}
		if old, _ := f.store.Run(ctx, first.ID); old.State != surveys.Closed || second.ID == first.ID {
			t.Errorf("old run %s, new run %d; want the old one closed and a new one", old.State, second.ID)
		}
	})
}

func TestAnswerFlow(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		run, err := f.svc.StartNow(ctx, "devex", "UADMIN")
		if err != nil {
			t.Fatal(err)
		}
		tap, err := f.svc.Answer(ctx, surveys.Submission{RunID: run.ID, UserID: "U1", Channel: "DU1",
			Answers: []surveys.Answer{{QuestionID: "sat", Value: 4}}})
		if err != nil {
			t.Fatal(err)
		}
		if tap.Token == "" || len(tap.Answers) != 1 || len(tap.Remaining) != 3 || tap.Participant.Channel != "DU1" {
			t.Fatalf("receipt after a tap = %+v", tap)
		}
		steps := []struct {
			name    string
			sub     surveys.Submission
			wantErr error
			want    []surveys.Answer
		}{
			{name: "second first answer", sub: surveys.Submission{UserID: "U1", Answers: []surveys.Answer{{QuestionID: "sat", Value: 1}}},
				wantErr: surveys.ErrAnswered},
			{name: "the rest", sub: surveys.Submission{UserID: "U1", Token: tap.Token, Answers: []surveys.Answer{{QuestionID: "nps", Value: 9}, {QuestionID: "why", Text: "  fast CI "}, {QuestionID: "tool", Value: 1}}},
				want: []surveys.Answer{{QuestionID: "sat", Value: 4}, {QuestionID: "nps", Value: 9}, {QuestionID: "tool", Value: 1}, {QuestionID: "why", Text: "fast CI"}}},
			{name: "change", sub: surveys.Submission{UserID: "U1", Token: tap.Token, Replace: true, Answers: []surveys.Answer{{QuestionID: "sat", Value: 2}, {QuestionID: "why", Text: ""}}},
				want: []surveys.Answer{{QuestionID: "sat", Value: 2}}},
			{name: "out of range", sub: surveys.Submission{UserID: "U2", Answers: []surveys.Answer{{QuestionID: "sat", Value: 7}}},
				wantErr: &surveys.InputError{}},
			{name: "nothing", sub: surveys.Submission{UserID: "U2", Answers: []surveys.Answer{{QuestionID: "why", Text: " "}}},
				wantErr: surveys.ErrNothingAnswered},
			{name: "not invited", sub: surveys.Submission{UserID: "U9", Answers: []surveys.Answer{{QuestionID: "sat", Value: 3}}},
				wantErr: surveys.ErrNotInvited},
			{name: "someone else's token, not answered", sub: surveys.Submission{UserID: "U2", Token: tap.Token, Answers: []surveys.Answer{{QuestionID: "sat", Value: 1}}},
				wantErr: surveys.ErrUnknownResponse},
		}
		for _, s := range steps {
			s.sub.RunID = run.ID
			rc, err := f.svc.Answer(ctx, s.sub)
			switch {
			case s.wantErr != nil:
				var ie *surveys.InputError
				if !errors.Is(err, s.wantErr) && !(errors.As(s.wantErr, &ie) && errors.As(err, &ie)) {
					t.Errorf("%s: error = %v, want %v", s.name, err, s.wantErr)
				}
			case err != nil:
				t.Errorf("%s: %v", s.name, err)
			default:
				if diff := cmp.Diff(s.want, rc.Answers); diff != "" {
					t.Errorf("%s: answers mismatch (-want +got):\n%s", s.name, diff)
				}
			}
		}
		if _, err := f.svc.Form(ctx, run.ID, "U1", ""); !errors.Is(err, surveys.ErrAnswered) {
			t.Errorf("Form for someone who answered = %v, want ErrAlreadyAnswered", err)
		}
		if rc, err := f.svc.Form(ctx, run.ID, "U1", tap.Token); err != nil || len(rc.Answers) != 1 {
			t.Errorf("Form with the token = %+v, %v; want the one answer", rc, err)
		}
		f.clock.Advance(72 * time.Hour)
		var closed *surveys.ClosedError
		if _, err := f.svc.Answer(ctx, surveys.Submission{RunID: run.ID, UserID: "U3", Answers: []surveys.Answer{{QuestionID: "sat", Value: 3}}}); !errors.As(err, &closed) {
			t.Errorf("late answer error = %v, want ClosedError", err)
		}
	})
}

func TestTickRemindsNonRespondentsOnceThenClosesAndPublishes(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		run, err := f.svc.StartNow(ctx, "devex", "UADMIN")
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range []string{"U1", "U2", "U3", "U4", "UBOT"} {
			ok, reason, err := f.svc.ShouldInvite(ctx, run.ID, u)
			if err != nil {
				t.Fatal(err)
			}
			if ok != (u != "UBOT") {
				t.Errorf("ShouldInvite(%s) = %v (%s)", u, ok, reason)
			}
			if ok {
				_ = f.svc.Delivered(ctx, run.ID, u, "ts-"+u)
			}
		}
		for _, u := range []string{"U1", "U2", "U3"} {
			if _, err := f.svc.Answer(ctx, surveys.Submission{RunID: run.ID, UserID: u, Answers: []surveys.Answer{{QuestionID: "sat", Value: 5}}}); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.svc.Tick(ctx); err != nil || len(f.notices.reminders) != 0 {
			t.Fatalf("early Tick = %v, reminders %v; want none yet", err, f.notices.reminders)
		}
		f.clock.Advance(24 * time.Hour)
		for range 2 {
			if err := f.svc.Tick(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if diff := cmp.Diff(map[int64][]string{run.ID: {"U4"}}, f.notices.reminders); diff != "" {
			t.Errorf("reminders mismatch (-want +got):\n%s", diff)
		}
		if ok, _, _ := f.svc.ShouldRemind(ctx, run.ID, "U1"); ok {
			t.Error("ShouldRemind(U1) after U1 answered = true")
		}
		if waiting, _ := f.svc.Waiting(ctx, "U4"); len(waiting) != 1 {
			t.Errorf("Waiting(U4) = %d runs, want 1", len(waiting))
		}
		f.clock.Advance(48 * time.Hour)
		for range 2 {
			if err := f.svc.Tick(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if len(f.notices.results) != 1 {
			t.Fatalf("results published %d times, want once", len(f.notices.results))
		}
		res := f.notices.results[0]
		if res.Hidden || res.Responses != 3 || res.Asked != 4 || res.Questions[0].Mean != 5 {
			t.Errorf("published results = %+v", res)
		}
		if pending, _ := f.store.PendingRuns(ctx); len(pending) != 0 {
			t.Errorf("pending runs after close = %d, want 0", len(pending))
		}
		if ok, reason, _ := f.svc.ShouldInvite(ctx, run.ID, "U4"); ok || !slices.Contains([]string{"the run has closed"}, reason) {
			t.Errorf("ShouldInvite after close = %v (%s)", ok, reason)
		}
	})
}
