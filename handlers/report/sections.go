package report

import (
	"strings"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/i18n"
	dom "github.com/platformbot/platformbot/ideas"
	rpt "github.com/platformbot/platformbot/report"
)

// Each function renders one section's mrkdwn body in l. Names that people
// or the configuration chose (catalog titles, survey titles, previews,
// ideas, teams) are escaped and shown as they are.

func adoption(l *i18n.Lang, r *rpt.Report) string {
	a := r.Adoption
	lines := []string{
		line(l, i18n.ReportWeeklyActive, a.WeeklyActive, l.N(i18n.ReportMeanOfWeeks, len(a.Weeks))),
		line(l, i18n.ReportActiveUsers, a.ActiveUsers, ""),
	}
	if len(a.Items) > 0 {
		lines = append(lines, l.T(i18n.ReportCatalogItems))
	}
	for i, it := range a.Items {
		if i == maxListed {
			lines = append(lines, l.N(i18n.ReportMore, len(a.Items)-maxListed))
			break
		}
		extra := l.T(i18n.ReportItemExtra, i18n.Data{"People": value(l, it.Users), "Requests": value(l, it.Requests)})
		lines = append(lines, lineNamed(l, bot.Escape(it.Title), it.WeeklyActive, extra))
	}
	return strings.Join(lines, "\n")
}

func selfService(l *i18n.Lang, r *rpt.Report) string {
	s := r.SelfService
	lines := []string{
		line(l, i18n.ReportSelfServiceRate, s.Rate, ""),
		line(l, i18n.ReportRequests, s.Requests, ""),
		line(l, i18n.ReportFulfilled, s.Fulfilled, ""),
		line(l, i18n.ReportMedianFulfil, s.MedianFulfil, ""),
		line(l, i18n.ReportTimeSaved, s.MinutesSaved, ""),
	}
	return strings.Join(append(lines, roi(l, s.ROI, s.MinutesSaved)), "\n")
}

// roi shows the money value with its cost and formula beside it, so that
// it reads as the estimate it is.
func roi(l *i18n.Lang, o rpt.ROI, saved rpt.Figure) string {
	if o.HourlyCost <= 0 {
		return l.T(i18n.ReportValueUnset)
	}
	cost := l.Number(o.HourlyCost, 2) + " " + o.Currency + "/h"
	if o.Value.Value == nil {
		return l.T(i18n.ReportValueNoData, i18n.Data{"Cost": cost})
	}
	return l.T(i18n.ReportValue, i18n.Data{
		"Value": money(l, *o.Value.Value, o.Currency), "Saved": value(l, saved), "Cost": cost,
		"Change":  changeAs(l, o.Value, func(v float64) string { return money(l, v, o.Currency) }),
		"Formula": l.T(i18n.ReportFormula, i18n.Data{"Cost": cost}),
	})
}

func delivery(l *i18n.Lang, r *rpt.Report) string {
	d := r.Delivery
	if d == nil {
		return l.T(i18n.ReportNoDelivery)
	}
	lines := []string{
		l.T(i18n.ReportLevels, i18n.Data{"Year": d.ReportYear, "Source": d.Source}),
		line(l, i18n.ReportFrequency, d.Frequency, ""),
		line(l, i18n.ReportDeployments, d.Deployments, ""),
		line(l, i18n.ReportLeadTime, d.LeadTime, ""),
		line(l, i18n.ReportFailRate, d.ChangeFailRate, ""),
		line(l, i18n.ReportRecovery, d.Recovery, ""),
		line(l, i18n.ReportRestore, d.Restore, ""),
		line(l, i18n.ReportRework, d.Rework, ""),
	}
	if d.NoCommitTime > 0 {
		lines = append(lines, l.N(i18n.ReportNoCommitTime, d.NoCommitTime))
	}
	return strings.Join(lines, "\n")
}

func satisfaction(l *i18n.Lang, r *rpt.Report) string {
	s := r.Satisfaction
	if len(s.Rounds) == 0 && s.Mean.Previous == nil {
		return l.T(i18n.ReportNoRounds)
	}
	lines := []string{
		line(l, i18n.ReportMeanScore, s.Mean, ""),
		line(l, i18n.ReportNPS, s.NPS, ""),
	}
	if len(s.Rounds) == 0 {
		return strings.Join(append(lines, l.T(i18n.ReportNoRoundClosed)), "\n")
	}
	lines = append(lines, l.T(i18n.ReportRounds))
	for i, rd := range s.Rounds {
		if i == maxListed {
			lines = append(lines, l.N(i18n.ReportMore, len(s.Rounds)-maxListed))
			break
		}
		answered := l.T(i18n.ReportAnswered, i18n.Data{
			"Responses": l.Int(rd.Responses), "Asked": l.Int(rd.Asked), "Rate": number(l, rpt.Ratio, rd.ResponseRate),
		})
		var figures string
		switch {
		case !rd.HasMean:
			figures = l.T(i18n.ReportTooFew, i18n.Data{"Answered": answered})
		case rd.HasNPS:
			figures = l.T(i18n.ReportRoundNPS, i18n.Data{"Mean": number(l, rpt.Score, rd.Mean), "NPS": number(l, rpt.NPS, rd.NPS), "Answered": answered})
		default:
			figures = l.T(i18n.ReportRoundMean, i18n.Data{"Mean": number(l, rpt.Score, rd.Mean), "Answered": answered})
		}
		lines = append(lines, l.T(i18n.ReportRound, i18n.Data{
			"Date": l.DayMonth(rd.ClosedAt, r.Period.Location), "Survey": bot.Escape(rd.Survey), "Figures": figures,
		}))
	}
	return strings.Join(lines, "\n")
}

func officeHours(l *i18n.Lang, r *rpt.Report) string {
	o := r.OfficeHours
	if o.Bookings.Value == nil && o.Utilization.Value == nil {
		return l.T(i18n.ReportNoOfficeHours)
	}
	ratings := ""
	if o.Ratings > 0 {
		ratings = l.N(i18n.ReportRatings, o.Ratings)
	}
	return strings.Join([]string{
		line(l, i18n.ReportSessions, o.Bookings, ""),
		line(l, i18n.ReportUtilization, o.Utilization, ""),
		line(l, i18n.ReportNoShows, o.NoShows, ""),
		line(l, i18n.ReportRating, o.Rating, ratings),
	}, "\n")
}

func previews(l *i18n.Lang, r *rpt.Report) string {
	ps := r.Previews.Programs
	if len(ps) == 0 {
		return l.T(i18n.ReportNoPreviews)
	}
	var lines []string
	for i, p := range ps {
		if i == maxListed {
			lines = append(lines, l.N(i18n.ReportMore, len(ps)-maxListed))
			break
		}
		rating := l.T(i18n.ReportNoRatings)
		if p.RatingCount > 0 {
			rating = l.N(i18n.ReportRated, p.RatingCount, i18n.Data{"Mean": number(l, rpt.Score, p.RatingMean)})
		}
		lines = append(lines, l.T(i18n.ReportPreview, i18n.Data{
			"Name": bot.Escape(p.Name), "Participants": l.Int(p.Participants), "Active": l.Int(p.Active), "Rating": rating,
		}))
	}
	return strings.Join(lines, "\n")
}

// ideaStatuses name the board's statuses in the report's language.
var ideaStatuses = map[dom.Status]i18n.ID{
	dom.Open: i18n.IdeasBoardStatusOpen, dom.UnderReview: i18n.IdeasBoardStatusUnderReview, dom.Planned: i18n.IdeasBoardStatusPlanned,
	dom.InProgress: i18n.IdeasBoardStatusInProgress, dom.Shipped: i18n.IdeasBoardStatusShipped, dom.Declined: i18n.IdeasBoardStatusDeclined,
	dom.Merged: i18n.IdeasBoardStatusMerged,
}

// ideaStatus is an idea's status in l, as the board names it; a source
// that gives no status code is shown as it gave the status.
func ideaStatus(l *i18n.Lang, it rpt.IdeaSummary) string {
	if id, ok := ideaStatuses[dom.Status(it.StatusCode)]; ok {
		return l.T(id)
	}
	return bot.Escape(it.Status)
}

func ideas(l *i18n.Lang, r *rpt.Report) string {
	top := r.Ideas.Top
	if len(top) == 0 {
		return l.T(i18n.ReportNoIdeas)
	}
	var lines []string
	for _, it := range top {
		teams := l.T(i18n.ReportNoTeamNamed)
		if len(it.Teams) > 0 {
			esc := make([]string, len(it.Teams))
			for i, t := range it.Teams {
				esc[i] = bot.Escape(t)
			}
			teams = strings.Join(esc, ", ")
		}
		lines = append(lines, "• "+bot.Escape(it.Ref)+" *"+bot.Escape(it.Title)+"* · _"+ideaStatus(l, it)+"_ · "+
			l.N(i18n.ReportVotes, it.Votes)+" · "+teams)
	}
	return strings.Join(lines, "\n")
}
