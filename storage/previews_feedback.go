package storage

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/platformbot/platformbot/previews"
)

// previewAsk is the live model of the feedback ledger.
type previewAsk struct {
	PreviewID string `gorm:"primaryKey"`
	PointID   string `gorm:"primaryKey"`
	UserID    string `gorm:"primaryKey"`
	AskedAt   time.Time
	ClosesAt  time.Time
	RemindAt  *time.Time
	Invited   bool
	Delivered bool
	Reminded  bool
	Answered  bool
}

func (a previewAsk) ask() previews.Ask {
	return previews.Ask{
		PreviewID: a.PreviewID, PointID: a.PointID, UserID: a.UserID, AskedAt: a.AskedAt.UTC(), ClosesAt: a.ClosesAt.UTC(),
		RemindAt: utcOrZero(a.RemindAt), Invited: a.Invited, Delivered: a.Delivered, Reminded: a.Reminded, Answered: a.Answered,
	}
}

// previewAnswer is the live model of the preview_answers table. Its ids
// are random, so they do not order answers by when they were given.
type previewAnswer struct {
	ID         string `gorm:"primaryKey"`
	PreviewID  string
	ResponseID string
	PointID    string
	QuestionID string
	Value      *int
	Text       *string
	UserID     *string
	AnsweredAt *time.Time
}

// noAskYet keeps participants who were asked at the point already.
const noAskYet = "NOT EXISTS (SELECT 1 FROM preview_asks a WHERE a.preview_id = preview_participants.preview_id AND a.point_id = ? AND a.user_id = preview_participants.user_id)"

// DueAfter returns seated participants whose seat began at or before
// activeBefore and who were not asked at the point.
func (s *PreviewStore) DueAfter(ctx context.Context, previewID, pointID string, activeBefore time.Time) (_ []string, err error) {
	defer previewWrap(&err, "PreviewStore.DueAfter(%s, %s)", previewID, pointID)
	var users []string
	err = s.db.WithContext(ctx).Model(&previewParticipant{}).
		Where("preview_id = ? AND state = ? AND active_since <= ?", previewID, previews.Active, activeBefore.UTC()).
		Where(noAskYet, pointID).Order("user_id").Pluck("user_id", &users).Error
	return users, err
}

// ActiveAt returns the participants who had a seat at t and were not asked
// at the point.
func (s *PreviewStore) ActiveAt(ctx context.Context, previewID, pointID string, t time.Time) (_ []string, err error) {
	defer previewWrap(&err, "PreviewStore.ActiveAt(%s, %s)", previewID, pointID)
	var users []string
	t = t.UTC()
	err = s.db.WithContext(ctx).Model(&previewParticipant{}).
		Where("preview_id = ? AND active_since < ? AND (state = ? OR (state = ? AND left_at >= ?))",
			previewID, t, previews.Active, previews.Left, t).
		Where(noAskYet, pointID).Order("user_id").Pluck("user_id", &users).Error
	return users, err
}

// CreateAsks inserts asks; the primary key leaves existing ones alone, so
// replicas asking at once create each ask once.
func (s *PreviewStore) CreateAsks(ctx context.Context, asks []previews.Ask) (err error) {
	defer previewWrap(&err, "PreviewStore.CreateAsks(%d)", len(asks))
	rows := make([]previewAsk, len(asks))
	for i, a := range asks {
		rows[i] = previewAsk{PreviewID: a.PreviewID, PointID: a.PointID, UserID: a.UserID, AskedAt: a.AskedAt.UTC(), ClosesAt: a.ClosesAt.UTC()}
		if !a.RemindAt.IsZero() {
			r := a.RemindAt.UTC()
			rows[i].RemindAt = &r
		}
	}
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(&rows, answerBatch).Error
}

// Uninvited returns asks whose DM is not queued yet.
func (s *PreviewStore) Uninvited(ctx context.Context, previewID string) (_ []previews.Ask, err error) {
	defer previewWrap(&err, "PreviewStore.Uninvited(%s)", previewID)
	return s.findAsks(s.db.WithContext(ctx).Where("preview_id = ? AND invited = ?", previewID, false))
}

// DueReminders returns delivered, unanswered, open asks whose reminder is
// due and not sent.
func (s *PreviewStore) DueReminders(ctx context.Context, previewID string, now time.Time) (_ []previews.Ask, err error) {
	defer previewWrap(&err, "PreviewStore.DueReminders(%s)", previewID)
	now = now.UTC()
	return s.findAsks(s.db.WithContext(ctx).Where(
		"preview_id = ? AND delivered = ? AND reminded = ? AND answered = ? AND remind_at <= ? AND closes_at > ?",
		previewID, true, false, false, now, now))
}

func (s *PreviewStore) findAsks(q *gorm.DB) ([]previews.Ask, error) {
	var rows []previewAsk
	if err := q.Order("point_id, user_id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]previews.Ask, len(rows))
	for i, r := range rows {
		out[i] = r.ask()
	}
	return out, nil
}

// MarkInvited records that the asks' DMs are queued.
func (s *PreviewStore) MarkInvited(ctx context.Context, asks []previews.Ask) error {
	return s.markAsks(ctx, asks, "invited")
}

// MarkReminded records that the asks' reminders are queued.
func (s *PreviewStore) MarkReminded(ctx context.Context, asks []previews.Ask) error {
	return s.markAsks(ctx, asks, "reminded")
}

func (s *PreviewStore) markAsks(ctx context.Context, asks []previews.Ask, column string) (err error) {
	defer previewWrap(&err, "PreviewStore.mark %s(%d)", column, len(asks))
	byPoint := map[[2]string][]string{}
	for _, a := range asks {
		k := [2]string{a.PreviewID, a.PointID}
		byPoint[k] = append(byPoint[k], a.UserID)
	}
	return s.db.Transact(ctx, func(tx *gorm.DB) error {
		for k, users := range byPoint {
			for from := 0; from < len(users); from += answerBatch {
				batch := users[from:min(from+answerBatch, len(users))]
				if err := tx.Model(&previewAsk{}).Where("preview_id = ? AND point_id = ? AND user_id IN ?", k[0], k[1], batch).
					UpdateColumn(column, true).Error; err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// Ask returns one ask.
func (s *PreviewStore) Ask(ctx context.Context, previewID, pointID, userID string) (_ previews.Ask, err error) {
	defer previewWrap(&err, "PreviewStore.Ask(%s, %s, %s)", previewID, pointID, userID)
	var r previewAsk
	if err := s.db.WithContext(ctx).Where("preview_id = ? AND point_id = ? AND user_id = ?", previewID, pointID, userID).Take(&r).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return previews.Ask{}, previews.ErrNotFound
		}
		return previews.Ask{}, err
	}
	return r.ask(), nil
}

// MarkDelivered records that the feedback DM went out.
func (s *PreviewStore) MarkDelivered(ctx context.Context, previewID, pointID, userID string) (err error) {
	defer previewWrap(&err, "PreviewStore.MarkDelivered(%s, %s, %s)", previewID, pointID, userID)
	return s.db.WithContext(ctx).Model(&previewAsk{}).Where("preview_id = ? AND point_id = ? AND user_id = ?", previewID, pointID, userID).
		UpdateColumn("delivered", true).Error
}

// MarkAnswered flips answered from false to true; the condition makes two
// first answers (a double tap) count once.
func (s *PreviewStore) MarkAnswered(ctx context.Context, previewID, pointID, userID string) (err error) {
	defer previewWrap(&err, "PreviewStore.MarkAnswered(%s, %s, %s)", previewID, pointID, userID)
	db := s.db.WithContext(ctx)
	res := db.Model(&previewAsk{}).Where("preview_id = ? AND point_id = ? AND user_id = ? AND answered = ?", previewID, pointID, userID, false).
		UpdateColumn("answered", true)
	if res.Error != nil || res.RowsAffected == 1 {
		return res.Error
	}
	var n int64
	if err := db.Model(&previewAsk{}).Where("preview_id = ? AND point_id = ? AND user_id = ?", previewID, pointID, userID).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return previews.ErrNotFound
	}
	return previews.ErrAnswered
}

// UnmarkAnswered gives an ask back after its answers could not be stored.
func (s *PreviewStore) UnmarkAnswered(ctx context.Context, previewID, pointID, userID string) (err error) {
	defer previewWrap(&err, "PreviewStore.UnmarkAnswered(%s, %s, %s)", previewID, pointID, userID)
	return s.db.WithContext(ctx).Model(&previewAsk{}).Where("preview_id = ? AND point_id = ? AND user_id = ?", previewID, pointID, userID).
		UpdateColumn("answered", false).Error
}
