package previews

import (
	"testing"
	"time"

	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/i18n"
	pv "github.com/platformbot/platformbot/previews"
)

// TestUserMessage: the preview domain errors read as they did when the
// domain wrote them, with the command's configured name in the hints,
// names in bold and escaped, typed ids defused.
func TestUserMessage(t *testing.T) {
	h := &Handler{command: "/beta"}
	p := pv.Preview{ID: "fast-ci", Name: "Fast <CI>", End: "2026-03-29"}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&pv.UnknownPreviewError{ID: "no*pe"}, "There is no preview called `nope`. `/beta list` shows them."},
		{&pv.EndedError{Preview: p}, "*Fast &lt;CI&gt;* ended on Sun 29 Mar 2026, so it takes no new participants. Thanks for your interest!"},
		{&pv.NotInError{Preview: p}, "You're not in *Fast &lt;CI&gt;*, so there is nothing to leave."},
		{&pv.AnnouncedError{Preview: p, Day: "2026-03-02"}, "*Fast &lt;CI&gt;* was already announced today (Mon 2 Mar 2026); one announcement a day is enough."},
		{&pv.ClosedError{ClosedAt: time.Now()}, ":lock: Thanks for wanting to answer! This feedback request has closed, so it no longer takes answers."},
		{pv.ErrAnswered, ":white_check_mark: You've already answered this one — thank you!"},
		{pv.ErrNotAsked, "This feedback request wasn't sent to you, so it can't take your answers."},
		{&pv.InputError{Question: "rating", Problem: &domain.Error{Code: domain.Invalid, Reason: pv.ReasonRatingRange, Message: "Pick 1–5."}}, "Please pick a rating from 1 to 5."},
	} {
		if got := h.userMessage(i18n.Fallback(), tc.err); got != tc.want {
			t.Errorf("userMessage(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
