package metrics

import (
	"context"
	"time"
)

// Window is a half-open time range [From, To) and an optional team filter
// ("" means the whole organization). Boundaries are computed by the caller
// in the configured time zone and passed in UTC.
type Window struct {
	From, To time.Time
	Team     string
}

// SelfServiceFigures summarise self-service requests created in a window.
type SelfServiceFigures struct {
	Requests    int // created in the window
	NoHumanStep int // fulfilled (done) with no approval and no manual step
	Exceptions  int // requests that picked a non-standard option
	Fulfilled   int // reached done; 0 means MedianTimeToFulfil is undefined
	// MedianTimeToFulfil is the median of done_at − created_at over Fulfilled.
	MedianTimeToFulfil time.Duration
	// MinutesSaved sums manual_minutes of requests fulfilled with no human step.
	MinutesSaved     int
	SatisfactionN    int // "How was this?" answers
	SatisfactionMean float64
}

// SelfServiceSource is implemented by the self-service store.
type SelfServiceSource interface {
	SelfServiceFigures(ctx context.Context, w Window) (SelfServiceFigures, error)
}

// OfficeHoursFigures summarise office hours whose slots start in a window.
type OfficeHoursFigures struct {
	SlotsOffered int // generated slots, minus blocked ones
	Bookings     int // not cancelled
	NoShows      int // marked by the host
	FeedbackN    int
	FeedbackMean float64 // 1–5
}

// OfficeHoursSource is implemented by the office-hours store.
type OfficeHoursSource interface {
	OfficeHoursFigures(ctx context.Context, w Window) (OfficeHoursFigures, error)
}

// SatisfactionFigures summarise the latest closed pulse run in a window.
// HasData is false when there is no run or when the group is smaller than
// the survey's minimum reporting size: then nothing else may be shown.
type SatisfactionFigures struct {
	Survey       string
	HasData      bool
	Mean         float64 // mean of the survey's first scale question, 1–5
	HasNPS       bool
	NPS          float64 // promoters − detractors, in percent
	Asked        int
	Responses    int
	ResponseRate float64 // 0–1
	HasPrevious  bool
	PreviousMean float64 // the run before, for the trend
}

// SatisfactionSource is implemented by the surveys store.
type SatisfactionSource interface {
	Satisfaction(ctx context.Context, w Window) (SatisfactionFigures, error)
}
