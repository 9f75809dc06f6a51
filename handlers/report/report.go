// Package report serves `/platform report` and posts the quarterly value
// report: the message through the outbox, then its charts as files in the
// message's thread (enqueued once the message is out and its ts known).
package report

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/i18n"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/outbox/slacksend"
	rpt "github.com/platformbot/platformbot/report"
)

// Kinds of pending sends the report enqueues.
const (
	PostKind  = "report"       // the report message
	ChartKind = "report-chart" // one chart, uploaded in the message's thread
)

// Handler serves `/platform report` and publishes reports. Set every
// field before Register.
type Handler struct {
	Service *rpt.Service
	Outbox  *outbox.Dispatcher
	Slack   bot.Slack    // posts the message
	Files   bot.Uploader // uploads the charts
	Admins  bot.Authorizer
	// Channel is the configured report channel (scheduled posts); may be
	// empty when no report is scheduled.
	Channel string
	Log     zerolog.Logger
	// Languages picks a channel's language for the report posted there;
	// nil means English.
	Languages *i18n.Chooser

	command string
}

// Register adds `report` to the platform command and the report's kinds
// of send to the outbox.
func (h *Handler) Register(r *bot.Router, command string) {
	h.command = command
	r.Command(command, "").Add(bot.Subcommand{
		Name: "report", Usage: "[2026Q3|last|this|YYYY-MM-DD..YYYY-MM-DD] · post [period]",
		Help:   "the value report of a quarter (default: the last one), shown to you; `post` shares it with its charts in this channel (platform team)",
		HelpID: i18n.ReportHelp,
		Run:    explain(h.run),
	})
	h.Outbox.Handle(PostKind, outbox.Handler{Deliver: slacksend.Posts(h.Slack), Failed: h.failed})
	h.Outbox.Handle(ChartKind, outbox.Handler{Deliver: slacksend.Uploads(h.Files), Sent: h.uploaded, Failed: h.failed})
}

func (h *Handler) run(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	args := req.Args
	post := len(args) > 0 && strings.EqualFold(args[0], "post")
	if post {
		args = args[1:]
	}
	if len(args) > 1 {
		return nil, bot.Refuse(i18n.ReportOnePeriod, i18n.Data{"Command": h.command})
	}
	p, err := h.Service.Parse(strings.Join(args, ""))
	if err != nil {
		return nil, err
	}
	if post {
		return bot.RequireAdmin(h.Admins, func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			return h.postNow(ctx, req, p)
		})(ctx, req)
	}
	r, err := h.Service.Report(ctx, p)
	if err != nil {
		return nil, err
	}
	h.logUnavailable(r, "command")
	l := req.L()
	text, blocks := Render(l, r, nil, rpt.MissingChartsIn(r, chartWords(l, r.Period)), RenderOptions{Command: h.command})
	return bot.SayBlocks(text, blocks...), nil
}

// postNow posts the report in the channel the command came from. The key
// holds the minute, so a command repeated at once posts once.
func (h *Handler) postNow(ctx context.Context, req *bot.Request, p rpt.Period) (*bot.Reply, error) {
	if req.ChannelID == "" {
		return nil, bot.Refuse(i18n.ReportNoChannel)
	}
	key := fmt.Sprintf("%s:by:%s:%s", postKey(req.ChannelID, p), req.UserID, h.Service.Now().UTC().Format("2006-01-02T15:04"))
	n, err := h.Publish(ctx, p, req.ChannelID, key)
	if err != nil {
		return nil, err
	}
	l := req.L()
	data := i18n.Data{"Period": periodLabel(l, p), "Channel": req.ChannelID}
	if n == 0 {
		return bot.Say(l.T(i18n.ReportOnItsWay, data)), nil
	}
	return bot.Say(l.T(i18n.ReportPosting, data)), nil
}

// RunScheduled posts the last complete quarter's report to the configured
// channel, as of occurrence. The outbox key names the channel and the
// quarter, so a quarter's report is posted once however often the job
// runs (a retry, a catch-up, a second replica).
func (h *Handler) RunScheduled(ctx context.Context, occurrence time.Time) error {
	if h.Channel == "" {
		return errNoChannel
	}
	p, err := rpt.ParsePeriod("last", occurrence, h.Service.Location)
	if err != nil {
		return err
	}
	n, err := h.Publish(ctx, p, h.Channel, postKey(h.Channel, p))
	if err == nil {
		h.Log.Info().Str("period", p.Name).Str("channel", h.Channel).Bool("new", n > 0).Msg("value report scheduled")
	}
	return err
}

func postKey(channel string, p rpt.Period) string { return "report:" + channel + ":" + p.Name }

// Publish computes the report of p and enqueues it for channel under key,
// with one upload per chart that follows the message into its thread (the
// outbox holds each until the message is out and gives it the ts); it
// returns 0 when that key was enqueued before.
func (h *Handler) Publish(ctx context.Context, p rpt.Period, channel, key string) (int, error) {
	r, err := h.Service.Report(ctx, p)
	if err != nil {
		return 0, err
	}
	h.logUnavailable(r, "post")
	// The charts speak the channel's language, as the message does.
	l := h.Languages.Channel(channel)
	charts, missing := rpt.ChartsIn(r, chartWords(l, r.Period))
	text, blocks := Render(l, r, charts, missing, RenderOptions{Command: h.command, Posted: true})
	post, err := slacksend.NewPost(PostKind, key, channel, bot.Message{Text: text, Blocks: blocks})
	if err != nil {
		return 0, err
	}
	sends := []outbox.Send{post}
	for _, c := range charts {
		up, err := slacksend.NewUpload(ChartKind, key+":chart:"+c.Name, bot.File{
			Channel: channel, Filename: c.Filename, Title: c.Title, AltText: c.AltText, Data: c.PNG,
		})
		if err != nil {
			return 0, err
		}
		up.After = key
		sends = append(sends, up)
	}
	n, err := h.Outbox.Enqueue(ctx, sends...)
	return min(n, 1), err
}

func (h *Handler) uploaded(_ context.Context, s outbox.Send, fileID string) error {
	h.Log.Info().Str("send", s.Key).Str("file", fileID).Msg("value report chart uploaded")
	return nil
}

// failed logs a report or chart that could not be delivered (the bot not
// in the channel, files:write missing): nobody else would learn of it.
func (h *Handler) failed(_ context.Context, s outbox.Send, reason string) error {
	h.Log.Error().Str("send", s.Key).Str("channel", s.To).Str("reason", reason).Msg("value report not delivered")
	return nil
}

func (h *Handler) logUnavailable(r *rpt.Report, where string) {
	for sec, err := range r.Unavailable {
		h.Log.Error().Err(err).Str("section", sec).Str("where", where).Msg("value report section unavailable")
	}
}

// errNoChannel is returned by the scheduled job without a channel; config
// validation makes it unreachable.
var errNoChannel = errors.New("report: no report.channel configured")
