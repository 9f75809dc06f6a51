package metrics_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/bot"
	hmetrics "github.com/platformbot/platformbot/handlers/metrics"
	"github.com/platformbot/platformbot/metrics"
)

type activitySink struct {
	mu      sync.Mutex
	batches [][]metrics.Activity
	fail    error
}

func (s *activitySink) RecordActivity(_ context.Context, acts []metrics.Activity) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	s.batches = append(s.batches, acts)
	return nil
}

func TestActivityRecorderBatches(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	now := time.Date(2024, 1, 15, 22, 30, 0, 0, time.UTC) // 23:30 on the 15th in Berlin
	sink := &activitySink{}
	rec := &hmetrics.ActivityRecorder{Store: sink, Location: berlin, Now: func() time.Time { return now }, Log: zerolog.Nop()}
	r := bot.NewRouter(nil, rec.Middleware())
	r.Command("/platform", "").Add(bot.Subcommand{Name: "x", Help: "x", Run: func(context.Context, *bot.Request) (*bot.Reply, error) { return bot.Say("ok"), nil }})
	serve := func(user string, kind bot.Kind) {
		if _, err := r.Serve(context.Background(), &bot.Request{Kind: kind, Command: "/platform", Text: "x", UserID: user, CallbackID: "c"}); err != nil {
			t.Fatal(err)
		}
	}
	for range 50 {
		serve("U1", bot.KindCommand)
		serve("U2", bot.KindCommand)
	}
	serve("U3", bot.KindViewClosed) // closing a modal is not using the bot
	if len(sink.batches) != 0 {
		t.Fatal("the middleware wrote to the store on the request path")
	}
	ctx := context.Background()
	if err := rec.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	day15 := time.Date(2024, 1, 14, 23, 0, 0, 0, time.UTC) // Berlin midnight of the 15th
	want := [][]metrics.Activity{{{Day: day15, UserID: "U1"}, {Day: day15, UserID: "U2"}}}
	if diff := cmp.Diff(want, sink.batches); diff != "" {
		t.Fatalf("batches mismatch (-want +got):\n%s", diff)
	}
	// The same users the same day are not written again.
	serve("U1", bot.KindCommand)
	if err := rec.Flush(ctx); err != nil || len(sink.batches) != 1 {
		t.Fatalf("second flush: %v, %d batches", err, len(sink.batches))
	}
	// A failed write keeps the pairs for the next flush.
	now = now.Add(time.Hour) // 00:30 on the 16th in Berlin: a new day
	serve("U1", bot.KindCommand)
	sink.fail = errors.New("db down")
	if err := rec.Flush(ctx); err == nil {
		t.Fatal("flush error was swallowed")
	}
	sink.fail = nil
	if err := rec.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	day16 := day15.Add(24 * time.Hour)
	if diff := cmp.Diff([]metrics.Activity{{Day: day16, UserID: "U1"}}, sink.batches[len(sink.batches)-1]); diff != "" {
		t.Errorf("retried batch mismatch (-want +got):\n%s", diff)
	}
}

func BenchmarkActivityMiddleware(b *testing.B) {
	rec := &hmetrics.ActivityRecorder{Store: &activitySink{}, Location: time.UTC, Now: time.Now, Log: zerolog.Nop()}
	h := rec.Middleware()(func(context.Context, *bot.Request) (*bot.Reply, error) { return nil, nil })
	req := &bot.Request{Kind: bot.KindCommand, UserID: "U1"}
	for b.Loop() {
		_, _ = h(context.Background(), req)
	}
}
