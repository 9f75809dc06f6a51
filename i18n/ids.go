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
