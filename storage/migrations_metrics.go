package storage

import (
	"time"

	"gorm.io/gorm"
)

// metricsMigrations create the metrics tables (versions 400–499). The
// indexes serve the report queries: range scans on finished_at (or
// opened_at) for the whole organization, per team and per service, all
// within production environments.
var metricsMigrations = []migration{
	{version: 401, name: "metrics_deployments_incidents", up: func(tx *gorm.DB) error {
		// deployment is one deployment as a sender reported it, plus the
		// figures kept up to date from the incidents attributed to it.
		type deployment struct {
			ID            string     `gorm:"primaryKey;size:191"`
			Source        string     `gorm:"size:16;not null"`
			Service       string     `gorm:"size:128;not null"`
			Team          string     `gorm:"size:64;not null"`
			Environment   string     `gorm:"size:64;not null"`
			Status        string     `gorm:"size:16;not null"`
			CommitSHA     string     `gorm:"column:commit_sha;size:64;not null;index:idx_deployments_commit_sha"`
			CommitAt      *time.Time `gorm:"column:commit_at"`
			StartedAt     time.Time  `gorm:"not null"`
			FinishedAt    time.Time  `gorm:"not null"`
			Unplanned     bool       `gorm:"not null"`
			LeadTimeS     *int64     `gorm:"column:lead_time_s"`
			Incidents     int        `gorm:"not null;default:0"`
			OpenIncidents int        `gorm:"not null;default:0"`
			RecoveryS     *int64     `gorm:"column:recovery_s"`
			CreatedAt     time.Time  `gorm:"not null"`
			UpdatedAt     time.Time  `gorm:"not null"`
		}
		// incident is one incident and the deployment it is attributed to.
		type incident struct {
			ID                  string     `gorm:"primaryKey;size:191"`
			Source              string     `gorm:"size:16;not null"`
			Service             string     `gorm:"size:128;not null"`
			Team                string     `gorm:"size:64;not null"`
			Title               string     `gorm:"size:500;not null"`
			OpenedAt            time.Time  `gorm:"not null"`
			ResolvedAt          *time.Time `gorm:"column:resolved_at"`
			DeploymentID        string     `gorm:"size:191;not null;index:idx_incidents_deployment_id"`
			NotDeploymentCaused bool       `gorm:"not null"`
			Attribution         string     `gorm:"size:16;not null"`
			CauseDeploymentID   *string    `gorm:"size:191;index:idx_incidents_cause"`
			RestoreS            *int64     `gorm:"column:restore_s"`
			CreatedAt           time.Time  `gorm:"not null"`
			UpdatedAt           time.Time  `gorm:"not null"`
		}
		// commit remembers commit times from push events by sha.
		type commit struct {
			SHA         string    `gorm:"column:sha;primaryKey;size:64"`
			CommittedAt time.Time `gorm:"not null"`
		}
		// webhookDelivery remembers processed webhook deliveries.
		type webhookDelivery struct {
			Source     string    `gorm:"primaryKey;size:16"`
			DeliveryID string    `gorm:"primaryKey;size:191"`
			ReceivedAt time.Time `gorm:"not null;index:idx_webhook_deliveries_received"`
		}
		// metricsSetting records settings that stored data depends on (the
		// attribution window), to redo attribution when they change.
		type metricsSetting struct {
			Name  string `gorm:"primaryKey;size:64"`
			Value string `gorm:"size:1000;not null"`
		}
		if err := tx.Migrator().CreateTable(&deployment{}, &incident{}, &commit{}, &webhookDelivery{}, &metricsSetting{}); err != nil {
			return err
		}
		return createMetrics401Indexes(tx)
	}},
	{version: 402, name: "metrics_activity_digests", up: func(tx *gorm.DB) error {
		// botActivityDay is one user using the bot on one day (the UTC
		// instant of that day's midnight in the configured zone). The key
		// leads with the user so that a team's members over a range are an
		// index-only scan whatever plan a prepared statement ends up with;
		// everyone over a range is a scan of this small table.
		type botActivityDay struct {
			UserID string    `gorm:"primaryKey;size:32"`
			Day    time.Time `gorm:"primaryKey"`
		}
		// digestPost claims one occurrence of a scheduled digest, so that it
		// is posted once whatever the number of replicas.
		type digestPost struct {
			DigestID   string    `gorm:"primaryKey;size:64"`
			Occurrence time.Time `gorm:"primaryKey"`
			Channel    string    `gorm:"size:32;not null"`
			ClaimedAt  time.Time `gorm:"not null"`
			PostedAt   *time.Time
			TS         string `gorm:"column:ts;size:32;not null;default:''"`
		}
		return tx.Migrator().CreateTable(&botActivityDay{}, &digestPost{})
	}},
}

// metrics401Indexes, part of migration 401 (change them only through a new
// migration), are the range-scan indexes of the report queries,
// with the columns those queries read. PostgreSQL carries the columns in
// INCLUDE, so that a report is an index-only scan: a team's rows are spread
// over the whole table, and fetching them from the heap costs a page per
// row. SQLite gets the key columns only.
var metrics401Indexes = []struct{ name, table, keys, include string }{
	{"idx_deployments_env_finished", "deployments", "environment, finished_at", deploymentReportColumns},
	{"idx_deployments_team_env_finished", "deployments", "team, environment, finished_at", deploymentReportColumns},
	{"idx_deployments_service_env_finished", "deployments", "service, environment, finished_at", deploymentReportColumns},
	{"idx_incidents_opened", "incidents", "opened_at", incidentReportColumns},
	{"idx_incidents_team_opened", "incidents", "team, opened_at", incidentReportColumns},
	{"idx_incidents_service_opened", "incidents", "service, opened_at", incidentReportColumns},
}

const (
	deploymentReportColumns = "status, unplanned, lead_time_s, recovery_s, incidents, open_incidents"
	incidentReportColumns   = "resolved_at, attribution, restore_s, deployment_id"
)

func createMetrics401Indexes(tx *gorm.DB) error {
	for _, ix := range metrics401Indexes {
		sql := "CREATE INDEX " + ix.name + " ON " + ix.table + " (" + ix.keys + ")"
		if tx.Dialector.Name() == "postgres" {
			sql += " INCLUDE (" + ix.include + ")"
		}
		if err := tx.Exec(sql).Error; err != nil {
			return err
		}
	}
	return nil
}
