package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/platformbot/platformbot/surveys"
)

// pulseRun is the live model of the pulse_runs table.
type pulseRun struct {
	ID            int64 `gorm:"primaryKey"`
	SurveyID      string
	Occurrence    string
	OpenSurvey    *string
	Snapshot      string
	State         string
	StartedBy     string
	StartedAt     time.Time
	ClosesAt      time.Time
	RemindAt      *time.Time
	ClosedAt      *time.Time
	Invited       bool
	Reminded      bool
	ResultsPosted bool
	Audience      int
}

// pulseParticipant is the live model of the participation ledger.
type pulseParticipant struct {
	RunID     int64  `gorm:"primaryKey;autoIncrement:false"`
	UserID    string `gorm:"primaryKey"`
	Team      string
	Delivered bool
	Excluded  bool
	Answered  bool
	Channel   string
	TS        string `gorm:"column:ts"`
	AskedAt   *time.Time
}

// SurveyStore implements surveys.Store (and metrics.SatisfactionSource).
type SurveyStore struct{ db *DB }

var _ surveys.Store = (*SurveyStore)(nil)

// NewSurveyStore returns the survey store of db.
func NewSurveyStore(db *DB) *SurveyStore { return &SurveyStore{db: db} }

// participantBatch keeps a ledger insert under PostgreSQL's bind limit.
const participantBatch = 500

// CreateRun stores a run with its ledger in one transaction. Duplicates are
// detected by unique indexes (occurrence; one open run per survey), so two
// replicas starting the same occurrence create one run.
func (s *SurveyStore) CreateRun(ctx context.Context, run surveys.Run, people []surveys.Participant) (_ surveys.Run, err error) {
	defer pulseWrap(&err, "SurveyStore.CreateRun(%s, %s)", run.SurveyID, run.Occurrence)
	row, err := pulseRunRow(run)
	if err != nil {
		return run, err
	}
	err = s.db.Transact(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		ledger := make([]pulseParticipant, len(people))
		for i, p := range people {
			ledger[i] = pulseParticipant{RunID: row.ID, UserID: p.UserID, Team: p.Team, AskedAt: timePtr(p.AskedAt)}
		}
		if len(ledger) == 0 {
			return nil
		}
		return tx.CreateInBatches(&ledger, participantBatch).Error
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		// The transaction is gone (PostgreSQL aborts it on the violation):
		// find out which rule it broke with fresh queries.
		var dup pulseRun
		if s.db.WithContext(ctx).Where("survey_id = ? AND occurrence = ?", run.SurveyID, run.Occurrence).Take(&dup).Error == nil {
			r, derr := dup.run()
			return r, errors.Join(surveys.ErrDuplicateRun, derr)
		}
		if s.db.WithContext(ctx).Where("open_survey = ?", run.SurveyID).Take(&dup).Error == nil {
			r, derr := dup.run()
			return r, errors.Join(surveys.ErrRunOpen, derr)
		}
		return run, err
	}
	if err != nil {
		return run, err
	}
	return row.run()
}

// Run returns a run by id.
func (s *SurveyStore) Run(ctx context.Context, id int64) (_ surveys.Run, err error) {
	defer pulseWrap(&err, "SurveyStore.Run(%d)", id)
	return s.first(s.db.WithContext(ctx).Where("id = ?", id))
}

// LatestRun returns the survey's most recently started run.
func (s *SurveyStore) LatestRun(ctx context.Context, surveyID string) (_ surveys.Run, err error) {
	defer pulseWrap(&err, "SurveyStore.LatestRun(%s)", surveyID)
	return s.first(s.db.WithContext(ctx).Where("survey_id = ?", surveyID).Order("id DESC"))
}

// PreviousRun returns the closed run of the same survey before run.
func (s *SurveyStore) PreviousRun(ctx context.Context, run surveys.Run) (_ surveys.Run, err error) {
	defer pulseWrap(&err, "SurveyStore.PreviousRun(%d)", run.ID)
	return s.first(s.db.WithContext(ctx).Where("survey_id = ? AND id < ? AND state = ?", run.SurveyID, run.ID, surveys.Closed).Order("id DESC"))
}

func (s *SurveyStore) first(q *gorm.DB) (surveys.Run, error) {
	var row pulseRun
	if err := q.Take(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return surveys.Run{}, surveys.ErrNotFound
		}
		return surveys.Run{}, err
	}
	return row.run()
}

// PendingRuns returns open runs and closed runs whose results are not
// posted yet.
func (s *SurveyStore) PendingRuns(ctx context.Context) (_ []surveys.Run, err error) {
	defer pulseWrap(&err, "SurveyStore.PendingRuns")
	return s.find(s.db.WithContext(ctx).Where("state = ? OR results_posted = ?", surveys.Open, false).Order("id"))
}

// OpenRuns returns every open run.
func (s *SurveyStore) OpenRuns(ctx context.Context) (_ []surveys.Run, err error) {
	defer pulseWrap(&err, "SurveyStore.OpenRuns")
	return s.find(s.db.WithContext(ctx).Where("state = ?", surveys.Open).Order("id"))
}

func (s *SurveyStore) find(q *gorm.DB) ([]surveys.Run, error) {
	var rows []pulseRun
	if err := q.Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]surveys.Run, 0, len(rows))
	for _, r := range rows {
		run, err := r.run()
		if err != nil {
			return nil, err
		}
		out = append(out, run)
	}
	return out, nil
}

// MarkInvited records that the run's invitations are queued.
func (s *SurveyStore) MarkInvited(ctx context.Context, runID int64) error {
	return s.setRunFlag(ctx, runID, "invited")
}

// MarkReminded records that the run's reminders are queued.
func (s *SurveyStore) MarkReminded(ctx context.Context, runID int64) error {
	return s.setRunFlag(ctx, runID, "reminded")
}

// MarkResultsPosted records that the run's results are queued.
func (s *SurveyStore) MarkResultsPosted(ctx context.Context, runID int64) error {
	return s.setRunFlag(ctx, runID, "results_posted")
}

func (s *SurveyStore) setRunFlag(ctx context.Context, runID int64, column string) (err error) {
	defer pulseWrap(&err, "SurveyStore.set %s(%d)", column, runID)
	return s.db.WithContext(ctx).Model(&pulseRun{}).Where("id = ?", runID).Update(column, true).Error
}

// CloseRun closes an open run: the UPDATE … WHERE state = 'open' claims the
// transition, so exactly one caller does it. For anonymous runs the same
// transaction rewrites the answers (see scrubAnswers).
func (s *SurveyStore) CloseRun(ctx context.Context, runID int64, at time.Time) (closed bool, err error) {
	defer pulseWrap(&err, "SurveyStore.CloseRun(%d)", runID)
	err = s.db.Transact(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&pulseRun{}).Where("id = ? AND state = ?", runID, surveys.Open).
			Updates(map[string]any{"state": surveys.Closed, "open_survey": nil, "closed_at": at.UTC()})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		closed = true
		var row pulseRun
		if err := tx.Where("id = ?", runID).Take(&row).Error; err != nil {
			return err
		}
		run, err := row.run()
		if err != nil || !run.Anonymous {
			return err
		}
		return scrubAnswers(tx, run)
	})
	return closed, err
}

// Participant returns one ledger row.
func (s *SurveyStore) Participant(ctx context.Context, runID int64, userID string) (_ surveys.Participant, err error) {
	defer pulseWrap(&err, "SurveyStore.Participant(%d, %s)", runID, userID)
	return participantIn(s.db.WithContext(ctx), runID, userID)
}

func participantIn(tx *gorm.DB, runID int64, userID string) (surveys.Participant, error) {
	var p pulseParticipant
	if err := tx.Where("run_id = ? AND user_id = ?", runID, userID).Take(&p).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return surveys.Participant{}, surveys.ErrNotFound
		}
		return surveys.Participant{}, err
	}
	return p.domain(), nil
}

func (p pulseParticipant) domain() surveys.Participant {
	out := surveys.Participant{
		RunID: p.RunID, UserID: p.UserID, Team: p.Team, Delivered: p.Delivered, Excluded: p.Excluded,
		Answered: p.Answered, Channel: p.Channel, TS: p.TS,
	}
	if p.AskedAt != nil {
		out.AskedAt = p.AskedAt.UTC()
	}
	return out
}

// Invitees returns the participants not yet invited and not excluded.
func (s *SurveyStore) Invitees(ctx context.Context, runID int64) (_ []surveys.Participant, err error) {
	defer pulseWrap(&err, "SurveyStore.Invitees(%d)", runID)
	return s.participants(s.db.WithContext(ctx).Where("run_id = ? AND excluded = ? AND delivered = ?", runID, false, false))
}

// Unanswered returns the participants, not excluded, who have not
// answered.
func (s *SurveyStore) Unanswered(ctx context.Context, runID int64) (_ []surveys.Participant, err error) {
	defer pulseWrap(&err, "SurveyStore.Unanswered(%d)", runID)
	return s.participants(s.db.WithContext(ctx).Where("run_id = ? AND excluded = ? AND answered = ?", runID, false, false))
}

func (s *SurveyStore) participants(q *gorm.DB) ([]surveys.Participant, error) {
	var rows []pulseParticipant
	if err := q.Order("user_id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]surveys.Participant, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// MoveWindow opens a participant's window at askedAt and keeps the run
// open until at least closesAt, together.
func (s *SurveyStore) MoveWindow(ctx context.Context, runID int64, userID string, askedAt, closesAt time.Time) (err error) {
	defer pulseWrap(&err, "SurveyStore.MoveWindow(%d, %s)", runID, userID)
	return s.db.Transact(ctx, func(tx *gorm.DB) error {
		err := tx.Model(&pulseParticipant{}).Where("run_id = ? AND user_id = ?", runID, userID).Update("asked_at", askedAt.UTC()).Error
		if err != nil {
			return err
		}
		return tx.Model(&pulseRun{}).Where("id = ? AND state = ? AND closes_at < ?", runID, surveys.Open, closesAt.UTC()).
			Update("closes_at", closesAt.UTC()).Error
	})
}

// MarkDelivered records the invitation's message ts.
func (s *SurveyStore) MarkDelivered(ctx context.Context, runID int64, userID, ts string) error {
	return s.updateParticipant(ctx, runID, userID, map[string]any{"delivered": true, "ts": ts})
}

// SetChannel records the DM channel id of a participant.
func (s *SurveyStore) SetChannel(ctx context.Context, runID int64, userID, channel string) error {
	return s.updateParticipant(ctx, runID, userID, map[string]any{"channel": channel})
}

// Exclude marks a participant as not to be asked (a bot, a deactivated
// account).
func (s *SurveyStore) Exclude(ctx context.Context, runID int64, userID string) error {
	return s.updateParticipant(ctx, runID, userID, map[string]any{"excluded": true})
}

// UnmarkAnswered undoes MarkAnswered after answers failed to save.
func (s *SurveyStore) UnmarkAnswered(ctx context.Context, runID int64, userID string) error {
	return s.updateParticipant(ctx, runID, userID, map[string]any{"answered": false})
}

func (s *SurveyStore) updateParticipant(ctx context.Context, runID int64, userID string, set map[string]any) (err error) {
	defer pulseWrap(&err, "SurveyStore.updateParticipant(%d, %s)", runID, userID)
	return s.db.WithContext(ctx).Model(&pulseParticipant{}).Where("run_id = ? AND user_id = ?", runID, userID).Updates(set).Error
}

// MarkAnswered flips answered from false to true atomically, so that a
// double click or a second replica cannot record two first answers.
func (s *SurveyStore) MarkAnswered(ctx context.Context, runID int64, userID string) (p surveys.Participant, err error) {
	defer pulseWrap(&err, "SurveyStore.MarkAnswered(%d, %s)", runID, userID)
	res := s.db.WithContext(ctx).Model(&pulseParticipant{}).
		Where("run_id = ? AND user_id = ? AND answered = ?", runID, userID, false).Update("answered", true)
	if res.Error != nil {
		return p, res.Error
	}
	p, err = participantIn(s.db.WithContext(ctx), runID, userID)
	if err != nil {
		return p, err
	}
	if res.RowsAffected == 0 {
		return p, surveys.ErrAnswered
	}
	return p, nil
}

// Waiting returns the open runs the user was asked in and has not
// answered, soonest closing first.
func (s *SurveyStore) Waiting(ctx context.Context, userID string, now time.Time) (_ []surveys.Run, err error) {
	defer pulseWrap(&err, "SurveyStore.Waiting(%s)", userID)
	return s.find(s.db.WithContext(ctx).Model(&pulseRun{}).
		Joins("JOIN pulse_participants p ON p.run_id = pulse_runs.id").
		Where("p.user_id = ? AND p.answered = ? AND p.excluded = ? AND pulse_runs.state = ? AND pulse_runs.closes_at > ?",
			userID, false, false, surveys.Open, now.UTC()).
		Order("pulse_runs.closes_at"))
}

func pulseRunRow(r surveys.Run) (pulseRun, error) {
	snap, err := json.Marshal(r.Snapshot)
	if err != nil {
		return pulseRun{}, err
	}
	row := pulseRun{
		ID: r.ID, SurveyID: r.SurveyID, Occurrence: r.Occurrence, Snapshot: string(snap), State: string(r.State),
		StartedBy: r.StartedBy, StartedAt: r.StartedAt.UTC(), ClosesAt: r.ClosesAt.UTC(), RemindAt: timePtr(r.RemindAt),
		ClosedAt: timePtr(r.ClosedAt), Invited: r.Invited, Reminded: r.Reminded, ResultsPosted: r.ResultsPosted,
		Audience: r.Audience,
	}
	if r.State == surveys.Open {
		id := r.SurveyID
		row.OpenSurvey = &id
	}
	return row, nil
}

func (r pulseRun) run() (surveys.Run, error) {
	run := surveys.Run{
		ID: r.ID, SurveyID: r.SurveyID, Occurrence: r.Occurrence, State: surveys.State(r.State), StartedBy: r.StartedBy,
		StartedAt: r.StartedAt.UTC(), ClosesAt: r.ClosesAt.UTC(), Invited: r.Invited, Reminded: r.Reminded,
		ResultsPosted: r.ResultsPosted, Audience: r.Audience,
	}
	if r.RemindAt != nil {
		run.RemindAt = r.RemindAt.UTC()
	}
	if r.ClosedAt != nil {
		run.ClosedAt = r.ClosedAt.UTC()
	}
	if err := json.Unmarshal([]byte(r.Snapshot), &run.Snapshot); err != nil {
		return run, fmt.Errorf("run %d: bad snapshot: %w", r.ID, err)
	}
	return run, nil
}

// pulseWrap adds the call to an error once, keeping sentinels errors.Is-able.
func pulseWrap(errp *error, format string, args ...any) {
	if *errp != nil {
		*errp = fmt.Errorf("storage: "+format+": %w", append(args, *errp)...)
	}
}
