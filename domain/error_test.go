package domain_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/platformbot/platformbot/domain"
)

var errTaken = &domain.Error{Code: domain.Conflict, Reason: "slot_taken", Message: "That slot was just taken."}

func TestErrorMatchingAndCause(t *testing.T) {
	cause := errors.New("storage: OfficeHoursStore.Book(3): duplicate key")
	got := fmt.Errorf("officehours.Book: %w", errTaken.Withf("Sorry, %s was faster.", "someone").Wrap(cause))
	for _, tc := range []struct {
		name   string
		target error
		want   bool
	}{
		{"same code and reason", errTaken, true},
		{"the code alone", &domain.Error{Code: domain.Conflict}, true},
		{"another reason", &domain.Error{Code: domain.Conflict, Reason: "weekly_limit"}, false},
		{"another code", &domain.Error{Code: domain.NotFound, Reason: "slot_taken"}, false},
		{"the cause", cause, true},
	} {
		if errors.Is(got, tc.target) != tc.want {
			t.Errorf("%s: errors.Is = %v, want %v", tc.name, !tc.want, tc.want)
		}
	}
	if domain.ErrorCode(got) != domain.Conflict || domain.ErrorMessage(got) != "Sorry, someone was faster." {
		t.Errorf("code %q message %q", domain.ErrorCode(got), domain.ErrorMessage(got))
	}
	if errTaken.Err != nil || errTaken.Message != "That slot was just taken." {
		t.Error("Withf or Wrap changed the sentinel")
	}
	want := "conflict (slot_taken): Sorry, someone was faster.: storage: OfficeHoursStore.Book(3): duplicate key"
	if e, _ := domain.As(got); e.Error() != want {
		t.Errorf("Error() = %q, want %q", e.Error(), want)
	}
}

func TestOtherErrorsAreInternal(t *testing.T) {
	err := errors.New("connection refused")
	if domain.ErrorCode(err) != domain.Internal || domain.ErrorMessage(err) != "Internal error." {
		t.Errorf("code %q message %q", domain.ErrorCode(err), domain.ErrorMessage(err))
	}
	internal := &domain.Error{Code: domain.Internal, Message: "secret detail", Err: err}
	if domain.ErrorMessage(internal) != "Internal error." {
		t.Error("an internal error's message reached people")
	}
	if domain.ErrorCode(nil) != "" || domain.ErrorMessage(nil) != "" {
		t.Error("nil is no error")
	}
}

func TestWithAddsParamsToACopy(t *testing.T) {
	base := errTaken.With(map[string]any{"Slot": 3})
	got := base.Withf("Slot %d was taken by %s.", 3, "Ann").With(map[string]any{"By": "Ann"})
	if !errors.Is(got, errTaken) || got.Params["Slot"] != 3 || got.Params["By"] != "Ann" {
		t.Errorf("With: %+v", got)
	}
	if errTaken.Params != nil || len(base.Params) != 1 {
		t.Errorf("With changed what it copied: sentinel %v, base %v", errTaken.Params, base.Params)
	}
}
