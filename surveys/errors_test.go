package surveys_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/storage/storagetest"
	"github.com/platformbot/platformbot/surveys"
)

// TestFailuresAreDomainErrors: every failure a person can act on is a
// domain error that errors.Is matches against its sentinel, with its
// code, and a message (the handlers word it from these).
func TestFailuresAreDomainErrors(t *testing.T) {
	f := newFixture(t, storagetest.SQLite(t))
	ctx := context.Background()
	run, err := f.svc.StartNow(ctx, "devex", "UADMIN")
	if err != nil {
		t.Fatal(err)
	}
	tap, err := f.svc.Answer(ctx, surveys.Submission{RunID: run.ID, UserID: "U1", Answers: []surveys.Answer{{QuestionID: "sat", Value: 4}}})
	if err != nil {
		t.Fatal(err)
	}
	answer := func(user, token string, answers ...surveys.Answer) error {
		_, err := f.svc.Answer(ctx, surveys.Submission{RunID: run.ID, UserID: user, Token: token, Answers: answers})
		return err
	}
	sat := surveys.Answer{QuestionID: "sat", Value: 3}
	cases := []struct {
		name     string
		err      func() error
		sentinel *domain.Error
		code     domain.Code
	}{
		{"unknown survey", func() error { _, err := f.svc.StartNow(ctx, "nope", "UADMIN"); return err }, surveys.ErrUnknownSurvey, domain.NotFound},
		{"run open", func() error { _, err := f.svc.StartNow(ctx, "devex", "UADMIN"); return err }, surveys.ErrRunOpen, domain.Conflict},
		{"not invited", func() error { return answer("U9", "", sat) }, surveys.ErrNotInvited, domain.NotFound},
		{"no such run", func() error { _, err := f.svc.Form(ctx, 999, "U1", ""); return err }, surveys.ErrNotInvited, domain.NotFound},
		{"answered", func() error { return answer("U1", "", sat) }, surveys.ErrAnswered, domain.Conflict},
		{"form after answering", func() error { _, err := f.svc.Form(ctx, run.ID, "U1", ""); return err }, surveys.ErrAnswered, domain.Conflict},
		{"someone else's token", func() error { return answer("U2", tap.Token, sat) }, surveys.ErrUnknownResponse, domain.NotFound},
		{"nothing answered", func() error { return answer("U2", "", surveys.Answer{QuestionID: "why", Text: " "}) }, surveys.ErrNothingAnswered, domain.Invalid},
		{"bad answer", func() error { return answer("U2", "", surveys.Answer{QuestionID: "sat", Value: 9}) }, surveys.ErrBadAnswer, domain.Invalid},
		{"unknown question", func() error { return answer("U2", "", surveys.Answer{QuestionID: "gone", Value: 1}) }, surveys.ErrBadAnswer, domain.Invalid},
		{"empty audience", func() error { return &surveys.EmptyAudienceError{Survey: "devex"} }, surveys.ErrEmptyAudience, domain.Invalid},
		{"closed", func() error {
			f.clock.Advance(73 * time.Hour)
			defer f.clock.Advance(-73 * time.Hour)
			return answer("U2", "", sat)
		}, surveys.ErrRunClosed, domain.Conflict},
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
	// The store's sentinels are told apart from the Service's.
	if errors.Is(surveys.ErrNotInvited, surveys.ErrNotFound) || errors.Is(surveys.ErrAnswered, surveys.ErrRunClosed) {
		t.Error("sentinels of one code match each other")
	}
}
