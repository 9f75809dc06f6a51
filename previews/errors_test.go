package previews_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/previews"
)

// TestFailuresAreDomainErrors: every failure a person can act on is a
// domain error that errors.Is matches against its sentinel, with its
// code, and a message (the handlers word it from these).
func TestFailuresAreDomainErrors(t *testing.T) {
	f := newFixture(t, fastCI(false))
	ctx := context.Background()
	f.join(t, "UA")
	f.clock.Advance(7 * 24 * time.Hour)
	f.tick(t)
	tap := previews.Submission{PreviewID: "fast-ci", PointID: "after-7d", UserID: "UA", Answers: []previews.Answer{{QuestionID: "rating", Value: 5}}}
	rc, err := f.svc.Answer(ctx, tap)
	if err != nil {
		t.Fatal(err)
	}
	answer := func(user, token string, answers ...previews.Answer) func() error {
		return func() error {
			_, err := f.svc.Answer(ctx, previews.Submission{PreviewID: "fast-ci", PointID: "after-7d", UserID: user, Token: token, Answers: answers})
			return err
		}
	}
	if _, err := f.svc.Announce(ctx, "fast-ci"); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		err      func() error
		sentinel *domain.Error
		code     domain.Code
	}{
		{"unknown preview", func() error { _, err := f.svc.Join(ctx, "nope", "UA"); return err }, previews.ErrNotFound, domain.NotFound},
		{"leave when not in", func() error { _, err := f.svc.Leave(ctx, "fast-ci", "UZ"); return err }, previews.ErrNotIn, domain.NotFound},
		{"announced today", func() error { _, err := f.svc.Announce(ctx, "fast-ci"); return err }, previews.ErrAnnounced, domain.Conflict},
		{"invalid draft", func() error { _, err := f.svc.Create(ctx, previews.Draft{ID: "New UI!"}, "UADMIN"); return err }, previews.ErrInvalid, domain.Invalid},
		{"answered", answer("UA", "", previews.Answer{QuestionID: "rating", Value: 4}), previews.ErrAnswered, domain.Conflict},
		{"not asked", answer("UZ", "", previews.Answer{QuestionID: "rating", Value: 4}), previews.ErrNotAsked, domain.NotFound},
		{"unknown point", func() error { _, err := f.svc.Form(ctx, "fast-ci", "after-99d", "UA", ""); return err }, previews.ErrNotAsked, domain.NotFound},
		{"nothing answered", answer("UA", rc.Token, previews.Answer{QuestionID: "better", Text: " "}), previews.ErrNothingAnswered, domain.Invalid},
		{"bad answer", answer("UA", rc.Token, previews.Answer{QuestionID: "speed", Value: 9}), previews.ErrBadAnswer, domain.Invalid},
		{"closed", func() error {
			f.clock.Advance(8 * 24 * time.Hour)
			defer f.clock.Advance(-8 * 24 * time.Hour)
			return answer("UA", rc.Token, previews.Answer{QuestionID: "better", Text: "late"})()
		}, previews.ErrFeedbackClosed, domain.Conflict},
		{"ended", func() error {
			f.clock.Advance(40 * 24 * time.Hour)
			defer f.clock.Advance(-40 * 24 * time.Hour)
			_, err := f.svc.Join(ctx, "fast-ci", "UC")
			return err
		}, previews.ErrEnded, domain.Conflict},
	}
	for _, tc := range cases {
		err := tc.err()
		if !errors.Is(err, tc.sentinel) {
			t.Errorf("%s: %v is not %v", tc.name, err, tc.sentinel)
		}
		if got := domain.ErrorCode(err); got != tc.code {
			t.Errorf("%s: code %q, want %q", tc.name, got, tc.code)
		}
		if domain.ErrorMessage(err) == "" {
			t.Errorf("%s: no message", tc.name)
		}
	}
	// A follow-up that could not be queued is the bot's failure, not the
	// person's.
	if code := domain.ErrorCode(&previews.LaterError{Err: errors.New("outbox down")}); code != domain.Internal {
		t.Errorf("LaterError code %q, want internal", code)
	}
}
