package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/platformbot/platformbot/selfservice"
)

// Approve records one approval and, when it is the required-th, moves the
// request to approved, in one transaction. The first statement increments
// the approval count only while the request is pending: on PostgreSQL it
// takes the row lock, so concurrent approvals of one request queue behind
// each other and each sees the count the previous one committed (SQLite
// has one connection, so its transactions queue anyway). The unique
// (request, approver) index rejects a second approval by the same person,
// rolling back the increment with it.
func (s *SelfServiceStore) Approve(ctx context.Context, id int64, approver string, at time.Time) (out selfservice.ApprovalOutcome, err error) {
	at = ssUTC(at)
	err = s.db.Transact(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&ssRequest{}).Where("id = ? AND state = ?", id, string(selfservice.PendingApproval)).
			Updates(map[string]any{"approval_count": gorm.Expr("approval_count + 1"), "updated_at": at})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ssStateError(tx, id)
		}
		if err := tx.Create(&ssApproval{RequestID: id, Approver: approver, At: at}).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return selfservice.ErrAlreadyApproved
			}
			return err
		}
		r, err := ssLoadRequest(tx, id)
		if err != nil {
			return err
		}
		out.Count = r.Approvals
		if r.Approvals < max(1, r.ApprovalsRequired) {
			out.Request = r
			note := fmt.Sprintf("approval %d of %d", r.Approvals, r.ApprovalsRequired)
			return tx.Create(ssEventRow(id, selfservice.Event{Kind: selfservice.EventApproval, At: at, Actor: approver,
				From: selfservice.PendingApproval, To: selfservice.PendingApproval, Note: note})).Error
		}
		err = ssApplyTransition(tx, id, selfservice.Transition{From: []selfservice.State{selfservice.PendingApproval},
			To: selfservice.Approved, Actor: approver, At: at, Human: true})
		if err != nil {
			return err
		}
		out.Transitioned = true
		out.Request, err = ssLoadRequest(tx, id)
		return err
	})
	if err != nil && !errors.Is(err, selfservice.ErrAlreadyApproved) {
		var se *selfservice.StateError
		if !errors.As(err, &se) && !errors.Is(err, selfservice.ErrNotFound) {
			err = fmt.Errorf("SelfServiceStore.Approve(%d, %s): %w", id, approver, err)
		}
	}
	return out, err
}

// RequestsBy returns a requester's latest requests, newest first.
func (s *SelfServiceStore) RequestsBy(ctx context.Context, requester string, limit int) ([]*selfservice.Request, error) {
	return s.find(ctx, s.db.WithContext(ctx).Where("requester = ?", requester).Order("id DESC").Limit(limit))
}

// OpenRequests returns open requests of the given types (nil: all), oldest
// first.
func (s *SelfServiceStore) OpenRequests(ctx context.Context, types []string, limit int) ([]*selfservice.Request, error) {
	q := s.db.WithContext(ctx).Where("state IN ?", ssStates(selfservice.OpenStates))
	if types != nil {
		if len(types) == 0 {
			return nil, nil
		}
		q = q.Where("type_id IN ?", types)
	}
	return s.find(ctx, q.Order("created_at, id").Limit(limit))
}

// OverdueRequests returns open requests whose SLA passed at or before now
// and that were not nudged yet, most overdue first.
func (s *SelfServiceStore) OverdueRequests(ctx context.Context, now time.Time, limit int) ([]*selfservice.Request, error) {
	q := s.db.WithContext(ctx).Where("state IN ? AND sla_due_at IS NOT NULL AND sla_due_at <= ? AND sla_nudged_at IS NULL",
		ssStates(selfservice.OpenStates), ssUTC(now))
	return s.find(ctx, q.Order("sla_due_at, id").Limit(limit))
}

func (s *SelfServiceStore) find(_ context.Context, q *gorm.DB) ([]*selfservice.Request, error) {
	var rows []ssRequest
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("SelfServiceStore: find requests: %w", err)
	}
	out := make([]*selfservice.Request, 0, len(rows))
	for i := range rows {
		r, err := rows[i].domain()
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func ssStates(states []selfservice.State) []string {
	out := make([]string, len(states))
	for i, s := range states {
		out[i] = string(s)
	}
	return out
}

// SetTriageMessage remembers where a request's triage message is.
func (s *SelfServiceStore) SetTriageMessage(ctx context.Context, id int64, channel, ts string) error {
	err := s.db.WithContext(ctx).Model(&ssRequest{}).Where("id = ?", id).
		Updates(map[string]any{"triage_channel": channel, "triage_ts": ts}).Error
	if err != nil {
		return fmt.Errorf("SelfServiceStore.SetTriageMessage(%d): %w", id, err)
	}
	return nil
}

// Rate records the requester's rating of a done request; a second answer
// replaces the first.
func (s *SelfServiceStore) Rate(ctx context.Context, id int64, requester string, score int, at time.Time) error {
	return s.db.Transact(ctx, func(tx *gorm.DB) error {
		var row ssRequest
		err := tx.Select("id", "requester", "state", "decided_by").Where("id = ?", id).Take(&row).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			return selfservice.ErrNotFound
		case err != nil:
			return fmt.Errorf("SelfServiceStore.Rate(%d): %w", id, err)
		case row.Requester != requester:
			return selfservice.ErrForbidden
		case row.State != string(selfservice.Done):
			return &selfservice.StateError{ID: id, Current: selfservice.State(row.State)}
		}
		if err := tx.Model(&ssRequest{}).Where("id = ?", id).
			Updates(map[string]any{"rating": score, "rated_at": ssUTC(at)}).Error; err != nil {
			return fmt.Errorf("SelfServiceStore.Rate(%d): %w", id, err)
		}
		return nil
	})
}

// SLANudged records that a request's overdue alert is queued.
func (s *SelfServiceStore) SLANudged(ctx context.Context, id int64, at time.Time) error {
	err := s.db.WithContext(ctx).Model(&ssRequest{}).Where("id = ?", id).Update("sla_nudged_at", ssUTC(at)).Error
	if err != nil {
		return fmt.Errorf("SelfServiceStore.SLANudged(%d): %w", id, err)
	}
	return nil
}

// UnsentEvents returns events whose notifications were not handed over,
// oldest first: of request id, or of any request when id is 0. The
// delivered_at column records the hand-over (silent events are written
// with it set).
func (s *SelfServiceStore) UnsentEvents(ctx context.Context, id int64, limit int) ([]selfservice.Event, error) {
	q := s.db.WithContext(ctx).Where("delivered_at IS NULL")
	if id != 0 {
		q = q.Where("request_id = ?", id)
	}
	var rows []ssEvent
	if err := q.Order("id").Limit(limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("SelfServiceStore.UnsentEvents(%d): %w", id, err)
	}
	out := make([]selfservice.Event, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// EventsSent records that the events' notifications are queued.
func (s *SelfServiceStore) EventsSent(ctx context.Context, ids []int64, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	err := s.db.WithContext(ctx).Model(&ssEvent{}).Where("id IN ? AND delivered_at IS NULL", ids).Update("delivered_at", ssUTC(at)).Error
	if err != nil {
		return fmt.Errorf("SelfServiceStore.EventsSent(%v): %w", ids, err)
	}
	return nil
}

// AwaitingAutomation returns ids of approved requests with automation,
// oldest first.
func (s *SelfServiceStore) AwaitingAutomation(ctx context.Context, limit int) ([]int64, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Model(&ssRequest{}).Where("state = ? AND has_automation = ?", string(selfservice.Approved), true).
		Order("id").Limit(limit).Pluck("id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("SelfServiceStore.AwaitingAutomation: %w", err)
	}
	return ids, nil
}
