package storage

import (
	"time"

	"gorm.io/gorm"
)

// selfServiceMigrations own versions 100–199. Each declares frozen copies of
// the structs it creates; the type names give the table names.
var selfServiceMigrations = []migration{
	{version: 100, name: "selfservice_requests", up: func(tx *gorm.DB) error {
		// selfserviceRequest is a request with its lifecycle columns. The id
		// is the human number (REQ-42). Claims on the automation lease, the
		// SLA nudge and state changes are atomic conditional UPDATEs.
		type selfserviceRequest struct {
			ID                   int64     `gorm:"primaryKey;autoIncrement"`
			TypeID               string    `gorm:"size:64;not null;index:idx_ss_requests_type"`
			TypeTitle            string    `gorm:"size:200;not null"`
			Requester            string    `gorm:"size:32;not null;index:idx_ss_requests_requester,priority:1"`
			Team                 string    `gorm:"size:64;not null;default:'';index:idx_ss_requests_team"`
			State                string    `gorm:"size:20;not null;index:idx_ss_requests_state"`
			Fields               string    `gorm:"type:text;not null"`
			Exception            bool      `gorm:"not null;default:false"`
			NeedsApproval        bool      `gorm:"not null;default:false"`
			ApprovalsRequired    int       `gorm:"not null;default:0"`
			ApprovalCount        int       `gorm:"not null;default:0"`
			HasAutomation        bool      `gorm:"not null;default:false"`
			HumanStep            bool      `gorm:"not null;default:false"`
			ManualMinutes        int       `gorm:"not null;default:0"`
			Created              time.Time `gorm:"column:created_at;not null;index:idx_ss_requests_created;index:idx_ss_requests_requester,priority:2"`
			Updated              time.Time `gorm:"column:updated_at;not null"`
			DecidedAt            *time.Time
			DecidedBy            string `gorm:"size:32;not null;default:''"`
			DoneAt               *time.Time
			ClosedAt             *time.Time
			SLADueAt             *time.Time `gorm:"column:sla_due_at;index:idx_ss_requests_sla"`
			SLANudgedAt          *time.Time `gorm:"column:sla_nudged_at"`
			Note                 string     `gorm:"type:text;not null;default:''"`
			TriageChannel        string     `gorm:"size:32;not null;default:''"`
			TriageTS             string     `gorm:"column:triage_ts;size:32;not null;default:''"`
			AutomationLeaseUntil *time.Time
			AutomationRuns       int `gorm:"not null;default:0"`
			Rating               *int
			RatedAt              *time.Time
		}
		// selfserviceEvent is one audit row; undelivered rows are the
		// notification outbox.
		type selfserviceEvent struct {
			ID          int64      `gorm:"primaryKey;autoIncrement"`
			RequestID   int64      `gorm:"not null;index:idx_ss_events_request"`
			Kind        string     `gorm:"size:16;not null"`
			At          time.Time  `gorm:"not null"`
			Actor       string     `gorm:"size:32;not null;default:''"`
			FromState   string     `gorm:"size:20;not null;default:''"`
			ToState     string     `gorm:"size:20;not null"`
			Note        string     `gorm:"type:text;not null;default:''"`
			DeliveredAt *time.Time `gorm:"index:idx_ss_events_delivered"`
			LeaseUntil  *time.Time
			Attempts    int `gorm:"not null;default:0"`
		}
		// selfserviceApproval is one approver's approval; the unique index
		// makes a second click by the same approver a no-op.
		type selfserviceApproval struct {
			ID        int64     `gorm:"primaryKey;autoIncrement"`
			RequestID int64     `gorm:"not null;uniqueIndex:ux_ss_approvals_request_approver,priority:1"`
			Approver  string    `gorm:"size:32;not null;uniqueIndex:ux_ss_approvals_request_approver,priority:2"`
			At        time.Time `gorm:"not null"`
		}
		return tx.Migrator().CreateTable(&selfserviceRequest{}, &selfserviceEvent{}, &selfserviceApproval{})
	}},
	{version: 101, name: "selfservice_drop_own_leases", up: func(tx *gorm.DB) error {
		// The automation lease and the events' delivery lease belonged to
		// the dispatchers self-service ran itself; the outbox carries those
		// sends now, and nothing reads the columns.
		for _, c := range [][2]string{
			{"selfservice_requests", "automation_lease_until"},
			{"selfservice_requests", "automation_runs"},
			{"selfservice_events", "lease_until"},
			{"selfservice_events", "attempts"},
		} {
			if err := tx.Exec("ALTER TABLE " + c[0] + " DROP COLUMN " + c[1]).Error; err != nil {
				return err
			}
		}
		return nil
	}},
}
