// Package metrics computes the platform team's figures: DORA's delivery
// metrics from ingested deployments and incidents, and developer
// satisfaction, adoption, self-service and office-hours figures from the
// other features, over 7-, 30- or 90-day windows, org-wide, per team and per
// service. It knows nothing of Slack, HTTP or SQL: senders' payloads are
// turned into the types below by httpapi, stored by storage, and reports
// are rendered by handlers.
package metrics

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Deployment statuses.
const (
	StatusSuccess = "success"
	StatusFailure = "failure"
)

// Deployment is one deployment of a service to an environment, as a CI/CD
// system reported it. The sender's ID makes ingest idempotent.
type Deployment struct {
	ID          string
	Source      string // "api", "github", "devlake"
	Service     string
	Team        string // "" when the sender and the config do not know it
	Environment string // lower-case
	Status      string // StatusSuccess or StatusFailure
	CommitSHA   string
	// CommitAt is the commit (or first commit) time of the change; zero when
	// unknown: the deployment then has no lead time and is counted in the
	// data-quality line.
	CommitAt   time.Time
	StartedAt  time.Time
	FinishedAt time.Time
	// Unplanned marks a hotfix or rollback made because of an incident.
	Unplanned bool
}

// Incident is one production incident. ResolvedAt may come later, by
// sending the same ID again.
type Incident struct {
	ID         string
	Source     string // "api", "pagerduty", "devlake"
	Service    string
	Team       string
	Title      string
	OpenedAt   time.Time
	ResolvedAt time.Time // zero: unresolved
	// DeploymentID names the deployment that caused the incident, when the
	// sender knows it; it wins over attribution by time.
	DeploymentID string
	// NotDeploymentCaused marks an outage outside our changes (a provider
	// outage, say): it is never attributed to a deployment.
	NotDeploymentCaused bool
	// KeepResolution keeps a stored resolved time when this update carries
	// none, for senders that may redeliver an older event out of order.
	KeepResolution bool
}

// Commit is a commit's time, learned from a push event so that deployments
// whose payload carries only a sha get a lead time.
type Commit struct {
	SHA string
	At  time.Time
}

// WebhookDelivery identifies a webhook delivery, to process each one once.
type WebhookDelivery struct {
	Source string // "github", "pagerduty"
	ID     string // X-GitHub-Delivery, X-Webhook-Id
}

// Batch is what one ingest request stores, all or nothing.
type Batch struct {
	Delivery    *WebhookDelivery // nil: no delivery dedupe (the ids make it idempotent anyway)
	Deployments []Deployment
	Incidents   []Incident
	Commits     []Commit
}

// IngestResult says what a batch did.
type IngestResult struct {
	Duplicate   bool // the delivery was seen before; nothing was stored
	Deployments int
	Incidents   int
	Commits     int
	// Repeated counts the items that gave an id already given earlier in
	// the same batch: the later one was stored, and counted once.
	Repeated int
}

// Ingester stores batches; implemented by storage.Metrics.
type Ingester interface {
	Ingest(ctx context.Context, b Batch) (IngestResult, error)
}

func fieldErr(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// clockSkew is how far in the future a reported time may be before it is
// refused as a mistake (a wrong zone, a typo in the year).
const clockSkew = 10 * time.Minute

// Normalize trims names and lower-cases environment and status.
func (d *Deployment) Normalize() {
	d.ID = strings.TrimSpace(d.ID)
	d.Service = strings.TrimSpace(d.Service)
	d.Team = strings.TrimSpace(d.Team)
	d.Environment = strings.ToLower(strings.TrimSpace(d.Environment))
	d.Status = strings.ToLower(strings.TrimSpace(d.Status))
	d.CommitSHA = strings.TrimSpace(d.CommitSHA)
}

// Validate checks every field before anything is stored; field names are
// the ingest API's JSON names.
func (d *Deployment) Validate(now time.Time) error {
	checks := []error{
		text("id", d.ID, true, 191),
		text("service", d.Service, true, 128),
		text("team", d.Team, false, 64),
		text("environment", d.Environment, true, 64),
		text("commit_sha", d.CommitSHA, false, 64),
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	if d.Status != StatusSuccess && d.Status != StatusFailure {
		return fieldErr("status", "must be %q or %q, got %q", StatusSuccess, StatusFailure, d.Status)
	}
	if err := instant("started_at", d.StartedAt, true, now); err != nil {
		return err
	}
	if err := instant("finished_at", d.FinishedAt, true, now); err != nil {
		return err
	}
	if d.FinishedAt.Before(d.StartedAt) {
		return fieldErr("finished_at", "is before started_at")
	}
	if !d.CommitAt.IsZero() && d.CommitAt.After(d.FinishedAt) {
		return fieldErr("commit_time", "is after finished_at: a deployment cannot ship a later commit")
	}
	return nil
}

// Normalize trims the incident's names.
func (in *Incident) Normalize() {
	in.ID = strings.TrimSpace(in.ID)
	in.Service = strings.TrimSpace(in.Service)
	in.Team = strings.TrimSpace(in.Team)
	in.Title = strings.TrimSpace(in.Title)
	in.DeploymentID = strings.TrimSpace(in.DeploymentID)
}

// Validate checks every field before anything is stored.
func (in *Incident) Validate(now time.Time) error {
	checks := []error{
		text("id", in.ID, true, 191),
		text("service", in.Service, true, 128),
		text("team", in.Team, false, 64),
		text("title", in.Title, true, 500),
		text("deployment_id", in.DeploymentID, false, 191),
		instant("opened_at", in.OpenedAt, true, now),
		instant("resolved_at", in.ResolvedAt, false, now),
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	if !in.ResolvedAt.IsZero() && in.ResolvedAt.Before(in.OpenedAt) {
		return fieldErr("resolved_at", "is before opened_at")
	}
	if in.NotDeploymentCaused && in.DeploymentID != "" {
		return fieldErr("not_deployment_caused", "contradicts deployment_id: an incident caused by a deployment is deployment-caused")
	}
	return nil
}

// text checks a required or optional string's length and characters.
func text(field, s string, required bool, max int) error {
	if s == "" {
		if required {
			return fieldErr(field, "is required")
		}
		return nil
	}
	if len(s) > max {
		return fieldErr(field, "is longer than %d bytes", max)
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return fieldErr(field, "contains control characters")
	}
	return nil
}

// instant checks a required or optional time: set, after 2000, not in the
// future.
func instant(field string, t time.Time, required bool, now time.Time) error {
	if t.IsZero() {
		if required {
			return fieldErr(field, "is required (RFC 3339, e.g. 2024-05-01T09:30:00Z)")
		}
		return nil
	}
	if t.Year() < 2000 {
		return fieldErr(field, "is before the year 2000")
	}
	if t.After(now.Add(clockSkew)) {
		return fieldErr(field, "is in the future")
	}
	return nil
}
