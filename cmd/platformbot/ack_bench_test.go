package main

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/storage/storagetest"
)

// BenchmarkHelpAck measures the whole bot's cost of a `/platform help`
// whose reply rides in the ack: the real Main (routing, middleware,
// language, metrics) in this process against the fake Slack over a
// websocket, 100 envelopes in flight. ns/op is wall time per envelope at
// saturation; with -cpuprofile the profile shows where the bot's share
// goes (the fake's frames are its own functions). PostgreSQL with
// TEST_DATABASE_URL, else SQLite.
func BenchmarkHelpAck(b *testing.B) {
	dbURL := ""
	if os.Getenv("TEST_DATABASE_URL") != "" {
		dbURL = storagetest.PostgresURL(b)
	}
	bot := newTestBot(b, botOptions{DatabaseURL: dbURL})
	bot.Fake.AddUser(slack.User{ID: "UBENCH0001", TZ: "Europe/Berlin", Locale: "en-US"})
	cmd := slack.SlashCommand{Command: "/platform", Text: "help", UserID: "UBENCH0001", ChannelID: "CBENCH0001", TriggerID: "1.2.3"}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if _, err := bot.Fake.Blast(ctx, 1000, 100, cmd); err != nil { // warm: caches, connections
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	lat, err := bot.Fake.Blast(ctx, b.N, 100, cmd)
	if err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
