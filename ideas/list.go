package ideas

import "context"

// Order is how a list is sorted.
type Order int

// Orders.
const (
	ByScore  Order = iota // the ranking: score, then votes, then age
	ByNewest              // newest first
)

// Query asks for a list of ideas.
type Query struct {
	Order    Order
	Statuses []Status // none: every status but Merged
	Person   string   // only ideas this person submitted or voted for
	Viewer   string   // marks the ideas the viewer voted for (YouVoted)
	Limit    int      // 0: all
}

// List returns ideas with their ranking inputs. Ranked lists weigh every
// matching idea before cutting at Limit, so a limit never changes the
// order.
func (s *Service) List(ctx context.Context, q Query) (Ranking, error) {
	f := Filter{Statuses: q.Statuses, Person: q.Person, Newest: q.Order == ByNewest}
	if q.Order == ByNewest {
		f.Limit = q.Limit
	}
	found, err := s.store.List(ctx, f)
	if err != nil {
		return Ranking{}, err
	}
	ids := make([]int64, len(found))
	for k, i := range found {
		ids[k] = i.ID
	}
	asks, err := s.store.Asks(ctx, ids)
	if err != nil {
		return Ranking{}, err
	}
	voted := map[int64]bool{}
	if q.Viewer != "" && len(ids) > 0 {
		if voted, err = s.store.Voted(ctx, q.Viewer, ids); err != nil {
			return Ranking{}, err
		}
	}
	st := newTeamStats(s.teams.All(ctx))
	out := Ranking{Weighting: s.weighting, MeanTeamSize: st.mean, Engineers: st.engineers, Ideas: make([]Ranked, len(found))}
	for k, i := range found {
		out.Ideas[k] = s.weighting.rank(i, asks[i.ID], st)
		out.Ideas[k].YouVoted = voted[i.ID]
	}
	if q.Order == ByScore {
		sortByScore(out.Ideas)
	}
	if q.Limit > 0 && len(out.Ideas) > q.Limit {
		out.Ideas = out.Ideas[:q.Limit]
	}
	return out, nil
}

// Top is the query the value report uses: the n best-ranked ideas with
// their status, votes, weight and asking teams. With no statuses it ranks
// every idea but merged ones, shipped and declined included, so a report
// shows what became of the most wanted ideas.
func (s *Service) Top(ctx context.Context, n int, statuses ...Status) (Ranking, error) {
	if len(statuses) == 0 {
		statuses = Statuses
	}
	return s.List(ctx, Query{Order: ByScore, Statuses: statuses, Limit: n})
}
