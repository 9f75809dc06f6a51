package metrics

import (
	"context"
	"time"
)

// Scope says whose figures a report shows: the whole organization (both
// empty), one team, or one service.
type Scope struct {
	Team    string
	Service string
}

// IsOrg reports whether the scope is the whole organization.
func (s Scope) IsOrg() bool { return s.Team == "" && s.Service == "" }

// DeliveryStats are the delivery aggregates of production deployments that
// finished in one range. Medians are in seconds and defined only when their
// count is positive.
type DeliveryStats struct {
	Deployments  int // production deployments, any status
	Succeeded    int // of which successful
	Failed       int // of which failed or caused at least one incident
	Unplanned    int // of which unplanned (hotfix, rollback)
	NoCommitTime int // successful ones without a commit time (no lead time)
	LeadTimeN    int // successful ones with a commit time
	LeadTime     float64
	Recovered    int // failing deployments whose incidents are all resolved
	Recovery     float64
	Unrecovered  int // failing deployments with an incident still open
}

// IncidentStats are the aggregates of incidents opened in one range.
type IncidentStats struct {
	Opened              int
	Resolved            int
	Restore             float64 // median seconds from opened to resolved, over Resolved
	Unattributed        int     // no deployment given, none in the attribution window
	NotDeploymentCaused int
	UnknownDeployment   int // name a deployment id that was never ingested
}

// Store answers the aggregate queries a report needs; implemented by
// storage.Metrics. Every method returns one result per range, in order, so
// a report costs a handful of queries whatever its window.
type Store interface {
	DeliveryStats(ctx context.Context, scope Scope, ranges []Range) ([]DeliveryStats, error)
	// DeployCounts counts successful production deployments per range; a
	// report passes calendar days to find the deployment days.
	DeployCounts(ctx context.Context, scope Scope, ranges []Range) ([]int, error)
	IncidentStats(ctx context.Context, scope Scope, ranges []Range) ([]IncidentStats, error)
	// ActiveUsers counts distinct bot users per range, among users (all
	// users when users is nil).
	ActiveUsers(ctx context.Context, users []string, ranges []Range) ([]int, error)
	// ActiveUserIDs lists the distinct bot users of a range.
	ActiveUserIDs(ctx context.Context, r Range) ([]string, error)
	// KnownService reports whether any deployment or incident names service.
	KnownService(ctx context.Context, service string) (bool, error)
}

// DeliveryFigures are what a report's delivery section reads: per range
// (the windows and the sparkline buckets) the deployment and incident
// aggregates, and per calendar day the successful production deployments.
type DeliveryFigures struct {
	Stats     []DeliveryStats
	Incidents []IncidentStats
	Deploys   []int
}

// DeliveryReader is a Store that reads a report's delivery figures at
// once (storage.Metrics reads the deployment rollups once for both the
// ranges and the days, and the incidents beside them). Service uses it
// when its Store has it, and the three Store methods otherwise.
type DeliveryReader interface {
	DeliveryFigures(ctx context.Context, scope Scope, ranges, days []Range) (DeliveryFigures, error)
}

// Team is a team as reports show it.
type Team struct {
	ID   string
	Name string
}

// Directory knows the configured teams and who is in them (explicit users
// and Slack user groups); implemented in handlers.
type Directory interface {
	Teams() []Team
	Members(ctx context.Context, teamID string) ([]string, error)
	// TeamOf returns the first team userID belongs to ("" for none).
	TeamOf(ctx context.Context, userID string) (string, error)
}

// Activity is one person using the bot on one day.
type Activity struct {
	Day    time.Time // the UTC instant of that day's midnight in the configured zone
	UserID string
}
