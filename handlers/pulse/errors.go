package pulse

import (
	"errors"
	"fmt"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/surveys"
)

// explain words the survey domain errors a handler returns, for Slack;
// anything else goes on to the bot's error reply.
var explain = bot.Explain(userMessage)

// userMessage is a survey domain error as mrkdwn: an emoji for some, the
// message escaped, the ids typed in code and the hints that name the
// (configurable) command.
func userMessage(req *bot.Request, err error) string {
	command := "/pulse"
	if req != nil && req.Command != "" {
		command = req.Command
	}
	var unknown *surveys.UnknownSurveyError
	var empty *surveys.EmptyAudienceError
	var in *surveys.InputError
	switch {
	case errors.As(err, &unknown):
		return fmt.Sprintf("There is no survey called %s. `%s list` shows the surveys.", bot.Code(unknown.ID, 64), command)
	case errors.As(err, &empty):
		return fmt.Sprintf("The audience of %s is empty: check its users, usergroups and channels in the configuration. Nothing was sent.", bot.Code(empty.Survey, 64))
	case errors.As(err, &in):
		return bot.Escape(in.Msg)
	case errors.Is(err, surveys.ErrAnswered):
		return ":white_check_mark: " + bot.Escape(surveys.ErrAnswered.Message) + " Use *Change* in the survey message to change your answers."
	case errors.Is(err, surveys.ErrRunClosed):
		return ":lock: Thanks for wanting to answer! " + bot.Escape(surveys.ErrRunClosed.Message) + " Watch for the next one."
	}
	return bot.Escape(domain.ErrorMessage(err))
}
