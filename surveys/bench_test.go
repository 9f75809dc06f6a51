package surveys_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/handlers"
	hpulse "github.com/platformbot/platformbot/handlers/pulse"
	"github.com/platformbot/platformbot/internal/fakeslack"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
	"github.com/platformbot/platformbot/surveys"
)

// benchEnv reads an integer knob of the benchmark from the environment.
func benchEnv(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkFanout starts a survey run for a 10,000-member channel and
// delivers it through the whole pipeline (surveys → handlers' renderer and
// hooks → outbox → bot.API → fake Slack over HTTP) against a fake Slack
// that answers 429 with Retry-After above its chat.postMessage rate. It
// reports the achieved
// rate as a fraction of the allowed one (the allowed sends in the elapsed
// time, the fake's initial burst included), the 429s received and the
// duplicate DMs (must be 0).
//
// PULSE_BENCH_USERS (default 10000), PULSE_BENCH_RATE (chat.postMessage
// per minute, default 6000), PULSE_BENCH_BURST (default 20) and
// PULSE_BENCH_CLIENT_RATE (the client limiter, default 97% of the fake's;
// set it higher to see 429s and Retry-After at work) tune it; the
// database is SQLite, or PostgreSQL with TEST_DATABASE_URL. The listing of
// the workspace that tells who can be asked (users.list at its default
// Tier 2 budget) is loaded before the clock starts and reported apart
// (listing_s), so that the fraction is about posting.
func BenchmarkFanout(b *testing.B) {
	if testing.Short() {
		b.Skip("a 10,000-user fan-out: skipped with -short")
	}
	users := benchEnv("PULSE_BENCH_USERS", 10000)
	perMinute := benchEnv("PULSE_BENCH_RATE", 6000)
	burst := benchEnv("PULSE_BENCH_BURST", 20)
	// Slack publishes no exact limit, so a client budget just under it
	// leaves room for network jitter; at exactly the limit, requests that
	// bunch up on the way get 429s, and each costs a Retry-After second.
	client := benchEnv("PULSE_BENCH_CLIENT_RATE", perMinute*97/100)
	for range b.N {
		r := runFanout(b, users, perMinute, burst, client)
		b.ReportMetric(r.fraction, "fraction_of_allowed")
		b.ReportMetric(r.perSecond, "sends/s")
		b.ReportMetric(float64(perMinute)/60, "allowed/s")
		b.ReportMetric(float64(r.limited), "429s")
		b.ReportMetric(float64(r.duplicates), "duplicates")
		b.ReportMetric(r.listing.Seconds(), "listing_s")
	}
}

type fanoutResult struct {
	fraction, perSecond float64
	limited, duplicates int
	listing             time.Duration
}

func runFanout(b *testing.B, users, perMinute, burst, clientPerMinute int) fanoutResult {
	b.StopTimer()
	var db *storage.DB
	if os.Getenv("TEST_DATABASE_URL") != "" {
		db = storagetest.Postgres(b)
	} else {
		db = storagetest.SQLite(b)
	}
	fake := fakeslack.New()
	defer fake.Close()
	ids := make([]string, users)
	for i := range ids {
		ids[i] = fmt.Sprintf("U%08d", i)
		fake.AddUser(slack.User{ID: ids[i], Name: ids[i]})
	}
	fake.SetChannelMembers("CALL", ids)
	fake.SetRateLimit("chat.postMessage", perMinute, burst)
	api := bot.NewAPI(bot.APIConfig{
		BotToken: fakeslack.BotToken, APIURL: fake.APIURL(), Log: zerolog.Nop(),
		Limits: map[string]bot.Limit{"chat.postMessage": {PerMinute: float64(clientPerMinute), Burst: burst}},
	})
	d, err := outbox.New(outbox.Options{Store: storage.NewOutboxStore(db), Log: zerolog.Nop(), Workers: 16, Batch: 100})
	if err != nil {
		b.Fatal(err)
	}
	dir := handlers.NewDirectory(api, nil, time.Now)
	defer dir.Close()
	h := hpulse.New(api, dir, zerolog.Nop())
	h.Outbox = d
	s := devex()
	s.Audience = surveys.Audience{Channels: []string{"CALL"}}
	svc := surveys.New(surveys.Config{Surveys: []surveys.Survey{s}, Store: storage.NewSurveyStore(db), Dir: h.Directory(), Notifier: h.Notifier()})
	h.Service = svc
	h.Register(bot.NewRouter(nil), "/pulse") // the outbox hooks
	ctx := context.Background()
	listStart := time.Now()
	if err := dir.Refresh(ctx); err != nil {
		b.Fatalf("listing the workspace: %v", err)
	}
	listing := time.Since(listStart)
	if _, err := svc.StartNow(ctx, "devex", "UBENCH"); err != nil {
		b.Fatal(err)
	}
	// Let the fake's bucket fill, so that the allowed count is burst + rate × time.
	time.Sleep(time.Duration(float64(burst) / (float64(perMinute) / 60) * float64(time.Second)))

	b.StartTimer()
	start := time.Now()
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { d.Run(runCtx); close(done) }()
	waitCtx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	_, err = fake.WaitMessages(waitCtx, "", users)
	elapsed := time.Since(start)
	b.StopTimer()
	stop()
	<-done
	if err != nil {
		b.Fatalf("fan-out incomplete: %v (%d of %d)", err, len(fake.Messages("")), users)
	}
	time.Sleep(100 * time.Millisecond)
	msgs := fake.Messages("")
	seen := map[string]bool{}
	dups := 0
	for _, m := range msgs {
		if seen[m.Channel] {
			dups++
		}
		seen[m.Channel] = true
	}
	rate := float64(perMinute) / 60
	return fanoutResult{
		fraction:   float64(users) / (float64(burst) + rate*elapsed.Seconds()),
		perSecond:  float64(users) / elapsed.Seconds(),
		limited:    fake.RateLimited("chat.postMessage"),
		duplicates: dups,
		listing:    listing,
	}
}
