package storage

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/platformbot/platformbot/metrics"
	"github.com/platformbot/platformbot/selfservice"
)

var _ metrics.SelfServiceSource = (*SelfServiceStore)(nil)

// ssFigureRow is the part of a request the figures need.
type ssFigureRow struct {
	TypeID        string
	State         string
	Exception     bool
	HumanStep     bool
	ManualMinutes int
	Created       time.Time  `gorm:"column:created_at"`
	DoneAt        *time.Time `gorm:"column:done_at"`
	Rating        *int
}

// SelfServiceFigures summarises the requests created in w, for the whole
// organization or, with w.Team, for the requests attributed to that team
// (the requester's team when they submitted; see docs/selfservice.md#figures-for-the-digests).
func (s *SelfServiceStore) SelfServiceFigures(ctx context.Context, w metrics.Window) (metrics.SelfServiceFigures, error) {
	rows, err := s.figureRows(ctx, w)
	if err != nil {
		return metrics.SelfServiceFigures{}, err
	}
	return ssSummarise(rows), nil
}

// SelfServiceFiguresByType is SelfServiceFigures per request type id, for
// the per-type table of the digests. Types without requests are absent.
func (s *SelfServiceStore) SelfServiceFiguresByType(ctx context.Context, w metrics.Window) (map[string]metrics.SelfServiceFigures, error) {
	rows, err := s.figureRows(ctx, w)
	if err != nil {
		return nil, err
	}
	byType := map[string][]ssFigureRow{}
	for _, r := range rows {
		byType[r.TypeID] = append(byType[r.TypeID], r)
	}
	out := make(map[string]metrics.SelfServiceFigures, len(byType))
	for t, rs := range byType {
		out[t] = ssSummarise(rs)
	}
	return out, nil
}

// figureRows loads the window's requests with one indexed range query;
// the arithmetic (a median in particular) is done in Go so that it is the
// same on both databases.
func (s *SelfServiceStore) figureRows(ctx context.Context, w metrics.Window) ([]ssFigureRow, error) {
	q := s.db.WithContext(ctx).Model(&ssRequest{}).
		Select("type_id", "state", "exception", "human_step", "manual_minutes", "created_at", "done_at", "rating").
		Where("created_at >= ? AND created_at < ?", w.From.UTC(), w.To.UTC())
	if w.Team != "" {
		q = q.Where("team = ?", w.Team)
	}
	var rows []ssFigureRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("SelfServiceStore.SelfServiceFigures: %w", err)
	}
	return rows, nil
}

func ssSummarise(rows []ssFigureRow) metrics.SelfServiceFigures {
	var f metrics.SelfServiceFigures
	var fulfil []time.Duration
	ratingSum := 0
	for _, r := range rows {
		f.Requests++
		if r.Exception {
			f.Exceptions++
		}
		if r.State == string(selfservice.Done) && r.DoneAt != nil {
			f.Fulfilled++
			fulfil = append(fulfil, r.DoneAt.Sub(r.Created))
			if !r.HumanStep {
				f.NoHumanStep++
				f.MinutesSaved += r.ManualMinutes
			}
		}
		if r.Rating != nil {
			f.SatisfactionN++
			ratingSum += *r.Rating
		}
	}
	if f.SatisfactionN > 0 {
		f.SatisfactionMean = float64(ratingSum) / float64(f.SatisfactionN)
	}
	f.MedianTimeToFulfil = ssMedian(fulfil)
	return f
}

// ssMedian returns the median (the mean of the middle two for an even
// count), 0 for none.
func ssMedian(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	n := len(ds)
	if n%2 == 1 {
		return ds[n/2]
	}
	return (ds[n/2-1] + ds[n/2]) / 2
}
