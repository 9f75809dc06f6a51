package handlers

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/i18n"
	"github.com/platformbot/platformbot/officehours"
	"github.com/platformbot/platformbot/outbox"
)

// OfficeHours serves /officehours, its buttons and forms, and the App Home
// section. Set Outbox before Notifier and Service before Register; the
// service's Notifier comes from Notifier so that both share one cache of
// users' time zones.
type OfficeHours struct {
	Service *officehours.Service
	Outbox  *outbox.Dispatcher // the DMs go out through it
	// Refresh, if set, re-renders a user's App Home after a change.
	Refresh func(ctx context.Context, userID string) error
	// Languages picks the language of the reminder and feedback DMs;
	// nil means English. Set it before Notifier.
	Languages *i18n.Chooser

	slack   bot.Slack
	log     zerolog.Logger
	people  *ohPeople
	command string // as registered, for hints
}

// NewOfficeHours returns the office-hours handlers talking to Slack
// through s.
func NewOfficeHours(s bot.Slack, log zerolog.Logger) *OfficeHours {
	return &OfficeHours{slack: s, log: log, people: newOHPeople(s, log)}
}

// Notifier returns the DM sender for the service; reminderBefore is quoted
// in the booking confirmation.
func (h *OfficeHours) Notifier(reminderBefore time.Duration) *OfficeHoursNotifier {
	return &OfficeHoursNotifier{people: h.people, out: h.Outbox, reminderBefore: reminderBefore, languages: h.Languages}
}

// Register adds the subcommands of command (e.g. "/officehours"), the
// buttons and the forms to r, and the deliverers of its DMs to the outbox.
// Each handler's domain errors are worded here (see explain).
func (h *OfficeHours) Register(r *bot.Router, command string) {
	h.command = command
	h.registerSends()
	x := h.explain
	cmd := r.Command(command, "")
	cmd.Default = x(h.start)
	cmd.Add(
		bot.Subcommand{Name: "list", Aliases: []string{"free", "slots"}, Help: "the next free slots, in your time zone", Run: x(h.list)},
		bot.Subcommand{Name: "book", Help: "book a slot (opens a form)", Form: true, Run: x(h.book)},
		bot.Subcommand{Name: "mine", Aliases: []string{"my"}, Help: "your upcoming bookings, with Cancel buttons", Run: x(h.mine)},
		bot.Subcommand{Name: "cancel", Usage: "ID", Help: "cancel a booking (the other side is told)", Run: x(h.cancelCommand)},
		bot.Subcommand{Name: "today", Aliases: []string{"day"}, Help: "hosts: your bookings today and tomorrow (also `" + command + "` alone)", Run: x(h.agenda)},
	)
	r.Action(ohActBook, x(h.bookClicked))
	r.Action(ohActBlock, x(h.blockClicked))
	r.Action(ohActCancel, x(h.cancelClicked))
	r.Action(ohActNoShow, x(h.noShowClicked))
	r.Action(ohActRate, x(h.rateClicked))
	r.Action(ohActComment, x(h.commentClicked))
	r.ViewSubmission(ohViewBook, x(h.bookSubmitted))
	r.ViewSubmission(ohViewComment, x(h.commentSubmitted))
}

// start answers the bare command: a host sees their day, everyone else
// the free slots.
func (h *OfficeHours) start(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if h.Service.IsHost(req.UserID) {
		return h.agenda(ctx, req)
	}
	return h.list(ctx, req)
}

func (h *OfficeHours) list(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	return h.listWithNote(ctx, req.UserID, "")
}

func (h *OfficeHours) listWithNote(ctx context.Context, user, note string) (*bot.Reply, error) {
	slots, err := h.Service.FreeSlots(ctx, ohListSlots)
	if err != nil {
		return nil, err
	}
	return ohListReply(note, slots, user, h.people.location(ctx, user)), nil
}

func (h *OfficeHours) mine(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	bs, err := h.Service.Upcoming(ctx, req.UserID)
	if err != nil {
		return nil, err
	}
	return ohMineReply(bs, req.UserID, h.people.location(ctx, req.UserID), h.Service.Now()), nil
}

// agenda shows a host today's and tomorrow's bookings (in the host's zone)
// and the slots still free, which they can block.
func (h *OfficeHours) agenda(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if !h.Service.IsHost(req.UserID) {
		return nil, bot.Errorf("You don't host office hours. `/officehours list` shows the free slots, `/officehours mine` your bookings.")
	}
	loc := h.people.location(ctx, req.UserID)
	y, m, d := h.Service.Now().In(loc).Date()
	from, to := time.Date(y, m, d, 0, 0, 0, 0, loc), time.Date(y, m, d+2, 0, 0, 0, 0, loc)
	bs, err := h.Service.Agenda(ctx, req.UserID, from, to)
	if err != nil {
		return nil, err
	}
	free, err := h.Service.HostFreeSlots(ctx, req.UserID, from, to)
	if err != nil {
		return nil, err
	}
	return ohAgendaReply(bs, free, req.UserID, loc, h.Service.Now()), nil
}

func (h *OfficeHours) cancelCommand(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Args) != 1 {
		return nil, bot.Errorf("Usage: `/officehours cancel ID`, with the number `/officehours mine` shows next to each booking.")
	}
	return h.cancel(ctx, req.UserID, req.Args[0])
}

func (h *OfficeHours) cancelClicked(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	return h.cancel(ctx, req.UserID, req.Value)
}

func (h *OfficeHours) cancel(ctx context.Context, user, rawID string) (*bot.Reply, error) {
	id, err := ohParseID(rawID)
	if err != nil {
		return nil, err
	}
	b, err := h.Service.Cancel(ctx, id, user)
	if err != nil {
		return nil, err
	}
	h.refresh(ctx, user)
	when := ohWhen(b.Slot.Start, b.Slot.End, h.people.location(ctx, user))
	if b.Kind == officehours.KindBlock {
		return bot.Say(fmt.Sprintf("Unblocked %s: the slot can be booked again.", when)), nil
	}
	return bot.Say(fmt.Sprintf(":wastebasket: Cancelled booking `#%d` on %s. I've told <@%s>.", b.ID, when, b.Other(user))), nil
}

func (h *OfficeHours) blockClicked(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	host, start, err := officehours.ParseSlotKey(req.Value)
	if err != nil {
		return nil, officehours.ErrNoSuchSlot
	}
	if host != req.UserID {
		return nil, officehours.ErrNotHost
	}
	b, err := h.Service.Block(ctx, req.UserID, start)
	if err != nil {
		return nil, err
	}
	h.refresh(ctx, req.UserID)
	when := ohWhen(b.Slot.Start, b.Slot.End, h.people.location(ctx, req.UserID))
	return bot.Say(fmt.Sprintf(":no_entry_sign: Blocked %s: nobody can book it. `/officehours mine` lists it with an Unblock button.", when)), nil
}

func (h *OfficeHours) noShowClicked(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	id, err := ohParseID(req.Value)
	if err != nil {
		return nil, err
	}
	b, err := h.Service.MarkNoShow(ctx, id, req.UserID)
	if err != nil {
		return nil, err
	}
	when := ohWhen(b.Slot.Start, b.Slot.End, h.people.location(ctx, req.UserID))
	return bot.Say(fmt.Sprintf(":ghost: Marked <@%s> as a no-show for %s. They won't be asked for feedback.", b.Booker, when)), nil
}

// refresh re-renders the user's App Home after a change; a failure only
// leaves the tab stale until it is opened again.
func (h *OfficeHours) refresh(ctx context.Context, user string) {
	if h.Refresh == nil {
		return
	}
	if err := h.Refresh(ctx, user); err != nil {
		h.log.Warn().Err(err).Str("user", user).Msg("office hours: app home refresh failed")
	}
}

// ohParseID reads a booking id as typed ("12", "#12") or sent by a button.
func ohParseID(s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(s), "#"), 10, 64)
	if err != nil || id <= 0 {
		return 0, bot.Errorf("%s is not a booking id: use the number `/officehours mine` shows next to each booking.", bot.Escape(strconv.Quote(bot.Truncate(s, 40))))
	}
	return id, nil
}
