package report

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Row is one line of the report as a table (the CSV export): a figure
// named by its section and metric, with an optional note.
type Row struct {
	Section, Metric string
	Figure          Figure
	Note            string
}

// Rows flattens the report, section by section, for a spreadsheet: the
// headline figures, each catalog item, survey round, preview and idea,
// and the weekly series. A section that failed is one row saying so.
func (r *Report) Rows() []Row {
	var rows []Row
	loc := r.Period.Location
	if loc == nil {
		loc = time.UTC
	}
	add := func(sec, metric string, f Figure, note string) {
		rows = append(rows, Row{Section: sec, Metric: metric, Figure: f, Note: note})
	}
	count := func(n int) Figure { return Figure{Value: num(float64(n)), Unit: Count} }
	if a := r.Adoption; a != nil {
		add(SectionAdoption, "weekly active users", a.WeeklyActive, "mean of the weeks")
		add(SectionAdoption, "active users", a.ActiveUsers, "distinct people in the period")
		for _, it := range a.Items {
			add(SectionAdoption, "catalog "+it.ID+": weekly active users", it.WeeklyActive, it.Title)
			add(SectionAdoption, "catalog "+it.ID+": users", it.Users, it.Title)
			add(SectionAdoption, "catalog "+it.ID+": requests", it.Requests, it.Title)
		}
		weekly(add, SectionAdoption, "weekly active users", Users, a.Weeks, loc)
	}
	if s := r.SelfService; s != nil {
		add(SectionSelfService, "self-service rate", s.Rate, "fulfilled with no human step ÷ requests")
		add(SectionSelfService, "requests", s.Requests, "")
		add(SectionSelfService, "requests fulfilled", s.Fulfilled, "")
		add(SectionSelfService, "median time to fulfil", s.MedianFulfil, "")
		add(SectionSelfService, "minutes saved", s.MinutesSaved, "")
		if s.ROI.HourlyCost > 0 {
			add(SectionSelfService, "value of the time saved", s.ROI.Value, fmt.Sprintf("%s (%s)", s.ROI.Formula, s.ROI.Currency))
		}
	}
	if d := r.Delivery; d != nil {
		levels := fmt.Sprintf("levels: DORA %d", d.ReportYear)
		add(SectionDelivery, "deployment frequency", d.Frequency, levels)
		add(SectionDelivery, "successful production deployments", d.Deployments, "")
		add(SectionDelivery, "change lead time (median)", d.LeadTime, levels)
		add(SectionDelivery, "change fail rate", d.ChangeFailRate, levels)
		add(SectionDelivery, "failed deployment recovery time (median)", d.Recovery, levels)
		add(SectionDelivery, "time to restore service (median)", d.Restore, "")
		add(SectionDelivery, "rework rate", d.Rework, "")
		add(SectionDelivery, "deployments without a commit time", count(d.NoCommitTime), "no lead time")
		weekly(add, SectionDelivery, "deployments", PerWeek, d.DeployWeeks, loc)
		weekly(add, SectionDelivery, "median lead time", Seconds, d.LeadTimeWeeks, loc)
	}
	if s := r.Satisfaction; s != nil {
		add(SectionSatisfaction, "mean score (latest round)", s.Mean, "")
		add(SectionSatisfaction, "NPS (latest round)", s.NPS, "")
		for _, rd := range s.Rounds {
			name := "round " + rd.ClosedAt.In(loc).Format("2006-01-02")
			note := fmt.Sprintf("%s; %d of %d answered", rd.Survey, rd.Responses, rd.Asked)
			mean := Figure{Unit: Score}
			if rd.HasMean {
				mean.Value = num(rd.Mean)
			} else {
				note += "; too few to report"
			}
			add(SectionSatisfaction, name+": mean score", mean, note)
			if rd.HasNPS {
				add(SectionSatisfaction, name+": NPS", Figure{Value: num(rd.NPS), Unit: NPS}, note)
			}
		}
	}
	if o := r.OfficeHours; o != nil {
		add(SectionOfficeHours, "sessions booked", o.Bookings, "")
		add(SectionOfficeHours, "utilization", o.Utilization, "bookings ÷ slots offered")
		add(SectionOfficeHours, "no-shows", o.NoShows, "")
		add(SectionOfficeHours, "rating", o.Rating, fmt.Sprintf("%d ratings", o.Ratings))
	}
	if p := r.Previews; p != nil {
		for _, pr := range p.Programs {
			add(SectionPreviews, "preview "+pr.Name+": participants", count(pr.Participants), "")
			add(SectionPreviews, "preview "+pr.Name+": active", count(pr.Active), "")
			rating := Figure{Unit: Score}
			if pr.RatingCount > 0 {
				rating.Value = num(pr.RatingMean)
			}
			add(SectionPreviews, "preview "+pr.Name+": rating", rating, fmt.Sprintf("%d ratings", pr.RatingCount))
		}
	}
	if i := r.Ideas; i != nil {
		for _, it := range i.Top {
			add(SectionIdeas, "idea "+it.Ref+": votes", count(it.Votes),
				fmt.Sprintf("%s; status: %s; teams: %s", it.Title, it.Status, strings.Join(it.Teams, ", ")))
		}
	}
	for _, sec := range slices.Sorted(maps.Keys(r.Unavailable)) {
		add(sec, "unavailable", Figure{}, "the section could not be computed; see the bot's log")
	}
	return rows
}

func weekly(add func(sec, metric string, f Figure, note string), sec, metric string, u Unit, pts []Point, loc *time.Location) {
	for _, p := range pts {
		add(sec, "week "+p.Start.In(loc).Format("2006-01-02")+": "+metric, Figure{Value: p.Value, Unit: u}, "")
	}
}
