package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/platformbot/platformbot/previews"
)

// preview is the live model of the previews table.
type preview struct {
	ID              string `gorm:"primaryKey"`
	Name            string
	Description     string
	Owner           string
	Channel         string
	MaxParticipants int
	StartDate       string
	EndDate         string
	StartAt         time.Time
	EndAt           time.Time
	Feedback        string
	Source          string
	CreatedBy       string
	CreatedAt       time.Time
	Ticket          int64
	FeedbackClosed  bool
}

// PreviewStore implements previews.Store.
type PreviewStore struct{ db *DB }

var _ previews.Store = (*PreviewStore)(nil)

// NewPreviewStore returns the preview store of db.
func NewPreviewStore(db *DB) *PreviewStore { return &PreviewStore{db: db} }

func previewWrap(errp *error, format string, args ...any) {
	if *errp != nil {
		*errp = fmt.Errorf("storage: "+format+": %w", append(args, *errp)...)
	}
}

func previewRowOf(p previews.Preview) (preview, error) {
	fb, err := json.Marshal(p.Feedback)
	if err != nil {
		return preview{}, err
	}
	return preview{
		ID: p.ID, Name: p.Name, Description: p.Description, Owner: p.Owner, Channel: p.Channel,
		MaxParticipants: p.MaxParticipants, StartDate: p.Start, EndDate: p.End,
		StartAt: p.StartAt.UTC(), EndAt: p.EndAt.UTC(), Feedback: string(fb), Source: string(p.Source),
		CreatedBy: p.CreatedBy, CreatedAt: p.CreatedAt.UTC(), FeedbackClosed: p.FeedbackClosed,
	}, nil
}

func (r preview) preview() (previews.Preview, error) {
	p := previews.Preview{
		ID: r.ID, Name: r.Name, Description: r.Description, Owner: r.Owner, Channel: r.Channel,
		MaxParticipants: r.MaxParticipants, Start: r.StartDate, End: r.EndDate,
		StartAt: r.StartAt.UTC(), EndAt: r.EndAt.UTC(), Source: previews.Source(r.Source),
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC(), FeedbackClosed: r.FeedbackClosed,
	}
	if err := json.Unmarshal([]byte(r.Feedback), &p.Feedback); err != nil {
		return p, fmt.Errorf("preview %s: feedback: %w", r.ID, err)
	}
	return p, nil
}

// SavePreview inserts or updates a configured preview. Its seats, counter
// and feedback state are kept.
func (s *PreviewStore) SavePreview(ctx context.Context, p previews.Preview) (err error) {
	defer previewWrap(&err, "PreviewStore.SavePreview(%s)", p.ID)
	row, err := previewRowOf(p)
	if err != nil {
		return err
	}
	if row.CreatedAt.IsZero() {
		row.CreatedAt = time.Now().UTC()
	}
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{"name", "description", "owner", "channel", "max_participants",
			"start_date", "end_date", "start_at", "end_at", "feedback", "source"}),
	}).Create(&row).Error
}

// CreatePreview inserts a new preview; the primary key refuses a taken id.
func (s *PreviewStore) CreatePreview(ctx context.Context, p previews.Preview) (err error) {
	defer previewWrap(&err, "PreviewStore.CreatePreview(%s)", p.ID)
	row, err := previewRowOf(p)
	if err != nil {
		return err
	}
	err = s.db.WithContext(ctx).Create(&row).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return previews.ErrDuplicate
	}
	return err
}

// Preview returns a preview by id.
func (s *PreviewStore) Preview(ctx context.Context, id string) (_ previews.Preview, err error) {
	defer previewWrap(&err, "PreviewStore.Preview(%s)", id)
	var row preview
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return previews.Preview{}, previews.ErrNotFound
		}
		return previews.Preview{}, err
	}
	return row.preview()
}

// Previews returns every preview, newest start first.
func (s *PreviewStore) Previews(ctx context.Context) (_ []previews.Preview, err error) {
	defer previewWrap(&err, "PreviewStore.Previews")
	var rows []preview
	if err := s.db.WithContext(ctx).Order("start_at DESC, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]previews.Preview, 0, len(rows))
	for _, r := range rows {
		p, err := r.preview()
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// Counts returns the seats of every preview.
func (s *PreviewStore) Counts(ctx context.Context) (_ map[string]previews.Counts, err error) {
	defer previewWrap(&err, "PreviewStore.Counts")
	var groups []struct {
		PreviewID string
		State     string
		N         int
	}
	if err := s.db.WithContext(ctx).Model(&previewParticipant{}).Select("preview_id, state, count(*) AS n").
		Group("preview_id, state").Scan(&groups).Error; err != nil {
		return nil, err
	}
	out := map[string]previews.Counts{}
	for _, g := range groups {
		c := out[g.PreviewID]
		switch previews.State(g.State) {
		case previews.Active:
			c.Active = g.N
		case previews.Waitlisted:
			c.Waitlisted = g.N
		case previews.Left:
			c.Left = g.N
		}
		out[g.PreviewID] = c
	}
	return out, nil
}
