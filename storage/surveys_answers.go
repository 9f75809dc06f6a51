package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	mrand "math/rand/v2"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/platformbot/platformbot/surveys"
)

// pulseAnswer is the live model of the pulse_answers table. It has no
// time column, and its ids are random, so neither orders answers by when
// they were given.
type pulseAnswer struct {
	ID         string `gorm:"primaryKey"`
	RunID      int64
	ResponseID string
	QuestionID string
	Team       string
	Value      *int
	Text       *string
	UserID     *string
}

const answerBatch = 500

// SaveResponse writes a response. It first locks the run row (FOR SHARE on
// PostgreSQL; SQLite's single writer serialises anyway) and checks that the
// run is open, so an answer can never land after CloseRun rewrote the run's
// answers.
func (s *SurveyStore) SaveResponse(ctx context.Context, r surveys.Response, mode surveys.SaveMode) (err error) {
	defer pulseWrap(&err, "SurveyStore.SaveResponse(run %d)", r.RunID)
	return s.db.Transact(ctx, func(tx *gorm.DB) error {
		q := tx.Model(&pulseRun{}).Select("state").Where("id = ?", r.RunID)
		if s.db.Dialect == Postgres {
			q = q.Clauses(clause.Locking{Strength: "SHARE"})
		}
		var state string
		if err := q.Scan(&state).Error; err != nil {
			return err
		}
		if state != string(surveys.Open) {
			return surveys.ErrRunClosed
		}
		of := tx.Where("run_id = ? AND response_id = ?", r.RunID, r.Token)
		if mode != surveys.SaveNew {
			var n int64
			if err := tx.Model(&pulseAnswer{}).Where("run_id = ? AND response_id = ?", r.RunID, r.Token).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return surveys.ErrNotFound
			}
		}
		switch mode {
		case surveys.SaveReplace:
			if err := of.Delete(&pulseAnswer{}).Error; err != nil {
				return err
			}
		case surveys.SaveMerge:
			qs := make([]string, len(r.Answers))
			for i, a := range r.Answers {
				qs[i] = a.QuestionID
			}
			if err := of.Where("question_id IN ?", qs).Delete(&pulseAnswer{}).Error; err != nil {
				return err
			}
		}
		rows := make([]pulseAnswer, len(r.Answers))
		for i, a := range r.Answers {
			rows[i] = answerRow(r, a)
		}
		return tx.CreateInBatches(&rows, answerBatch).Error
	})
}

func answerRow(r surveys.Response, a surveys.Answer) pulseAnswer {
	row := pulseAnswer{ID: pulseID(), RunID: r.RunID, ResponseID: r.Token, QuestionID: a.QuestionID, Team: r.Team}
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
	return row
}

// Answers returns the answers of one response.
func (s *SurveyStore) Answers(ctx context.Context, runID int64, token string) (_ []surveys.Answer, err error) {
	defer pulseWrap(&err, "SurveyStore.Answers(%d)", runID)
	var rows []pulseAnswer
	if err := s.db.WithContext(ctx).Where("run_id = ? AND response_id = ?", runID, token).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]surveys.Answer, len(rows))
	for i, row := range rows {
		out[i] = row.answer()
	}
	return out, nil
}

func (a pulseAnswer) answer() surveys.Answer {
	out := surveys.Answer{QuestionID: a.QuestionID}
	if a.Value != nil {
		out.Value = *a.Value
	}
	if a.Text != nil {
		out.Text = *a.Text
	}
	return out
}

// Tally aggregates a run's ledger and answers for reporting.
func (s *SurveyStore) Tally(ctx context.Context, runID int64) (t surveys.Tally, err error) {
	defer pulseWrap(&err, "SurveyStore.Tally(%d)", runID)
	db := s.db.WithContext(ctx)
	t = surveys.Tally{Counts: map[surveys.Cell]int{}}
	if t.AskedByTeam, t.Asked, err = countByTeam(db.Model(&pulseParticipant{}).Select("team, count(*) AS n").
		Where("run_id = ? AND excluded = ? AND (delivered = ? OR answered = ?)", runID, false, true, true)); err != nil {
		return t, err
	}
	if t.ByTeam, t.Responses, err = countByTeam(db.Model(&pulseAnswer{}).Select("team, count(DISTINCT response_id) AS n").
		Where("run_id = ?", runID)); err != nil {
		return t, err
	}
	var cells []struct {
		Team       string
		QuestionID string
		Value      int
		N          int
	}
	if err := db.Model(&pulseAnswer{}).Select("team, question_id, value, count(*) AS n").
		Where("run_id = ? AND value IS NOT NULL", runID).Group("team, question_id, value").Scan(&cells).Error; err != nil {
		return t, err
	}
	for _, c := range cells {
		t.Counts[surveys.Cell{Team: c.Team, Question: c.QuestionID, Value: c.Value}] = c.N
	}
	t.Comments, err = comments(db, runID)
	return t, err
}

// countByTeam runs a "team, count AS n" query grouped by team.
func countByTeam(q *gorm.DB) (map[string]int, int, error) {
	var groups []struct {
		Team string
		N    int
	}
	if err := q.Group("team").Scan(&groups).Error; err != nil {
		return nil, 0, err
	}
	out, total := map[string]int{}, 0
	for _, g := range groups {
		out[g.Team] = g.N
		total += g.N
	}
	return out, total, nil
}

// comments returns a run's free-text answers in random order.
func comments(db *gorm.DB, runID int64) ([]surveys.Comment, error) {
	var texts []pulseAnswer
	if err := db.Where("run_id = ? AND text IS NOT NULL", runID).Find(&texts).Error; err != nil {
		return nil, err
	}
	var out []surveys.Comment
	for _, a := range texts {
		c := surveys.Comment{QuestionID: a.QuestionID, Text: *a.Text}
		if a.UserID != nil {
			c.UserID = *a.UserID
		}
		out = append(out, c)
	}
	mrand.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out, nil
}

// scrubAnswers rewrites an anonymous run's answers when it closes: it
// deletes them and inserts them again, all in this one transaction, in
// random order, with new random ids, and with the teams surveys.FoldTeams
// names merged into team "". Afterwards the rows' transaction ids
// (PostgreSQL's xmin), physical order and rowids (SQLite) no longer tell
// in which order people answered, and every team left has at least the
// minimum group size, so nothing in the table narrows an answer down to
// fewer people than that.
func scrubAnswers(tx *gorm.DB, run surveys.Run) error {
	var rows []pulseAnswer
	if err := tx.Where("run_id = ?", run.ID).Find(&rows).Error; err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	perTeam := map[string]map[string]bool{}
	for _, r := range rows {
		if perTeam[r.Team] == nil {
			perTeam[r.Team] = map[string]bool{}
		}
		perTeam[r.Team][r.ResponseID] = true
	}
	sizes := map[string]int{}
	for team, responses := range perTeam {
		sizes[team] = len(responses)
	}
	fold := map[string]bool{}
	for _, team := range surveys.FoldTeams(sizes, run.MinGroupSize) {
		fold[team] = true
	}
	if err := tx.Where("run_id = ?", run.ID).Delete(&pulseAnswer{}).Error; err != nil {
		return err
	}
	mrand.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	for i := range rows {
		rows[i].ID = pulseID()
		if fold[rows[i].Team] {
			rows[i].Team = ""
		}
	}
	return tx.CreateInBatches(&rows, answerBatch).Error
}

// pulseID returns 128 random bits as hex.
func pulseID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
