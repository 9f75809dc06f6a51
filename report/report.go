// Package report builds the quarterly value report for the platform's
// leadership: adoption, self-service and the time it saved (with its
// money value), delivery (DORA's four keys and rework), satisfaction,
// office hours, preview programs and the top ideas, each compared with
// the period before, plus the weekly trends drawn as charts (chart.go).
//
// It computes little itself: the figures come from the metrics package
// and the features' stores, through the small source interfaces below,
// so that a figure reads the same in a digest, in App Home and here. It
// knows nothing of Slack, HTTP or SQL.
package report

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/platformbot/platformbot/metrics"
)

// Section names, in display order; they key Report.Unavailable.
const (
	SectionAdoption     = "adoption"
	SectionSelfService  = "self_service"
	SectionDelivery     = "delivery"
	SectionSatisfaction = "satisfaction"
	SectionOfficeHours  = "office_hours"
	SectionPreviews     = "previews"
	SectionIdeas        = "ideas"
)

// Report is the value report of one period.
type Report struct {
	Period      Period    `json:"-"`
	GeneratedAt time.Time `json:"generated_at"`

	Adoption     *Adoption     `json:"adoption"`
	SelfService  *SelfService  `json:"self_service"`
	Delivery     *Delivery     `json:"delivery"`
	Satisfaction *Satisfaction `json:"satisfaction"`
	OfficeHours  *OfficeHours  `json:"office_hours"`
	Previews     *Previews     `json:"previews"`
	Ideas        *Ideas        `json:"ideas"`

	// Unavailable holds the sections that failed, by name; they show as
	// unavailable (their section above is nil) and the caller logs the
	// error. A failing source never fails the whole report.
	Unavailable map[string]error `json:"-"`
}

// Adoption is who uses the platform's front door.
type Adoption struct {
	// WeeklyActive is the mean of the weekly active users of the bot.
	WeeklyActive Figure `json:"weekly_active_users"`
	// ActiveUsers counts the distinct people who used the bot in the period.
	ActiveUsers Figure  `json:"active_users"`
	Weeks       []Point `json:"weeks"` // weekly active users
	// Items is each catalog item's use, most used first.
	Items []ItemAdoption `json:"catalog"`
}

// ItemAdoption is one catalog item's use: the people who requested it.
type ItemAdoption struct {
	ID           string  `json:"id"`
	Title        string  `json:"title"`
	WeeklyActive Figure  `json:"weekly_active_users"` // mean distinct requesters a week
	Users        Figure  `json:"users"`               // distinct requesters in the period
	Requests     Figure  `json:"requests"`
	Weeks        []Point `json:"weeks"`
}

// SelfService is how much the platform serves itself, and what that saved.
type SelfService struct {
	Requests Figure `json:"requests"`
	// Rate is the self-service rate: the share of requests fulfilled with
	// no approval and no manual step.
	Rate         Figure `json:"self_service_rate"`
	Fulfilled    Figure `json:"fulfilled"`
	MedianFulfil Figure `json:"median_time_to_fulfil"` // seconds
	MinutesSaved Figure `json:"minutes_saved"`
	ROI          ROI    `json:"roi"`
}

// ROI is the money value of the time saved: hours saved × the configured
// hourly cost. The cost and the formula are shown next to the number so
// that nobody mistakes it for a measured amount.
type ROI struct {
	Value      Figure  `json:"value"` // Unit Money; nil when no cost is configured
	HourlyCost float64 `json:"hourly_cost"`
	Currency   string  `json:"currency"`
	Formula    string  `json:"formula"`
}

// Delivery is DORA's four keys plus rework, with their levels.
type Delivery struct {
	ReportYear     int     `json:"dora_report_year"`
	Source         string  `json:"dora_source"`
	Frequency      Figure  `json:"deployment_frequency"` // successful production deployments a day
	Deployments    Figure  `json:"deployments"`          // successful production deployments
	LeadTime       Figure  `json:"change_lead_time"`     // median seconds
	ChangeFailRate Figure  `json:"change_fail_rate"`
	Recovery       Figure  `json:"failed_deployment_recovery_time"` // median seconds
	Restore        Figure  `json:"time_to_restore"`                 // median seconds
	Rework         Figure  `json:"rework_rate"`
	DeployWeeks    []Point `json:"deployments_per_week"` // weekly rate
	LeadTimeWeeks  []Point `json:"lead_time_per_week"`   // median seconds
	// NoCommitTime counts the successful deployments without a commit
	// time, which have no lead time (the data-quality line).
	NoCommitTime int `json:"no_commit_time"`
}

// Satisfaction is the pulse surveys' verdict.
type Satisfaction struct {
	// Mean and NPS are the latest round of the period against the latest
	// round of the previous one.
	Mean   Figure  `json:"mean"`
	NPS    Figure  `json:"nps"`
	Rounds []Round `json:"rounds"` // closed in the period, oldest first
}

// Round is one closed survey run. Figures follow the survey's own
// reporting rules: HasMean is false below its minimum group size.
type Round struct {
	Survey       string    `json:"survey"`
	ClosedAt     time.Time `json:"closed_at"`
	HasMean      bool      `json:"has_mean"`
	Mean         float64   `json:"mean"` // the first scale question, 1–5
	HasNPS       bool      `json:"has_nps"`
	NPS          float64   `json:"nps"`
	Responses    int       `json:"responses"`
	Asked        int       `json:"asked"`
	ResponseRate float64   `json:"response_rate"`
}

// OfficeHours is the use and ratings of office hours.
type OfficeHours struct {
	Bookings    Figure `json:"bookings"`
	Utilization Figure `json:"utilization"` // bookings / slots offered
	NoShows     Figure `json:"no_shows"`
	Rating      Figure `json:"rating"` // mean feedback, 1–5
	Ratings     int    `json:"ratings"`
}

// Previews are the preview programs that ran in the period.
type Previews struct {
	Programs []PreviewSummary `json:"programs"`
}

// Ideas are the top ideas of the request board.
type Ideas struct {
	Top []IdeaSummary `json:"top"`
}

// Item is a catalog item (request type) as configured.
type Item struct {
	ID, Title string
}

// Service computes reports. Every source may be nil: its section then
// says so ("no previews yet") instead of failing.
type Service struct {
	Delivery    DeliverySource
	Activity    ActivitySource
	Catalog     CatalogSource
	Items       []Item // the configured catalog, for titles and unused items
	SelfService metrics.SelfServiceSource
	OfficeHours metrics.OfficeHoursSource
	Rounds      RoundSource
	Previews    PreviewSource
	Ideas       IdeaSource
	Thresholds  metrics.Thresholds
	// HourlyCost (in Currency) turns minutes saved into money; 0 leaves
	// the ROI line out.
	HourlyCost float64
	Currency   string
	TopIdeas   int // default 5
	Location   *time.Location
	Now        func() time.Time
}

// Parse reads a period argument (see ParsePeriod) in the service's zone.
func (s *Service) Parse(arg string) (Period, error) {
	return ParsePeriod(arg, s.Now(), s.location())
}

func (s *Service) location() *time.Location {
	if s.Location == nil {
		return time.UTC
	}
	return s.Location
}

// Report computes the report of p. Only a cancelled ctx fails it: a
// section whose source fails is marked unavailable.
func (s *Service) Report(ctx context.Context, p Period) (*Report, error) {
	r := &Report{Period: p, GeneratedAt: s.Now().UTC(), Unavailable: map[string]error{}}
	steps := []struct {
		name string
		run  func(context.Context, *Report) error
	}{
		{SectionAdoption, s.adoption},
		{SectionSelfService, s.selfService},
		{SectionDelivery, s.delivery},
		{SectionSatisfaction, s.satisfaction},
		{SectionOfficeHours, s.officeHours},
		{SectionPreviews, s.previews},
		{SectionIdeas, s.ideas},
	}
	// The sections are independent (each reads the period and writes its
	// own field), so they are computed at once: the report takes as long
	// as its slowest section, not their sum.
	errs := make([]error, len(steps))
	var wg sync.WaitGroup
	for i, st := range steps {
		wg.Go(func() { errs[i] = st.run(ctx, r) })
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	for i, st := range steps {
		if errs[i] != nil {
			r.Unavailable[st.name] = fmt.Errorf("report: %s section: %w", st.name, errs[i])
		}
	}
	return r, nil
}
