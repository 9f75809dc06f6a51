package i18n

// /pulse: the help lines, list and send, and the survey domain's errors
// as the handlers word them (the DMs, the form and the results are in
// ids.go).
const (
	PulseHelpList        ID = "pulse.help_list"
	PulseHelpSend        ID = "pulse.help_send"
	PulseHelpResults     ID = "pulse.help_results"
	PulseListNone        ID = "pulse.list_none"
	PulseListTitle       ID = "pulse.list_title"
	PulseListNextRun     ID = "pulse.list_next_run"
	PulseListByHand      ID = "pulse.list_by_hand"
	PulseListOpen        ID = "pulse.list_open"
	PulseListWaiting     ID = "pulse.list_waiting"
	PulseStarted         ID = "pulse.started" // plural: the audience
	PulseRunOpen         ID = "pulse.run_open"
	PulseNameOne         ID = "pulse.name_one"
	PulseUnknownSurvey   ID = "pulse.unknown_survey"
	PulseEmptyAudience   ID = "pulse.empty_audience"
	PulseErrAnswered     ID = "pulse.error_answered"
	PulseErrClosed       ID = "pulse.error_closed"
	PulseErrNoRun        ID = "pulse.error_no_run"
	PulseErrDuplicateRun ID = "pulse.error_duplicate_run"
	PulseErrRunOpen      ID = "pulse.error_run_open"
	PulseErrRunOpenOf    ID = "pulse.error_run_open_of"
	PulseErrNotInvited   ID = "pulse.error_not_invited"
	PulseErrUnknownReply ID = "pulse.error_unknown_response"
	PulseErrNothing      ID = "pulse.error_nothing_answered"
	PulseErrBadAnswer    ID = "pulse.error_bad_answer"
)

// The pulse section of App Home.
const (
	PulseHomeTitle ID = "pulse.home_title"
	PulseHomeRun   ID = "pulse.home_run"
)

// What is wrong with an answer (surveys.InputError), shown at its question.
const (
	PulseInputTooLong     ID = "pulse.input_too_long"
	PulseInputNotAnOption ID = "pulse.input_not_an_option"
	PulseInputGone        ID = "pulse.input_question_gone"
)
