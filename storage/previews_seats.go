package storage

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/platformbot/platformbot/previews"
)

// previewParticipant is the live model of the preview_participants table.
type previewParticipant struct {
	PreviewID     string `gorm:"primaryKey"`
	UserID        string `gorm:"primaryKey"`
	State         string
	Queue         int64
	Team          string
	Generation    int
	FirstJoinedAt time.Time
	FirstActiveAt *time.Time
	JoinedAt      time.Time
	ActiveSince   *time.Time
	LeftAt        *time.Time
	Automation    string
	Seq           int64
	NoticeOwed    bool
	ChangedAt     time.Time
}

func (r previewParticipant) participant() previews.Participant {
	return previews.Participant{
		PreviewID: r.PreviewID, UserID: r.UserID, State: previews.State(r.State), Team: r.Team,
		Generation: r.Generation, Queue: r.Queue, FirstJoinedAt: r.FirstJoinedAt.UTC(),
		FirstActiveAt: utcOrZero(r.FirstActiveAt), JoinedAt: r.JoinedAt.UTC(), ActiveSince: utcOrZero(r.ActiveSince),
		LeftAt: utcOrZero(r.LeftAt), Automation: previews.AutomationState(r.Automation), Seq: r.Seq, NoticeOwed: r.NoticeOwed,
	}
}

func utcOrZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// lockPreview bumps the preview's ticket. The UPDATE holds the row lock
// until the transaction ends, so every change of the preview's seats runs
// one after the other on PostgreSQL, whatever the number of replicas
// (SQLite has one writer anyway); the counts read afterwards are exact.
func lockPreview(tx *gorm.DB, id string) (preview, error) {
	res := tx.Model(&preview{}).Where("id = ?", id).UpdateColumn("ticket", gorm.Expr("ticket + 1"))
	if res.Error != nil {
		return preview{}, res.Error
	}
	if res.RowsAffected == 0 {
		return preview{}, previews.ErrNotFound
	}
	var row preview
	err := tx.Select("id, max_participants, ticket").Where("id = ?", id).Take(&row).Error
	return row, err
}

// seatCounts counts the seated and the waiting of a preview.
func seatCounts(tx *gorm.DB, id string) (active, waiting int, err error) {
	var groups []struct {
		State string
		N     int
	}
	if err := tx.Model(&previewParticipant{}).Select("state, count(*) AS n").
		Where("preview_id = ? AND state IN ?", id, []string{string(previews.Active), string(previews.Waitlisted)}).
		Group("state").Scan(&groups).Error; err != nil {
		return 0, 0, err
	}
	for _, g := range groups {
		if g.State == string(previews.Active) {
			active = g.N
		} else {
			waiting = g.N
		}
	}
	return active, waiting, nil
}

// seat gives r a seat at at; with automation, a join call is owed.
func seat(r *previewParticipant, at time.Time, automation bool, seq int64) {
	r.State, r.ActiveSince, r.ChangedAt = string(previews.Active), &at, at
	if r.FirstActiveAt == nil {
		r.FirstActiveAt = &at
	}
	if automation {
		r.Automation, r.Seq = string(previews.AutomationPending), seq
	}
}

// Join seats the person or puts them on the waitlist, under the preview's
// row lock: a seat is free when fewer than the cap are seated and nobody
// waits.
func (s *PreviewStore) Join(ctx context.Context, req previews.JoinRequest) (ch previews.Change, err error) {
	defer previewWrap(&err, "PreviewStore.Join(%s, %s)", req.PreviewID, req.UserID)
	at := req.At.UTC()
	err = s.db.Transact(ctx, func(tx *gorm.DB) error {
		row, err := lockPreview(tx, req.PreviewID)
		if err != nil {
			return err
		}
		var r previewParticipant
		err = tx.Where("preview_id = ? AND user_id = ?", req.PreviewID, req.UserID).Take(&r).Error
		found := err == nil
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		if found && r.State != string(previews.Left) {
			ch.Already = true
			ch.Participant, err = withPosition(tx, r)
			return err
		}
		// Seats freed by a raised cap go to those waiting first.
		if ch.Promoted, err = promote(tx, row, at, req.Automation); err != nil {
			return err
		}
		active, waiting, err := seatCounts(tx, req.PreviewID)
		if err != nil {
			return err
		}
		if found {
			ch.Before = previews.State(r.State)
		} else {
			r = previewParticipant{PreviewID: req.PreviewID, UserID: req.UserID, FirstJoinedAt: at}
		}
		if r.Team == "" {
			r.Team = req.Team
		}
		r.Generation++
		r.State, r.Queue, r.JoinedAt, r.ActiveSince, r.LeftAt = string(previews.Waitlisted), row.Ticket, at, nil, nil
		r.NoticeOwed, r.ChangedAt = false, at
		if (row.MaxParticipants == 0 || active < row.MaxParticipants) && waiting == 0 {
			seat(&r, at, req.Automation, row.Ticket)
		}
		if err := tx.Save(&r).Error; err != nil {
			return err
		}
		ch.Participant, err = withPosition(tx, r)
		return err
	})
	return ch, err
}

// Leave takes the person out under the preview's row lock and gives free
// seats to the waitlist in order.
func (s *PreviewStore) Leave(ctx context.Context, previewID, userID string, automation bool, at time.Time) (ch previews.Change, err error) {
	defer previewWrap(&err, "PreviewStore.Leave(%s, %s)", previewID, userID)
	at = at.UTC()
	err = s.db.Transact(ctx, func(tx *gorm.DB) error {
		row, err := lockPreview(tx, previewID)
		if err != nil {
			return err
		}
		var r previewParticipant
		err = tx.Where("preview_id = ? AND user_id = ?", previewID, userID).Take(&r).Error
		if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && r.State == string(previews.Left)) {
			return previews.ErrNotIn
		}
		if err != nil {
			return err
		}
		ch.Before = previews.State(r.State)
		r.State, r.LeftAt, r.NoticeOwed, r.ChangedAt = string(previews.Left), &at, false, at
		if ch.Before == previews.Active && automation {
			r.Automation, r.Seq = string(previews.AutomationLeaving), row.Ticket
		}
		if err := tx.Save(&r).Error; err != nil {
			return err
		}
		ch.Participant = r.participant()
		if ch.Before == previews.Active {
			ch.Promoted, err = promote(tx, row, at, automation)
		}
		return err
	})
	return ch, err
}

// Rebalance gives free seats to the waitlist in order.
func (s *PreviewStore) Rebalance(ctx context.Context, previewID string, automation bool, at time.Time) (ch previews.Change, err error) {
	defer previewWrap(&err, "PreviewStore.Rebalance(%s)", previewID)
	err = s.db.Transact(ctx, func(tx *gorm.DB) error {
		row, err := lockPreview(tx, previewID)
		if err != nil {
			return err
		}
		ch.Promoted, err = promote(tx, row, at.UTC(), automation)
		return err
	})
	return ch, err
}

// promote seats the first people of the waitlist while seats are free,
// marking a promotion DM as owed. It runs under the preview's row lock.
func promote(tx *gorm.DB, row preview, at time.Time, automation bool) ([]previews.Participant, error) {
	active, waiting, err := seatCounts(tx, row.ID)
	if err != nil || waiting == 0 {
		return nil, err
	}
	free := waiting
	if row.MaxParticipants > 0 {
		free = min(waiting, row.MaxParticipants-active)
	}
	if free <= 0 {
		return nil, nil
	}
	var rows []previewParticipant
	if err := tx.Where("preview_id = ? AND state = ?", row.ID, previews.Waitlisted).
		Order("queue, user_id").Limit(free).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]previews.Participant, 0, len(rows))
	for _, r := range rows {
		seat(&r, at, automation, row.Ticket)
		r.NoticeOwed = true
		if err := tx.Save(&r).Error; err != nil {
			return nil, err
		}
		out = append(out, r.participant())
	}
	return out, nil
}

// withPosition returns the participant with their waitlist position.
func withPosition(tx *gorm.DB, r previewParticipant) (previews.Participant, error) {
	p := r.participant()
	if r.State != string(previews.Waitlisted) {
		return p, nil
	}
	var ahead int64
	if err := tx.Model(&previewParticipant{}).Where("preview_id = ? AND state = ? AND (queue < ? OR (queue = ? AND user_id < ?))",
		r.PreviewID, previews.Waitlisted, r.Queue, r.Queue, r.UserID).Count(&ahead).Error; err != nil {
		return p, err
	}
	p.Position = int(ahead) + 1
	return p, nil
}

// Participant returns one person's row, with their waitlist position.
func (s *PreviewStore) Participant(ctx context.Context, previewID, userID string) (_ previews.Participant, err error) {
	defer previewWrap(&err, "PreviewStore.Participant(%s, %s)", previewID, userID)
	var r previewParticipant
	db := s.db.WithContext(ctx)
	if err := db.Where("preview_id = ? AND user_id = ?", previewID, userID).Take(&r).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return previews.Participant{}, previews.ErrNotFound
		}
		return previews.Participant{}, err
	}
	return withPosition(db, r)
}

// Participants returns every row of a preview.
func (s *PreviewStore) Participants(ctx context.Context, previewID string) (_ []previews.Participant, err error) {
	defer previewWrap(&err, "PreviewStore.Participants(%s)", previewID)
	return s.findParticipants(s.db.WithContext(ctx).Where("preview_id = ?", previewID).Order("first_joined_at, user_id"))
}

// Memberships returns the user's active and waitlisted rows.
func (s *PreviewStore) Memberships(ctx context.Context, userID string) (_ []previews.Participant, err error) {
	defer previewWrap(&err, "PreviewStore.Memberships(%s)", userID)
	var rows []previewParticipant
	db := s.db.WithContext(ctx)
	if err := db.Where("user_id = ? AND state IN ?", userID, []string{string(previews.Active), string(previews.Waitlisted)}).
		Order("preview_id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]previews.Participant, 0, len(rows))
	for _, r := range rows {
		p, err := withPosition(db, r)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func (s *PreviewStore) findParticipants(q *gorm.DB) ([]previews.Participant, error) {
	var rows []previewParticipant
	if err := q.Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]previews.Participant, len(rows))
	for i, r := range rows {
		out[i] = r.participant()
	}
	return out, nil
}

// SetAutomation moves one generation's automation state from one of from
// to to; the condition makes late or repeated outbox hooks harmless.
func (s *PreviewStore) SetAutomation(ctx context.Context, previewID, userID string, generation int, from []previews.AutomationState, to previews.AutomationState) (_ bool, err error) {
	defer previewWrap(&err, "PreviewStore.SetAutomation(%s, %s)", previewID, userID)
	states := make([]string, len(from))
	for i, f := range from {
		states[i] = string(f)
	}
	res := s.db.WithContext(ctx).Model(&previewParticipant{}).
		Where("preview_id = ? AND user_id = ? AND generation = ? AND automation IN ?", previewID, userID, generation, states).
		UpdateColumn("automation", string(to))
	return res.RowsAffected > 0, res.Error
}

// OwedSends returns rows changed since since that owe an automation call
// or a promotion DM.
func (s *PreviewStore) OwedSends(ctx context.Context, previewID string, since time.Time) (_ []previews.Participant, err error) {
	defer previewWrap(&err, "PreviewStore.OwedSends(%s)", previewID)
	return s.findParticipants(s.db.WithContext(ctx).
		Where("preview_id = ? AND changed_at >= ? AND (notice_owed = ? OR automation IN ?)", previewID, since.UTC(), true,
			[]string{string(previews.AutomationPending), string(previews.AutomationLeaving)}).
		Order("queue, user_id"))
}

// ClearNotice records that a promotion DM is queued.
func (s *PreviewStore) ClearNotice(ctx context.Context, previewID, userID string, generation int) (err error) {
	defer previewWrap(&err, "PreviewStore.ClearNotice(%s, %s)", previewID, userID)
	return s.db.WithContext(ctx).Model(&previewParticipant{}).
		Where("preview_id = ? AND user_id = ? AND generation = ?", previewID, userID, generation).
		UpdateColumn("notice_owed", false).Error
}
