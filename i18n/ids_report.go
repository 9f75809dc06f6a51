package i18n

// `/platform report`: its help line, its answers and its refusals (the
// report itself is in ids.go).
const (
	ReportHelp      ID = "report.help"
	ReportOnePeriod ID = "report.one_period"
	ReportNoChannel ID = "report.no_channel"
	ReportOnItsWay  ID = "report.on_its_way"
	ReportPosting   ID = "report.posting"
)

// Why a period cannot be reported (report.PeriodError), to the asker.
const (
	ReportPeriodUnknown    ID = "report.period_unknown"
	ReportPeriodNoQuarter  ID = "report.period_no_quarter"
	ReportPeriodDateFormat ID = "report.period_date_format"
	ReportPeriodBackwards  ID = "report.period_backwards"
	ReportPeriodTooEarly   ID = "report.period_too_early"
	ReportPeriodTooLong    ID = "report.period_too_long"
	ReportPeriodNotOver    ID = "report.period_not_over"
	ReportPeriodNotStarted ID = "report.period_not_started"
)
