package report

import (
	"time"

	"github.com/platformbot/platformbot/i18n"
	rpt "github.com/platformbot/platformbot/report"
)

// chartTexts are the messages of each chart's words (see rpt.ChartText).
var chartTexts = map[string]struct{ title, heading, axis, empty i18n.ID }{
	rpt.ChartDeployments:  {i18n.ReportChartDeployments, i18n.ChartsDeploymentsHeading, i18n.ChartsDeploymentsAxis, i18n.ReportEmptyDeployments},
	rpt.ChartLeadTime:     {i18n.ReportChartLeadTime, i18n.ChartsLeadTimeHeading, i18n.ChartsHoursAxis, i18n.ReportEmptyLeadTime},
	rpt.ChartSatisfaction: {i18n.ReportChartSatisfaction, i18n.ChartsSatisfactionHeading, i18n.ChartsScoreAxis, i18n.ReportEmptySatisfaction},
	rpt.ChartAdoption:     {i18n.ReportChartAdoption, i18n.ChartsAdoptionHeading, i18n.ChartsPeopleAxis, i18n.ReportEmptyAdoption},
}

// chartWords are the charts' words in l for period p: what is drawn on
// them, their file titles and alt texts, and why one is left out.
func chartWords(l *i18n.Lang, p rpt.Period) rpt.ChartWords {
	texts := make(map[string]rpt.ChartText, len(chartTexts))
	for name, ids := range chartTexts {
		texts[name] = rpt.ChartText{Title: l.T(ids.title), Heading: l.T(ids.heading), Axis: l.T(ids.axis), Empty: l.T(ids.empty)}
	}
	return rpt.ChartWords{
		Charts: texts,
		Legend: l.T(i18n.ChartsBotLegend),
		Period: periodLabel(l, p),
		Day:    func(t time.Time) string { return l.DayMonth(t, p.Location) },
		Failed: func(err error) string { return l.T(i18n.ReportChartFailed, i18n.Data{"Error": err.Error()}) },
	}
}
