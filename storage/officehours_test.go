package storage_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jonboulle/clockwork"

	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/metrics"
	"github.com/platformbot/platformbot/officehours"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

type quietNotifier struct{}

func (quietNotifier) Booked(context.Context, officehours.Booking) error    { return nil }
func (quietNotifier) Cancelled(context.Context, officehours.Booking) error { return nil }
func (quietNotifier) Remind(context.Context, officehours.Booking, officehours.Party) error {
	return nil
}
func (quietNotifier) AskFeedback(context.Context, officehours.Booking) error { return nil }

const ohHost = "UHOST0001"

// ohSchedule: Tuesdays and Thursdays 14:00–16:00 Berlin, 30-minute slots.
func ohSchedule(t testing.TB) *officehours.Schedule {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return &officehours.Schedule{SlotLength: 30 * time.Minute, Horizon: 14 * 24 * time.Hour, Hosts: []officehours.HostSchedule{{
		User: ohHost, Location: berlin,
		Windows: []officehours.Window{{Day: time.Tuesday, Start: 14 * 60, End: 16 * 60}, {Day: time.Thursday, Start: 14 * 60, End: 16 * 60}},
	}}}
}

// ohService returns a service over the real store at Monday 2026-06-01
// 07:00 UTC.
func ohService(t testing.TB, db *storage.DB, maxPerWeek int) (*officehours.Service, *storage.OfficeHoursStore, *clockwork.FakeClock) {
	sched := ohSchedule(t)
	store := storage.NewOfficeHoursStore(db, sched)
	clock := clockwork.NewFakeClockAt(time.Date(2026, 6, 1, 7, 0, 0, 0, time.UTC))
	return &officehours.Service{
		Schedule: sched, Store: store, Notifier: quietNotifier{}, Clock: clock,
		Rules: officehours.Rules{MaxPerWeek: maxPerWeek, WeekZone: sched.Hosts[0].Location, ReminderBefore: 15 * time.Minute},
	}, store, clock
}

var (
	tue1400 = time.Date(2026, 6, 2, 12, 0, 0, 0, time.UTC) // 14:00 Berlin
	thu1400 = time.Date(2026, 6, 4, 12, 0, 0, 0, time.UTC)
)

func TestOfficeHoursFiftyRacersOneBooking(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		svc, store, _ := ohService(t, db, 2)
		ctx := context.Background()
		const racers = 50
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, racers)
		for i := range racers {
			wg.Go(func() {
				<-start
				_, errs[i] = svc.Book(ctx, officehours.BookRequest{User: fmt.Sprintf("UDEV%04d", i), Host: ohHost, Start: tue1400, Topic: "race"})
			})
		}
		close(start)
		wg.Wait()
		ok, taken := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, officehours.ErrSlotTaken) && strings.Contains(domain.ErrorMessage(err), "just taken"):
				taken++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if ok != 1 || taken != racers-1 {
			t.Fatalf("%d booked and %d told the slot was taken; want 1 and %d", ok, taken, racers-1)
		}
		held, err := store.Held(ctx, tue1400, tue1400.Add(time.Second))
		if err != nil || len(held) != 1 {
			t.Fatalf("Held = %d bookings, %v; want exactly 1", len(held), err)
		}
	})
}

func TestOfficeHoursWeeklyLimitUnderConcurrency(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		svc, _, _ := ohService(t, db, 2)
		ctx := context.Background()
		// One person books six different slots of one week at once.
		var slots []time.Time
		for i := range 4 {
			slots = append(slots, tue1400.Add(time.Duration(i)*30*time.Minute))
		}
		slots = append(slots, thu1400, thu1400.Add(30*time.Minute))
		var wg sync.WaitGroup
		var mu sync.Mutex
		got := map[string]int{}
		for _, st := range slots {
			wg.Go(func() {
				_, err := svc.Book(ctx, officehours.BookRequest{User: "UDEV0001", Host: ohHost, Start: st})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					got["booked"]++
				case errors.Is(err, officehours.ErrWeeklyLimit):
					got["limit"]++
				default:
					t.Errorf("unexpected error: %v", err)
				}
			})
		}
		wg.Wait()
		if diff := cmp.Diff(map[string]int{"booked": 2, "limit": 4}, got); diff != "" {
			t.Errorf("outcomes mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestOfficeHoursCancelFreesSlotAndKeepsHistory(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		svc, store, clock := ohService(t, db, 0)
		ctx := context.Background()
		first, err := svc.Book(ctx, officehours.BookRequest{User: "UDEV0001", Host: ohHost, Start: tue1400, Topic: "Flaky <tests> & “quotes”"})
		if err != nil {
			t.Fatal(err)
		}
		got, err := store.Booking(ctx, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(first, got); diff != "" {
			t.Errorf("stored booking mismatch (-want +got):\n%s", diff)
		}
		if _, err := svc.Cancel(ctx, first.ID, "UDEV0001"); err != nil {
			t.Fatal(err)
		}
		if err := store.Cancel(ctx, first.ID, "UDEV0001", clock.Now()); !errors.Is(err, officehours.ErrAlreadyCancelled) {
			t.Fatalf("second Cancel = %v, want ErrAlreadyCancelled", err)
		}
		second, err := svc.Book(ctx, officehours.BookRequest{User: "UDEV0002", Host: ohHost, Start: tue1400})
		if err != nil {
			t.Fatalf("booking a cancelled slot again: %v", err)
		}
		old, _ := store.Booking(ctx, first.ID)
		if old.Active() || old.CancelledBy != "UDEV0001" || !old.CancelledAt.Equal(clock.Now()) {
			t.Errorf("cancelled booking = active %v by %q at %s", old.Active(), old.CancelledBy, old.CancelledAt)
		}
		up, err := store.Upcoming(ctx, ohHost, clock.Now())
		if err != nil || len(up) != 1 || up[0].ID != second.ID {
			t.Errorf("host's upcoming = %v, %v; want only booking %d", up, err, second.ID)
		}
		if _, err := store.Booking(ctx, 9999); !errors.Is(err, officehours.ErrNotFound) {
			t.Errorf("Booking(9999) = %v, want ErrNotFound", err)
		}
	})
}

// TestOfficeHoursFollowUpMarks: reminders and feedback questions are due
// until marked as queued; marks from replicas racing keep the first time;
// cancelled bookings and started sessions are not due.
func TestOfficeHoursFollowUpMarks(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		svc, store, clock := ohService(t, db, 0)
		ctx := context.Background()
		b, err := svc.Book(ctx, officehours.BookRequest{User: "UDEV0001", Host: ohHost, Start: tue1400})
		if err != nil {
			t.Fatal(err)
		}
		due, err := store.DueReminders(ctx, tue1400.Add(-15*time.Minute), tue1400)
		if err != nil || len(due) != 1 {
			t.Fatalf("DueReminders = %d, %v; want 1", len(due), err)
		}
		if due, _ := store.DueReminders(ctx, tue1400, tue1400.Add(time.Hour)); len(due) != 0 {
			t.Errorf("a started session is due for a reminder: %v", due)
		}
		// Ten replicas mark the booker's reminder at once: the first mark
		// written stays.
		first := clock.Now()
		var wg sync.WaitGroup
		for i := range 10 {
			wg.Go(func() {
				if err := store.Reminded(ctx, b.ID, officehours.Booker, first.Add(time.Duration(i)*time.Second)); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		marked, _ := store.Booking(ctx, b.ID)
		if err := store.Reminded(ctx, b.ID, officehours.Booker, first.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if due, _ := store.DueReminders(ctx, tue1400.Add(-15*time.Minute), tue1400); len(due) != 1 {
			t.Errorf("the host's reminder is marked separately and should still be due: %v", due)
		}
		if err := store.Reminded(ctx, b.ID, officehours.Host, first); err != nil {
			t.Fatal(err)
		}
		if due, _ := store.DueReminders(ctx, tue1400.Add(-15*time.Minute), tue1400); len(due) != 0 {
			t.Errorf("fully reminded booking still due: %v", due)
		}

		end := b.Slot.End
		if due, _ := store.DueFeedback(ctx, end.Add(-time.Hour), end); len(due) != 1 {
			t.Fatalf("DueFeedback = %d, want 1", len(due))
		}
		if err := store.FeedbackAsked(ctx, b.ID, end); err != nil {
			t.Fatal(err)
		}
		if err := store.FeedbackAsked(ctx, b.ID, end.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if due, _ := store.DueFeedback(ctx, end.Add(-time.Hour), end); len(due) != 0 {
			t.Fatalf("asked feedback still due: %v", due)
		}
		if err := store.SaveFeedback(ctx, b.ID, 4, end); err != nil {
			t.Fatal(err)
		}
		if err := store.SaveFeedbackComment(ctx, b.ID, "thanks", end); err != nil {
			t.Fatal(err)
		}
		got, _ := store.Booking(ctx, b.ID)
		if got.FeedbackScore != 4 || got.FeedbackComment != "thanks" || !got.FeedbackAskedAt.Equal(end) ||
			marked.BookerRemindedAt.IsZero() || !got.BookerRemindedAt.Equal(marked.BookerRemindedAt) {
			t.Errorf("feedback = %d %q asked %s reminded %s", got.FeedbackScore, got.FeedbackComment, got.FeedbackAskedAt, got.BookerRemindedAt)
		}

		// A cancelled booking is not due.
		other, err := svc.Book(ctx, officehours.BookRequest{User: "UDEV0002", Host: ohHost, Start: thu1400})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Cancel(ctx, other.ID, ohHost); err != nil {
			t.Fatal(err)
		}
		if due, _ := store.DueReminders(ctx, thu1400.Add(-15*time.Minute), thu1400); len(due) != 0 {
			t.Errorf("a cancelled booking is due for a reminder: %v", due)
		}
	})
}

func TestOfficeHoursFigures(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		svc, store, clock := ohService(t, db, 0)
		svc.TeamOf = func(_ context.Context, user string) string {
			return map[string]string{"UDEV0001": "payments", "UDEV0002": "search"}[user]
		}
		ctx := context.Background()
		book := func(user string, start time.Time) officehours.Booking {
			t.Helper()
			b, err := svc.Book(ctx, officehours.BookRequest{User: user, Host: ohHost, Start: start})
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		a := book("UDEV0001", tue1400)
		b := book("UDEV0002", tue1400.Add(30*time.Minute))
		c := book("UDEV0001", thu1400)
		cancelled := book("UDEV0002", thu1400.Add(30*time.Minute))
		if _, err := svc.Block(ctx, ohHost, thu1400.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Cancel(ctx, cancelled.ID, "UDEV0002"); err != nil {
			t.Fatal(err)
		}
		clock.Advance(7 * 24 * time.Hour)
		for id, score := range map[int64]int{a.ID: 5, b.ID: 2} {
			if _, err := svc.RecordFeedback(ctx, id, map[int64]string{a.ID: "UDEV0001", b.ID: "UDEV0002"}[id], score); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := svc.MarkNoShow(ctx, c.ID, ohHost); err != nil {
			t.Fatal(err)
		}
		week := metrics.Window{From: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 6, 8, 0, 0, 0, 0, time.UTC)}
		payments := week
		payments.Team = "payments"
		for _, tc := range []struct {
			name string
			w    metrics.Window
			want metrics.OfficeHoursFigures
		}{
			// 8 slots a week (2 days × 4), one blocked.
			{"whole organisation", week, metrics.OfficeHoursFigures{SlotsOffered: 7, Bookings: 3, NoShows: 1, FeedbackN: 2, FeedbackMean: 3.5}},
			{"one team", payments, metrics.OfficeHoursFigures{SlotsOffered: 7, Bookings: 2, NoShows: 1, FeedbackN: 1, FeedbackMean: 5}},
			{"empty window", metrics.Window{From: week.To, To: week.To.Add(24 * time.Hour)}, metrics.OfficeHoursFigures{}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := store.OfficeHoursFigures(ctx, tc.w)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("figures mismatch (-want +got):\n%s", diff)
				}
			})
		}
	})
}

// BenchmarkOfficeHoursBook measures one booking transaction (lock row,
// weekly count, insert) plus its cancellation, on each database.
func BenchmarkOfficeHoursBook(b *testing.B) {
	dbs := map[string]func(testing.TB) *storage.DB{"sqlite": storagetest.SQLite}
	if os.Getenv("TEST_DATABASE_URL") != "" {
		dbs["postgres"] = storagetest.Postgres
	}
	for name, open := range dbs {
		b.Run(name, func(b *testing.B) {
			svc, store, _ := ohService(b, open(b), 1000)
			ctx := context.Background()
			slots := svc.Schedule.Bookable(svc.Now())
			i := 0
			for b.Loop() {
				sl := slots[i%len(slots)]
				bk, err := svc.Book(ctx, officehours.BookRequest{User: "UBENCH", Host: sl.Host, Start: sl.Start})
				if err != nil {
					b.Fatal(err)
				}
				if err := store.Cancel(ctx, bk.ID, "UBENCH", svc.Now()); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
