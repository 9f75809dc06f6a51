package storage

import (
	"context"
	"errors"

	"github.com/platformbot/platformbot/metrics"
	"github.com/platformbot/platformbot/surveys"
)

var _ metrics.SatisfactionSource = (*SurveyStore)(nil)

// Satisfaction reports the latest run that closed in the window and asked a
// scale question: the mean of its first scale question, its NPS, its
// response rate and the previous run's mean. Figures follow the same rules
// as the survey's own results (surveys.Summarize): nothing is reported for
// fewer responses than the survey's minimum group size, and a team filter
// reports nothing for a team the results breakdown would hide, including
// the complementary suppression.
func (s *SurveyStore) Satisfaction(ctx context.Context, w metrics.Window) (f metrics.SatisfactionFigures, err error) {
	defer pulseWrap(&err, "SurveyStore.Satisfaction")
	runs, err := s.find(s.db.WithContext(ctx).Where("state = ? AND closed_at >= ? AND closed_at < ?", surveys.Closed, w.From.UTC(), w.To.UTC()).
		Order("closed_at DESC, id DESC"))
	if err != nil {
		return f, err
	}
	var run surveys.Run
	found := false
	for _, r := range runs {
		if _, ok := r.FirstOf(surveys.Scale); ok {
			run, found = r, true
			break
		}
	}
	if !found {
		return f, nil
	}
	cur, err := s.teamSummary(ctx, run, w.Team)
	if err != nil {
		return f, err
	}
	f = figures(run, cur)
	if !f.HasData {
		return f, nil
	}
	prev, err := s.PreviousRun(ctx, run)
	if errors.Is(err, surveys.ErrNotFound) {
		return f, nil
	}
	if err != nil {
		return f, err
	}
	before, err := s.teamSummary(ctx, prev, w.Team)
	if err != nil {
		return f, err
	}
	if q, ok := firstScale(before); ok && !before.Hidden {
		f.HasPrevious, f.PreviousMean = true, q.Mean
	}
	return f, nil
}

// teamSummary summarises a run for the whole organization (team "") or
// one team, applying the breakdown's suppression to the team first.
func (s *SurveyStore) teamSummary(ctx context.Context, run surveys.Run, team string) (surveys.Results, error) {
	t, err := s.Tally(ctx, run.ID)
	if err != nil {
		return surveys.Results{}, err
	}
	if team == "" {
		return surveys.Summarize(run, t, nil, nil), nil
	}
	if t.ByTeam[team] < run.MinGroupSize || surveys.Suppress(t.ByTeam, run.MinGroupSize)[team] {
		// Hidden, or folded into "other" when the run closed: then even
		// the team's response count is no longer known, so say nothing.
		return surveys.Results{Run: run, Hidden: true}, nil
	}
	only := surveys.Tally{
		Asked: t.AskedByTeam[team], AskedByTeam: map[string]int{team: t.AskedByTeam[team]},
		Responses: t.ByTeam[team], ByTeam: map[string]int{team: t.ByTeam[team]}, Counts: map[surveys.Cell]int{},
	}
	for c, n := range t.Counts {
		if c.Team == team {
			only.Counts[c] = n
		}
	}
	return surveys.Summarize(run, only, nil, nil), nil
}

func figures(run surveys.Run, res surveys.Results) metrics.SatisfactionFigures {
	f := metrics.SatisfactionFigures{Survey: run.Title, Asked: res.Asked, Responses: res.Responses, ResponseRate: res.Rate}
	if res.Hidden {
		return f
	}
	q, ok := firstScale(res)
	if !ok {
		return f
	}
	f.HasData, f.Mean = true, q.Mean
	for _, q := range res.Questions {
		if q.Question.Kind == surveys.NPS && !q.Hidden {
			f.HasNPS, f.NPS = true, q.NPS
			break
		}
	}
	return f
}

// firstScale returns the result of the run's first scale question if shown.
func firstScale(res surveys.Results) (surveys.QuestionResult, bool) {
	for _, q := range res.Questions {
		if q.Question.Kind == surveys.Scale {
			return q, !q.Hidden
		}
	}
	return surveys.QuestionResult{}, false
}
