package previews

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// CommentsPerPage is how many free-text answers one page of results shows.
const CommentsPerPage = 10

// maxWeeks bounds the weeks shown in "participants over time".
const maxWeeks = 26

// Results is the report of one preview.
type Results struct {
	Preview Preview
	Counts  // now: seats taken, people waiting, people who left
	// Participants counts the people who ever had a seat.
	Participants int
	// Weeks counts new participants (first seat) per week, oldest first,
	// empty weeks included.
	Weeks []WeekCount
	// Teams is each team's share of the participants, largest first, "no
	// team" last.
	Teams []TeamShare
	// Asked and Answered count feedback asks delivered and answered.
	Asked, Answered int
	Ratings         []RatingResult
	// Comments is one page of free-text answers, newest first (anonymous
	// previews keep no answer time: latest point first, in random order
	// within a point). CommentsHidden is set when there are fewer than the
	// minimum group size.
	Comments       []Comment
	CommentCount   int
	CommentsHidden bool
	Page, Pages    int // 1-based
}

// WeekCount is one week of the timeline; Week is its Monday.
type WeekCount struct {
	Week time.Time
	N    int
}

// TeamShare is one team's part of the participants.
type TeamShare struct {
	Team  string
	Name  string
	N     int
	Share float64 // 0–1
}

// RatingResult summarises one rating question.
type RatingResult struct {
	Question Question
	N        int
	Counts   [5]int // answers 1…5
	Mean     float64
	Hidden   bool // fewer answers than the minimum group size: no figures
}

// Comment is one free-text answer; UserID and At only when not anonymous.
type Comment struct {
	Question Question
	Point    Point
	Text     string
	UserID   string
	At       time.Time
}

// Results reports a preview; page (1-based) selects the comments shown.
func (s *Service) Results(ctx context.Context, previewID string, page int) (Results, error) {
	p, err := s.Preview(ctx, previewID)
	if err != nil {
		return Results{}, err
	}
	parts, err := s.store.Participants(ctx, p.ID)
	if err != nil {
		return Results{}, err
	}
	answers, err := s.store.Answers(ctx, p.ID)
	if err != nil {
		return Results{}, err
	}
	res := Results{Preview: p}
	if res.Asked, res.Answered, err = s.store.AskCounts(ctx, p.ID); err != nil {
		return Results{}, err
	}
	res.Counts, res.Participants = countParticipants(parts)
	res.Weeks = weekly(parts, s.loc)
	res.Teams = s.teamShares(parts)
	res.Ratings = ratings(p.Feedback, answers)
	comments := commentsOf(p.Feedback, answers)
	res.CommentCount = len(comments)
	if len(comments) > 0 && len(comments) < p.Feedback.MinGroup() {
		res.CommentsHidden = true
		comments = nil
	}
	res.Pages = max(1, (len(comments)+CommentsPerPage-1)/CommentsPerPage)
	res.Page = min(max(page, 1), res.Pages)
	from := (res.Page - 1) * CommentsPerPage
	res.Comments = comments[min(from, len(comments)):min(from+CommentsPerPage, len(comments))]
	return res, nil
}

func countParticipants(parts []Participant) (Counts, int) {
	var c Counts
	ever := 0
	for _, p := range parts {
		switch p.State {
		case Active:
			c.Active++
		case Waitlisted:
			c.Waitlisted++
		case Left:
			c.Left++
		}
		if !p.FirstActiveAt.IsZero() {
			ever++
		}
	}
	return c, ever
}

// weekly counts first seats per week (weeks start on Monday in loc), from
// the first week with one to the last, at most maxWeeks.
func weekly(parts []Participant, loc *time.Location) []WeekCount {
	byWeek := map[time.Time]int{}
	var first, last time.Time
	for _, p := range parts {
		if p.FirstActiveAt.IsZero() {
			continue
		}
		w := monday(p.FirstActiveAt, loc)
		byWeek[w]++
		if first.IsZero() || w.Before(first) {
			first = w
		}
		if w.After(last) {
			last = w
		}
	}
	if first.IsZero() {
		return nil
	}
	var out []WeekCount
	for w := first; !w.After(last); w = w.AddDate(0, 0, 7) {
		out = append(out, WeekCount{Week: w, N: byWeek[w]})
	}
	if len(out) > maxWeeks {
		out = out[len(out)-maxWeeks:]
	}
	return out
}

// monday returns the start of t's week in loc.
func monday(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	d := (int(t.Weekday()) + 6) % 7
	return time.Date(t.Year(), t.Month(), t.Day()-d, 0, 0, 0, 0, loc)
}

func (s *Service) teamShares(parts []Participant) []TeamShare {
	byTeam, total := map[string]int{}, 0
	for _, p := range parts {
		if !p.FirstActiveAt.IsZero() {
			byTeam[p.Team]++
			total++
		}
	}
	var out []TeamShare
	for team, n := range byTeam {
		out = append(out, TeamShare{Team: team, Name: s.TeamName(team), N: n, Share: float64(n) / float64(total)})
	}
	slices.SortFunc(out, func(a, b TeamShare) int {
		if (a.Team == "") != (b.Team == "") {
			if a.Team == "" {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(b.N, a.N), cmp.Compare(a.Name, b.Name))
	})
	return out
}

// ratings summarises every rating question, hiding those with fewer
// answers than the minimum group size.
func ratings(f Feedback, answers []StoredAnswer) []RatingResult {
	var out []RatingResult
	for _, q := range f.Questions {
		if q.Kind != Rating {
			continue
		}
		r := RatingResult{Question: q}
		sum := 0
		for _, a := range answers {
			if a.QuestionID == q.ID && a.Value >= 1 && a.Value <= 5 {
				r.Counts[a.Value-1]++
				r.N++
				sum += a.Value
			}
		}
		if r.N > 0 {
			r.Mean = float64(sum) / float64(r.N)
		}
		if r.N > 0 && r.N < f.MinGroup() {
			r = RatingResult{Question: q, N: r.N, Hidden: true}
		}
		out = append(out, r)
	}
	return out
}

// commentsOf lists the free-text answers newest first.
func commentsOf(f Feedback, answers []StoredAnswer) []Comment {
	order := map[string]int{} // point id → rank, later points first
	for _, pt := range f.Points {
		order[pt.ID()] = pointRank(pt)
	}
	var out []Comment
	var ids []string
	for _, a := range answers {
		q, ok := f.Question(a.QuestionID)
		if !ok || q.Kind != Text || a.Text == "" {
			continue
		}
		pt, _ := f.Point(a.PointID)
		out = append(out, Comment{Question: q, Point: pt, Text: a.Text, UserID: a.UserID, At: a.At})
		ids = append(ids, a.ResponseID)
	}
	idx := make([]int, len(out))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		a, b := out[i], out[j]
		return cmp.Or(b.At.Compare(a.At), cmp.Compare(order[b.Point.ID()], order[a.Point.ID()]), cmp.Compare(ids[i], ids[j]))
	})
	sorted := make([]Comment, len(out))
	for k, i := range idx {
		sorted[k] = out[i]
	}
	return sorted
}

// pointRank orders points by when they come: after-points by their delay,
// the end last.
func pointRank(pt Point) int {
	if pt.AtEnd {
		return int(MaxFeedbackAfter/time.Hour) + 1
	}
	return int(pt.After / time.Hour)
}

// Summary is one preview in a period, for the value report.
type Summary struct {
	ID, Name   string
	Start, End string
	// Participants counts people who had a seat by the period's end;
	// Active those with a seat at the period's end (or now, if sooner).
	Participants, Active int
	// RatingMean and Ratings are over the first rating question's answers;
	// Hidden (and no mean) when fewer than the minimum group size.
	RatingMean float64
	Ratings    int
	Hidden     bool
}

// Summary reports the previews that ran during [from, to), by start.
func (s *Service) Summary(ctx context.Context, from, to time.Time) ([]Summary, error) {
	all, err := s.store.Previews(ctx)
	if err != nil {
		return nil, err
	}
	at := minTime(to, s.clock.Now())
	var out []Summary
	for _, p := range all {
		if !p.StartAt.Before(to) || !p.EndAt.After(from) {
			continue
		}
		sum, err := s.summarize(ctx, p, to, at)
		if err != nil {
			return nil, err
		}
		out = append(out, sum)
	}
	slices.SortStableFunc(out, func(a, b Summary) int { return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.ID, b.ID)) })
	return out, nil
}

func (s *Service) summarize(ctx context.Context, p Preview, to, at time.Time) (Summary, error) {
	sum := Summary{ID: p.ID, Name: p.Name, Start: p.Start, End: p.End}
	parts, err := s.store.Participants(ctx, p.ID)
	if err != nil {
		return sum, err
	}
	for _, part := range parts {
		if !part.FirstActiveAt.IsZero() && part.FirstActiveAt.Before(to) {
			sum.Participants++
		}
		seated := !part.ActiveSince.IsZero() && !part.ActiveSince.After(at)
		if seated && (part.State == Active || (part.State == Left && part.LeftAt.After(at))) {
			sum.Active++
		}
	}
	answers, err := s.store.Answers(ctx, p.ID)
	if err != nil {
		return sum, err
	}
	if q, ok := p.Feedback.FirstRating(); ok {
		r := ratings(Feedback{Questions: []Question{q}, Anonymous: p.Feedback.Anonymous, MinGroupSize: p.Feedback.MinGroupSize}, answers)[0]
		sum.Ratings, sum.RatingMean, sum.Hidden = r.N, r.Mean, r.Hidden
	}
	return sum, nil
}
