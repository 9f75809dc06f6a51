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
