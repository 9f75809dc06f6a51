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
