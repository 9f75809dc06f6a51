package metrics

import (
	"context"
	"slices"
)

// Satisfaction is the developer-satisfaction section: the latest closed
// pulse run of the window. Mean.Prev is the run before it (the trend), not
// the previous window.
type Satisfaction struct {
	Latest SatisfactionFigures
	Mean   Figure // 1–5
}

// Adoption is the number of distinct people who used the bot.
type Adoption struct {
	Users      Figure
	ByTeam     []TeamCount // org reports only, largest first
	Unassigned int         // users in no configured team
}

// TeamCount is one team's distinct users.
type TeamCount struct {
	Team  Team
	Users int
}

// SelfService is the self-service section.
type SelfService struct {
	Current    SelfServiceFigures
	Requests   Figure // requests created
	HoursSaved Figure // manual minutes saved / 60
	NoHuman    Point  // share of requests fulfilled with no human step
	Median     Point  // median time to fulfil, seconds
	Exceptions int
}

// OfficeHours is the office-hours section.
type OfficeHours struct {
	Current     OfficeHoursFigures
	Bookings    Figure
	Utilization Point // bookings / slots offered
	Feedback    Point // mean 1–5
}

func sourceWindow(r Range, sc Scope) Window { return Window{From: r.From, To: r.To, Team: sc.Team} }

// eachRange calls f for every range of windowRanges(p), in order.
func eachRange[T any](ctx context.Context, p Period, sc Scope, f func(context.Context, Window) (T, error)) ([]T, error) {
	ranges := windowRanges(p)
	out := make([]T, len(ranges))
	for i, r := range ranges {
		v, err := f(ctx, sourceWindow(r, sc))
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func (s *Service) satisfaction(ctx context.Context, sc Scope, p Period) (*Satisfaction, error) {
	if s.Satisfaction == nil {
		return &Satisfaction{}, nil
	}
	figs, err := eachRange(ctx, p, sc, s.Satisfaction.Satisfaction)
	if err != nil {
		return nil, err
	}
	cur := figs[1]
	out := &Satisfaction{Latest: cur}
	out.Mean = figure(points(figs, func(f SatisfactionFigures) Point { return Point{f.HasData, f.Mean} }))
	// The trend compares with the survey's previous run, whichever window
	// it fell in.
	out.Mean.PrevHas, out.Mean.Prev = cur.HasData && cur.HasPrevious, cur.PreviousMean
	return out, nil
}

func (s *Service) adoption(ctx context.Context, sc Scope, p Period) (*Adoption, error) {
	var users []string
	if sc.Team != "" {
		if s.Directory == nil {
			return &Adoption{}, nil
		}
		members, err := s.Directory.Members(ctx, sc.Team)
		if err != nil || len(members) == 0 {
			return &Adoption{}, err // a team with no known members has no data
		}
		users = members
	}
	counts, err := s.Store.ActiveUsers(ctx, users, windowRanges(p))
	if err != nil {
		return nil, err
	}
	known := counts[0]+counts[1] > 0
	a := &Adoption{Users: figure(points(counts, func(n int) Point { return Point{known, float64(n)} }))}
	a.Users.PrevHas = counts[0] > 0
	if sc.IsOrg() && known && s.Directory != nil {
		if err := s.byTeam(ctx, a, p.Current); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// byTeam splits the window's users by configured team.
func (s *Service) byTeam(ctx context.Context, a *Adoption, r Range) error {
	ids, err := s.Store.ActiveUserIDs(ctx, r)
	if err != nil {
		return err
	}
	// A set of the active, looked up per member: teams × members, not
	// teams × members × active users.
	active := make(map[string]bool, len(ids))
	for _, id := range ids {
		active[id] = true
	}
	assigned := map[string]bool{}
	for _, t := range s.Directory.Teams() {
		members, err := s.Directory.Members(ctx, t.ID)
		if err != nil {
			return err
		}
		n := 0
		counted := map[string]bool{}
		for _, id := range members {
			if active[id] && !counted[id] {
				n++
				counted[id] = true
				assigned[id] = true
			}
		}
		if n > 0 {
			a.ByTeam = append(a.ByTeam, TeamCount{t, n})
		}
	}
	slices.SortStableFunc(a.ByTeam, func(x, y TeamCount) int { return y.Users - x.Users })
	a.Unassigned = len(ids) - len(assigned)
	return nil
}

func (s *Service) selfService(ctx context.Context, sc Scope, p Period) (*SelfService, error) {
	if s.SelfService == nil {
		return &SelfService{}, nil
	}
	figs, err := eachRange(ctx, p, sc, s.SelfService.SelfServiceFigures)
	if err != nil {
		return nil, err
	}
	known := figs[0].Requests+figs[1].Requests > 0
	cur := figs[1]
	out := &SelfService{Current: cur, Exceptions: cur.Exceptions}
	out.Requests = figure(points(figs, func(f SelfServiceFigures) Point { return Point{known, float64(f.Requests)} }))
	out.Requests.PrevHas = figs[0].Requests > 0
	out.HoursSaved = figure(points(figs, func(f SelfServiceFigures) Point { return Point{known, float64(f.MinutesSaved) / 60} }))
	out.HoursSaved.PrevHas = figs[0].Requests > 0
	out.NoHuman = ratio(cur.NoHumanStep, cur.Requests)
	if cur.Fulfilled > 0 {
		out.Median = Point{true, cur.MedianTimeToFulfil.Seconds()}
	}
	return out, nil
}

func (s *Service) officeHours(ctx context.Context, sc Scope, p Period) (*OfficeHours, error) {
	if s.OfficeHours == nil {
		return &OfficeHours{}, nil
	}
	figs, err := eachRange(ctx, p, sc, s.OfficeHours.OfficeHoursFigures)
	if err != nil {
		return nil, err
	}
	has := func(f OfficeHoursFigures) bool { return f.SlotsOffered+f.Bookings > 0 }
	known := has(figs[0]) || has(figs[1])
	cur := figs[1]
	out := &OfficeHours{Current: cur, Utilization: ratio(cur.Bookings, cur.SlotsOffered)}
	out.Bookings = figure(points(figs, func(f OfficeHoursFigures) Point { return Point{known, float64(f.Bookings)} }))
	out.Bookings.PrevHas = has(figs[0])
	if cur.FeedbackN > 0 {
		out.Feedback = Point{true, cur.FeedbackMean}
	}
	return out, nil
}
