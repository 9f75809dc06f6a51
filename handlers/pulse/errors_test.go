package pulse

import (
	"fmt"
	"testing"
	"time"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/surveys"
)

// TestUserMessage: the survey domain errors read as they did when the
// domain wrote them, with the command's configured name in the hints and
// typed ids defused.
func TestUserMessage(t *testing.T) {
	req := &bot.Request{Command: "/survey"}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&surveys.UnknownSurveyError{ID: "<!channel>`x"}, "There is no survey called `!channelx`. `/survey list` shows the surveys."},
		{&surveys.EmptyAudienceError{Survey: "devex"}, "The audience of `devex` is empty: check its users, usergroups and channels in the configuration. Nothing was sent."},
		{&surveys.InputError{Question: "sat", Msg: "Please pick one of the options."}, "Please pick one of the options."},
		{fmt.Errorf("answer: %w", surveys.ErrAnswered), ":white_check_mark: You've already answered this survey — thank you! Use *Change* in the survey message to change your answers."},
		{&surveys.ClosedError{ClosedAt: time.Now()}, ":lock: Thanks for wanting to answer! This survey has closed, so it no longer takes answers. Watch for the next one."},
		{surveys.ErrNotInvited, "This survey wasn't sent to you, so it can't take your answers."},
		{surveys.ErrUnknownResponse, "I can't find those answers any more. If you haven't answered yet, use the buttons in the survey message."},
		{surveys.ErrNothingAnswered, "Please answer at least one question."},
	} {
		if got := userMessage(req, tc.err); got != tc.want {
			t.Errorf("userMessage(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
