package slacksend_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/outbox/slacksend"
)

// recorder is a hand-written Poster and Updater.
type recorder struct {
	channel, ts string
	msg         bot.Message
	file        bot.File
	err         error
}

func (r *recorder) PostMessage(_ context.Context, channel string, msg bot.Message) (string, error) {
	r.channel, r.msg = channel, msg
	return "1.000001", r.err
}

func (r *recorder) UpdateMessage(_ context.Context, channel, ts string, msg bot.Message) error {
	r.channel, r.ts, r.msg = channel, ts, msg
	return r.err
}

func msg() bot.Message {
	return bot.Message{Text: "hi", ThreadTS: "9.000001", Blocks: []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*hi*", false, false), nil, nil),
	}}
}

// TestPostRoundTrip: a message survives the trip through the JSON payload,
// thread included, and goes to its channel.
func TestPostRoundTrip(t *testing.T) {
	s, err := slacksend.NewPost("k", "k:1", "U1", msg())
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	ts, err := slacksend.Posts(rec)(context.Background(), s)
	if err != nil || ts != "1.000001" {
		t.Fatalf("Posts = %q, %v", ts, err)
	}
	if rec.channel != "U1" || s.To != "U1" {
		t.Errorf("posted to %q (send to %q), want U1", rec.channel, s.To)
	}
	if diff := cmp.Diff(msg(), rec.msg); diff != "" {
		t.Errorf("message mismatch (-want +got):\n%s", diff)
	}
}

func TestUpdateRoundTrip(t *testing.T) {
	s, err := slacksend.NewUpdate("k", "k:1", "C1", "5.000001", msg())
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	ref, err := slacksend.Updates(rec)(context.Background(), s)
	if err != nil || ref != "5.000001" || rec.ts != "5.000001" || rec.channel != "C1" || len(rec.msg.Blocks) != 1 {
		t.Fatalf("Updates = %q, %v; updated %s %s %+v", ref, err, rec.channel, rec.ts, rec.msg)
	}
}

func TestClassify(t *testing.T) {
	for name, tc := range map[string]struct {
		err                  error
		permanent, ratelimit bool
	}{
		"ok":            {nil, false, false},
		"rate limited":  {fmt.Errorf("chat.postMessage: %w", bot.ErrRateLimited), false, true},
		"refused":       {fmt.Errorf("chat.postMessage: %w", slack.SlackErrorResponse{Err: "channel_not_found"}), true, false},
		"refused, down": {fmt.Errorf("%w: %w", bot.ErrUnavailable, slack.SlackErrorResponse{Err: "internal_error"}), false, false},
		"network":       {errors.New("connection reset"), false, false},
	} {
		got := slacksend.Classify(tc.err)
		if (got == nil) != (tc.err == nil) || outbox.IsPermanent(got) != tc.permanent || errors.Is(got, outbox.ErrRateLimited) != tc.ratelimit {
			t.Errorf("%s: Classify = %v (permanent %v, rate limited %v)", name, got, outbox.IsPermanent(got), errors.Is(got, outbox.ErrRateLimited))
		}
	}
	bad := outbox.Send{Key: "x", Payload: []byte("{")}
	if _, err := slacksend.Posts(&recorder{})(context.Background(), bad); !outbox.IsPermanent(err) {
		t.Errorf("a payload that does not decode: %v, want a permanent failure", err)
	}
}

func (r *recorder) UploadFile(_ context.Context, f bot.File) (string, error) {
	r.channel, r.ts, r.file = f.Channel, f.ThreadTS, f
	return "F123", r.err
}

// TestUploadRoundTrip: the file's bytes survive the JSON payload and the
// ref is the file id; refusals fail for good.
func TestUploadRoundTrip(t *testing.T) {
	f := bot.File{Channel: "C1", ThreadTS: "5.000001", Filename: "a.png", Title: "A", AltText: "alt", Data: []byte{0x89, 0, 'P', 0xff}}
	s, err := slacksend.NewUpload("k", "k:1", f)
	if err != nil || s.To != "C1" {
		t.Fatal(s.To, err)
	}
	rec := &recorder{}
	ref, err := slacksend.Uploads(rec)(context.Background(), s)
	if err != nil || ref != "F123" {
		t.Fatalf("Uploads = %q, %v", ref, err)
	}
	if diff := cmp.Diff(f, rec.file); diff != "" {
		t.Errorf("file mismatch (-want +got):\n%s", diff)
	}
	rec.err = fmt.Errorf("files.completeUploadExternal: %w", slack.SlackErrorResponse{Err: "channel_not_found"})
	if _, err := slacksend.Uploads(rec)(context.Background(), s); !outbox.IsPermanent(err) {
		t.Errorf("refused upload: %v, want a permanent failure", err)
	}
}
