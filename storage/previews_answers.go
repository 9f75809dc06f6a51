package storage

import (
	"context"
	mrand "math/rand/v2"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/platformbot/platformbot/previews"
)

// SaveResponse writes answers. It first locks the preview row (FOR SHARE
// on PostgreSQL; SQLite's single writer serialises anyway) and checks that
// the feedback is open, so an answer can never land after CloseFeedback
// rewrote the preview's answers.
func (s *PreviewStore) SaveResponse(ctx context.Context, r previews.Response, merge bool) (err error) {
	defer previewWrap(&err, "PreviewStore.SaveResponse(%s, %s)", r.PreviewID, r.PointID)
	return s.db.Transact(ctx, func(tx *gorm.DB) error {
		q := tx.Model(&preview{}).Select("feedback_closed").Where("id = ?", r.PreviewID)
		if s.db.Dialect == Postgres {
			q = q.Clauses(clause.Locking{Strength: "SHARE"})
		}
		var closed []bool
		if err := q.Pluck("feedback_closed", &closed).Error; err != nil {
			return err
		}
		if len(closed) == 0 {
			return previews.ErrNotFound
		}
		if closed[0] {
			return previews.ErrFeedbackClosed
		}
		of := tx.Where("preview_id = ? AND response_id = ?", r.PreviewID, r.Token)
		if merge {
			var n int64
			if err := tx.Model(&previewAnswer{}).Where("preview_id = ? AND response_id = ? AND point_id = ?", r.PreviewID, r.Token, r.PointID).
				Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return previews.ErrNotFound
			}
			qs := make([]string, len(r.Answers))
			for i, a := range r.Answers {
				qs[i] = a.QuestionID
			}
			if err := of.Where("question_id IN ?", qs).Delete(&previewAnswer{}).Error; err != nil {
				return err
			}
		}
		rows := make([]previewAnswer, len(r.Answers))
		for i, a := range r.Answers {
			rows[i] = previewAnswerRow(r, a)
		}
		return tx.CreateInBatches(&rows, answerBatch).Error
	})
}

func previewAnswerRow(r previews.Response, a previews.Answer) previewAnswer {
	row := previewAnswer{ID: pulseID(), PreviewID: r.PreviewID, ResponseID: r.Token, PointID: r.PointID, QuestionID: a.QuestionID}
	if a.Text != "" {
		t := a.Text
		row.Text = &t
	} else {
		v := a.Value
		row.Value = &v
	}
	if r.UserID != "" {
		u := r.UserID
		row.UserID = &u
	}
	if !r.At.IsZero() {
		at := r.At.UTC()
		row.AnsweredAt = &at
	}
	return row
}

// ResponseAnswers returns the answers of one response.
func (s *PreviewStore) ResponseAnswers(ctx context.Context, previewID, token string) (_ []previews.Answer, err error) {
	defer previewWrap(&err, "PreviewStore.ResponseAnswers(%s)", previewID)
	var rows []previewAnswer
	if err := s.db.WithContext(ctx).Where("preview_id = ? AND response_id = ?", previewID, token).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]previews.Answer, len(rows))
	for i, r := range rows {
		out[i] = previews.Answer{QuestionID: r.QuestionID}
		if r.Value != nil {
			out[i].Value = *r.Value
		}
		if r.Text != nil {
			out[i].Text = *r.Text
		}
	}
	return out, nil
}

// Answers returns every answer of a preview.
func (s *PreviewStore) Answers(ctx context.Context, previewID string) (_ []previews.StoredAnswer, err error) {
	defer previewWrap(&err, "PreviewStore.Answers(%s)", previewID)
	var rows []previewAnswer
	if err := s.db.WithContext(ctx).Where("preview_id = ?", previewID).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]previews.StoredAnswer, len(rows))
	for i, r := range rows {
		a := previews.StoredAnswer{PointID: r.PointID, QuestionID: r.QuestionID, ResponseID: r.ResponseID, At: utcOrZero(r.AnsweredAt)}
		if r.Value != nil {
			a.Value = *r.Value
		}
		if r.Text != nil {
			a.Text = *r.Text
		}
		if r.UserID != nil {
			a.UserID = *r.UserID
		}
		out[i] = a
	}
	return out, nil
}

// AskCounts returns how many asks were delivered (or answered, which
// proves it) and how many answered.
func (s *PreviewStore) AskCounts(ctx context.Context, previewID string) (asked, answered int, err error) {
	defer previewWrap(&err, "PreviewStore.AskCounts(%s)", previewID)
	var c struct{ Asked, Answered int }
	err = s.db.WithContext(ctx).Model(&previewAsk{}).
		Select("COALESCE(SUM(CASE WHEN delivered OR answered THEN 1 ELSE 0 END), 0) AS asked, COALESCE(SUM(CASE WHEN answered THEN 1 ELSE 0 END), 0) AS answered").
		Where("preview_id = ?", previewID).Scan(&c).Error
	return c.Asked, c.Answered, err
}

// LastClose returns the latest closing time of the preview's asks (zero if
// none).
func (s *PreviewStore) LastClose(ctx context.Context, previewID string) (_ time.Time, err error) {
	defer previewWrap(&err, "PreviewStore.LastClose(%s)", previewID)
	var rows []previewAsk
	if err := s.db.WithContext(ctx).Where("preview_id = ?", previewID).Order("closes_at DESC").Limit(1).Find(&rows).Error; err != nil {
		return time.Time{}, err
	}
	if len(rows) == 0 {
		return time.Time{}, nil
	}
	return rows[0].ClosesAt.UTC(), nil
}

// CloseFeedback marks the preview's feedback closed: the UPDATE … WHERE
// feedback_closed = false claims it, so exactly one caller does it. For
// anonymous previews the same transaction rewrites the answers (see
// scrubPreviewAnswers).
func (s *PreviewStore) CloseFeedback(ctx context.Context, previewID string, anonymous bool) (closed bool, err error) {
	defer previewWrap(&err, "PreviewStore.CloseFeedback(%s)", previewID)
	err = s.db.Transact(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&preview{}).Where("id = ? AND feedback_closed = ?", previewID, false).UpdateColumn("feedback_closed", true)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		closed = true
		if !anonymous {
			return nil
		}
		return scrubPreviewAnswers(tx, previewID)
	})
	return closed, err
}

// scrubPreviewAnswers deletes an anonymous preview's answers and inserts
// them again, in this one transaction, in random order and with new random
// ids: afterwards the rows' transaction ids (PostgreSQL's xmin), physical
// order and rowids (SQLite) no longer tell in which order people answered.
func scrubPreviewAnswers(tx *gorm.DB, previewID string) error {
	var rows []previewAnswer
	if err := tx.Where("preview_id = ?", previewID).Find(&rows).Error; err != nil || len(rows) == 0 {
		return err
	}
	if err := tx.Where("preview_id = ?", previewID).Delete(&previewAnswer{}).Error; err != nil {
		return err
	}
	mrand.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	for i := range rows {
		rows[i].ID = pulseID()
	}
	return tx.CreateInBatches(&rows, answerBatch).Error
}
