package main

import (
	"context"
	"fmt"

	"github.com/platformbot/platformbot/ideas"
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
		s := report.IdeaSummary{Ref: fmt.Sprintf("#%d", i.ID), Title: i.Title, Status: i.Status.Label(), Votes: i.Votes}
		for _, t := range i.Teams {
			s.Teams = append(s.Teams, t.Name)
		}
		out = append(out, s)
	}
	return out, nil
}
