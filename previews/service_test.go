package previews_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jonboulle/clockwork"

	"github.com/platformbot/platformbot/previews"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// start is Monday 2026-03-02 09:00 UTC, the first day of the test preview.
var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// notices records what the service asked to send.
type notices struct {
	mu         sync.Mutex
	fail       error           // returned by Automation and Promoted while set
	announced  map[string]bool // preview:day
	promoted   []string        // user
	automation []string        // user:action:generation
	asks       []string        // point:user
	reminders  []string        // point:user
}

func (n *notices) Announce(_ context.Context, p previews.Preview, day string) (bool, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	k := p.ID + ":" + day
	fresh := !n.announced[k]
	n.announced[k] = true
	return fresh, nil
}

func (n *notices) Promoted(_ context.Context, _ previews.Preview, part previews.Participant) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.fail != nil {
		return n.fail
	}
	n.promoted = append(n.promoted, part.UserID)
	return nil
}

func (n *notices) Automation(_ context.Context, _ previews.Preview, part previews.Participant, a previews.Action) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.fail != nil {
		return n.fail
	}
	n.automation = append(n.automation, fmt.Sprintf("%s:%s:%d", part.UserID, a, part.Generation))
	return nil
}

func (n *notices) AskFeedback(_ context.Context, _ previews.Preview, asks []previews.Ask, reminder bool) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, a := range asks {
		if reminder {
			n.reminders = append(n.reminders, a.PointID+":"+a.UserID)
		} else {
			n.asks = append(n.asks, a.PointID+":"+a.UserID)
		}
	}
	return nil
}

type dir map[string][]string

func (d dir) UserGroupMembers(_ context.Context, id string) ([]string, error) { return d[id], nil }

// fastCI is a configured preview: 4 weeks from start, 2 seats, feedback a
// week after joining and at the end.
func fastCI(anonymous bool) previews.Preview {
	s, e, _ := previews.DateSpan("2026-03-02", "2026-03-29", time.UTC)
	return previews.Preview{
		ID: "fast-ci", Name: "Fast CI runners", Description: "Twice the cores.", Owner: "UOWNER", Channel: "CPREVIEWS",
		MaxParticipants: 2, Start: "2026-03-02", End: "2026-03-29", StartAt: s, EndAt: e, Automation: true,
		Feedback: previews.Feedback{
			Points: []previews.Point{{After: 7 * 24 * time.Hour}, {AtEnd: true}},
			Questions: []previews.Question{
				{ID: "rating", Kind: previews.Rating, Text: "How are the runners?"},
				{ID: "speed", Kind: previews.Rating, Text: "How fast are builds?"},
				{ID: "better", Kind: previews.Text, Text: "What would make them better?"},
			},
			Window: 7 * 24 * time.Hour, Reminder: 48 * time.Hour, Anonymous: anonymous, MinGroupSize: 3,
		},
	}
}

type fixture struct {
	svc   *previews.Service
	n     *notices
	clock *clockwork.FakeClock
	store *storage.PreviewStore
}

func newFixture(t *testing.T, ps ...previews.Preview) *fixture {
	t.Helper()
	db := storagetest.SQLite(t)
	f := &fixture{n: &notices{announced: map[string]bool{}}, clock: clockwork.NewFakeClockAt(start), store: storage.NewPreviewStore(db)}
	f.svc = previews.New(previews.Config{
		Configured: ps, Store: f.store, Notifier: f.n, Clock: f.clock, Dir: dir{"SPAY": {"UB"}},
		Teams: []previews.Team{{ID: "payments", Name: "Payments", Users: []string{"UA"}, UserGroup: "SPAY"}, {ID: "search", Name: "Search", Users: []string{"UC"}}},
	})
	if err := f.svc.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) join(t *testing.T, user string) previews.Membership {
	t.Helper()
	m, err := f.svc.Join(context.Background(), "fast-ci", user)
	if err != nil {
		t.Fatalf("join %s: %v", user, err)
	}
	return m
}

func TestJoinLeaveCallsAutomationAndPromotes(t *testing.T) {
	f := newFixture(t, fastCI(false))
	ctx := context.Background()
	a, b, c := f.join(t, "UA"), f.join(t, "UB"), f.join(t, "UC")
	if a.Participant.State != previews.Active || b.Participant.State != previews.Active {
		t.Fatalf("first two: %s, %s; want active", a.Participant.State, b.Participant.State)
	}
	if c.Participant.State != previews.Waitlisted || c.Participant.Position != 1 {
		t.Fatalf("third = %+v, want waitlisted at 1", c.Participant)
	}
	if again := f.join(t, "UA"); !again.Already {
		t.Error("joining twice changed something")
	}
	if _, err := f.svc.Leave(ctx, "fast-ci", "UA"); err != nil {
		t.Fatal(err)
	}
	want := []string{"UA:join:1", "UB:join:1", "UA:leave:1", "UC:join:1"}
	if diff := cmp.Diff(want, f.n.automation); diff != "" {
		t.Errorf("automation calls mismatch (-want +got):\n%s", diff)
	}
	if !slices.Equal(f.n.promoted, []string{"UC"}) {
		t.Errorf("promoted = %v, want [UC]", f.n.promoted)
	}
	p, _ := f.svc.Participant(ctx, "fast-ci", "UC")
	if p.NoticeOwed {
		t.Error("the promotion DM is still owed after it was queued")
	}
	if p.Team != "search" {
		t.Errorf("UC's team = %q, want search", p.Team)
	}
	var notIn *previews.NotInError
	if _, err := f.svc.Leave(ctx, "fast-ci", "UZ"); !errors.As(err, &notIn) {
		t.Errorf("leaving without joining: %v", err)
	}
	if err := f.svc.AutomationDone(ctx, "fast-ci", "UB", 1, previews.Join); err != nil {
		t.Fatal(err)
	}
	mine, err := f.svc.Mine(ctx, "UB")
	if err != nil || len(mine) != 1 || mine[0].Participant.Automation != previews.AutomationEnabled {
		t.Errorf("UB's memberships = %+v, %v; want fast-ci with the automation enabled", mine, err)
	}
}

// TestTickQueuesWhatWasOwed: when the outbox cannot take the automation
// call or the promotion DM (the database blinked, the process died), the
// join and leave stand and the next tick queues what is owed.
func TestTickQueuesWhatWasOwed(t *testing.T) {
	f := newFixture(t, fastCI(false))
	ctx := context.Background()
	f.join(t, "UA")
	f.join(t, "UB")
	f.join(t, "UC")
	f.n.fail = errors.New("outbox down")
	var later *previews.LaterError
	if _, err := f.svc.Leave(ctx, "fast-ci", "UA"); !errors.As(err, &later) {
		t.Fatalf("leave with the outbox down: %v, want a LaterError", err)
	}
	if p, _ := f.svc.Participant(ctx, "fast-ci", "UC"); p.State != previews.Active || !p.NoticeOwed {
		t.Fatalf("UC = %+v, want seated with the DM owed", p)
	}
	f.n.fail = nil
	f.tick(t)
	f.tick(t)
	if !slices.Equal(f.n.promoted, []string{"UC"}) {
		t.Errorf("promotion DMs after the tick = %v, want UC once", f.n.promoted)
	}
	for _, want := range []string{"UA:leave:1", "UC:join:1"} {
		if !slices.Contains(f.n.automation, want) {
			t.Errorf("automation calls %v lack %s", f.n.automation, want)
		}
	}
}

func TestJoinRefusals(t *testing.T) {
	f := newFixture(t, fastCI(false))
	var unknown *previews.UnknownPreviewError
	if _, err := f.svc.Join(context.Background(), "nope", "UA"); !errors.As(err, &unknown) {
		t.Errorf("unknown preview: %v", err)
	}
	f.clock.Advance(40 * 24 * time.Hour)
	var ended *previews.EndedError
	if _, err := f.svc.Join(context.Background(), "fast-ci", "UA"); !errors.As(err, &ended) {
		t.Errorf("join after the end: %v", err)
	}
}

func TestAnnounceOncePerDay(t *testing.T) {
	f := newFixture(t, fastCI(false))
	ctx := context.Background()
	if _, err := f.svc.Announce(ctx, "fast-ci"); err != nil {
		t.Fatal(err)
	}
	var again *previews.AnnouncedError
	if _, err := f.svc.Announce(ctx, "fast-ci"); !errors.As(err, &again) {
		t.Errorf("second announcement the same day: %v", err)
	}
	f.clock.Advance(24 * time.Hour)
	if _, err := f.svc.Announce(ctx, "fast-ci"); err != nil {
		t.Errorf("announcement the next day: %v", err)
	}
}

func TestCreateValidates(t *testing.T) {
	good := previews.Draft{
		ID: "new-ui", Name: "New deploy UI", Owner: "UOWNER", Channel: "CPREVIEWS", MaxParticipants: "20",
		Start: "2026-03-09", End: "2026-04-03", AfterDays: "7", AtEnd: true, RatingQuestion: "How is it?",
	}
	tests := []struct {
		name   string
		edit   func(d *previews.Draft)
		fields []string
	}{
		{"valid", func(*previews.Draft) {}, nil},
		{"bad id and no name", func(d *previews.Draft) { d.ID, d.Name = "New UI!", " " }, []string{"id", "name"}},
		{"end before start", func(d *previews.Draft) { d.End = "2026-03-01" }, []string{"end"}},
		{"ended already", func(d *previews.Draft) { d.Start, d.End = "2026-01-01", "2026-02-01" }, []string{"end"}},
		{"bad numbers", func(d *previews.Draft) { d.MaxParticipants, d.AfterDays = "lots", "-3" }, []string{"after_days", "max"}},
		{"points need a rating question", func(d *previews.Draft) { d.RatingQuestion = "" }, []string{"rating"}},
		{"questions need points", func(d *previews.Draft) { d.AfterDays, d.AtEnd = "", false }, []string{"after_days"}},
		{"anonymous group too small", func(d *previews.Draft) { d.Anonymous, d.MinGroupSize = true, "1" }, []string{"min_group"}},
		{"no owner or channel", func(d *previews.Draft) { d.Owner, d.Channel = "", "U123" }, []string{"channel", "owner"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			d := good
			tc.edit(&d)
			_, err := f.svc.Create(context.Background(), d, "UADMIN")
			var inv *previews.InvalidError
			var got []string
			if errors.As(err, &inv) {
				for k := range inv.Fields {
					got = append(got, k)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			if diff := cmp.Diff(tc.fields, got); diff != "" {
				t.Errorf("fields with errors mismatch (-want +got):\n%s", diff)
			}
		})
	}
	f := newFixture(t, fastCI(false))
	d := good
	d.ID = "fast-ci"
	var inv *previews.InvalidError
	if _, err := f.svc.Create(context.Background(), d, "UADMIN"); !errors.As(err, &inv) || inv.Fields["id"] == nil || inv.Fields["id"].Reason != previews.ReasonIDTaken {
		t.Errorf("taken id: %v", err)
	}
}

func TestPointIDsAndLabels(t *testing.T) {
	for _, tc := range []struct {
		p         previews.Point
		id, label string
	}{
		{previews.Point{After: 7 * 24 * time.Hour}, "after-7d", "after 7 days"},
		{previews.Point{After: 24 * time.Hour}, "after-1d", "after 1 day"},
		{previews.Point{After: 36 * time.Hour}, "after-36h", "after 36h"},
		{previews.Point{AtEnd: true}, "end", "at the end"},
	} {
		if tc.p.ID() != tc.id || tc.p.Label() != tc.label {
			t.Errorf("%+v: id %q label %q, want %q %q", tc.p, tc.p.ID(), tc.p.Label(), tc.id, tc.label)
		}
	}
}
