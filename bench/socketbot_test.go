package bench

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/handlers"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/outbox/slacksend"
	"github.com/platformbot/platformbot/storage"
)

// sockClickAction is the bench-only button: its value is a click id.
const sockClickAction = "bench:click"

// sockClicksTable is where the bench route records clicks; the harness
// creates it (it is not part of the schema).
const sockClicksTable = `CREATE TABLE IF NOT EXISTS socketbench_clicks (
	id BIGSERIAL PRIMARY KEY,
	click_id TEXT NOT NULL UNIQUE,
	user_id TEXT NOT NULL,
	clicked_at TIMESTAMPTZ NOT NULL
)`

// TestSocketBotProcess is not a test: the harness runs this test binary
// again with SOCKETBENCH_ROLE set, as a bot process on its own cores, until
// SIGTERM.
func TestSocketBotProcess(t *testing.T) {
	role := os.Getenv("SOCKETBENCH_ROLE")
	if role == "" {
		t.Skip("only run by the Socket Mode load harness")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if path := os.Getenv("SOCKETBENCH_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			t.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	var err error
	switch sockKind(role) {
	case sockBare:
		err = sockRunBare(ctx)
	case sockBenchBot:
		err = sockRunBenchBot(ctx)
	default:
		t.Fatalf("unknown SOCKETBENCH_ROLE %q", role)
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
}

// sockRunBare is the reference: slack-go's Socket Mode client whose
// consumer only drains Events and acks, with no routing, logging or
// metrics.
func sockRunBare(ctx context.Context) error {
	api := slack.New(os.Getenv("SLACK_BOT_TOKEN"), slack.OptionAPIURL(os.Getenv("SLACK_API_URL")),
		slack.OptionAppLevelToken(os.Getenv("SLACK_APP_TOKEN")))
	client := socketmode.New(api)
	go func() {
		for {
			select {
			case evt := <-client.Events:
				if evt.Request != nil && evt.Request.EnvelopeID != "" {
					_ = client.Ack(*evt.Request)
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	return client.RunContext(ctx)
}

// sockRunBenchBot wires the bot package as cmd/platformbot does (runtime,
// router with the standard middleware, logging JSON at info, Prometheus
// metrics, the Web API client, PostgreSQL event dedup, /platform help) and
// adds the bench click route: an indexed insert, then a DM through
// bot.API once the click is acked, the pattern of the features' buttons
// (e.g. office hours' booking DMs). Client-side pacing of chat.postMessage
// is lifted: Slack itself would not take 1,000 posts/s from one workspace.
func sockRunBenchBot(ctx context.Context) error {
	log := zerolog.New(os.Stderr).Level(zerolog.InfoLevel).With().Timestamp().Str("service", "platformbot").Logger()
	db, err := storage.Open(ctx, os.Getenv("DATABASE_URL"), storage.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	reg := prometheus.NewRegistry()
	metrics := bot.NewMetrics(reg)
	defer sockLogOutcomes(log, reg)
	api := bot.NewAPI(bot.APIConfig{
		BotToken: os.Getenv("SLACK_BOT_TOKEN"), AppToken: os.Getenv("SLACK_APP_TOKEN"), APIURL: os.Getenv("SLACK_API_URL"),
		Log: log, Metrics: metrics,
		Limits: map[string]bot.Limit{"chat.postMessage": {}, bot.PerChannelLimitKey: {}},
	})
	router := bot.NewRouter(nil, bot.Chain(bot.ChainConfig{
		Log: log, Metrics: metrics, Timeout: 30 * time.Second, Unavailable: storage.IsUnavailable,
	})...)
	handlers.RegisterCommands(router, config.Defaults().Slack.Commands)
	dm, stop, err := sockDMer(db, api, log, reg)
	if err != nil {
		return err
	}
	defer stop()
	router.Action(sockClickAction, sockClick(db, dm))
	followUps, _ := strconv.Atoi(os.Getenv("BENCH_SOCKET_FOLLOWUPS")) // 0: the default
	workers, _ := strconv.Atoi(os.Getenv("BENCH_SOCKET_WORKERS"))
	rt := bot.NewRuntime(bot.RuntimeConfig{
		API: api.Client(), Router: router, Slack: api, Log: log, Metrics: metrics,
		Dedup: storage.NewEventDedup(db), FollowUps: followUps, Workers: workers,
	})
	return rt.Run(ctx)
}

// sockDM sends a click's DM, or arranges for it to be sent.
type sockDM func(ctx context.Context, user, click string) error

// sockDMer returns how the click route DMs, by BENCH_SOCKET_CLICK_MODE:
// "direct" (the default) posts through bot.API once the click is acked
// (bot.Defer), as the features' buttons do; "outbox" enqueues the DM in
// the outbox (pending_sends, keyed by click) for the dispatcher, which
// retries until Slack takes it, with BENCH_SOCKET_OUTBOX_WORKERS posts in
// flight (default 8, as in production).
func sockDMer(db *storage.DB, api bot.Slack, log zerolog.Logger, reg prometheus.Registerer) (sockDM, func(), error) {
	if os.Getenv("BENCH_SOCKET_CLICK_MODE") != "outbox" {
		return func(ctx context.Context, user, click string) error {
			return bot.Defer(ctx, func(ctx context.Context) error {
				_, err := api.PostMessage(ctx, user, bot.Message{Text: sockClickText(click)})
				return err
			})
		}, func() {}, nil
	}
	workers, _ := strconv.Atoi(os.Getenv("BENCH_SOCKET_OUTBOX_WORKERS"))
	d, err := outbox.New(outbox.Options{Store: storage.NewOutboxStore(db), Log: log, Registry: reg, Workers: workers})
	if err != nil {
		return nil, nil, err
	}
	d.Handle("bench", outbox.Handler{Deliver: slacksend.Posts(api)})
	d.Start()
	return func(ctx context.Context, user, click string) error {
		s, err := slacksend.NewPost("bench", "bench:"+click, user, bot.Message{Text: sockClickText(click)})
		if err != nil {
			return err
		}
		_, err = d.Enqueue(ctx, s)
		return err
	}, func() { _ = d.Stop() }, nil
}

// sockClick records a click once (the click id is unique, so a redelivered
// or double click changes nothing) and DMs the clicker.
func sockClick(db *storage.DB, dm sockDM) bot.Handler {
	return func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		res := db.WithContext(ctx).Exec(
			"INSERT INTO socketbench_clicks (click_id, user_id, clicked_at) VALUES (?, ?, ?) ON CONFLICT (click_id) DO NOTHING",
			req.Value, req.UserID, time.Now().UTC())
		if res.Error != nil {
			return nil, res.Error
		}
		if res.RowsAffected == 0 {
			return nil, nil // already recorded, and its DM sent
		}
		return nil, dm(ctx, req.UserID, req.Value)
	}
}

func sockClickText(click string) string { return "Click " + click + " recorded." }

// sockLogOutcomes logs the envelope counters and Slack call counters when
// the bot stops, for the harness's report (busy answers, late acks, 429s).
func sockLogOutcomes(log zerolog.Logger, reg *prometheus.Registry) {
	families, err := reg.Gather()
	if err != nil {
		return
	}
	ev := log.Info()
	for _, f := range families {
		if f.GetName() != "platformbot_envelopes_total" && f.GetName() != "platformbot_slack_api_calls_total" && f.GetName() != "platformbot_outbox_sends_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			key := ""
			for _, l := range m.GetLabel() {
				key += l.GetValue() + "/"
			}
			ev = ev.Float64(strings.TrimSuffix(key, "/"), m.GetCounter().GetValue())
		}
	}
	ev.Msg("bench outcomes")
}
