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
