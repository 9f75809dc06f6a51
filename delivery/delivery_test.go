package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/platformbot/platformbot/delivery"
	"github.com/platformbot/platformbot/people"
	"github.com/platformbot/platformbot/workhours"
)

// dir is a directory of people by id.
type dir map[string]people.Person

func (d dir) Person(_ context.Context, id string) (people.Person, error) {
	p, ok := d[id]
	if !ok {
		return people.Person{}, people.ErrNotFound
	}
	return p, nil
}

// dnd is a DNDSource that records its calls.
type dnd struct {
	mu    sync.Mutex
	quiet map[string][]delivery.Quiet
	calls [][]string
	err   error
}

func (d *dnd) TeamDND(_ context.Context, users []string) (map[string][]delivery.Quiet, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.calls = append(d.calls, slices.Clone(users))
	if d.err != nil {
		return nil, d.err
	}
	out := map[string][]delivery.Quiet{}
	for _, u := range users {
		if q, ok := d.quiet[u]; ok {
			out[u] = q
		}
	}
	return out, nil
}

func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestNotBefore: a send queued outside someone's working hours waits for
// the next start of them in their zone, on the right local hour across
// DST changes; inside them it goes at once.
func TestNotBefore(t *testing.T) {
	people := dir{
		"UBER": {ID: "UBER", TZ: "Europe/Berlin"},
		"UNYC": {ID: "UNYC", TZ: "America/New_York"},
		"UKOL": {ID: "UKOL", TZ: "Asia/Kolkata"},
		"UKTM": {ID: "UKTM", TZ: "Asia/Kathmandu"},
		"UADL": {ID: "UADL", TZ: "Australia/Adelaide"},
	}
	g := delivery.New(delivery.Options{People: people, Clock: clockwork.NewFakeClock()})
	for _, tc := range []struct {
		user, at, want string // at in UTC; want in the person's zone
	}{
		{"UBER", "2026-03-02 06:00", "2026-03-02 09:00 CET"},
		{"UBER", "2026-03-02 09:00", "2026-03-02 10:00 CET"},  // inside: now
		{"UBER", "2026-03-27 20:00", "2026-03-30 09:00 CEST"}, // Friday evening across spring forward
		{"UBER", "2026-10-23 20:00", "2026-10-26 09:00 CET"},  // across fall back
		{"UNYC", "2026-03-02 06:00", "2026-03-02 09:00 EST"},
		{"UNYC", "2026-03-07 12:00", "2026-03-09 09:00 EDT"}, // Saturday, across spring forward
		{"UNYC", "2026-10-31 12:00", "2026-11-02 09:00 EST"}, // across fall back
		{"UKOL", "2026-03-02 06:00", "2026-03-02 11:30 IST"}, // 11:30 local: now
		{"UKOL", "2026-03-02 12:00", "2026-03-03 09:00 IST"}, // 17:30 local: tomorrow
		{"UKTM", "2026-03-02 02:00", "2026-03-02 09:00 +0545"},
		{"UADL", "2026-04-03 12:00", "2026-04-06 09:00 ACST"}, // across Adelaide's DST end
		{"UADL", "2026-10-02 12:00", "2026-10-05 09:00 ACDT"}, // across its DST start
	} {
		t.Run(tc.user+" "+tc.at, func(t *testing.T) {
			at := utc(tc.at)
			got := g.NotBefore(context.Background(), tc.user, at)
			loc := zone(t, people[tc.user].TZ)
			if s := got.In(loc).Format("2006-01-02 15:04 MST"); s != tc.want {
				t.Errorf("NotBefore = %s, want %s", s, tc.want)
			}
			if got.Before(at) {
				t.Errorf("NotBefore %s is before %s", got, at)
			}
		})
	}
}

// TestUnknownZone: an empty or unknown zone, or someone the directory does
// not know, gets the default zone, logged once per person per day, and
// never an error.
func TestUnknownZone(t *testing.T) {
	clock := clockwork.NewFakeClockAt(utc("2026-03-02 06:00"))
	var logs []string
	g := delivery.New(delivery.Options{
		People: dir{"UEMPTY": {ID: "UEMPTY"}, "UODD": {ID: "UODD", TZ: "Mars/Olympus_Mons"}},
		Zone:   zone(t, "Europe/Berlin"), Clock: clock,
		Log: func(msg string, fields ...any) { logs = append(logs, fmt.Sprint(msg, fields)) },
	})
	for range 3 {
		for _, u := range []string{"UEMPTY", "UODD", "UGONE"} {
			got := g.NotBefore(context.Background(), u, clock.Now())
			if want := utc("2026-03-02 08:00"); !got.Equal(want) { // 09:00 in Berlin
				t.Errorf("%s: NotBefore = %s, want %s", u, got, want)
			}
		}
	}
	if len(logs) != 3 {
		t.Errorf("logged %d times, want once per person:\n%v", len(logs), logs)
	}
	clock.Advance(24 * time.Hour)
	g.NotBefore(context.Background(), "UODD", clock.Now())
	if len(logs) != 4 {
		t.Errorf("the next day logged %d lines in all, want one more (4)", len(logs))
	}
}

// TestPlan: "send at 10:00 local" spreads one occurrence over the zones,
// each at 10:00 in its zone; without At, each at the start of their hours.
func TestPlan(t *testing.T) {
	people := dir{
		"UBER": {ID: "UBER", TZ: "Europe/Berlin"},
		"UNYC": {ID: "UNYC", TZ: "America/New_York"},
		"UKOL": {ID: "UKOL", TZ: "Asia/Kolkata"},
	}
	g := delivery.New(delivery.Options{People: people, Clock: clockwork.NewFakeClock()})
	users := []string{"UBER", "UNYC", "UKOL"}
	ten := workhours.Clock(10 * 60)
	at := utc("2026-03-02 06:00") // Monday
	got := g.Plan(context.Background(), users, at, delivery.Schedule{At: &ten})
	want := map[string]string{"UBER": "2026-03-02 09:00", "UNYC": "2026-03-02 15:00", "UKOL": "2026-03-02 06:00"} // 11:30 in Kolkata: 10:00 has passed, the hour is decent
	for u, w := range want {
		if s := got[u].Format("2006-01-02 15:04"); s != w {
			t.Errorf("%s at 10:00 local: %s UTC, want %s", u, s, w)
		}
	}
	got = g.Plan(context.Background(), users, at, delivery.Schedule{})
	want = map[string]string{"UBER": "2026-03-02 08:00", "UNYC": "2026-03-02 14:00", "UKOL": "2026-03-02 06:00"}
	for u, w := range want {
		if s := got[u].Format("2006-01-02 15:04"); s != w {
			t.Errorf("%s in working hours: %s UTC, want %s", u, s, w)
		}
	}
	// A survey's own hours override the gate's: every day, 07:00–20:00.
	week := workhours.Window{Start: 7 * 60, End: 20 * 60, Days: [7]bool{true, true, true, true, true, true, true}}
	got = g.Plan(context.Background(), []string{"UBER"}, utc("2026-03-07 05:00"), delivery.Schedule{Hours: week}) // Saturday 06:00 Berlin
	if s := got["UBER"].Format("2006-01-02 15:04"); s != "2026-03-07 06:00" {
		t.Errorf("with the survey's hours: %s UTC, want Saturday 06:00 UTC (07:00 Berlin)", s)
	}
}

// knownDir answers Known from what it holds and counts the lookups that
// would be a users.info each.
type knownDir struct {
	held    map[string]people.Person
	lookups int
}

func (d *knownDir) Person(_ context.Context, id string) (people.Person, error) {
	d.lookups++
	return people.Person{}, people.ErrNotFound
}

func (d *knownDir) Known(id string) (people.Person, bool) {
	p, ok := d.held[id]
	return p, ok
}

// TestPlanFromListing: planning a fan-out reads zones from what the
// directory holds, never one lookup per person; people it does not know
// are planned in the default zone, with one log line for all of them.
func TestPlanFromListing(t *testing.T) {
	d := &knownDir{held: map[string]people.Person{"UBER": {ID: "UBER", TZ: "Europe/Berlin"}}}
	var logs []string
	g := delivery.New(delivery.Options{People: d, Zone: zone(t, "America/New_York"), Clock: clockwork.NewFakeClock(),
		Log: func(msg string, fields ...any) { logs = append(logs, fmt.Sprint(msg, fields)) }})
	got := g.Plan(context.Background(), []string{"UBER", "UNEW1", "UNEW2"}, utc("2026-03-02 06:00"), delivery.Schedule{})
	if d.lookups != 0 {
		t.Errorf("%d lookups while planning, want 0 (zones come from the listing)", d.lookups)
	}
	want := map[string]string{"UBER": "2026-03-02 08:00", "UNEW1": "2026-03-02 14:00", "UNEW2": "2026-03-02 14:00"}
	for u, w := range want {
		if s := got[u].Format("2006-01-02 15:04"); s != w {
			t.Errorf("%s: %s UTC, want %s", u, s, w)
		}
	}
	if len(logs) != 1 {
		t.Fatalf("log lines: %q, want one for the two unknown people", logs)
	}
}

// TestLearn: what a dnd_updated_user event says replaces the gate's
// answer and counts as fresh, so the next send needs no dnd.teamInfo call.
func TestLearn(t *testing.T) {
	clock := clockwork.NewFakeClockAt(utc("2026-03-02 10:00"))
	src := &dnd{quiet: map[string][]delivery.Quiet{}}
	g := delivery.New(delivery.Options{DND: src, RespectDND: true, Clock: clock})
	ctx := context.Background()
	if _, held := g.HeldUntil(ctx, "U1", clock.Now()); held || len(src.calls) != 1 {
		t.Fatalf("before the event: held %v after %d calls, want free after 1", held, len(src.calls))
	}
	g.Learn(ctx, "U1", []delivery.Quiet{{From: utc("2026-03-02 09:55"), Until: utc("2026-03-02 11:00")}})
	g.Learn(ctx, "U2", nil)
	until, held := g.HeldUntil(ctx, "U1", clock.Now())
	if !held || !until.Equal(utc("2026-03-02 11:00")) {
		t.Errorf("after the event: HeldUntil = %v, %v; want 11:00", until, held)
	}
	if _, held := g.HeldUntil(ctx, "U2", clock.Now()); held {
		t.Error("U2 held after an event saying Do Not Disturb is off")
	}
	if len(src.calls) != 1 {
		t.Errorf("dnd.teamInfo calls: %v; want none for people learned from events", src.calls[1:])
	}
}

// shared is an in-memory DNDStore, as the replicas' database.
type shared struct {
	mu      sync.Mutex
	answers map[string]delivery.DNDAnswer
	loads   int
}

func (s *shared) SaveDND(_ context.Context, answers map[string]delivery.DNDAnswer) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for u, a := range answers {
		if !a.At.Before(s.answers[u].At) {
			s.answers[u] = a
		}
	}
	return nil
}

func (s *shared) LoadDND(_ context.Context, users []string, since time.Time) (map[string]delivery.DNDAnswer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loads++
	out := map[string]delivery.DNDAnswer{}
	for _, u := range users {
		if a, ok := s.answers[u]; ok && !a.At.Before(since) {
			out[u] = a
		}
	}
	return out, nil
}

// TestDNDSharedAcrossReplicas: a dnd_updated_user event reaches one
// replica; the other, which asked Slack a minute before and was told
// "none", holds its next batch's send to that person all the same. And a
// dnd.teamInfo answer one replica paid for spares the other the call.
func TestDNDSharedAcrossReplicas(t *testing.T) {
	clock := clockwork.NewFakeClockAt(utc("2026-03-02 10:00"))
	store := &shared{answers: map[string]delivery.DNDAnswer{}}
	srcA := &dnd{quiet: map[string][]delivery.Quiet{}}
	srcB := &dnd{quiet: map[string][]delivery.Quiet{}}
	a := delivery.New(delivery.Options{DND: srcA, RespectDND: true, Clock: clock, Shared: store})
	b := delivery.New(delivery.Options{DND: srcB, RespectDND: true, Clock: clock, Shared: store})
	ctx := context.Background()

	a.Prefetch(ctx, []string{"U1", "U2"})
	b.Prefetch(ctx, []string{"U1", "U2"})
	if len(srcA.calls) != 1 || len(srcB.calls) != 0 {
		t.Fatalf("dnd.teamInfo calls: A %d, B %d; want A 1, B 0 (B reads A's answers)", len(srcA.calls), len(srcB.calls))
	}
	if _, held := b.HeldUntil(ctx, "U1", clock.Now()); held {
		t.Fatal("U1 held before any Do Not Disturb")
	}

	clock.Advance(time.Minute)
	a.Learn(ctx, "U1", []delivery.Quiet{{From: utc("2026-03-02 10:00"), Until: utc("2026-03-02 12:00")}})
	if _, held := b.HeldUntil(ctx, "U1", clock.Now()); held {
		t.Fatal("B held U1 before its next batch read the shared store (a single send trusts its fresh answer)")
	}
	b.Prefetch(ctx, []string{"U1"})
	until, held := b.HeldUntil(ctx, "U1", clock.Now())
	if !held || !until.Equal(utc("2026-03-02 12:00")) {
		t.Errorf("B after the event reached A: HeldUntil = %v, %v; want held until 12:00", until, held)
	}
	if len(srcB.calls) != 0 {
		t.Errorf("B asked Slack %d times, want never", len(srcB.calls))
	}
}

// TestDND: someone in Do Not Disturb is held until it ends (or the next
// start of their hours after that); Slack is asked 50 users a call, and
// the answers are reused for 30 minutes.
func TestDND(t *testing.T) {
	clock := clockwork.NewFakeClockAt(utc("2026-03-02 10:00"))
	src := &dnd{quiet: map[string][]delivery.Quiet{
		"U1": {{From: utc("2026-03-02 09:30"), Until: utc("2026-03-02 11:00")}},                                                                  // snoozing
		"U2": {{From: utc("2026-03-02 10:30"), Until: utc("2026-03-02 11:00")}},                                                                  // later today
		"U3": {{From: utc("2026-03-02 09:00"), Until: utc("2026-03-02 20:00")}},                                                                  // past the end of hours
		"U4": {{From: utc("2026-03-02 09:00"), Until: utc("2026-03-02 10:30")}, {From: utc("2026-03-02 10:30"), Until: utc("2026-03-02 12:00")}}, // chained
	}}
	g := delivery.New(delivery.Options{DND: src, RespectDND: true, Clock: clock})
	var users []string
	for i := range 120 {
		users = append(users, fmt.Sprintf("U%d", i))
	}
	ctx := context.Background()
	g.Prefetch(ctx, users)
	if len(src.calls) != 3 || len(src.calls[0]) != 50 || len(src.calls[2]) != 20 {
		t.Fatalf("calls: %d, want 3 of at most 50 users", len(src.calls))
	}
	for _, tc := range []struct {
		user string
		held bool
		want string
	}{
		{"U0", false, ""},
		{"U1", true, "2026-03-02 11:00"},
		{"U2", false, ""},
		{"U3", true, "2026-03-03 09:00"}, // UTC is the default zone here
		{"U4", true, "2026-03-02 12:00"},
	} {
		until, held := g.HeldUntil(ctx, tc.user, clock.Now())
		if held != tc.held || (held && until.Format("2006-01-02 15:04") != tc.want) {
			t.Errorf("%s: held %v until %s, want %v until %s", tc.user, held, until, tc.held, tc.want)
		}
	}
	if len(src.calls) != 3 {
		t.Errorf("the cached answers were asked again: %d calls", len(src.calls))
	}
	clock.Advance(31 * time.Minute)
	if _, held := g.HeldUntil(ctx, "U2", clock.Now()); !held {
		t.Error("U2 is in DND from 10:30 but was not held at 10:31")
	}
	if len(src.calls) != 4 || len(src.calls[3]) != 1 {
		t.Errorf("after 30 minutes the answer was not asked again: %v", src.calls[3:])
	}
}

// TestDNDFailure: when Slack cannot say, the send goes (DND is a courtesy),
// and without RespectDND Slack is never asked.
func TestDNDFailure(t *testing.T) {
	clock := clockwork.NewFakeClockAt(utc("2026-03-02 10:00"))
	src := &dnd{err: errors.New("ratelimited")}
	g := delivery.New(delivery.Options{DND: src, RespectDND: true, Clock: clock})
	if _, held := g.HeldUntil(context.Background(), "U1", clock.Now()); held {
		t.Error("held on a failed lookup")
	}
	off := &dnd{}
	g = delivery.New(delivery.Options{DND: off, RespectDND: false, Clock: clock})
	if _, held := g.HeldUntil(context.Background(), "U1", clock.Now()); held || len(off.calls) != 0 {
		t.Errorf("respect_dnd false: held %v, %d calls", held, len(off.calls))
	}
}
