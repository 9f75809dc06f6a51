package officehours

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/platformbot/platformbot/domain"
)

// FuzzParseSlotKey: a slot key comes back from Slack in a button or a
// select; whatever it holds, parsing must not panic and a key it accepts
// must name a host and a time that Key writes back to the same slot.
func FuzzParseSlotKey(f *testing.F) {
	for _, s := range []string{"UHOST.1780394400", "UHOST.0", ".1", "UHOST.", "UHOST.-5", "U.H.1", "UHOST.+7", "UHOST.99999999999999999999", "UHOST.1e3", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		host, start, err := ParseSlotKey(key)
		if err != nil {
			return
		}
		if host == "" || strings.Contains(host, ".") || start.Unix() <= 0 || start.Location() != time.UTC {
			t.Fatalf("ParseSlotKey(%q) = %q, %v", key, host, start)
		}
		h2, s2, err := ParseSlotKey(Slot{Host: host, Start: start}.Key())
		if err != nil || h2 != host || !s2.Equal(start) {
			t.Fatalf("key %q does not round-trip: %q %v %v", key, h2, s2, err)
		}
	})
}

// FuzzBook books arbitrary slots (host, start as a booking form or a
// stale button would send them) with arbitrary topics: the service must
// not panic; a refusal is an error for the person; a booking is on a
// real, bookable slot of another person, with the topic trimmed and at
// most 500 characters.
func FuzzBook(f *testing.F) {
	f.Add(host, int64(0), "Our deploys got slow")
	f.Add(host, int64(30*60), "  spaces  ")
	f.Add(host, int64(7), "x")
	f.Add(dev, int64(0), "x")
	f.Add(host, int64(-3*24*3600), "x")
	f.Add(host, int64(30*24*3600), "x")
	f.Add(host, int64(0), "")
	f.Add(host, int64(0), strings.Repeat("ü", 501))
	f.Add("", int64(0), "<!channel>")
	f.Fuzz(func(t *testing.T, who string, offset int64, topic string) {
		s, _, _ := newTestService(t)
		start := tue1400.Add(time.Duration(offset%(60*24*3600)) * time.Second)
		b, err := s.Book(context.Background(), BookRequest{User: dev, Host: who, Start: start, Topic: topic})
		if err != nil {
			if domain.ErrorCode(err) == domain.Internal || domain.ErrorMessage(err) == "" {
				t.Fatalf("refusal %v (%T) has no message for the person", err, err)
			}
			return
		}
		slot, ferr := s.Schedule.CheckBookable(who, start, s.Now())
		if ferr != nil || slot.Host != b.Slot.Host || !slot.Start.Equal(b.Slot.Start) || !slot.End.Equal(b.Slot.End) || b.Slot.Host == dev || b.Booker != dev {
			t.Fatalf("booked %+v for %s at %v (bookable: %v)", b, who, start, ferr)
		}
		if b.Topic != strings.TrimSpace(topic) || b.Topic == "" || utf8.RuneCountInString(b.Topic) > maxTopic {
			t.Fatalf("booked with topic %q from %q", b.Topic, topic)
		}
	})
}
