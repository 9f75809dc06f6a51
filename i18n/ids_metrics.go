package i18n

// `/platform metrics`: its help line and its refusals (the digest itself
// is in ids.go).
const (
	MetricsHelp              ID = "metrics.help"
	MetricsUntilWhen         ID = "metrics.until_when"
	MetricsNotADate          ID = "metrics.not_a_date"
	MetricsNoSuchWindow      ID = "metrics.no_such_window"
	MetricsNoDayWindow       ID = "metrics.no_day_window"
	MetricsOneScope          ID = "metrics.one_scope"
	MetricsUnknownScope      ID = "metrics.unknown_scope"
	MetricsUnknownScopeTeams ID = "metrics.unknown_scope_teams"
	MetricsUntilNotOver      ID = "metrics.until_not_over"
)

// The metrics section of App Home.
const (
	MetricsHomeTeam         ID = "metrics.home_team"
	MetricsHomeOrg          ID = "metrics.home_org"
	MetricsHomeTitle        ID = "metrics.home_title"
	MetricsHomeUnavailable  ID = "metrics.home_unavailable"
	MetricsHomeDeployments  ID = "metrics.home_deployments"
	MetricsHomeLeadTime     ID = "metrics.home_lead_time"
	MetricsHomeRecovery     ID = "metrics.home_recovery"
	MetricsHomeSatisfaction ID = "metrics.home_satisfaction"
	MetricsHomeScore        ID = "metrics.home_score"
	MetricsHomeFooter       ID = "metrics.home_footer"
)
