package i18n

// The value report's charts: the words drawn on the images (their short
// titles, reasons for a chart left out and the failure are in ids.go).
const (
	ChartsDeploymentsHeading  ID = "charts.deployments_heading"
	ChartsLeadTimeHeading     ID = "charts.lead_time_heading"
	ChartsSatisfactionHeading ID = "charts.satisfaction_heading"
	ChartsAdoptionHeading     ID = "charts.adoption_heading"
	ChartsDeploymentsAxis     ID = "charts.deployments_axis"
	ChartsHoursAxis           ID = "charts.hours_axis"
	ChartsScoreAxis           ID = "charts.score_axis"
	ChartsPeopleAxis          ID = "charts.people_axis"
	ChartsBotLegend           ID = "charts.bot_legend"
)
