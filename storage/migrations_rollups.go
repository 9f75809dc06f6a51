package storage

import (
	"gorm.io/gorm"
)

// rollupMigrations create the metrics rollups (versions 410–449, inside
// the metrics range). The tables start empty; Metrics.EnsureRollups fills
// them from the raw tables at the first start of a version that has them
// (see metrics_rollup_build.go), since what they hold depends on the
// configured production environments.
var rollupMigrations = []migration{
	{version: 410, name: "metrics_rollups", up: func(tx *gorm.DB) error {
		// deploymentRollup is what the production deployments that finished
		// on one UTC day contribute to one scope ("*" the organization,
		// "t:TEAM", "s:SERVICE"): counters per 15-minute slot of the day,
		// the lead and recovery times, sorted and each tagged with its
		// slot, and their histograms (formats in metrics_rollup_codec.go).
		// Version counts the row's changes, so that a report reading it
		// twice knows whether it changed in between.
		type deploymentRollup struct {
			Scope        string `gorm:"primaryKey;size:192"`
			Day          int64  `gorm:"primaryKey;autoIncrement:false"`
			Version      int64  `gorm:"not null"`
			Counts       []byte `gorm:"not null"`
			LeadTimes    []byte `gorm:"not null"`
			LeadBins     []byte `gorm:"not null"`
			Recoveries   []byte `gorm:"not null"`
			RecoveryBins []byte `gorm:"not null"`
		}
		// incidentRollup is the same for incidents by the day they opened,
		// with the times to restore.
		type incidentRollup struct {
			Scope       string `gorm:"primaryKey;size:192"`
			Day         int64  `gorm:"primaryKey;autoIncrement:false"`
			Version     int64  `gorm:"not null"`
			Counts      []byte `gorm:"not null"`
			Restores    []byte `gorm:"not null"`
			RestoreBins []byte `gorm:"not null"`
		}
		// botActivityRollup holds the days (local midnights) one user used
		// the bot, for the UTC year they fall in, sorted.
		type botActivityRollup struct {
			UserID  string `gorm:"primaryKey;size:32"`
			Year    int64  `gorm:"primaryKey;autoIncrement:false"`
			Version int64  `gorm:"not null"`
			Days    []byte `gorm:"not null"`
		}
		if err := tx.Migrator().CreateTable(&deploymentRollup{}, &incidentRollup{}, &botActivityRollup{}); err != nil {
			return err
		}
		if tx.Dialector.Name() != "postgres" {
			return nil
		}
		// Samples are stored uncompressed, so that reading a few bins of a
		// large row (substr) fetches only the TOAST chunks that hold them.
		// The activity key carries the days (at most 367 × 4 bytes), so
		// that a team's adoption is an index-only scan: on a table of a
		// few thousand rows the planner would rather scan it all.
		return tx.Exec(`ALTER TABLE deployment_rollups ALTER COLUMN lead_times SET STORAGE EXTERNAL,
			ALTER COLUMN recoveries SET STORAGE EXTERNAL;
			ALTER TABLE incident_rollups ALTER COLUMN restores SET STORAGE EXTERNAL;
			ALTER TABLE bot_activity_rollups DROP CONSTRAINT bot_activity_rollups_pkey,
			ADD PRIMARY KEY (user_id, year) INCLUDE (days)`).Error
	}},
}
