package report

import (
	"context"
	"time"

	"github.com/platformbot/platformbot/metrics"
)

// DeliverySource computes DORA's figures over a period; *metrics.Service
// implements it, so that the report and the digests agree.
type DeliverySource interface {
	Delivery(ctx context.Context, sc metrics.Scope, p metrics.Period) (*metrics.Delivery, error)
}

// ActivitySource counts the distinct people who used the bot, per range;
// storage.Metrics implements it.
type ActivitySource interface {
	ActiveUsers(ctx context.Context, users []string, ranges []metrics.Range) ([]int, error)
}

// ItemUsage is one catalog item's use in one range.
type ItemUsage struct {
	Users    int // distinct requesters
	Requests int
}

// CatalogSource counts each catalog item's requesters per range (created
// in it), keyed by item id with one entry per range; items without any
// request are absent. storage.SelfServiceStore implements it.
type CatalogSource interface {
	CatalogUsage(ctx context.Context, ranges []metrics.Range) (map[string][]ItemUsage, error)
}

// RoundSource lists the survey runs that closed in a window, oldest
// first; storage.SurveyStore implements it.
type RoundSource interface {
	SatisfactionRounds(ctx context.Context, w metrics.Window) ([]Round, error)
}

// PreviewSummary is one preview program as the report shows it.
type PreviewSummary struct {
	Name         string  `json:"name"`
	Participants int     `json:"participants"` // everyone who joined
	Active       int     `json:"active"`       // still in at the end of the period
	RatingMean   float64 `json:"rating_mean"`  // 1–5; meaningless when RatingCount is 0
	RatingCount  int     `json:"rating_count"`
}

// PreviewSource lists the preview programs that ran in [from, to) (any
// overlap); the previews feature implements it.
type PreviewSource interface {
	PreviewSummaries(ctx context.Context, from, to time.Time) ([]PreviewSummary, error)
}

// IdeaSummary is one idea of the request board as the report shows it.
type IdeaSummary struct {
	Ref    string   `json:"ref"` // e.g. "IDEA-12"
	Title  string   `json:"title"`
	Status string   `json:"status"`
	Votes  int      `json:"votes"`
	Teams  []string `json:"teams"` // the teams that asked, by name
	// StatusCode is the board's own name of the status ("in_progress"),
	// so that a message can word it in its language; "" shows Status.
	StatusCode string `json:"-"`
}

// IdeaSource lists the top ideas by the board's ranking; the ideas
// feature implements it.
type IdeaSource interface {
	TopIdeas(ctx context.Context, limit int) ([]IdeaSummary, error)
}
