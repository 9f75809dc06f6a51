package officehours

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/handlers/internal/handlertest"
	"github.com/platformbot/platformbot/i18n"
	oh "github.com/platformbot/platformbot/officehours"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/outbox/slacksend"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// FuzzOfficeHoursRender renders bookings with a fuzzed topic: the lists,
// the host's agenda, the booking form, and the DMs (confirmation, reminder,
// cancellation, feedback question) the notifier queues in the outbox.
func FuzzOfficeHoursRender(f *testing.F) {
	for _, s := range handlertest.HostileSeeds {
		f.Add(s)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	store := storage.NewOutboxStore(storagetest.SQLite(f))
	out, err := outbox.New(outbox.Options{Store: store, Log: zerolog.Nop(), Poll: time.Hour})
	if err != nil {
		f.Fatal(err)
	}
	h := New(&handlertest.FuzzSlack{}, zerolog.Nop())
	h.Outbox = out
	n := h.Notifier(15 * time.Minute)
	german, _ := i18n.MustBuiltin().Lang("de")
	var id atomic.Int64 // each run queues its own DMs
	f.Fuzz(func(t *testing.T, topic string) {
		start := handlertest.FuzzRenderNow.Add(26 * time.Hour)
		b := oh.Booking{ID: id.Add(2), Kind: oh.KindBooking, Booker: handlertest.FzDev, Topic: topic, CreatedAt: handlertest.FuzzRenderNow,
			Slot: oh.Slot{Host: handlertest.FzHostBer, Start: start, End: start.Add(30 * time.Minute)}}
		block := b
		block.Kind, block.Booker, block.ID = oh.KindBlock, handlertest.FzHostBer, b.ID+1
		for _, w := range []words{{l: i18n.Fallback(), command: "/officehours"}, {l: german, command: "/sprechstunde"}} {
			for _, viewer := range []string{handlertest.FzDev, handlertest.FzHostBer} {
				handlertest.CheckMrkdwn(t, "booking line", w.bookingLine(b, viewer, berlin))
				handlertest.CheckMessage(t, "mine", w.mineReply([]oh.Booking{b, block}, viewer, berlin, start.Add(time.Minute)).Message)
			}
			handlertest.CheckMessage(t, "agenda", w.agendaReply([]oh.Booking{b}, []oh.Slot{b.Slot}, handlertest.FzHostBer, berlin, handlertest.FuzzRenderNow).Message)
			form := bookForm{Slots: []oh.Slot{b.Slot}, Names: map[string]string{handlertest.FzHostBer: topic}, Topic: topic, TopicRequired: true, Loc: berlin, L: w.l}
			for _, s := range handlertest.MrkdwnOf(form.view()) {
				handlertest.CheckMrkdwn(t, "booking form", s)
			}
		}
		ctx := context.Background()
		b.CancelledBy = handlertest.FzDev
		for _, err := range []error{n.Booked(ctx, b), n.Remind(ctx, b, oh.Booker), n.Remind(ctx, b, oh.Host),
			n.Cancelled(ctx, b), n.AskFeedback(ctx, b)} {
			if err != nil {
				t.Fatal(err)
			}
		}
		for _, key := range []string{
			sendKey("officehours.booked", b.ID, "booker"), sendKey("officehours.booked", b.ID, "host"),
			sendKey(ReminderKind, b.ID, "booker"), sendKey(ReminderKind, b.ID, "host"),
			sendKey("officehours.cancelled", b.ID, ""), sendKey(FeedbackKind, b.ID, ""),
		} {
			rec, err := store.OutboxRecord(ctx, key)
			if err != nil {
				t.Fatalf("%s: %v", key, err)
			}
			var p slacksend.Post
			if err := json.Unmarshal(rec.Payload, &p); err != nil {
				t.Fatal(err)
			}
			handlertest.CheckMessage(t, key, p.Message())
		}
	})
}
