package report

import (
	"fmt"
	"strings"

	"github.com/platformbot/platformbot/bot"
	rpt "github.com/platformbot/platformbot/report"
)

// Each function renders one section's mrkdwn body. Names that people or
// the configuration chose (catalog titles, survey titles, previews,
// ideas, teams) are escaped.

func adoption(r *rpt.Report) string {
	a := r.Adoption
	lines := []string{
		line("Weekly active users of the bot", a.WeeklyActive, fmt.Sprintf("(mean of %d weeks)", len(a.Weeks))),
		line("People who used the bot", a.ActiveUsers, ""),
	}
	if len(a.Items) > 0 {
		lines = append(lines, "_Catalog items, by weekly active requesters:_")
	}
	for i, it := range a.Items {
		if i == maxListed {
			lines = append(lines, fmt.Sprintf("…and %d more", len(a.Items)-maxListed))
			break
		}
		extra := fmt.Sprintf("a week · %s people · %s requests", value(it.Users), value(it.Requests))
		lines = append(lines, line(bot.Escape(it.Title), it.WeeklyActive, extra))
	}
	return strings.Join(lines, "\n")
}

func selfService(r *rpt.Report) string {
	s := r.SelfService
	lines := []string{
		line("Self-service rate (fulfilled with no human step)", s.Rate, ""),
		line("Requests", s.Requests, ""),
		line("Requests fulfilled", s.Fulfilled, ""),
		line("Median time to fulfil", s.MedianFulfil, ""),
		line("Time saved", s.MinutesSaved, ""),
	}
	return strings.Join(append(lines, roi(s.ROI, s.MinutesSaved)), "\n")
}

// roi shows the money value with its cost and formula beside it, so that
// it reads as the estimate it is.
func roi(o rpt.ROI, saved rpt.Figure) string {
	if o.HourlyCost <= 0 {
		return "• Value of the time saved: set `report.hourly_cost` (and `currency`) to show it."
	}
	cost := trim(o.HourlyCost, 2) + " " + o.Currency + "/h"
	if o.Value.Value == nil {
		return "• Value of the time saved: *no data* (at " + cost + ")"
	}
	v := "*" + money(*o.Value.Value, o.Currency) + "* = " + value(saved) + " ÷ 60 × " + cost
	ch := changeAs(o.Value, func(v float64) string { return money(v, o.Currency) })
	return "• Value of the time saved: " + v + ch +
		"\n   _Formula: " + o.Formula + ". The hourly cost is the configured " + cost + ": an estimate of engineering time not spent, not money spent._"
}

func delivery(r *rpt.Report) string {
	d := r.Delivery
	if d == nil {
		return "No delivery figures: no deployment source is set up."
	}
	lines := []string{
		fmt.Sprintf("_Levels: DORA %d (%s)._", d.ReportYear, d.Source),
		line("Deployment frequency", d.Frequency, ""),
		line("Successful production deployments", d.Deployments, ""),
		line("Change lead time (median)", d.LeadTime, ""),
		line("Change fail rate", d.ChangeFailRate, ""),
		line("Failed deployment recovery time (median)", d.Recovery, ""),
		line("Time to restore service (median)", d.Restore, ""),
		line("Rework rate (unplanned deployments)", d.Rework, ""),
	}
	if d.NoCommitTime > 0 {
		lines = append(lines, fmt.Sprintf("_Data quality: %d successful deployments have no commit time, so no lead time._", d.NoCommitTime))
	}
	return strings.Join(lines, "\n")
}

func satisfaction(r *rpt.Report) string {
	s := r.Satisfaction
	if len(s.Rounds) == 0 && s.Mean.Previous == nil {
		return "No pulse survey round closed in this period."
	}
	lines := []string{
		line("Mean score (latest round)", s.Mean, ""),
		line("NPS (latest round)", s.NPS, ""),
	}
	if len(s.Rounds) == 0 {
		return strings.Join(append(lines, "_No round closed in this period._"), "\n")
	}
	lines = append(lines, "_Rounds:_")
	for i, rd := range s.Rounds {
		if i == maxListed {
			lines = append(lines, fmt.Sprintf("…and %d more", len(s.Rounds)-maxListed))
			break
		}
		l := fmt.Sprintf("• %s, %s: ", rd.ClosedAt.In(r.Period.Location).Format("2 Jan"), bot.Escape(rd.Survey))
		answered := fmt.Sprintf("%d of %d answered (%s)", rd.Responses, rd.Asked, number(rpt.Ratio, rd.ResponseRate))
		switch {
		case !rd.HasMean:
			l += answered + ", too few to report"
		case rd.HasNPS:
			l += fmt.Sprintf("%s, NPS %s, %s", number(rpt.Score, rd.Mean), number(rpt.NPS, rd.NPS), answered)
		default:
			l += number(rpt.Score, rd.Mean) + ", " + answered
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n")
}

func officeHours(r *rpt.Report) string {
	o := r.OfficeHours
	if o.Bookings.Value == nil && o.Utilization.Value == nil {
		return "No office hours were offered or booked in this period."
	}
	ratings := ""
	if o.Ratings > 0 {
		ratings = fmt.Sprintf("(%d ratings)", o.Ratings)
	}
	return strings.Join([]string{
		line("Sessions booked", o.Bookings, ""),
		line("Utilization (bookings ÷ slots offered)", o.Utilization, ""),
		line("No-shows", o.NoShows, ""),
		line("Rating", o.Rating, ratings),
	}, "\n")
}

func previews(r *rpt.Report) string {
	ps := r.Previews.Programs
	if len(ps) == 0 {
		return "No previews yet."
	}
	var lines []string
	for i, p := range ps {
		if i == maxListed {
			lines = append(lines, fmt.Sprintf("…and %d more", len(ps)-maxListed))
			break
		}
		rating := "no ratings yet"
		if p.RatingCount > 0 {
			rating = fmt.Sprintf("rated %s (%d ratings)", number(rpt.Score, p.RatingMean), p.RatingCount)
		}
		lines = append(lines, fmt.Sprintf("• *%s*: %d participants, %d active · %s", bot.Escape(p.Name), p.Participants, p.Active, rating))
	}
	return strings.Join(lines, "\n")
}

func ideas(r *rpt.Report) string {
	top := r.Ideas.Top
	if len(top) == 0 {
		return "No ideas yet."
	}
	var lines []string
	for _, it := range top {
		teams := "no team named"
		if len(it.Teams) > 0 {
			esc := make([]string, len(it.Teams))
			for i, t := range it.Teams {
				esc[i] = bot.Escape(t)
			}
			teams = strings.Join(esc, ", ")
		}
		votes := "votes"
		if it.Votes == 1 {
			votes = "vote"
		}
		lines = append(lines, fmt.Sprintf("• %s *%s* · _%s_ · %d %s · %s",
			bot.Escape(it.Ref), bot.Escape(it.Title), bot.Escape(it.Status), it.Votes, votes, teams))
	}
	return strings.Join(lines, "\n")
}
