package console_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/console"
)

// TestDatesInTheReadersZone: Slack shows a date token in each reader's own
// zone. The console used to print the token's fallback, written in the
// configured zone, next to replies written in the user's zone ("closes
// 13:52 UTC" beside "Open until 14:52 CET"). Now the token is shown in the
// acting user's zone, and the zone is named.
func TestDatesInTheReadersZone(t *testing.T) {
	now := time.Date(2026, 12, 4, 15, 0, 0, 0, time.UTC)
	closes := time.Date(2026, 12, 7, 13, 52, 0, 0, time.UTC).Unix()
	msg := "Open until <!date^" + itoa(closes) + "^{date_short_pretty} at {time}|Mon 7 Dec 14:52 CET>. " +
		"Started <!date^" + itoa(now.Unix()) + "^{date_short_pretty}|x>, <!date^" + itoa(now.Add(-time.Hour).Unix()) + "^{ago}|y>."
	for _, tc := range []struct {
		user, want string
	}{
		{"UNY", "Open until Dec 7, 2026 at 08:52 EST. Started today, 1 hour ago."},
		{"UDEFAULT", "Open until Dec 7, 2026 at 14:52 CET. Started today, 1 hour ago."},
	} {
		var out strings.Builder
		c := console.New(console.Options{
			Out: &out, UserID: tc.user, TZ: "Europe/Berlin", Now: func() time.Time { return now },
			Users: map[string]bot.User{"UNY": {Name: "ny", TZ: "America/New_York"}},
		})
		if _, err := c.Slack().PostMessage(context.Background(), "C1", bot.Message{Text: msg}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), tc.want) {
			t.Errorf("%s reads %q, want %q", tc.user, out.String(), tc.want)
		}
		if u, _ := c.Slack().UserInfo(context.Background(), "UDEFAULT"); u.TZ != "Europe/Berlin" {
			t.Errorf("UserInfo(UDEFAULT).TZ = %q, want the console's zone", u.TZ)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
