package main

import (
	"context"
	"fmt"
	"time"

	"github.com/platformbot/platformbot/ideas"
	"github.com/platformbot/platformbot/previews"
	"github.com/platformbot/platformbot/report"
)

// reportIdeas lets the value report read the request board's ranking.
type reportIdeas struct{ svc *ideas.Service }

func (r reportIdeas) TopIdeas(ctx context.Context, limit int) ([]report.IdeaSummary, error) {
	ranking, err := r.svc.Top(ctx, limit)
	if err != nil {
		return nil, err
	}
	out := make([]report.IdeaSummary, 0, len(ranking.Ideas))
	for _, i := range ranking.Ideas {
		s := report.IdeaSummary{Ref: fmt.Sprintf("#%d", i.ID), Title: i.Title, Status: i.Status.Label(), StatusCode: string(i.Status), Votes: i.Votes}
		for _, t := range i.Teams {
			s.Teams = append(s.Teams, t.Name)
		}
		out = append(out, s)
	}
	return out, nil
}

// reportPreviews lets the value report read the preview programs of a
// period. A rating hidden below the minimum group size reaches the report
// as no ratings.
type reportPreviews struct{ svc *previews.Service }

func (r reportPreviews) PreviewSummaries(ctx context.Context, from, to time.Time) ([]report.PreviewSummary, error) {
	all, err := r.svc.Summary(ctx, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]report.PreviewSummary, 0, len(all))
	for _, p := range all {
		s := report.PreviewSummary{Name: p.Name, Participants: p.Participants, Active: p.Active}
		if !p.Hidden {
			s.RatingMean, s.RatingCount = p.RatingMean, p.Ratings
		}
		out = append(out, s)
	}
	return out, nil
}
