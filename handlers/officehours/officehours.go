package officehours

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/i18n"
	oh "github.com/platformbot/platformbot/officehours"
	"github.com/platformbot/platformbot/outbox"
)

// Handler serves /officehours, its buttons and forms, and the App Home
// section. Set Outbox before Notifier and Service before Register; the
// service's Notifier comes from Notifier so that both share one cache of
// users' time zones.
type Handler struct {
	Service *oh.Service
	Outbox  *outbox.Dispatcher // the DMs go out through it
	// Refresh, if set, re-renders a user's App Home after a change.
	Refresh func(ctx context.Context, userID string) error
	// Languages picks the language of the DMs (booked, cancelled,
	// reminder, feedback); nil means English. Set it before Notifier.
	Languages *i18n.Chooser

	slack   bot.Slack
	log     zerolog.Logger
	people  *profiles
	command string // as registered, for hints
}

// New returns the office-hours handlers talking to Slack
// through s.
func New(s bot.Slack, log zerolog.Logger) *Handler {
	return &Handler{slack: s, log: log, people: newProfiles(s, log)}
}

// Notifier returns the DM sender for the service; reminderBefore is quoted
// in the booking confirmation.
func (h *Handler) Notifier(reminderBefore time.Duration) *Notifier {
	return &Notifier{people: h.people, out: h.Outbox, reminderBefore: reminderBefore, languages: h.Languages, handler: h}
}

// Register adds the subcommands of command (e.g. "/officehours"), the
// buttons and the forms to r, and the deliverers of its DMs to the outbox.
// Each handler's domain errors are worded here (see explain).
func (h *Handler) Register(r *bot.Router, command string) {
	h.command = command
	h.registerSends()
	x := h.explain
	cmd := r.Command(command, "")
	cmd.Default = x(h.start)
	cmd.Add(
		bot.Subcommand{Name: "list", Aliases: []string{"free", "slots"}, Help: "the next free slots, in your time zone", HelpID: i18n.OfficeHoursHelpList, Run: x(h.list)},
		bot.Subcommand{Name: "book", Help: "book a slot (opens a form)", HelpID: i18n.OfficeHoursHelpBook, Form: true, Run: x(h.book)},
		bot.Subcommand{Name: "mine", Aliases: []string{"my"}, Help: "your upcoming bookings, with Cancel buttons", HelpID: i18n.OfficeHoursHelpMine, Run: x(h.mine)},
		bot.Subcommand{Name: "cancel", Usage: "ID", Help: "cancel a booking (the other side is told)", HelpID: i18n.OfficeHoursHelpCancel, Run: x(h.cancelCommand)},
		bot.Subcommand{Name: "today", Aliases: []string{"day"}, Help: "hosts: your bookings today and tomorrow (also `" + command + "` alone)",
			HelpID: i18n.OfficeHoursHelpToday, HelpData: i18n.Data{"Command": command}, Run: x(h.agenda)},
	)
	r.Action(actBook, x(h.bookClicked))
	r.Action(actBlock, x(h.blockClicked))
	r.Action(actCancel, x(h.cancelClicked))
	r.Action(actNoShow, x(h.noShowClicked))
	r.Action(actRate, x(h.rateClicked))
	r.Action(actComment, x(h.commentClicked))
	r.ViewSubmission(ViewBook, x(h.bookSubmitted))
	r.ViewSubmission(ViewComment, x(h.commentSubmitted))
}

// start answers the bare command: a host sees their day, everyone else
// the free slots.
func (h *Handler) start(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if h.Service.IsHost(req.UserID) {
		return h.agenda(ctx, req)
	}
	return h.list(ctx, req)
}

func (h *Handler) list(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	slots, err := h.Service.FreeSlots(ctx, listSlots)
	if err != nil {
		return nil, err
	}
	return h.words(req.L()).listReply(slots, req.UserID, h.people.location(ctx, req.UserID)), nil
}

func (h *Handler) mine(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	bs, err := h.Service.Upcoming(ctx, req.UserID)
	if err != nil {
		return nil, err
	}
	return h.words(req.L()).mineReply(bs, req.UserID, h.people.location(ctx, req.UserID), h.Service.Now()), nil
}

// agenda shows a host today's and tomorrow's bookings (in the host's zone)
// and the slots still free, which they can block.
func (h *Handler) agenda(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if !h.Service.IsHost(req.UserID) {
		return nil, bot.Refuse(i18n.OfficeHoursNotHostAgenda, i18n.Data{"Command": h.cmd()})
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
	return h.words(req.L()).agendaReply(bs, free, req.UserID, loc, h.Service.Now()), nil
}

func (h *Handler) cancelCommand(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Args) != 1 {
		return nil, bot.Refuse(i18n.OfficeHoursCancelUsage, i18n.Data{"Command": h.cmd()})
	}
	return h.cancel(ctx, req, req.Args[0])
}

func (h *Handler) cancelClicked(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	return h.cancel(ctx, req, req.Value)
}

func (h *Handler) cancel(ctx context.Context, req *bot.Request, rawID string) (*bot.Reply, error) {
	user, l := req.UserID, req.L()
	id, err := h.parseID(rawID)
	if err != nil {
		return nil, err
	}
	b, err := h.Service.Cancel(ctx, id, user)
	if err != nil {
		return nil, err
	}
	h.refresh(ctx, user)
	when := formatSlotIn(l, b.Slot.Start, b.Slot.End, h.people.location(ctx, user))
	if b.Kind == oh.KindBlock {
		return bot.Say(l.T(i18n.OfficeHoursUnblocked, i18n.Data{"When": when})), nil
	}
	return bot.Say(l.T(i18n.OfficeHoursCancelledDone, i18n.Data{"ID": b.ID, "When": when, "Other": "<@" + b.Other(user) + ">"})), nil
}

func (h *Handler) blockClicked(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	host, start, err := oh.ParseSlotKey(req.Value)
	if err != nil {
		return nil, oh.ErrNoSuchSlot
	}
	if host != req.UserID {
		return nil, oh.ErrNotHost
	}
	b, err := h.Service.Block(ctx, req.UserID, start)
	if err != nil {
		return nil, err
	}
	h.refresh(ctx, req.UserID)
	l := req.L()
	when := formatSlotIn(l, b.Slot.Start, b.Slot.End, h.people.location(ctx, req.UserID))
	return bot.Say(l.T(i18n.OfficeHoursBlockedDone, i18n.Data{"When": when, "Command": h.cmd()})), nil
}

func (h *Handler) noShowClicked(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	id, err := h.parseID(req.Value)
	if err != nil {
		return nil, err
	}
	b, err := h.Service.MarkNoShow(ctx, id, req.UserID)
	if err != nil {
		return nil, err
	}
	l := req.L()
	when := formatSlotIn(l, b.Slot.Start, b.Slot.End, h.people.location(ctx, req.UserID))
	return bot.Say(l.T(i18n.OfficeHoursNoShowDone, i18n.Data{"Booker": "<@" + b.Booker + ">", "When": when})), nil
}

// refresh re-renders the user's App Home after a change; a failure only
// leaves the tab stale until it is opened again.
func (h *Handler) refresh(ctx context.Context, user string) {
	if h.Refresh == nil {
		return
	}
	if err := h.Refresh(ctx, user); err != nil {
		h.log.Warn().Err(err).Str("user", user).Msg("office hours: app home refresh failed")
	}
}

// parseID reads a booking id as typed ("12", "#12") or sent by a button.
func (h *Handler) parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(s), "#"), 10, 64)
	if err != nil || id <= 0 {
		return 0, bot.Refuse(i18n.OfficeHoursBadID, i18n.Data{"Input": bot.Escape(strconv.Quote(bot.Truncate(s, 40))), "Command": h.cmd()})
	}
	return id, nil
}

// cmd is the command as registered, for the hints.
func (h *Handler) cmd() string {
	if h.command == "" {
		return "/officehours"
	}
	return h.command
}

// words renders office hours' replies in l, naming the command as
// registered.
func (h *Handler) words(l *i18n.Lang) words {
	return words{l: l, command: h.cmd()}
}
