package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/selfservice"
)

// ssRequest is the live model of selfservice_requests. Its time fields are
// not named CreatedAt/UpdatedAt on purpose: gorm would fill those from the
// wall clock, and the domain's clock (a fake one in tests) decides.
type ssRequest struct {
	ID                int64 `gorm:"primaryKey"`
	TypeID            string
	TypeTitle         string
	Requester         string
	Team              string
	State             string
	Fields            string
	Exception         bool
	NeedsApproval     bool
	ApprovalsRequired int
	ApprovalCount     int
	HasAutomation     bool
	HumanStep         bool
	ManualMinutes     int
	Created           time.Time `gorm:"column:created_at"`
	Updated           time.Time `gorm:"column:updated_at"`
	DecidedAt         *time.Time
	DecidedBy         string
	DoneAt            *time.Time
	ClosedAt          *time.Time
	SLADueAt          *time.Time `gorm:"column:sla_due_at"`
	SLANudgedAt       *time.Time `gorm:"column:sla_nudged_at"`
	Note              string
	TriageChannel     string
	TriageTS          string `gorm:"column:triage_ts"`
	Rating            *int
	RatedAt           *time.Time
}

func (ssRequest) TableName() string { return "selfservice_requests" }

type ssEvent struct {
	ID        int64 `gorm:"primaryKey"`
	RequestID int64
	Kind      string
	At        time.Time
	Actor     string
	FromState string
	ToState   string
	Note      string
	// DeliveredAt is when the event's notifications were handed to the
	// outbox.
	DeliveredAt *time.Time
}

func (ssEvent) TableName() string { return "selfservice_events" }

type ssApproval struct {
	ID        int64 `gorm:"primaryKey"`
	RequestID int64
	Approver  string
	At        time.Time
}

func (ssApproval) TableName() string { return "selfservice_approvals" }

// SelfServiceStore implements selfservice.Store and metrics.SelfServiceSource.
type SelfServiceStore struct{ db *DB }

var _ selfservice.Store = (*SelfServiceStore)(nil)

// NewSelfServiceStore returns the self-service store on db.
func NewSelfServiceStore(db *DB) *SelfServiceStore { return &SelfServiceStore{db: db} }

func ssUTC(t time.Time) time.Time { return t.UTC() }

func ssFromPtr(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

func ssToRow(r *selfservice.Request) (*ssRequest, error) {
	fields, err := json.Marshal(r.Fields)
	if err != nil {
		return nil, err
	}
	return &ssRequest{
		ID: r.ID, TypeID: r.Type, TypeTitle: r.TypeTitle, Requester: r.Requester, Team: r.Team,
		State: string(r.State), Fields: string(fields), Exception: r.Exception,
		NeedsApproval: r.NeedsApproval, ApprovalsRequired: r.ApprovalsRequired, ApprovalCount: r.Approvals,
		HasAutomation: r.HasAutomation, HumanStep: r.HumanStep, ManualMinutes: r.ManualMinutes,
		Created: ssUTC(r.CreatedAt), Updated: ssUTC(r.UpdatedAt),
		DecidedAt: timePtr(r.DecidedAt), DecidedBy: r.DecidedBy, DoneAt: timePtr(r.DoneAt),
		ClosedAt: timePtr(r.ClosedAt), SLADueAt: timePtr(r.SLADueAt), Note: r.Note,
		TriageChannel: r.TriageChannel, TriageTS: r.TriageTS,
	}, nil
}

func (row *ssRequest) domain() (*selfservice.Request, error) {
	r := &selfservice.Request{
		ID: row.ID, Type: row.TypeID, TypeTitle: row.TypeTitle, Requester: row.Requester, Team: row.Team,
		State: selfservice.State(row.State), Exception: row.Exception,
		NeedsApproval: row.NeedsApproval, ApprovalsRequired: row.ApprovalsRequired, Approvals: row.ApprovalCount,
		HasAutomation: row.HasAutomation, HumanStep: row.HumanStep, ManualMinutes: row.ManualMinutes,
		CreatedAt: row.Created.UTC(), UpdatedAt: row.Updated.UTC(),
		DecidedAt: ssFromPtr(row.DecidedAt), DecidedBy: row.DecidedBy, DoneAt: ssFromPtr(row.DoneAt),
		ClosedAt: ssFromPtr(row.ClosedAt), SLADueAt: ssFromPtr(row.SLADueAt), Note: row.Note,
		TriageChannel: row.TriageChannel, TriageTS: row.TriageTS,
	}
	if row.Rating != nil {
		r.Rating = *row.Rating
	}
	if err := json.Unmarshal([]byte(row.Fields), &r.Fields); err != nil {
		return nil, fmt.Errorf("request %d: fields: %w", row.ID, err)
	}
	return r, nil
}

func ssEventRow(requestID int64, ev selfservice.Event) *ssEvent {
	row := &ssEvent{
		RequestID: requestID, Kind: string(ev.Kind), At: ssUTC(ev.At), Actor: ev.Actor,
		FromState: string(ev.From), ToState: string(ev.To), Note: ev.Note,
	}
	if ev.Silent {
		row.DeliveredAt = timePtr(ev.At) // nothing to hand over
	}
	return row
}

func (row *ssEvent) domain() selfservice.Event {
	return selfservice.Event{
		ID: row.ID, RequestID: row.RequestID, Kind: selfservice.EventKind(row.Kind), At: row.At.UTC(),
		Actor: row.Actor, From: selfservice.State(row.FromState), To: selfservice.State(row.ToState),
		Note: row.Note,
	}
}

// CreateRequest inserts r and its first events in one transaction.
func (s *SelfServiceStore) CreateRequest(ctx context.Context, r *selfservice.Request, events []selfservice.Event) (err error) {
	defer ssWrap(&err, "SelfServiceStore.CreateRequest(%s)", r.Type)
	row, err := ssToRow(r)
	if err != nil {
		return err
	}
	row.ID = 0
	return s.db.Transact(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(row).Error; err != nil {
			return err
		}
		for _, ev := range events {
			if err := tx.Create(ssEventRow(row.ID, ev)).Error; err != nil {
				return err
			}
		}
		r.ID = row.ID
		return nil
	})
}

// Request returns a request by id, or selfservice.ErrNotFound.
func (s *SelfServiceStore) Request(ctx context.Context, id int64) (*selfservice.Request, error) {
	return ssLoadRequest(s.db.WithContext(ctx), id)
}

func ssLoadRequest(tx *gorm.DB, id int64) (*selfservice.Request, error) {
	var row ssRequest
	err := tx.Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, selfservice.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("SelfServiceStore.Request(%d): %w", id, err)
	}
	return row.domain()
}

// Events returns the audit trail of a request, oldest first.
func (s *SelfServiceStore) Events(ctx context.Context, id int64) ([]selfservice.Event, error) {
	var rows []ssEvent
	if err := s.db.WithContext(ctx).Where("request_id = ?", id).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("SelfServiceStore.Events(%d): %w", id, err)
	}
	out := make([]selfservice.Event, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// Approvers returns who approved a request, in order.
func (s *SelfServiceStore) Approvers(ctx context.Context, id int64) ([]string, error) {
	var out []string
	err := s.db.WithContext(ctx).Model(&ssApproval{}).Where("request_id = ?", id).Order("id").Pluck("approver", &out).Error
	if err != nil {
		return nil, fmt.Errorf("SelfServiceStore.Approvers(%d): %w", id, err)
	}
	return out, nil
}

// Transition moves a request from one of t.From to t.To with an atomic
// conditional update and writes the audit event in the same transaction.
// When no row matched it returns *selfservice.StateError (or ErrNotFound).
func (s *SelfServiceStore) Transition(ctx context.Context, id int64, t selfservice.Transition) (*selfservice.Request, error) {
	var out *selfservice.Request
	err := s.db.Transact(ctx, func(tx *gorm.DB) error {
		if err := ssApplyTransition(tx, id, t); err != nil {
			return err
		}
		var err error
		out, err = ssLoadRequest(tx, id)
		return err
	})
	if err != nil && domain.ErrorCode(err) == domain.Internal {
		err = fmt.Errorf("storage: SelfServiceStore.Transition(%d to %s): %w", id, t.To, err)
	}
	return out, err
}

func ssApplyTransition(tx *gorm.DB, id int64, t selfservice.Transition) error {
	if len(t.From) == 0 {
		return errors.New("transition without From states")
	}
	at := ssUTC(t.At)
	set := map[string]any{"state": string(t.To), "updated_at": at}
	switch t.To {
	case selfservice.Approved, selfservice.Rejected:
		set["decided_at"], set["decided_by"] = at, t.Actor
	case selfservice.Done:
		set["done_at"] = at
	}
	if !t.To.Open() {
		set["closed_at"] = at
	}
	if t.Note != "" {
		set["note"] = t.Note
	}
	if t.Human {
		set["human_step"] = true
	}
	from := make([]string, len(t.From))
	for i, f := range t.From {
		from[i] = string(f)
	}
	res := tx.Model(&ssRequest{}).Where("id = ? AND state IN ?", id, from).Updates(set)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ssStateError(tx, id)
	}
	prev := string(t.From[0])
	if len(t.From) > 1 {
		prev = ssLastState(tx, id)
	}
	ev := selfservice.Event{Kind: selfservice.EventTransition, At: at, Actor: t.Actor, From: selfservice.State(prev), To: t.To, Note: t.Note}
	return tx.Create(ssEventRow(id, ev)).Error
}

// lastState returns the state the last transition event moved a request
// to: the state before the update just made in this transaction.
func ssLastState(tx *gorm.DB, id int64) string {
	var states []string
	tx.Model(&ssEvent{}).Where("request_id = ? AND kind = ?", id, string(selfservice.EventTransition)).
		Order("id DESC").Limit(1).Pluck("to_state", &states)
	if len(states) == 0 {
		return ""
	}
	return states[0]
}

// stateError explains why a conditional update matched no row.
func ssStateError(tx *gorm.DB, id int64) error {
	var row ssRequest
	err := tx.Select("id", "state", "decided_by").Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return selfservice.ErrNotFound
	}
	if err != nil {
		return err
	}
	return &selfservice.StateError{ID: id, Current: selfservice.State(row.State), By: row.DecidedBy}
}

// wrap prefixes a non-nil error with the call, keeping it errors.Is-able.
func ssWrap(err *error, format string, args ...any) {
	if *err != nil {
		*err = fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), *err)
	}
}
