package officehours

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jonboulle/clockwork"

	"github.com/platformbot/platformbot/domain"
)

// fakeNotifier records what would have been sent; fail makes the next
// sends of a kind fail.
type fakeNotifier struct {
	mu   sync.Mutex
	sent []string
	fail map[string]int
}

func (f *fakeNotifier) record(kind string, b Booking, to string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail[kind] > 0 {
		f.fail[kind]--
		return errors.New("slack is down")
	}
	f.sent = append(f.sent, fmt.Sprintf("%s #%d %s", kind, b.ID, to))
	return nil
}

func (f *fakeNotifier) Booked(_ context.Context, b Booking) error { return f.record("booked", b, "") }
func (f *fakeNotifier) Cancelled(_ context.Context, b Booking) error {
	return f.record("cancelled", b, "to "+b.Other(b.CancelledBy))
}
func (f *fakeNotifier) Remind(_ context.Context, b Booking, to Party) error {
	return f.record("remind", b, string(to))
}
func (f *fakeNotifier) AskFeedback(_ context.Context, b Booking) error {
	return f.record("feedback", b, "")
}

func (f *fakeNotifier) take() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.sent
	f.sent = nil
	return out
}

const host, dev, dev2 = "UHOST", "UDEV", "UDEV2"

// newTestService returns a service whose host holds Tue and Thu 14:00–16:00
// Berlin office hours in 30-minute slots, at Monday 2026-06-01 09:00 Berlin.
func newTestService(t *testing.T) (*Service, *clockwork.FakeClock, *fakeNotifier) {
	t.Helper()
	berlin := mustLoad(t, "Europe/Berlin")
	clock := clockwork.NewFakeClockAt(time.Date(2026, 6, 1, 9, 0, 0, 0, berlin))
	n := &fakeNotifier{fail: map[string]int{}}
	s := &Service{
		Schedule: &Schedule{SlotLength: 30 * time.Minute, Horizon: 14 * 24 * time.Hour, MinNotice: time.Hour, Hosts: []HostSchedule{{
			User: host, Location: berlin, Windows: []Window{{time.Tuesday, 14 * 60, 16 * 60}, {time.Thursday, 14 * 60, 16 * 60}},
		}}},
		Rules:    Rules{MaxPerWeek: 2, WeekZone: berlin, TopicRequired: true, ReminderBefore: 15 * time.Minute},
		Store:    &memStore{},
		Notifier: n,
		Clock:    clock,
		TeamOf:   func(_ context.Context, user string) string { return "team-of-" + strings.ToLower(user) },
	}
	return s, clock, n
}

// tue1400 is the first slot: Tuesday 2026-06-02 14:00 Berlin (12:00 UTC).
var tue1400 = utc("2026-06-02T12:00:00Z")

func TestBookRules(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		setup   func(s *Service)
		req     BookRequest
		want    error
		wantMsg string
	}{
		{name: "ok", req: BookRequest{User: dev, Host: host, Start: tue1400, Topic: "CI caching"}},
		{name: "topic required", req: BookRequest{User: dev, Host: host, Start: tue1400, Topic: "  "}, want: ErrTopicRequired},
		{name: "topic optional", setup: func(s *Service) { s.Rules.TopicRequired = false }, req: BookRequest{User: dev, Host: host, Start: tue1400}},
		{name: "topic too long", req: BookRequest{User: dev, Host: host, Start: tue1400, Topic: strings.Repeat("x", 501)}, want: ErrTopicTooLong},
		{name: "own slot", req: BookRequest{User: host, Host: host, Start: tue1400, Topic: "x"}, want: ErrOwnSlot},
		{name: "not a slot", req: BookRequest{User: dev, Host: host, Start: tue1400.Add(10 * time.Minute), Topic: "x"}, want: ErrNoSuchSlot},
		{
			name: "minimum notice", setup: func(s *Service) { s.Schedule.MinNotice = 30 * time.Hour },
			req: BookRequest{User: dev, Host: host, Start: tue1400, Topic: "x"}, want: ErrTooSoon,
			wantMsg: "That slot starts too soon: slots must be booked at least 30h ahead.",
		},
		{
			name: "horizon", req: BookRequest{User: dev, Host: host, Start: utc("2026-06-16T12:00:00Z"), Topic: "x"}, want: ErrTooFar,
			wantMsg: "That slot is too far ahead: slots can be booked up to 14 days ahead.",
		},
		{
			name: "taken",
			setup: func(s *Service) {
				if _, err := s.Book(ctx, BookRequest{User: dev2, Host: host, Start: tue1400, Topic: "first"}); err != nil {
					t.Fatal(err)
				}
			},
			req: BookRequest{User: dev, Host: host, Start: tue1400, Topic: "x"}, want: ErrSlotTaken,
			wantMsg: "Sorry, that slot was just taken by someone else.", // the handler adds the emoji
		},
		{
			name: "weekly limit counts only active bookings of that week",
			setup: func(s *Service) {
				for _, start := range []string{"2026-06-02T12:30:00Z", "2026-06-04T12:00:00Z", "2026-06-09T12:00:00Z"} {
					if _, err := s.Book(ctx, BookRequest{User: dev, Host: host, Start: utc(start), Topic: "t"}); err != nil {
						t.Fatal(err)
					}
				}
			},
			req: BookRequest{User: dev, Host: host, Start: tue1400, Topic: "x"}, want: ErrWeeklyLimit,
			wantMsg: "You already have 2 office-hours booking(s) in the week of Mon 1 Jun, the most one person can hold.", // the handler adds the hint
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _, n := newTestService(t)
			if tc.setup != nil {
				tc.setup(s)
			}
			n.take()
			b, err := s.Book(ctx, tc.req)
			if tc.want != nil {
				if !errors.Is(err, tc.want) {
					t.Fatalf("Book error = %v, want %v", err, tc.want)
				}
				if msg := domain.ErrorMessage(err); domain.ErrorCode(err) == domain.Internal || (tc.wantMsg != "" && msg != tc.wantMsg) {
					t.Fatalf("domain error %v: message %q, want %q", err, msg, tc.wantMsg)
				}
				if got := n.take(); len(got) != 0 {
					t.Errorf("refused booking notified %v", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("Book: %v", err)
			}
			want := Booking{ID: b.ID, Kind: KindBooking, Slot: Slot{host, tue1400, tue1400.Add(30 * time.Minute)}, Booker: dev,
				Team: "team-of-udev", Topic: strings.TrimSpace(tc.req.Topic), CreatedAt: s.Now()}
			if diff := cmp.Diff(want, b); diff != "" {
				t.Errorf("booking mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{fmt.Sprintf("booked #%d ", b.ID)}, n.take()); diff != "" {
				t.Errorf("notifications mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCancelFreesTheSlotAndTellsTheOtherSide(t *testing.T) {
	ctx := context.Background()
	s, _, n := newTestService(t)
	b, err := s.Book(ctx, BookRequest{User: dev, Host: host, Start: tue1400, Topic: "x"})
	if err != nil {
		t.Fatal(err)
	}
	n.take()
	if _, err := s.Cancel(ctx, b.ID, "USTRANGER"); !errors.Is(err, ErrNotAllowed) {
		t.Fatalf("stranger cancel = %v, want ErrNotAllowed", err)
	}
	if _, err := s.Cancel(ctx, b.ID, host); err != nil {
		t.Fatalf("host cancel: %v", err)
	}
	if _, err := s.Cancel(ctx, b.ID, dev); !errors.Is(err, ErrAlreadyCancelled) {
		t.Fatalf("second cancel = %v, want ErrAlreadyCancelled", err)
	}
	again, err := s.Book(ctx, BookRequest{User: dev2, Host: host, Start: tue1400, Topic: "y"})
	if err != nil {
		t.Fatalf("booking the freed slot: %v", err)
	}
	if _, err := s.Cancel(ctx, again.ID, dev2); err != nil {
		t.Fatal(err)
	}
	want := []string{
		fmt.Sprintf("cancelled #%d to %s", b.ID, dev),
		fmt.Sprintf("booked #%d ", again.ID),
		fmt.Sprintf("cancelled #%d to %s", again.ID, host),
	}
	if diff := cmp.Diff(want, n.take()); diff != "" {
		t.Errorf("notifications mismatch (-want +got):\n%s", diff)
	}
}

func TestBlockAndFreeSlots(t *testing.T) {
	ctx := context.Background()
	s, _, _ := newTestService(t)
	if _, err := s.Block(ctx, dev, tue1400); !errors.Is(err, ErrNoSuchSlot) {
		t.Fatalf("non-host block = %v, want ErrNoSuchSlot", err)
	}
	blk, err := s.Block(ctx, host, tue1400)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Book(ctx, BookRequest{User: dev, Host: host, Start: tue1400, Topic: "x"}); !errors.Is(err, ErrSlotTaken) {
		t.Fatalf("booking a blocked slot = %v, want ErrSlotTaken", err)
	}
	if _, err := s.Book(ctx, BookRequest{User: dev, Host: host, Start: tue1400.Add(30 * time.Minute), Topic: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Block(ctx, host, tue1400.Add(30*time.Minute)); !errors.Is(err, ErrSlotTaken) {
		t.Fatalf("blocking a booked slot = %v, want ErrSlotTaken", err)
	}
	free, err := s.FreeSlots(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2026-06-02T13:00:00Z", "2026-06-02T13:30:00Z", "2026-06-04T12:00:00Z"}
	if diff := cmp.Diff(want, starts(free, false)); diff != "" {
		t.Errorf("free slots mismatch (-want +got):\n%s", diff)
	}
	if _, err := s.Cancel(ctx, blk.ID, host); err != nil {
		t.Fatal(err)
	}
	if free, _ = s.FreeSlots(ctx, 1); len(free) != 1 || !free[0].Start.Equal(tue1400) {
		t.Errorf("after unblocking, first free slot = %v, want %s", free, tue1400)
	}
}

func TestRemindersAreSentOnceAndRetriedOnFailure(t *testing.T) {
	ctx := context.Background()
	s, clock, n := newTestService(t)
	b, err := s.Book(ctx, BookRequest{User: dev, Host: host, Start: tue1400, Topic: "x"})
	if err != nil {
		t.Fatal(err)
	}
	n.take()
	steps := []struct {
		at   string // UTC
		fail int    // reminder sends that fail in this run
		want []string
	}{
		{at: "2026-06-02T11:44:00Z", want: nil}, // 16 minutes before
		{at: "2026-06-02T11:45:00Z", fail: 1, want: []string{fmt.Sprintf("remind #%d host", b.ID)}},
		{at: "2026-06-02T11:46:00Z", want: []string{fmt.Sprintf("remind #%d booker", b.ID)}}, // the failed one, retried
		{at: "2026-06-02T11:47:00Z", want: nil},
		{at: "2026-06-02T12:00:00Z", want: nil},
	}
	for _, st := range steps {
		clock.Advance(utc(st.at).Sub(clock.Now()))
		n.fail["remind"] = st.fail
		err := s.RunDue(ctx)
		if (err != nil) != (st.fail > 0) {
			t.Errorf("at %s: RunDue error = %v", st.at, err)
		}
		if diff := cmp.Diff(st.want, n.take()); diff != "" {
			t.Errorf("at %s: sent mismatch (-want +got):\n%s", st.at, diff)
		}
	}
}

func TestNoReminderWhenBookedInsideTheReminderWindow(t *testing.T) {
	ctx := context.Background()
	s, clock, n := newTestService(t)
	s.Schedule.MinNotice = 0
	clock.Advance(tue1400.Add(-10 * time.Minute).Sub(clock.Now()))
	if _, err := s.Book(ctx, BookRequest{User: dev, Host: host, Start: tue1400, Topic: "now"}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	if err := s.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"booked #1 "}, n.take()); diff != "" {
		t.Errorf("sent mismatch (-want +got):\n%s", diff)
	}
}

func TestFeedbackAskedOnceAfterTheSlotAndStored(t *testing.T) {
	ctx := context.Background()
	s, clock, n := newTestService(t)
	s.Rules.FeedbackAfter = 5 * time.Minute
	b, err := s.Book(ctx, BookRequest{User: dev, Host: host, Start: tue1400, Topic: "x"})
	if err != nil {
		t.Fatal(err)
	}
	noShow, err := s.Book(ctx, BookRequest{User: dev2, Host: host, Start: tue1400.Add(30 * time.Minute), Topic: "y"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordFeedback(ctx, b.ID, dev, 5); err == nil {
		t.Error("feedback before the session was accepted")
	}
	n.take()
	// Jump past both sessions' starts: reminders for started sessions are
	// not sent any more.
	clock.Advance(utc("2026-06-02T12:31:00Z").Sub(clock.Now()))
	if _, err := s.MarkNoShow(ctx, noShow.ID, dev); !errors.Is(err, ErrNotHost) {
		t.Errorf("booker marking no-show = %v, want ErrNotHost", err)
	}
	if _, err := s.MarkNoShow(ctx, noShow.ID, host); err != nil {
		t.Fatal(err)
	}
	_ = s.RunDue(ctx)
	if got := n.take(); len(got) != 0 {
		t.Errorf("sent before the feedback delay: %v", got)
	}
	clock.Advance(4 * time.Minute) // 12:35, the first slot ended 5 minutes ago
	_ = s.RunDue(ctx)
	_ = s.RunDue(ctx)
	clock.Advance(time.Hour) // the no-show's slot ended too: no question for it
	_ = s.RunDue(ctx)
	if diff := cmp.Diff([]string{fmt.Sprintf("feedback #%d ", b.ID)}, n.take()); diff != "" {
		t.Errorf("sent mismatch (-want +got):\n%s", diff)
	}

	for _, tc := range []struct {
		user  string
		score int
		want  error
	}{{dev2, 4, ErrNotAllowed}, {dev, 0, ErrBadScore}, {dev, 6, ErrBadScore}, {dev, 2, nil}, {dev, 4, nil}} {
		if _, err := s.RecordFeedback(ctx, b.ID, tc.user, tc.score); !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
			t.Errorf("RecordFeedback(%s, %d) = %v, want %v", tc.user, tc.score, err, tc.want)
		}
	}
	if _, err := s.RecordComment(ctx, b.ID, dev, "  very useful  "); err != nil {
		t.Fatal(err)
	}
	got2, _ := s.Store.Booking(ctx, b.ID)
	if got2.FeedbackScore != 4 || got2.FeedbackComment != "very useful" {
		t.Errorf("stored feedback = %d %q, want 4 %q", got2.FeedbackScore, got2.FeedbackComment, "very useful")
	}
}

func TestUpcomingIsPrivate(t *testing.T) {
	ctx := context.Background()
	s, _, _ := newTestService(t)
	b, err := s.Book(ctx, BookRequest{User: dev, Host: host, Start: tue1400, Topic: "x"})
	if err != nil {
		t.Fatal(err)
	}
	for user, want := range map[string]int{dev: 1, host: 1, dev2: 0} {
		got, err := s.Upcoming(ctx, user)
		if err != nil || len(got) != want {
			t.Errorf("Upcoming(%s) = %d bookings, %v; want %d", user, len(got), err, want)
		}
	}
	if _, err := s.Booking(ctx, b.ID, dev2); !errors.Is(err, ErrNotFound) {
		t.Errorf("Booking by a stranger = %v, want ErrNotFound", err)
	}
}

func TestNoHosts(t *testing.T) {
	s, _, _ := newTestService(t)
	s.Schedule.Hosts = nil
	if _, err := s.FreeSlots(context.Background(), 5); !errors.Is(err, ErrNoHosts) {
		t.Errorf("FreeSlots = %v, want ErrNoHosts", err)
	}
}

// TestQueuedFollowUpsAreCheckedBeforeSending: a reminder or feedback
// question queued earlier is dropped when the booking was cancelled, the
// session started, the booker did not come, or the question is too late.
func TestQueuedFollowUpsAreCheckedBeforeSending(t *testing.T) {
	ctx := context.Background()
	s, clock, _ := newTestService(t)
	s.Rules.FeedbackAfter = 5 * time.Minute
	b, _ := s.Book(ctx, BookRequest{User: dev, Host: host, Start: tue1400, Topic: "x"})
	gone, _ := s.Book(ctx, BookRequest{User: dev2, Host: host, Start: tue1400.Add(30 * time.Minute), Topic: "y"})
	if _, err := s.Cancel(ctx, gone.ID, dev2); err != nil {
		t.Fatal(err)
	}
	check := func(what string, fn func(context.Context, int64) (bool, string, error), id int64, want bool, reason string) {
		t.Helper()
		ok, why, err := fn(ctx, id)
		if ok != want || why != reason || err != nil {
			t.Errorf("%s of #%d at %s = %v %q %v; want %v %q", what, id, clock.Now().UTC().Format("15:04"), ok, why, err, want, reason)
		}
	}
	clock.Advance(tue1400.Add(-15 * time.Minute).Sub(clock.Now()))
	check("reminder", s.ShouldRemind, b.ID, true, "")
	check("reminder", s.ShouldRemind, gone.ID, false, "cancelled")
	check("reminder", s.ShouldRemind, 99, false, "booking not found")
	clock.Advance(15 * time.Minute)
	check("reminder", s.ShouldRemind, b.ID, false, "the session has started")

	clock.Advance(35 * time.Minute)
	check("feedback", s.ShouldAskFeedback, b.ID, true, "")
	check("feedback", s.ShouldAskFeedback, gone.ID, false, "cancelled")
	clock.Advance(24*time.Hour + time.Minute) // a day after the question was due
	check("feedback", s.ShouldAskFeedback, b.ID, false, "too late")
	if _, err := s.MarkNoShow(ctx, b.ID, host); err != nil {
		t.Fatal(err)
	}
	check("feedback", s.ShouldAskFeedback, b.ID, false, "no-show")
}
