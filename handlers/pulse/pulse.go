package pulse

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/i18n"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/outbox/slacksend"
	"github.com/platformbot/platformbot/people"
	"github.com/platformbot/platformbot/surveys"
)

// Kinds of pending sends the surveys enqueue.
const (
	InviteKind  = "pulse"
	RemindKind  = "pulse-remind"
	ResultsKind = "pulse-results"
)

// Handler serves /pulse, the survey DMs' buttons and form, and the App Home
// section; it also renders what the surveys send and hands it to the
// outbox. Set Service and Outbox before Register.
type Handler struct {
	Service *surveys.Service
	Outbox  *outbox.Dispatcher
	// Location renders fallback times in messages shared by many people
	// (each reader's Slack shows its own zone; see date).
	Location *time.Location
	// Refresh, if set, re-renders a user's App Home after they answered
	// from it.
	Refresh func(ctx context.Context, userID string) error
	// Languages picks each recipient's language for the survey DMs and a
	// results channel's for the results post; nil means English for
	// everyone.
	Languages *i18n.Chooser
	// Waiting, if set, counts the invitations of an open run still held
	// for their recipients' working hours, for /pulse results.
	Waiting WaitingCounter

	slack bot.Slack
	dir   *people.Directory
	log   zerolog.Logger
	after *afterAck
}

// WaitingCounter counts the pending sends under a key prefix that are due
// only after now (storage.OutboxStore implements it).
type WaitingCounter interface {
	Waiting(ctx context.Context, prefix string, now time.Time) (int, error)
}

// New returns the survey handlers talking to Slack through s and
// resolving audiences through dir.
func New(s bot.Slack, dir *people.Directory, log zerolog.Logger) *Handler {
	return &Handler{slack: s, dir: dir, log: log, Location: time.UTC, after: newAfterAck(log, 16)}
}

// Register adds /pulse (named command), the buttons and the form to r, and
// the delivery hooks of the survey sends to the outbox. Each handler's
// domain errors are worded by explain.
func (h *Handler) Register(r *bot.Router, command string) {
	x := explain
	cmd := r.Command(command, "")
	cmd.Default = x(h.list)
	cmd.Add(
		bot.Subcommand{Name: "list", Aliases: []string{"ls"}, Help: "surveys, their next run, and any waiting for your answer",
			HelpID: i18n.PulseHelpList, Run: x(h.list)},
		bot.Subcommand{Name: "send", Usage: "SURVEY", Help: "start a run of a survey now (DMs its audience)",
			HelpID: i18n.PulseHelpSend, Admin: true, Run: x(h.send)},
		bot.Subcommand{Name: "results", Usage: "SURVEY", Help: "results of a survey's latest run, comments included",
			HelpID: i18n.PulseHelpResults, Admin: true, Run: x(h.results)},
	)
	r.Action(actTap, x(h.tap))
	r.Action(actForm, x(h.openForm))
	r.Action(actChange, x(h.openForm))
	r.ViewSubmission(viewForm, x(h.submitted))
	post := slacksend.Posts(h.slack)
	h.Outbox.Handle(InviteKind, outbox.Handler{Deliver: post, Before: h.beforeInvite, Sent: h.invited})
	h.Outbox.Handle(RemindKind, outbox.Handler{Deliver: post, Before: h.beforeRemind})
	h.Outbox.Handle(ResultsKind, outbox.Handler{Deliver: post})
}

func (h *Handler) list(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	runs, err := h.Service.OpenRuns(ctx)
	if err != nil {
		return nil, err
	}
	waitingFor, err := h.Service.Waiting(ctx, req.UserID)
	if err != nil {
		return nil, err
	}
	open, waiting := map[string]surveys.Run{}, map[int64]bool{}
	for _, r := range runs {
		open[r.SurveyID] = r
	}
	for _, r := range waitingFor {
		waiting[r.ID] = true
	}
	return listReply(req.L(), req.Command, h.Service.Surveys(), open, waiting, h.Service.Now(), h.location(ctx, req.UserID)), nil
}

func (h *Handler) send(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	id, err := surveyArg(req)
	if err != nil {
		return nil, err
	}
	run, err := h.Service.StartNow(ctx, id, req.UserID)
	l := req.L()
	var open *surveys.OpenRunError
	if errors.As(err, &open) {
		loc := h.location(ctx, req.UserID)
		return nil, bot.Refuse(i18n.PulseRunOpen, i18n.Data{"Title": bot.Escape(open.Run.Title), "Run": open.Run.ID,
			"Started": dateIn(l, open.Run.StartedAt, loc), "Closes": dateIn(l, open.Run.ClosesAt, loc)})
	}
	if err != nil && run.ID == 0 {
		return nil, err
	}
	if err != nil {
		// The run exists; its invitations are retried by the next tick.
		h.log.Warn().Err(err).Int64("run", run.ID).Msg("pulse: invitations not queued yet")
	}
	return bot.Say(l.N(i18n.PulseStarted, run.Audience, i18n.Data{"Run": run.ID, "Title": bot.Escape(run.Title),
		"Closes": dateIn(l, run.ClosesAt, h.location(ctx, req.UserID)), "Where": resultsWhere(req.Command, run)})), nil
}

// resultsWhere names where a run's results go: its results channel, else
// the command that shows them.
func resultsWhere(command string, run surveys.Run) string {
	if run.ResultsChannel == "" {
		return "`" + command + " results " + run.SurveyID + "`"
	}
	return "<#" + run.ResultsChannel + ">"
}

func (h *Handler) results(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	id, err := surveyArg(req)
	if err != nil {
		return nil, err
	}
	res, err := h.Service.Results(ctx, id)
	if errors.Is(err, surveys.ErrNotFound) {
		return nil, bot.Refuse(i18n.PulseResultsNotRun, i18n.Data{"ID": bot.Escape(id)})
	}
	if err != nil {
		return nil, err
	}
	loc, l := h.location(ctx, req.UserID), req.L()
	if res.Run.State == surveys.Open && res.Hidden && res.Previous != nil {
		// Too early to show the open run: say how it goes, and show the
		// last closed one.
		prev, err := h.Service.RunResults(ctx, res.Previous.ID)
		if err != nil {
			return nil, err
		}
		msg := resultsMessage(l, prev, loc, true)
		note := l.T(i18n.PulseResultsStillOpen, i18n.Data{
			"ID": res.Run.ID, "Closes": dateIn(l, res.Run.ClosesAt, loc), "Rate": rateText(l, res), "Min": l.Int(res.Run.MinGroupSize),
		})
		msg.Blocks = append([]slack.Block{slack.NewSectionBlock(markdown(note), nil, nil)}, msg.Blocks...)
		if line := h.waitingLine(ctx, l, res.Run); line != "" {
			msg.Blocks = append(msg.Blocks[:1:1], append([]slack.Block{slack.NewContextBlock("", markdown(line))}, msg.Blocks[1:]...)...)
		}
		msg.InChannel = false
		return &bot.Reply{Message: msg}, nil
	}
	msg := resultsMessage(l, res, loc, true)
	msg.InChannel = false
	if line := h.waitingLine(ctx, l, res.Run); line != "" {
		msg.Blocks = append(msg.Blocks, slack.NewContextBlock("", markdown(line)))
	}
	return &bot.Reply{Message: msg}, nil
}

// waitingLine says how many invitations of an open run still wait for
// their recipients' working hours or Do Not Disturb; "" when none do.
func (h *Handler) waitingLine(ctx context.Context, l *i18n.Lang, run surveys.Run) string {
	if h.Waiting == nil || run.State != surveys.Open {
		return ""
	}
	n, err := h.Waiting.Waiting(ctx, fmt.Sprintf("%s:%d:", InviteKind, run.ID), h.Service.Now())
	if err != nil {
		h.log.Warn().Err(err).Int64("run", run.ID).Msg("pulse: could not count the invitations still waiting")
		return ""
	}
	if n == 0 {
		return ""
	}
	return l.N(i18n.PulseResultsWaiting, n)
}

func surveyArg(req *bot.Request) (string, error) {
	if len(req.Args) != 1 {
		return "", bot.Refuse(i18n.PulseNameOne, i18n.Data{"Command": req.Command, "Sub": req.Subcommand})
	}
	return strings.ToLower(req.Args[0]), nil
}

// HomeSection renders the open surveys waiting for the user's answer, in
// their language.
func (h *Handler) HomeSection(ctx context.Context, userID string) ([]slack.Block, error) {
	runs, err := h.Service.Waiting(ctx, userID)
	if err != nil {
		return nil, err
	}
	return homeBlocks(runs, h.location(ctx, userID), h.Languages.User(ctx, userID)), nil
}

// location is the user's time zone, falling back to the configured one.
func (h *Handler) location(ctx context.Context, userID string) *time.Location {
	if p, err := h.dir.Person(ctx, userID); err == nil {
		return p.Location()
	}
	return h.Location
}

// Notifier renders the survey messages and queues them in the outbox.
func (h *Handler) Notifier() surveys.Notifier { return notifier{h} }

type notifier struct{ h *Handler }

func (n notifier) Invite(ctx context.Context, run surveys.Run, invitees []surveys.Invitee) error {
	return n.byLanguage(ctx, InviteKind, run, invitees, false)
}

func (n notifier) Remind(ctx context.Context, run surveys.Run, invitees []surveys.Invitee) error {
	return n.byLanguage(ctx, RemindKind, run, invitees, true)
}

// byLanguage renders the DM once per language of the recipients (their
// /platform language choice, else their Slack locale, else the default)
// and closing time (each person's own), and queues it for the people who
// share both.
func (n notifier) byLanguage(ctx context.Context, kind string, run surveys.Run, invitees []surveys.Invitee, reminder bool) error {
	users := make([]string, len(invitees))
	for i, v := range invitees {
		users[i] = v.UserID
	}
	groups := n.h.Languages.Users(ctx, users)
	byUser := make(map[string]surveys.Invitee, len(invitees))
	for _, v := range invitees {
		byUser[v.UserID] = v
	}
	for _, g := range groups {
		var closes []time.Time
		sameClose := map[time.Time][]surveys.Invitee{}
		for _, u := range g.Users {
			v := byUser[u]
			if _, ok := sameClose[v.Closes]; !ok {
				closes = append(closes, v.Closes)
			}
			sameClose[v.Closes] = append(sameClose[v.Closes], v)
		}
		for _, c := range closes {
			personal := run
			personal.ClosesAt = c
			if err := n.enqueue(ctx, kind, run, sameClose[c], invitation(personal, n.h.Location, reminder, g.Lang)); err != nil {
				return err
			}
		}
	}
	return nil
}

// enqueueChunk bounds the DMs rendered and held at once: a survey of
// 100,000 people would otherwise hold every one of them in memory together
// (hundreds of MiB). The first chunk's DMs go out while the rest are queued.
const enqueueChunk = 1000

// enqueue queues one DM per user under the key kind:run:user, so queuing
// again (a retried job, another replica, the rest after a crash half-way)
// sends nothing twice. Each goes at its invitee's time; a DM not sent
// before the person's window closes is dropped.
func (n notifier) enqueue(ctx context.Context, kind string, run surveys.Run, invitees []surveys.Invitee, msg bot.Message) error {
	for start := 0; start < len(invitees); start += enqueueChunk {
		chunk := invitees[start:min(start+enqueueChunk, len(invitees))]
		sends := make([]outbox.Send, len(chunk))
		for i, v := range chunk {
			s, err := slacksend.NewPost(kind, sendKey(kind, run.ID, v.UserID), v.UserID, msg)
			if err != nil {
				return err
			}
			s.NotBefore, s.NotAfter = v.At, v.Closes
			sends[i] = s
		}
		if _, err := n.h.Outbox.Enqueue(ctx, sends...); err != nil {
			return err
		}
	}
	return nil
}

func (n notifier) PublishResults(ctx context.Context, res surveys.Results) error {
	msg := resultsMessage(n.h.Languages.Channel(res.Run.ResultsChannel), res, n.h.Location, res.Run.ShareComments)
	s, err := slacksend.NewPost(ResultsKind, fmt.Sprintf("%s:%d", ResultsKind, res.Run.ID), res.Run.ResultsChannel, msg)
	if err != nil {
		return err
	}
	_, err = n.h.Outbox.Enqueue(ctx, s)
	return err
}

func sendKey(kind string, runID int64, user string) string {
	return fmt.Sprintf("%s:%d:%s", kind, runID, user)
}

// parsePulseKey reads kind:run:user back.
func parsePulseKey(key string) (int64, string, error) {
	parts := strings.Split(key, ":")
	if len(parts) != 3 {
		return 0, "", fmt.Errorf("pulse: bad send key %q", key)
	}
	run, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return 0, "", fmt.Errorf("pulse: bad send key %q", key)
	}
	return run, parts[2], nil
}

func (h *Handler) beforeInvite(ctx context.Context, s outbox.Send) (bool, string, error) {
	run, user, err := parsePulseKey(s.Key)
	if err != nil {
		return false, err.Error(), nil
	}
	ok, reason, err := h.Service.ShouldInvite(ctx, run, user)
	return ok, reason, slacksend.Classify(err)
}

func (h *Handler) invited(ctx context.Context, s outbox.Send, ts string) error {
	run, user, err := parsePulseKey(s.Key)
	if err != nil {
		return err
	}
	return h.Service.Delivered(ctx, run, user, ts)
}

func (h *Handler) beforeRemind(ctx context.Context, s outbox.Send) (bool, string, error) {
	run, user, err := parsePulseKey(s.Key)
	if err != nil {
		return false, err.Error(), nil
	}
	ok, reason, err := h.Service.ShouldRemind(ctx, run, user)
	return ok, reason, slacksend.Classify(err)
}

// Directory resolves survey audiences through the directory of people.
func (h *Handler) Directory() surveys.Directory { return audience{h.dir} }

// audience is the surveys' view of the directory of people: who is in
// an audience, and who of them can be asked (from the workspace's listing,
// not a users.info call per person). Its errors are the Slack port's, so
// that a send waiting past its deadline is put back as rate limited.
type audience struct{ dir *people.Directory }

func (a audience) UserGroupMembers(ctx context.Context, id string) ([]string, error) {
	m, err := a.dir.GroupMembers(ctx, id)
	return m, bot.PeopleError(err)
}

func (a audience) ChannelMembers(ctx context.Context, id string) ([]string, error) {
	m, err := a.dir.ChannelMembers(ctx, id)
	return m, bot.PeopleError(err)
}

func (a audience) IsActiveHuman(ctx context.Context, id string) (bool, error) {
	ok, err := a.dir.CanBeAsked(ctx, id)
	return ok, bot.PeopleError(err)
}
