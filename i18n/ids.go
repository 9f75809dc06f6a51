package i18n

// The IDs of every message in the catalogs (catalog/en.yaml,
// catalog/de.yaml). Code names a message only through these constants;
// TestCatalogsMatchCode fails when one is used and missing from a
// catalog, or in a catalog and used nowhere.

// Languages, numbers, dates and durations (used by Lang itself).
const (
	LanguageName         ID = "language.name"
	NumberPercent        ID = "number.percent"
	DurationDaysHours    ID = "duration.days_hours"
	DurationHoursMinutes ID = "duration.hours_minutes"
	DurationMinutes      ID = "duration.minutes"
	DurationSeconds      ID = "duration.seconds"
	DateDay              ID = "date.day"
	DateWeekdayTime      ID = "date.weekday_time"
	DateWeekday          ID = "date.weekday_day"
	DateSlackToken       ID = "date.slack_token"
)

// The router, its help and the replies every feature shares (bot).
const (
	BotIntro             ID = "bot.intro"
	BotUnknownCommand    ID = "bot.unknown_command"
	BotUnknownSubcommand ID = "bot.unknown_subcommand"
	BotFormOnly          ID = "bot.form_only"
	BotNoArguments       ID = "bot.no_arguments"
	BotAdminNote         ID = "bot.admin_note"
	BotForbidden         ID = "bot.forbidden"
	BotUnavailable       ID = "bot.unavailable"
	BotInternalError     ID = "bot.internal_error"
	BotFormNotSubmitted  ID = "bot.form_not_submitted"
)

// /platform language.
const (
	LanguageHelp           ID = "language.help"
	LanguageCurrentChoice  ID = "language.current_choice"
	LanguageCurrentLocale  ID = "language.current_locale"
	LanguageCurrentDefault ID = "language.current_default"
	LanguageSet            ID = "language.set"
	LanguageAuto           ID = "language.auto"
	LanguageUnknown        ID = "language.unknown"
)

// Pulse surveys: the invitation and reminder DMs, the thank-you, the form.
const (
	PulseInviteText       ID = "pulse.invite_text"
	PulseReminderText     ID = "pulse.reminder_text"
	PulseReminderBody     ID = "pulse.reminder_body"
	PulseAnswerRest       ID = "pulse.answer_rest"
	PulseAnswer           ID = "pulse.answer"
	PulseChange           ID = "pulse.change"
	PulseNPSHint          ID = "pulse.nps_hint"
	PulsePrivacyAnonymous ID = "pulse.privacy_anonymous" // plural: the minimum group size
	PulsePrivacyNamed     ID = "pulse.privacy_named"
	PulseOpenUntil        ID = "pulse.open_until"
	PulseChangeUntil      ID = "pulse.change_until"
	PulseThanks           ID = "pulse.thanks"
	PulseThanksText       ID = "pulse.thanks_text"
	PulseSaved            ID = "pulse.saved"      // plural: the number of questions
	PulseSavedText        ID = "pulse.saved_text" // plural: the number of questions
	PulseClosed           ID = "pulse.closed"
	PulseAlready          ID = "pulse.already"
	PulseFormTitle        ID = "pulse.form_title"
	PulseFormSend         ID = "pulse.form_send"
	PulseFormCancel       ID = "pulse.form_cancel"
	PulseFormOptional     ID = "pulse.form_optional"
	PulseFormPickOne      ID = "pulse.form_pick_one"
	PulseButtonOutOfDate  ID = "pulse.button_out_of_date"
	PulseFormOutOfDate    ID = "pulse.form_out_of_date"
)

// Office hours: the reminder and the feedback DMs, and the thank-you that
// replaces the feedback question.
const (
	OfficeHoursReminder       ID = "officehours.reminder"
	OfficeHoursCantMake       ID = "officehours.cant_make"
	OfficeHoursFeedbackAsk    ID = "officehours.feedback_ask"
	OfficeHoursFeedbackThanks ID = "officehours.feedback_thanks"
	OfficeHoursAddComment     ID = "officehours.add_comment"
)

// --- DMs sent on the bot's own initiative (previews, ideas, office hours, self-service)

// Preview programs: the feedback request and its reminder, the thank-you
// that replaces it, and the feedback form it opens.
const (
	PreviewsFeedbackIntro    ID = "previews.feedback_intro"
	PreviewsFeedbackIntroEnd ID = "previews.feedback_intro_end"
	PreviewsReminderIntro    ID = "previews.reminder_intro"
	PreviewsReminderIntroEnd ID = "previews.reminder_intro_end"
	PreviewsFeedbackText     ID = "previews.feedback_text"
	PreviewsReminderText     ID = "previews.reminder_text"
	PreviewsFeedbackScale    ID = "previews.feedback_scale"
	PreviewsPrivacyAnonymous ID = "previews.privacy_anonymous" // plural: the minimum group size
	PreviewsPrivacyNamed     ID = "previews.privacy_named"
	PreviewsThanks           ID = "previews.thanks"
	PreviewsThanksText       ID = "previews.thanks_text"
	PreviewsAnswerRest       ID = "previews.answer_rest"
	PreviewsAddComment       ID = "previews.add_comment"
	PreviewsClosed           ID = "previews.closed"
	PreviewsAlready          ID = "previews.already"
	PreviewsFormOptional     ID = "previews.form_optional"
	PreviewsFormSend         ID = "previews.form_send"
	PreviewsFormCancel       ID = "previews.form_cancel"
	PreviewsButtonOutOfDate  ID = "previews.button_out_of_date"
	PreviewsFormOutOfDate    ID = "previews.form_out_of_date"
)

// Ideas: the DM to each voter once an idea is decided.
const (
	IdeasShippedDM    ID = "ideas.shipped_dm"
	IdeasShippedText  ID = "ideas.shipped_text"
	IdeasDeclinedDM   ID = "ideas.declined_dm"
	IdeasDeclinedText ID = "ideas.declined_text"
	IdeasThanksVoting ID = "ideas.thanks_voting"
	IdeasThanksThread ID = "ideas.thanks_thread"
)

// Office hours: the booking and cancellation DMs and the comment form of
// the feedback.
const (
	OfficeHoursBookedBooker    ID = "officehours.booked_booker"
	OfficeHoursBookedHost      ID = "officehours.booked_host"
	OfficeHoursBookedRemind    ID = "officehours.booked_remind"
	OfficeHoursLeadMinutes     ID = "officehours.lead_minutes" // plural: minutes before
	OfficeHoursLeadHours       ID = "officehours.lead_hours"   // plural: hours before
	OfficeHoursCancel          ID = "officehours.cancel"
	OfficeHoursCancelledBooker ID = "officehours.cancelled_booker"
	OfficeHoursCancelledHost   ID = "officehours.cancelled_host"
	OfficeHoursCommentTitle    ID = "officehours.comment_title" // plain text, at most 24 characters
	OfficeHoursCommentLabel    ID = "officehours.comment_label"
	OfficeHoursCommentHint     ID = "officehours.comment_hint"
	OfficeHoursCommentSend     ID = "officehours.comment_send"
	OfficeHoursCommentCancel   ID = "officehours.comment_cancel"
	OfficeHoursCommentThanks   ID = "officehours.comment_thanks"
	OfficeHoursCommentDone     ID = "officehours.comment_done"
)

// Self-service: the requester's DM about their request's status, and its
// rating question.
const (
	SelfServicePending       ID = "selfservice.dm_pending"
	SelfServiceNoApproval    ID = "selfservice.dm_no_approval"
	SelfServiceApproved      ID = "selfservice.dm_approved"
	SelfServiceNextManual    ID = "selfservice.next_manual"
	SelfServiceNextAutomatic ID = "selfservice.next_automatic"
	SelfServiceInProgress    ID = "selfservice.dm_in_progress"
	SelfServiceDone          ID = "selfservice.dm_done"
	SelfServiceRejected      ID = "selfservice.dm_rejected"
	SelfServiceFailed        ID = "selfservice.dm_failed"
	SelfServiceCancelled     ID = "selfservice.dm_cancelled"
	SelfServiceNowState      ID = "selfservice.dm_now"
	SelfServiceException     ID = "selfservice.exception"
	SelfServiceNoDetails     ID = "selfservice.no_details"
	SelfServiceHistory       ID = "selfservice.history"
	SelfServiceDetails       ID = "selfservice.details"
	SelfServiceCancelRequest ID = "selfservice.cancel_request"
	SelfServiceRateAsk       ID = "selfservice.rate_ask"
	SelfServiceRated         ID = "selfservice.rated"
)

// --- channel posts (digests, results, board, report)

// Spans of days, for the windows channel posts report on.
const (
	DateDayMonth   ID = "date.day_month"
	DateSpanDays   ID = "date.span_days"
	DateSpanMonths ID = "date.span_months"
	DateSpanYears  ID = "date.span_years"
)

// Metric digests: `/platform metrics` and the scheduled posts.
const (
	MetricsTitle             ID = "metrics.title"
	MetricsDigestWaiting     ID = "metrics.digest_waiting" // plural
	MetricsScopeService      ID = "metrics.scope_service"
	MetricsScopeOrg          ID = "metrics.scope_org"
	MetricsPeriodLast        ID = "metrics.period_last"  // plural: the days
	MetricsPeriodFixed       ID = "metrics.period_fixed" // plural: the days
	MetricsContext           ID = "metrics.context"      // plural: the days
	MetricsFallback          ID = "metrics.fallback"
	MetricsFallbackDeploys   ID = "metrics.fallback_deployments"
	MetricsFallbackLeadTime  ID = "metrics.fallback_lead_time"
	MetricsFallbackFailRate  ID = "metrics.fallback_fail_rate"
	MetricsPerDay            ID = "metrics.per_day"
	MetricsNoData            ID = "metrics.no_data"
	MetricsUnavailable       ID = "metrics.unavailable"
	MetricsDelivery          ID = "metrics.delivery"
	MetricsNotPerService     ID = "metrics.not_per_service"
	MetricsLevel             ID = "metrics.level"
	MetricsFrequency         ID = "metrics.frequency"
	MetricsLeadTime          ID = "metrics.lead_time"
	MetricsFailRate          ID = "metrics.fail_rate"
	MetricsRecovery          ID = "metrics.recovery"
	MetricsRestore           ID = "metrics.restore"
	MetricsRework            ID = "metrics.rework"
	MetricsFrequencyBody     ID = "metrics.frequency_body" // plural: the days
	MetricsLeadTimeBody      ID = "metrics.lead_time_body"
	MetricsFailRateBody      ID = "metrics.fail_rate_body"
	MetricsRecoveryBody      ID = "metrics.recovery_body"
	MetricsRestoreBody       ID = "metrics.restore_body"
	MetricsReworkBody        ID = "metrics.rework_body"
	MetricsDeployments       ID = "metrics.deployments" // plural
	MetricsPerDayWeek        ID = "metrics.per_day_week"
	MetricsADay              ID = "metrics.a_day"
	MetricsRare              ID = "metrics.rare" // plural: the days
	MetricsQuality           ID = "metrics.quality"
	MetricsNoCommitTime      ID = "metrics.no_commit_time"
	MetricsUnattributed      ID = "metrics.unattributed"
	MetricsNotDeployment     ID = "metrics.not_deployment"     // plural
	MetricsUnknownDeployment ID = "metrics.unknown_deployment" // plural
	MetricsNoDataBefore      ID = "metrics.no_data_before"
	MetricsNoChange          ID = "metrics.no_change"
	MetricsFromZero          ID = "metrics.from_zero"
	MetricsPoints            ID = "metrics.points"
	MetricsBetter            ID = "metrics.better"
	MetricsWorse             ID = "metrics.worse"
	MetricsSatisfaction      ID = "metrics.satisfaction"
	MetricsAdoption          ID = "metrics.adoption"
	MetricsSelfService       ID = "metrics.self_service"
	MetricsOfficeHours       ID = "metrics.office_hours"
	MetricsNoPulse           ID = "metrics.no_pulse"
	MetricsScore             ID = "metrics.score"
	MetricsNPS               ID = "metrics.nps"
	MetricsResponded         ID = "metrics.responded"
	MetricsVsPrevious        ID = "metrics.vs_previous"
	MetricsUsedBot           ID = "metrics.used_bot" // plural: the people
	MetricsNoTeam            ID = "metrics.no_team"
	MetricsRequests          ID = "metrics.requests" // plural
	MetricsNoHuman           ID = "metrics.no_human"
	MetricsMedianFulfil      ID = "metrics.median_fulfil"
	MetricsExceptions        ID = "metrics.exceptions" // plural
	MetricsHoursSaved        ID = "metrics.hours_saved"
	MetricsBookingsOfSlots   ID = "metrics.bookings_of_slots"
	MetricsBookings          ID = "metrics.bookings" // plural
	MetricsSlots             ID = "metrics.slots"    // plural
	MetricsUsed              ID = "metrics.used"
	MetricsFeedback          ID = "metrics.feedback"
	MetricsNoShows           ID = "metrics.no_shows" // plural
)

// Pulse survey results: the post to the results channel and /pulse results.
const (
	PulseResultsTitle      ID = "pulse.results_title"
	PulseResultsHidden     ID = "pulse.results_hidden" // plural: the minimum group size
	PulseResultsRun        ID = "pulse.results_run"
	PulseResultsOpenUntil  ID = "pulse.results_open_until"
	PulseResultsClosed     ID = "pulse.results_closed"
	PulseResultsRate       ID = "pulse.results_rate"
	PulseResultsText       ID = "pulse.results_text"
	PulseResultsAnswers    ID = "pulse.results_answers" // plural
	PulseResultsTooFew     ID = "pulse.results_too_few" // plural: the minimum group size
	PulseResultsMean       ID = "pulse.results_mean"
	PulseResultsNPS        ID = "pulse.results_nps"
	PulseResultsSame       ID = "pulse.results_same"
	PulseResultsTrend      ID = "pulse.results_trend"
	PulseResultsMore       ID = "pulse.results_more" // plural
	PulseResultsByTeam     ID = "pulse.results_by_team"
	PulseResultsNoTeam     ID = "pulse.results_no_team"
	PulseResultsTeam       ID = "pulse.results_team"
	PulseResultsTeamMean   ID = "pulse.results_team_mean"
	PulseResultsTeamNPS    ID = "pulse.results_team_nps"
	PulseResultsTeamHidden ID = "pulse.results_team_hidden" // plural
	PulseResultsNotRun     ID = "pulse.results_not_run"
	PulseResultsStillOpen  ID = "pulse.results_still_open"
	PulseResultsWaiting    ID = "pulse.results_waiting" // plural
)

// The idea board: an idea's message in the board channel, its merged
// form and the status notes in its thread.
const (
	IdeasBoardStatusOpen        ID = "ideas.board.status_open"
	IdeasBoardStatusUnderReview ID = "ideas.board.status_under_review"
	IdeasBoardStatusPlanned     ID = "ideas.board.status_planned"
	IdeasBoardStatusInProgress  ID = "ideas.board.status_in_progress"
	IdeasBoardStatusShipped     ID = "ideas.board.status_shipped"
	IdeasBoardStatusDeclined    ID = "ideas.board.status_declined"
	IdeasBoardStatusMerged      ID = "ideas.board.status_merged"
	IdeasBoardVotes             ID = "ideas.board.votes" // plural
	IdeasBoardProblem           ID = "ideas.board.problem"
	IdeasBoardAffected          ID = "ideas.board.affected"
	IdeasBoardVote              ID = "ideas.board.vote"
	IdeasBoardUnvote            ID = "ideas.board.unvote"
	IdeasBoardDiscuss           ID = "ideas.board.discuss"
	IdeasBoardText              ID = "ideas.board.text"
	IdeasBoardSubmittedBy       ID = "ideas.board.submitted_by"
	IdeasBoardLink              ID = "ideas.board.link"
	IdeasBoardStatusBy          ID = "ideas.board.status_by"
	IdeasBoardMenuStatus        ID = "ideas.board.menu_status"
	IdeasBoardMenuMerge         ID = "ideas.board.menu_merge"
	IdeasBoardMergedText        ID = "ideas.board.merged_text"
	IdeasBoardMerged            ID = "ideas.board.merged"
	IdeasBoardMergedBy          ID = "ideas.board.merged_by"
	IdeasBoardThreadStatus      ID = "ideas.board.thread_status"
	IdeasBoardThreadVoters      ID = "ideas.board.thread_voters" // plural
	IdeasBoardThreadText        ID = "ideas.board.thread_text"
)

// The value report: the text around its charts (the charts' own labels
// are English).
const (
	ReportTitle               ID = "report.title"
	ReportQuarter             ID = "report.quarter"
	ReportQuarterToDate       ID = "report.quarter_to_date"
	ReportContext             ID = "report.context" // plural: the days
	ReportMade                ID = "report.made"
	ReportUnavailable         ID = "report.unavailable"
	ReportAdoption            ID = "report.adoption"
	ReportSelfService         ID = "report.self_service"
	ReportDelivery            ID = "report.delivery"
	ReportSatisfaction        ID = "report.satisfaction"
	ReportOfficeHours         ID = "report.office_hours"
	ReportPreviews            ID = "report.previews"
	ReportIdeas               ID = "report.ideas"
	ReportChartsInThread      ID = "report.charts_in_thread"
	ReportChartsWhenPosted    ID = "report.charts_when_posted"
	ReportChartDeployments    ID = "report.chart_deployments"
	ReportChartLeadTime       ID = "report.chart_lead_time"
	ReportChartSatisfaction   ID = "report.chart_satisfaction"
	ReportChartAdoption       ID = "report.chart_adoption"
	ReportNoDeploymentsChart  ID = "report.no_chart_deployments"
	ReportNoLeadTimeChart     ID = "report.no_chart_lead_time"
	ReportNoSatisfactionChart ID = "report.no_chart_satisfaction"
	ReportNoAdoptionChart     ID = "report.no_chart_adoption"
	ReportEmptyDeployments    ID = "report.empty_deployments"
	ReportEmptyLeadTime       ID = "report.empty_lead_time"
	ReportEmptySatisfaction   ID = "report.empty_satisfaction"
	ReportEmptyAdoption       ID = "report.empty_adoption"
	ReportChartFailed         ID = "report.chart_failed"
	ReportFallbackActive      ID = "report.fallback_active"
	ReportFallbackRate        ID = "report.fallback_rate"
	ReportFallbackDeploys     ID = "report.fallback_deployments"
	ReportFallbackLeadTime    ID = "report.fallback_lead_time"
	ReportNoData              ID = "report.no_data"
	ReportNoDataBefore        ID = "report.no_data_before"
	ReportWas                 ID = "report.was"
	ReportNoChange            ID = "report.no_change"
	ReportPercentPoints       ID = "report.percent_points"
	ReportPoints              ID = "report.points"
	ReportFromZero            ID = "report.from_zero"
	ReportBetter              ID = "report.better"
	ReportWorse               ID = "report.worse"
	ReportADay                ID = "report.a_day"
	ReportMinutes             ID = "report.minutes"
	ReportWeeklyActive        ID = "report.weekly_active"
	ReportMeanOfWeeks         ID = "report.mean_of_weeks" // plural
	ReportActiveUsers         ID = "report.active_users"
	ReportCatalogItems        ID = "report.catalog_items"
	ReportMore                ID = "report.more" // plural
	ReportItemExtra           ID = "report.item_extra"
	ReportSelfServiceRate     ID = "report.self_service_rate"
	ReportRequests            ID = "report.requests"
	ReportFulfilled           ID = "report.fulfilled"
	ReportMedianFulfil        ID = "report.median_fulfil"
	ReportTimeSaved           ID = "report.time_saved"
	ReportValueUnset          ID = "report.value_unset"
	ReportValueNoData         ID = "report.value_no_data"
	ReportValue               ID = "report.value"
	ReportFormula             ID = "report.formula"
	ReportNoDelivery          ID = "report.no_delivery"
	ReportLevels              ID = "report.levels"
	ReportFrequency           ID = "report.frequency"
	ReportDeployments         ID = "report.deployments"
	ReportLeadTime            ID = "report.lead_time"
	ReportFailRate            ID = "report.fail_rate"
	ReportRecovery            ID = "report.recovery"
	ReportRestore             ID = "report.restore"
	ReportRework              ID = "report.rework"
	ReportNoCommitTime        ID = "report.no_commit_time" // plural
	ReportNoRounds            ID = "report.no_rounds"
	ReportMeanScore           ID = "report.mean_score"
	ReportNPS                 ID = "report.nps"
	ReportNoRoundClosed       ID = "report.no_round_closed"
	ReportRounds              ID = "report.rounds"
	ReportRound               ID = "report.round"
	ReportAnswered            ID = "report.answered"
	ReportTooFew              ID = "report.too_few"
	ReportRoundNPS            ID = "report.round_nps"
	ReportRoundMean           ID = "report.round_mean"
	ReportNoOfficeHours       ID = "report.no_office_hours"
	ReportRatings             ID = "report.ratings" // plural
	ReportSessions            ID = "report.sessions"
	ReportUtilization         ID = "report.utilization"
	ReportNoShows             ID = "report.no_shows"
	ReportRating              ID = "report.rating"
	ReportNoPreviews          ID = "report.no_previews"
	ReportNoRatings           ID = "report.no_ratings"
	ReportRated               ID = "report.rated" // plural: the ratings
	ReportPreview             ID = "report.preview"
	ReportNoIdeas             ID = "report.no_ideas"
	ReportNoTeamNamed         ID = "report.no_team_named"
	ReportVotes               ID = "report.votes" // plural
)
