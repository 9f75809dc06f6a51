package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/internal/fakeslack"
)

// TestDeliveryWorkingHoursAcrossZones: a survey that starts at 06:00 UTC
// reaches three people in three zones (one with a half-hour offset) at
// their 09:00 local (two with no usable zone at 09:00 in the configured
// one), one of them later because they snoozed
// notifications, and a restart in between loses and doubles nothing.
func TestDeliveryWorkingHoursAcrossZones(t *testing.T) {
	eachDB(t, func(t *testing.T, dbURL string) {
		const (
			berlin   = "U0BERLIN01" // 09:00 local = 08:00 UTC
			stJohns  = "U0STJOHN01" // UTC-3:30: 09:00 local = 12:30 UTC
			newYork  = "U0NEWYOR01" // 09:00 local = 14:00 UTC, snoozed until 16:00 UTC
			noZone   = "U0NOZONE01" // empty zone: the configured one (UTC), 09:00 UTC
			badZone  = "U0BADZON01" // a zone this binary does not know: the same
			channel  = "C0ZONES001"
			monday06 = "0 6 * * MON"
		)
		fake := fakeslack.New()
		defer fake.Close()
		fake.AddUser(slack.User{ID: berlin, Name: "berlin", TZ: "Europe/Berlin"})
		fake.AddUser(slack.User{ID: stJohns, Name: "stjohns", TZ: "America/St_Johns"})
		fake.AddUser(slack.User{ID: newYork, Name: "newyork", TZ: "America/New_York"})
		fake.AddUser(slack.User{ID: noZone, Name: "nozone"})
		fake.AddUser(slack.User{ID: badZone, Name: "badzone", TZ: "Mars/Olympus_Mons"})
		fake.SetChannelMembers(channel, []string{berlin, stJohns, newYork, noZone, badZone})
		day := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC) // a Monday
		fake.SetDND(newYork, slack.DNDStatus{SnoozeInfo: slack.SnoozeInfo{SnoozeEnabled: true, SnoozeEndTime: int(day.Add(16 * time.Hour).Unix())}})
		cfg, err := config.Parse("delivery.yaml", []byte(strings.NewReplacer(
			"usergroups: [S0DEVS0001]\n      channels: [C0ENG00001]", "channels: ["+channel+"]",
			`cron: "0 10 * * MON"`, `cron: "`+monday06+`"`,
		).Replace(pulseE2EConfig)+"delivery:\n  enabled: true\n"))
		if err != nil {
			t.Fatal(err)
		}
		clock := clockwork.NewFakeClockAt(day.Add(5 * time.Hour))
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		// advanceTo moves the clock and gives the dispatcher (which polls
		// every 2 s of real time) a chance to send what became due.
		advanceTo := func(h time.Duration) {
			clock.Advance(day.Add(h).Sub(clock.Now()))
			time.Sleep(2500 * time.Millisecond)
		}
		dms := func(u string) int { return len(fake.Messages(u)) }
		want := func(when string, counts map[string]int) {
			t.Helper()
			for u, n := range counts {
				if n > 0 {
					wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
					_, _ = fake.WaitMessages(wctx, u, n)
					wcancel()
				}
				if got := dms(u); got != n {
					t.Errorf("%s: %s has %d DMs, want %d", when, u, got, n)
				}
			}
		}

		first := startPulseMain(t, fake, cfg, dbURL, clock)
		advanceTo(6 * time.Hour) // the cron starts the run
		want("06:00 UTC", map[string]int{berlin: 0, stJohns: 0, newYork: 0})
		advanceTo(8 * time.Hour)
		want("08:00 UTC (09:00 in Berlin)", map[string]int{berlin: 1, stJohns: 0, newYork: 0, noZone: 0, badZone: 0})
		first.stop(t)

		second := startPulseMain(t, fake, cfg, dbURL, clock)
		defer second.stop(t)
		advanceTo(12*time.Hour + 30*time.Minute)
		want("12:30 UTC (09:00 in St. John's)", map[string]int{berlin: 1, stJohns: 1, newYork: 0, noZone: 1, badZone: 1})
		advanceTo(14 * time.Hour)
		want("14:00 UTC (09:00 in New York, snoozed)", map[string]int{berlin: 1, stJohns: 1, newYork: 0})
		advanceTo(16 * time.Hour)
		want("16:00 UTC (the snooze ended)", map[string]int{berlin: 1, stJohns: 1, newYork: 1, noZone: 1, badZone: 1})
		if n := len(fake.Calls("dnd.teamInfo")); n == 0 {
			t.Error("dnd.teamInfo was never called")
		}
	})
}
