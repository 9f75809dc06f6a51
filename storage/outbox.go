package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/platformbot/platformbot/outbox"
)

// pendingSend is the live model of the pending_sends table.
type pendingSend struct {
	ID         int64 `gorm:"primaryKey"`
	Kind       string
	DedupeKey  string
	Recipient  string
	Payload    string
	State      string
	NotBefore  time.Time
	NotAfter   *time.Time
	ClaimToken string
	ClaimedBy  string
	LeaseUntil *time.Time
	Attempts   int
	LastError  string
	Ref        string
	AfterKey   string
	Followed   bool
	CreatedAt  time.Time
	SentAt     *time.Time
}

// OutboxStore implements outbox.Store.
type OutboxStore struct{ db *DB }

var _ outbox.Store = (*OutboxStore)(nil)

// NewOutboxStore returns the pending-send store of db.
func NewOutboxStore(db *DB) *OutboxStore { return &OutboxStore{db: db} }

// enqueueBatch keeps an insert under PostgreSQL's 65535 bind parameters.
const enqueueBatch = 500

// Enqueue inserts the records whose dedupe keys are new.
func (s *OutboxStore) Enqueue(ctx context.Context, recs []outbox.Record, now time.Time) (n int, err error) {
	defer obWrap(&err, "OutboxStore.Enqueue(%d)", len(recs))
	rows := make([]pendingSend, len(recs))
	for i, r := range recs {
		rows[i] = pendingSend{
			Kind: r.Kind, DedupeKey: r.Key, Recipient: r.To, Payload: string(r.Payload), AfterKey: r.After, Followed: r.Followed,
			State: outbox.Pending, NotBefore: r.NotBefore.UTC(), NotAfter: timePtr(r.NotAfter), CreatedAt: now.UTC(),
		}
	}
	for start := 0; start < len(rows); start += enqueueBatch {
		batch := rows[start:min(start+enqueueBatch, len(rows))]
		res := s.db.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "dedupe_key"}}, DoNothing: true}).Create(&batch)
		if res.Error != nil {
			return n, res.Error
		}
		n += int(res.RowsAffected)
	}
	return n, nil
}

// claimable is the condition of a record another claim may take.
const claimable = "((state = ? AND not_before <= ?) OR (state = ? AND lease_until < ?))"

// Claim takes up to limit due records. On PostgreSQL the rows are selected
// FOR UPDATE SKIP LOCKED, so concurrent claimers skip each other's rows
// instead of waiting; on SQLite the transaction itself is exclusive. The
// UPDATE repeats the condition, so a row is only ever claimed once.
func (s *OutboxStore) Claim(ctx context.Context, owner string, limit int, now time.Time, lease time.Duration) (out []outbox.Record, err error) {
	defer obWrap(&err, "OutboxStore.Claim(%s)", owner)
	now = now.UTC()
	token := obClaimToken()
	var rows []pendingSend
	err = s.db.Transact(ctx, func(tx *gorm.DB) error {
		q := tx.Where(claimable, outbox.Pending, now, outbox.Claimed, now).Order("id").Limit(limit)
		if s.db.Dialect == Postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		if err := q.Find(&rows).Error; err != nil || len(rows) == 0 {
			return err
		}
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		until := now.Add(lease)
		res := tx.Model(&pendingSend{}).Where("id IN ?", ids).Where(claimable, outbox.Pending, now, outbox.Claimed, now).
			Updates(map[string]any{
				"state": outbox.Claimed, "claim_token": token, "claimed_by": owner,
				"lease_until": until, "attempts": gorm.Expr("attempts + 1"),
			})
		if res.Error != nil {
			return res.Error
		}
		// Read back exactly what this claim took.
		return tx.Where("claim_token = ?", token).Order("id").Find(&rows).Error
	})
	if err != nil {
		return nil, err
	}
	out = make([]outbox.Record, len(rows))
	for i, r := range rows {
		out[i] = r.record()
	}
	return out, nil
}

// MarkSent records a send as sent, whoever holds its claim.
func (s *OutboxStore) MarkSent(ctx context.Context, id int64, ref string, now time.Time) (err error) {
	defer obWrap(&err, "OutboxStore.MarkSent(%d)", id)
	return s.db.WithContext(ctx).Model(&pendingSend{}).Where("id = ? AND state <> ?", id, outbox.Sent).
		Updates(map[string]any{"state": outbox.Sent, "ref": ref, "sent_at": now.UTC(), "claim_token": "", "lease_until": nil, "last_error": ""}).Error
}

// Retry returns a claimed record to pending until notBefore.
func (s *OutboxStore) Retry(ctx context.Context, id int64, token string, notBefore time.Time, lastErr string) (err error) {
	defer obWrap(&err, "OutboxStore.Retry(%d)", id)
	return s.putBack(ctx, id, token, notBefore, lastErr, true)
}

// putBack returns a claimed record to pending until notBefore; the
// attempt its claim counted stands only if counted.
func (s *OutboxStore) putBack(ctx context.Context, id int64, token string, notBefore time.Time, lastErr string, counted bool) error {
	set := map[string]any{"state": outbox.Pending, "not_before": notBefore.UTC(), "last_error": lastErr, "claim_token": "", "lease_until": nil}
	if !counted {
		set["attempts"] = gorm.Expr("attempts - 1")
	}
	return s.db.WithContext(ctx).Model(&pendingSend{}).Where("id = ? AND state = ? AND claim_token = ?", id, outbox.Claimed, token).
		Updates(set).Error
}

// Postpone is Retry without counting the attempt.
func (s *OutboxStore) Postpone(ctx context.Context, id int64, token string, notBefore time.Time, lastErr string) (err error) {
	defer obWrap(&err, "OutboxStore.Postpone(%d)", id)
	return s.putBack(ctx, id, token, notBefore, lastErr, false)
}

// Finish ends a claimed record as failed or skipped.
func (s *OutboxStore) Finish(ctx context.Context, id int64, token, state, lastErr string, now time.Time) (err error) {
	defer obWrap(&err, "OutboxStore.Finish(%d, %s)", id, state)
	if state != outbox.Failed && state != outbox.Skipped {
		return fmt.Errorf("state %q is not final", state)
	}
	return s.db.WithContext(ctx).Model(&pendingSend{}).Where("id = ? AND state = ? AND claim_token = ?", id, outbox.Claimed, token).
		Updates(map[string]any{"state": state, "last_error": lastErr, "claim_token": "", "lease_until": nil}).Error
}

// Release returns unstarted claimed records to pending without counting
// the attempt.
func (s *OutboxStore) Release(ctx context.Context, ids []int64, token string) (err error) {
	defer obWrap(&err, "OutboxStore.Release(%d)", len(ids))
	return s.db.WithContext(ctx).Model(&pendingSend{}).Where("id IN ? AND state = ? AND claim_token = ?", ids, outbox.Claimed, token).
		Updates(map[string]any{"state": outbox.Pending, "claim_token": "", "lease_until": nil, "attempts": gorm.Expr("attempts - 1")}).Error
}

// Purge deletes sent, failed and skipped records created before t.
func (s *OutboxStore) Purge(ctx context.Context, before time.Time) (n int64, err error) {
	defer obWrap(&err, "OutboxStore.Purge")
	res := s.db.WithContext(ctx).Where("state IN ? AND created_at < ?", []string{outbox.Sent, outbox.Failed, outbox.Skipped}, before.UTC()).
		Delete(&pendingSend{})
	return res.RowsAffected, res.Error
}

// OutboxCounts returns how many records of a kind ("" = all) are in each
// state, for tests, benchmarks and operators.
func (s *OutboxStore) OutboxCounts(ctx context.Context, kind string) (map[string]int, error) {
	var rows []struct {
		State string
		N     int
	}
	q := s.db.WithContext(ctx).Model(&pendingSend{}).Select("state, count(*) AS n").Group("state")
	if kind != "" {
		q = q.Where("kind = ?", kind)
	}
	if err := q.Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("OutboxStore.OutboxCounts: %w", err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.State] = r.N
	}
	return out, nil
}

// Waiting counts the pending sends whose key starts with prefix and that
// are due only after now: held for their recipient's working hours or Do
// Not Disturb, or waiting for a retry.
func (s *OutboxStore) Waiting(ctx context.Context, prefix string, now time.Time) (n int, err error) {
	defer obWrap(&err, "OutboxStore.Waiting")
	var c int64
	err = s.db.WithContext(ctx).Model(&pendingSend{}).
		Where("state = ? AND not_before > ? AND substr(dedupe_key, 1, ?) = ?", outbox.Pending, now.UTC(), len(prefix), prefix).
		Count(&c).Error
	return int(c), err
}

// WaitingKinds counts the pending sends of kinds that are due only after
// now: what the metric digests report as waiting for people's working
// hours or Do Not Disturb (or a retry).
func (s *OutboxStore) WaitingKinds(ctx context.Context, kinds []string, now time.Time) (n int, err error) {
	defer obWrap(&err, "OutboxStore.WaitingKinds")
	if len(kinds) == 0 {
		return 0, nil
	}
	var c int64
	err = s.db.WithContext(ctx).Model(&pendingSend{}).
		Where("state = ? AND not_before > ? AND kind IN ?", outbox.Pending, now.UTC(), kinds).
		Count(&c).Error
	return int(c), err
}

// Find returns the record with a dedupe key, and whether there is one.
func (s *OutboxStore) Find(ctx context.Context, key string) (outbox.Record, bool, error) {
	var rows []pendingSend
	if err := s.db.WithContext(ctx).Where("dedupe_key = ?", key).Limit(1).Find(&rows).Error; err != nil {
		return outbox.Record{}, false, fmt.Errorf("storage: OutboxStore.Find(%q): %w", key, err)
	}
	if len(rows) == 0 {
		return outbox.Record{}, false, nil
	}
	return rows[0].record(), true, nil
}

// DueFollowers makes the pending records that follow key due at now.
func (s *OutboxStore) DueFollowers(ctx context.Context, key string, now time.Time) (err error) {
	defer obWrap(&err, "OutboxStore.DueFollowers(%q)", key)
	return s.db.WithContext(ctx).Model(&pendingSend{}).Where("after_key = ? AND state = ? AND not_before > ?", key, outbox.Pending, now.UTC()).
		Update("not_before", now.UTC()).Error
}

// OutboxRecord returns the record with a dedupe key.
func (s *OutboxStore) OutboxRecord(ctx context.Context, key string) (outbox.Record, error) {
	var r pendingSend
	if err := s.db.WithContext(ctx).Where("dedupe_key = ?", key).First(&r).Error; err != nil {
		return outbox.Record{}, fmt.Errorf("OutboxStore.OutboxRecord(%q): %w", key, err)
	}
	return r.record(), nil
}

func (r pendingSend) record() outbox.Record {
	rec := outbox.Record{
		ID: r.ID, Kind: r.Kind, Key: r.DedupeKey, To: r.Recipient, Payload: []byte(r.Payload),
		State: r.State, NotBefore: r.NotBefore.UTC(), ClaimToken: r.ClaimToken, Attempts: r.Attempts,
		LastError: r.LastError, Ref: r.Ref, After: r.AfterKey, Followed: r.Followed,
	}
	if r.NotAfter != nil {
		rec.NotAfter = r.NotAfter.UTC()
	}
	return rec
}

func obClaimToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// wrap adds the call to an error once, keeping sentinels errors.Is-able.
func obWrap(errp *error, format string, args ...any) {
	if *errp != nil {
		*errp = fmt.Errorf("storage: "+format+": %w", append(args, *errp)...)
	}
}
