package storage

import (
	"context"

	"github.com/platformbot/platformbot/metrics"
	"github.com/platformbot/platformbot/report"
	"github.com/platformbot/platformbot/surveys"
)

// The value report's queries that the digests do not already make. Its
// other figures come from the stores' existing report queries.

var (
	_ report.CatalogSource = (*SelfServiceStore)(nil)
	_ report.RoundSource   = (*SurveyStore)(nil)
)

// CatalogUsage counts, per catalog item and range, the requests created
// in the range and their distinct requesters. As the delivery queries do
// (metrics_stats.go), each layer of adjacent ranges is one statement: one
// range scan of idx_ss_requests_created over the layer's span, every row
// numbered with its range and grouped by item and range.
func (s *SelfServiceStore) CatalogUsage(ctx context.Context, ranges []metrics.Range) (out map[string][]report.ItemUsage, err error) {
	defer ssWrap(&err, "SelfServiceStore.CatalogUsage")
	out = map[string][]report.ItemUsage{}
	for _, l := range layers(ranges) {
		idx, idxArgs := s.db.bucket("r.created_at", l)
		span, spanArgs := l.where("r.created_at")
		sql := `SELECT type_id, idx, COUNT(DISTINCT requester) AS users, COUNT(*) AS requests
			FROM (SELECT r.type_id, r.requester, ` + idx + ` AS idx FROM selfservice_requests r WHERE ` + span + `) x
			GROUP BY type_id, idx`
		var rows []struct {
			TypeID               string
			Idx, Users, Requests int
		}
		if err := s.db.WithContext(ctx).Raw(sql, concatArgs(idxArgs, spanArgs)...).Scan(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			if out[r.TypeID] == nil {
				out[r.TypeID] = make([]report.ItemUsage, len(ranges))
			}
			out[r.TypeID][l.first+r.Idx] = report.ItemUsage{Users: r.Users, Requests: r.Requests}
		}
	}
	return out, nil
}

// SatisfactionRounds lists the runs that closed in w and asked a scale
// question, oldest first, each summarised for the whole organization by
// the survey's own rules (surveys.Summarize, as Satisfaction does): no
// mean below the minimum group size.
func (s *SurveyStore) SatisfactionRounds(ctx context.Context, w metrics.Window) (out []report.Round, err error) {
	defer pulseWrap(&err, "SurveyStore.SatisfactionRounds")
	runs, err := s.find(s.db.WithContext(ctx).Where("state = ? AND closed_at >= ? AND closed_at < ?", surveys.Closed, w.From.UTC(), w.To.UTC()).
		Order("closed_at, id"))
	if err != nil {
		return nil, err
	}
	for _, run := range runs {
		if _, ok := run.FirstOf(surveys.Scale); !ok {
			continue
		}
		res, err := s.teamSummary(ctx, run, "")
		if err != nil {
			return nil, err
		}
		f := figures(run, res)
		out = append(out, report.Round{
			Survey: f.Survey, ClosedAt: run.ClosedAt, HasMean: f.HasData, Mean: f.Mean, HasNPS: f.HasNPS, NPS: f.NPS,
			Responses: f.Responses, Asked: f.Asked, ResponseRate: f.ResponseRate,
		})
	}
	return out, nil
}
