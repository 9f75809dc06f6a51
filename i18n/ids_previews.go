package i18n

// Preview programs (/preview): the messages of previews.en.yaml. The
// feedback request, its reminder and form are in ids.go.

// The command's summary and the help lines of its subcommands.
const (
	PreviewsSummary      ID = "previews.summary"
	PreviewsHelpList     ID = "previews.help_list"
	PreviewsHelpJoin     ID = "previews.help_join"
	PreviewsHelpLeave    ID = "previews.help_leave"
	PreviewsHelpNew      ID = "previews.help_new"
	PreviewsHelpAnnounce ID = "previews.help_announce"
	PreviewsHelpResults  ID = "previews.help_results"
)

// Replies and refusals of the commands.
const (
	PreviewsNameOne        ID = "previews.name_one"
	PreviewsAnnounceQueued ID = "previews.announce_queued"
	PreviewsNewFromSlack   ID = "previews.new_from_slack"
	PreviewsNewOutOfDate   ID = "previews.new_out_of_date"
	PreviewsCreated        ID = "previews.created"
)

// Dates and lists in the messages.
const (
	PreviewsDay        ID = "previews.day"
	PreviewsSpan       ID = "previews.span"
	PreviewsAnd        ID = "previews.and"
	PreviewsPointEnd   ID = "previews.point_end"
	PreviewsPointDays  ID = "previews.point_days"
	PreviewsPointAfter ID = "previews.point_after"
)

// What a preview offers (announcement, join reply, promotion DM).
const (
	PreviewsSeatsOpen         ID = "previews.seats_open"
	PreviewsSeatsCapped       ID = "previews.seats_capped"
	PreviewsFeedbackPlan      ID = "previews.feedback_plan"
	PreviewsFeedbackNamed     ID = "previews.feedback_named"
	PreviewsFeedbackAnonymous ID = "previews.feedback_anonymous"
)

// The announcement in the preview's channel.
const (
	PreviewsAnnouncementHeader     ID = "previews.announcement_header"
	PreviewsAnnouncementFacts      ID = "previews.announcement_facts"
	PreviewsAnnouncementAutomation ID = "previews.announcement_automation"
	PreviewsAnnouncementText       ID = "previews.announcement_text"
	PreviewsButtonJoinPreview      ID = "previews.button_join_preview"
	PreviewsButtonJoin             ID = "previews.button_join"
	PreviewsButtonJoinAgain        ID = "previews.button_join_again"
	PreviewsButtonLeave            ID = "previews.button_leave"
	PreviewsButtonLeavePreview     ID = "previews.button_leave_preview"
	PreviewsButtonLeaveWaitlist    ID = "previews.button_leave_waitlist"
)

// Joining and leaving.
const (
	PreviewsAutomationPending ID = "previews.automation_pending"
	PreviewsAutomationEnabled ID = "previews.automation_enabled"
	PreviewsAutomationFailed  ID = "previews.automation_failed"
	PreviewsJoined            ID = "previews.joined"
	PreviewsJoinedAlready     ID = "previews.joined_already"
	PreviewsWaitlisted        ID = "previews.waitlisted"
	PreviewsLeft              ID = "previews.left"
	PreviewsLeftWaitlist      ID = "previews.left_waitlist"
	PreviewsTurningOff        ID = "previews.turning_off"
	PreviewsListEmpty         ID = "previews.list_empty"
	PreviewsListHeader        ID = "previews.list_header"
	PreviewsListMore          ID = "previews.list_more"
	PreviewsListHint          ID = "previews.list_hint"
	PreviewsListText          ID = "previews.list_text"
	PreviewsListIn            ID = "previews.list_in"
	PreviewsListSeats         ID = "previews.list_seats"
	PreviewsListWaiting       ID = "previews.list_waiting"
	PreviewsListEnded         ID = "previews.list_ended"
	PreviewsListYouAreIn      ID = "previews.list_you_are_in"
	PreviewsListPosition      ID = "previews.list_position"
)

// The App Home section.
const (
	PreviewsHomeHeader   ID = "previews.home_header"
	PreviewsHomeUntil    ID = "previews.home_until"
	PreviewsHomePosition ID = "previews.home_position"
)

// The DM to someone who got a seat from the waitlist.
const (
	PreviewsPromoted           ID = "previews.promoted"
	PreviewsPromotedAutomation ID = "previews.promoted_automation"
	PreviewsPromotedText       ID = "previews.promoted_text"
)

// The DM to a preview's owner when its automation failed for good.
const (
	PreviewsAutomationFailedOn    ID = "previews.automation_failed_on"
	PreviewsAutomationFailedOff   ID = "previews.automation_failed_off"
	PreviewsAutomationFailedText  ID = "previews.automation_failed_text"
	PreviewsResultsTitle          ID = "previews.results_title"
	PreviewsResultsHeader         ID = "previews.results_header"
	PreviewsResultsFacts          ID = "previews.results_facts"
	PreviewsResultsParticipants   ID = "previews.results_participants"
	PreviewsResultsWeeks          ID = "previews.results_weeks"
	PreviewsResultsTeams          ID = "previews.results_teams"
	PreviewsResultsTeam           ID = "previews.results_team"
	PreviewsResultsNoTeam         ID = "previews.results_no_team"
	PreviewsResultsFeedback       ID = "previews.results_feedback"
	PreviewsResultsFeedbackRate   ID = "previews.results_feedback_rate"
	PreviewsResultsAnswers        ID = "previews.results_answers"
	PreviewsResultsNoAnswers      ID = "previews.results_no_answers"
	PreviewsResultsHidden         ID = "previews.results_hidden"
	PreviewsResultsMean           ID = "previews.results_mean"
	PreviewsResultsCommentsHidden ID = "previews.results_comments_hidden"
	PreviewsResultsComments       ID = "previews.results_comments"
	PreviewsResultsNewer          ID = "previews.results_newer"
	PreviewsResultsOlder          ID = "previews.results_older"
	PreviewsResultsPage           ID = "previews.results_page"
	PreviewsResultsText           ID = "previews.results_text"
)

// The /preview new form.
const (
	PreviewsNewTitle           ID = "previews.new_title"
	PreviewsNewCreate          ID = "previews.new_create"
	PreviewsNewDone            ID = "previews.new_done"
	PreviewsNewID              ID = "previews.new_id"
	PreviewsNewName            ID = "previews.new_name"
	PreviewsNewNameExample     ID = "previews.new_name_example"
	PreviewsNewDescription     ID = "previews.new_description"
	PreviewsNewOwner           ID = "previews.new_owner"
	PreviewsNewOwnerChoose     ID = "previews.new_owner_choose"
	PreviewsNewChannel         ID = "previews.new_channel"
	PreviewsNewChannelChoose   ID = "previews.new_channel_choose"
	PreviewsNewSeats           ID = "previews.new_seats"
	PreviewsNewSeatsHint       ID = "previews.new_seats_hint"
	PreviewsNewStart           ID = "previews.new_start"
	PreviewsNewEnd             ID = "previews.new_end"
	PreviewsNewAfterDays       ID = "previews.new_after_days"
	PreviewsNewAfterDaysHint   ID = "previews.new_after_days_hint"
	PreviewsNewAtEnd           ID = "previews.new_at_end"
	PreviewsNewAtEndOption     ID = "previews.new_at_end_option"
	PreviewsNewRating          ID = "previews.new_rating"
	PreviewsNewRatingDefault   ID = "previews.new_rating_default"
	PreviewsNewComment         ID = "previews.new_comment"
	PreviewsNewCommentDefault  ID = "previews.new_comment_default"
	PreviewsNewAnonymous       ID = "previews.new_anonymous"
	PreviewsNewAnonymousOption ID = "previews.new_anonymous_option"
	PreviewsNewMinGroup        ID = "previews.new_min_group"
	PreviewsNewMinGroupHint    ID = "previews.new_min_group_hint"
)

// What is wrong with a new preview or an answer, next to its field.
const (
	PreviewsInvalidID             ID = "previews.invalid_id"
	PreviewsInvalidIDTaken        ID = "previews.invalid_id_taken"
	PreviewsInvalidRequired       ID = "previews.invalid_required"
	PreviewsInvalidTooLong        ID = "previews.invalid_too_long"
	PreviewsInvalidOwner          ID = "previews.invalid_owner"
	PreviewsInvalidChannel        ID = "previews.invalid_channel"
	PreviewsInvalidNumber         ID = "previews.invalid_number"
	PreviewsInvalidStartMissing   ID = "previews.invalid_start_missing"
	PreviewsInvalidEndMissing     ID = "previews.invalid_end_missing"
	PreviewsInvalidDate           ID = "previews.invalid_date"
	PreviewsInvalidEndBeforeStart ID = "previews.invalid_end_before_start"
	PreviewsInvalidEndPast        ID = "previews.invalid_end_past"
	PreviewsInvalidNoPoints       ID = "previews.invalid_no_points"
	PreviewsInvalidQuestionGone   ID = "previews.invalid_question_gone"
	PreviewsInvalidRating         ID = "previews.invalid_rating"
)

// The domain's refusals.
const (
	PreviewsUnknownPreview     ID = "previews.unknown_preview"
	PreviewsEnded              ID = "previews.ended"
	PreviewsNotIn              ID = "previews.not_in"
	PreviewsAnnouncedToday     ID = "previews.announced_today"
	PreviewsErrNotFound        ID = "previews.err_not_found"
	PreviewsErrDuplicate       ID = "previews.err_duplicate"
	PreviewsErrNotIn           ID = "previews.err_not_in"
	PreviewsErrNotAsked        ID = "previews.err_not_asked"
	PreviewsErrUnknownResponse ID = "previews.err_unknown_response"
	PreviewsErrNothingAnswered ID = "previews.err_nothing_answered"
	PreviewsErrEnded           ID = "previews.err_ended"
	PreviewsErrAnnounced       ID = "previews.err_announced"
	PreviewsErrInvalid         ID = "previews.err_invalid"
	PreviewsErrBadAnswer       ID = "previews.err_bad_answer"
)
