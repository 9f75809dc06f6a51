package metrics

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/i18n"
	mx "github.com/platformbot/platformbot/metrics"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/outbox/slacksend"
)

// DigestKind is the kind of pending send of a scheduled digest.
const DigestKind = "metrics.digest"

// Handler serves `/platform metrics`, the metrics part of App Home and the
// scheduled digests. All three render the same report.
type Handler struct {
	Service  *mx.Service
	Outbox   *outbox.Dispatcher // the digests go out through it
	Teams    Teams
	Slack    bot.Slack
	Digests  config.Digests
	Location *time.Location // the configured zone: window boundaries
	Now      func() time.Time
	Log      zerolog.Logger
	// Languages picks a digest channel's language and an App Home
	// viewer's; nil means English.
	Languages *i18n.Chooser
	// Waiting, if set, counts the DMs the bot sends on its own that are
	// held for their recipients' working hours or Do Not Disturb; a
	// digest ends with that number when it is not zero.
	Waiting func(ctx context.Context, now time.Time) (int, error)

	command string // the platform command's name, for hints
}

// Teams is what the handler asks about the configured teams: the names
// that commands accept and the reader's team (handlers.MetricsTeams
// answers from the directory of people).
type Teams interface {
	Teams() []mx.Team
	Team(id string) (mx.Team, bool)
	TeamOf(ctx context.Context, userID string) (string, error)
}

// Register adds `metrics` to the platform command, and the digest posts to
// the outbox.
func (h *Handler) Register(r *bot.Router, command string) {
	h.command = command
	h.Outbox.Handle(DigestKind, outbox.Handler{Deliver: slacksend.Posts(h.Slack), Sent: h.digestPosted})
	r.Command(command, "").Add(bot.Subcommand{
		Name: "metrics", Aliases: []string{"dora"}, Usage: "[team|service] [7d|30d|90d] [until YYYY-MM-DD]",
		Help: "delivery (DORA) and platform metrics, shown only to you", HelpID: i18n.MetricsHelp, Run: explain(h.run),
	})
}

func (h *Handler) run(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	q, err := h.parse(ctx, req.Args)
	if err != nil {
		return nil, err
	}
	r, err := h.Service.Report(ctx, q)
	if err != nil {
		return nil, err
	}
	h.logUnavailable(r, "command")
	text, blocks := reportMessage(req.L(), r)
	return bot.SayBlocks(text, blocks...), nil
}

// parse reads `[team|service] [7d|30d|90d] [until YYYY-MM-DD]` in any
// order.
func (h *Handler) parse(ctx context.Context, args []string) (mx.Query, error) {
	q := mx.Query{Days: days(h.Digests.Window()), Location: h.Location}
	var name string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if d, ok := mx.ParseWindow(a); ok {
			q.Days = d
			continue
		}
		if strings.EqualFold(a, "until") {
			i++
			if i == len(args) {
				return q, bot.Refuse(i18n.MetricsUntilWhen, i18n.Data{"Command": h.command})
			}
			day, err := time.Parse(time.DateOnly, args[i])
			if err != nil {
				return q, bot.Refuse(i18n.MetricsNotADate, i18n.Data{"Text": bot.Escape(bot.Truncate(args[i], 40))})
			}
			q.Until = day
			continue
		}
		if looksLikeWindow(a) {
			return q, bot.Refuse(i18n.MetricsNoSuchWindow, i18n.Data{"Text": bot.Escape(bot.Truncate(a, 40))})
		}
		if name != "" {
			return q, bot.Refuse(i18n.MetricsOneScope, i18n.Data{"Command": h.command})
		}
		name = a
	}
	if name == "" {
		return q, nil
	}
	if t, ok := h.Teams.Team(strings.ToLower(name)); ok {
		q.Scope.Team = t.ID
		return q, nil
	}
	known, err := h.Service.Store.KnownService(ctx, name)
	if err != nil {
		return q, err
	}
	if !known {
		return q, h.unknownScope(name)
	}
	q.Scope.Service = name
	return q, nil
}

// unknownScope refuses a name that is neither a team nor a service,
// listing the teams there are.
func (h *Handler) unknownScope(name string) error {
	var ids []string
	for _, t := range h.Teams.Teams() {
		ids = append(ids, "`"+t.ID+"`")
	}
	data := i18n.Data{"Name": bot.Escape(bot.Truncate(name, 80))}
	if len(ids) == 0 {
		return bot.Refuse(i18n.MetricsUnknownScope, data)
	}
	data["Teams"] = strings.Join(ids, ", ")
	return bot.Refuse(i18n.MetricsUnknownScopeTeams, data)
}

func looksLikeWindow(s string) bool {
	digits, ok := strings.CutSuffix(strings.ToLower(s), "d")
	return ok && digits != "" && strings.Trim(digits, "0123456789") == ""
}

func days(d time.Duration) int { return int(d / (24 * time.Hour)) }

func (h *Handler) logUnavailable(r *mx.Report, where string) {
	for sec, err := range r.Unavailable {
		h.Log.Error().Err(err).Str("section", sec).Str("where", where).Msg("metrics section unavailable")
	}
}

// RunDigest queues one scheduled digest for its occurrence: the key names
// the digest and the occurrence, so a retry of the job, or a replica whose
// clock is a little off, queues nothing more and the outbox posts it once.
func (h *Handler) RunDigest(ctx context.Context, post config.DigestPost) error {
	loc := post.Location(h.Location)
	occ, err := mx.Occurrence(post.Schedule, loc, h.Now())
	if err != nil {
		return err
	}
	msg, err := h.digest(ctx, post, occ, loc)
	if err != nil {
		return fmt.Errorf("digest %s at %s: %w", post.ID, occ.Format(time.RFC3339), err)
	}
	key := fmt.Sprintf("%s:%s:%s", DigestKind, post.ID, occ.UTC().Format(time.RFC3339))
	s, err := slacksend.NewPost(DigestKind, key, post.Channel, msg)
	if err != nil {
		return err
	}
	_, err = h.Outbox.Enqueue(ctx, s)
	return err
}

func (h *Handler) digest(ctx context.Context, post config.DigestPost, occ time.Time, loc *time.Location) (bot.Message, error) {
	r, err := h.Service.Report(ctx, mx.Query{
		Scope: mx.Scope{Team: post.Team, Service: post.Service}, Days: days(post.WindowOr(h.Digests.Window())),
		Location: loc, Sections: post.SectionList(), At: occ,
	})
	if err != nil {
		return bot.Message{}, err
	}
	h.logUnavailable(r, "digest "+post.ID)
	l := h.Languages.Channel(post.Channel)
	text, blocks := reportMessage(l, r)
	if h.Waiting != nil {
		n, err := h.Waiting(ctx, h.Now())
		switch {
		case err != nil:
			h.Log.Warn().Err(err).Str("digest", post.ID).Msg("digest: cannot count the held DMs; posting without that line")
		case n > 0:
			blocks = append(blocks, slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, l.N(i18n.MetricsDigestWaiting, n), false, false)))
		}
	}
	return bot.Message{Text: text, Blocks: blocks}, nil
}

func (h *Handler) digestPosted(_ context.Context, s outbox.Send, ts string) error {
	h.Log.Info().Str("digest", s.Key).Str("channel", s.To).Str("ts", ts).Msg("digest posted")
	return nil
}

// HomeSection shows the latest figures of the user's team (or of the
// organization for someone in no team) on App Home.
func (h *Handler) HomeSection(ctx context.Context, userID string) ([]slack.Block, error) {
	team, err := h.Teams.TeamOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	r, err := h.Service.Report(ctx, mx.Query{
		Scope: mx.Scope{Team: team}, Days: days(h.Digests.Window()), Location: h.Location,
		Sections: []string{mx.SectionDelivery, mx.SectionSatisfaction},
	})
	if err != nil {
		return nil, err
	}
	h.logUnavailable(r, "home")
	return home(r, h.command, h.Languages.User(ctx, userID)), nil
}

// home is the compact App Home version of a report, in the viewer's
// language l: the four keys with their levels, and satisfaction.
func home(r *mx.Report, command string, l *i18n.Lang) []slack.Block {
	who := l.T(i18n.MetricsHomeTeam, i18n.Data{"Team": bot.Escape(r.ScopeName)})
	if r.Scope.IsOrg() {
		who = l.T(i18n.MetricsHomeOrg)
	}
	blocks := []slack.Block{section(l.T(i18n.MetricsHomeTitle, i18n.Data{"Who": who, "Period": periodLabel(l, r.Period)}))}
	d := r.Delivery
	if d == nil {
		return append(blocks, contextBlock(l.T(i18n.MetricsHomeUnavailable)))
	}
	field := func(name i18n.ID, f mx.Figure, format func(float64) string) *slack.TextBlockObject {
		text := "*" + l.T(name) + "*\n" + or(l, f, format)
		if f.Level != mx.NoLevel {
			text += " · _" + string(f.Level) + "_"
		}
		return slack.NewTextBlockObject(slack.MarkdownType, text, false, false)
	}
	fields := []*slack.TextBlockObject{
		field(i18n.MetricsHomeDeployments, d.Frequency, func(v float64) string { return perDayText(l, v) }),
		field(i18n.MetricsHomeLeadTime, d.LeadTime, seconds(l)),
		field(i18n.MetricsFailRate, d.ChangeFailRate, percent(l)),
		field(i18n.MetricsHomeRecovery, d.Recovery, seconds(l)),
	}
	if s := r.Satisfaction; s != nil {
		fields = append(fields, field(i18n.MetricsHomeSatisfaction, s.Mean, func(v float64) string {
			return l.T(i18n.MetricsHomeScore, i18n.Data{"Mean": l.Number(v, 1)})
		}))
	}
	blocks = append(blocks, slack.NewSectionBlock(nil, fields, nil))
	return append(blocks, contextBlock(l.T(i18n.MetricsHomeFooter, i18n.Data{"Source": r.Thresholds.Source, "Command": command})))
}
