package pulse

import (
	"testing"
	"time"

	"github.com/platformbot/platformbot/handlers/internal/handlertest"
	"github.com/platformbot/platformbot/i18n"
	"github.com/platformbot/platformbot/surveys"
)

// FuzzPulseRender renders a survey whose free-text answer and comments
// are fuzzed: the thank-you that replaces the DM, the results (with the
// comments shared, attributed or not), and the invitation.
func FuzzPulseRender(f *testing.F) {
	for _, s := range handlertest.HostileSeeds {
		f.Add(s, s)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	f.Fuzz(func(t *testing.T, answer, comment string) {
		sv := handlertest.FuzzSurvey()
		run := surveys.Run{ID: 3, SurveyID: sv.ID, State: surveys.Open, StartedAt: handlertest.FuzzRenderNow, ClosesAt: handlertest.FuzzRenderNow.Add(72 * time.Hour), Audience: 5,
			Snapshot: surveys.Snapshot{Title: sv.Title, Intro: sv.Intro, Questions: sv.Questions, Anonymous: true, MinGroupSize: 2, ResultsChannel: handlertest.FzResults, ShareComments: true}}
		rc := surveys.Receipt{Run: run, Token: "tok", Answers: []surveys.Answer{{QuestionID: "sat", Value: 4}, {QuestionID: "slow", Value: 1}, {QuestionID: "why", Text: answer}},
			Remaining: []surveys.Question{sv.Questions[1]}}
		handlertest.CheckMessage(t, "thank you", thankYou(rc, berlin, i18n.Fallback()))
		handlertest.CheckMessage(t, "invitation", invitation(run, berlin, false, i18n.Fallback()))
		handlertest.CheckMessage(t, "reminder", invitation(run, berlin, true, i18n.Fallback()))
		res := surveys.Results{Run: run, Asked: 5, Responses: 3, Rate: 0.6, Questions: []surveys.QuestionResult{
			{Question: sv.Questions[0], N: 3, Counts: []int{0, 0, 1, 1, 1}, Mean: 4},
			{Question: sv.Questions[2], N: 3, Counts: []int{2, 1}},
			{Question: sv.Questions[3], N: 2, Comments: []surveys.Comment{{QuestionID: "why", Text: comment}, {QuestionID: "why", Text: answer, UserID: handlertest.FzPulse1}}},
		}}
		for _, shared := range []bool{true, false} {
			for _, code := range i18n.Languages() {
				l, _ := i18n.MustBuiltin().Lang(code)
				handlertest.CheckMessage(t, "results "+code, resultsMessage(l, res, berlin, shared))
			}
		}
		for _, s := range handlertest.MrkdwnOf(answerForm(rc, formMeta{Run: run.ID, Token: "tok", Change: true}, time.UTC, i18n.Fallback())) {
			handlertest.CheckMrkdwn(t, "answer form", s)
		}
	})
}
