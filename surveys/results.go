package surveys

import (
	"cmp"
	"slices"
	"strings"
)

// Results is the report of one run. Every figure is computed from groups of
// at least the run's minimum size; smaller groups are Hidden and carry no
// figures at all.
type Results struct {
	Run      Run
	Previous *Run // the run before, for trends; nil if none
	Asked    int
	// Responses counts the people who answered at least one question.
	Responses int
	Rate      float64 // Responses / Asked, 0–1
	// Hidden is set when fewer people than the minimum answered: then
	// nothing but the counts may be shown.
	Hidden    bool
	Questions []QuestionResult
	// Teams break the first scale (and NPS) question down by team; team ""
	// collects people in no team or in teams folded away for size.
	Teams []TeamResult
}

// QuestionResult summarises the answers to one question.
type QuestionResult struct {
	Question Question
	N        int  // answers to this question
	Hidden   bool // N below the minimum: no figures
	Counts   []int
	Mean     float64 // scale and NPS: the mean value
	NPS      float64 // NPS questions: % promoters − % detractors
	// HasPrevious is set when the previous run asked the same question and
	// reported it; the Previous figures are then its Mean and NPS.
	HasPrevious  bool
	PreviousMean float64
	PreviousNPS  float64
	Comments     []Comment // text questions
}

// TeamResult is one group of the team breakdown.
type TeamResult struct {
	Team   string
	Name   string
	Asked  int
	N      int // responses from the team
	Hidden bool
	// Mean is the team's mean on the survey's first scale question, NPS its
	// NPS on the first NPS question (HasMean and HasNPS say which apply).
	Mean    float64
	HasMean bool
	NPS     float64
	HasNPS  bool
}

// Summarize turns a run's tally into its report. prev and prevTally, when
// not nil, are the previous run of the same survey, for the trend.
func Summarize(run Run, t Tally, prev *Run, prevTally *Tally) Results {
	minN := max(run.MinGroupSize, 1)
	res := Results{Run: run, Previous: prev, Asked: t.Asked, Responses: t.Responses}
	if t.Asked > 0 {
		res.Rate = float64(t.Responses) / float64(t.Asked)
	}
	if t.Responses < minN {
		res.Hidden = true
		return res
	}
	var before map[string]QuestionResult
	if prev != nil && prevTally != nil {
		p := Summarize(*prev, *prevTally, nil, nil)
		before = map[string]QuestionResult{}
		for _, q := range p.Questions {
			if !p.Hidden && !q.Hidden {
				before[q.Question.ID] = q
			}
		}
	}
	for _, q := range run.Questions {
		qr := summarizeQuestion(q, t, minN)
		if b, ok := before[q.ID]; ok && b.Question.Kind == q.Kind && q.Kind != Text && q.Kind != Choice && !qr.Hidden {
			qr.HasPrevious, qr.PreviousMean, qr.PreviousNPS = true, b.Mean, b.NPS
		}
		res.Questions = append(res.Questions, qr)
	}
	res.Teams = teamBreakdown(run, t, minN)
	return res
}

// summarizeQuestion computes one question's figures over all responses.
func summarizeQuestion(q Question, t Tally, minN int) QuestionResult {
	qr := QuestionResult{Question: q}
	if q.Kind == Text {
		for _, c := range t.Comments {
			if c.QuestionID == q.ID {
				qr.Comments = append(qr.Comments, c)
			}
		}
		// Sorted, so that a report reads the same every time and its order
		// says nothing about who answered when.
		slices.SortStableFunc(qr.Comments, func(a, b Comment) int { return strings.Compare(a.Text, b.Text) })
		qr.N = len(qr.Comments)
		if qr.N < minN {
			qr.Hidden, qr.Comments = true, nil
		}
		return qr
	}
	vals := q.Values()
	qr.Counts = make([]int, len(vals))
	sum := 0
	for i, v := range vals {
		n := totalCount(t, q.ID, v)
		qr.Counts[i] = n
		qr.N += n
		sum += n * v
	}
	if qr.N < minN {
		return QuestionResult{Question: q, N: qr.N, Hidden: true}
	}
	qr.Mean = float64(sum) / float64(qr.N)
	if q.Kind == NPS {
		qr.NPS = npsOf(qr.Counts)
	}
	return qr
}

// totalCount sums a tally's cells for a question and value over all teams.
func totalCount(t Tally, question string, value int) int {
	n := 0
	for c, k := range t.Counts {
		if c.Question == question && c.Value == value {
			n += k
		}
	}
	return n
}

// npsOf computes promoters (9–10) minus detractors (0–6), in percent, from
// counts of the values 0–10.
func npsOf(counts []int) float64 {
	total, promoters, detractors := 0, 0, 0
	for v, n := range counts {
		total += n
		switch {
		case v >= 9:
			promoters += n
		case v <= 6:
			detractors += n
		}
	}
	if total == 0 {
		return 0
	}
	return 100 * float64(promoters-detractors) / float64(total)
}

// teamBreakdown reports the first scale and NPS questions per team, hiding
// small teams and, complementarily, enough others (see Suppress).
func teamBreakdown(run Run, t Tally, minN int) []TeamResult {
	if len(t.ByTeam) == 0 || (len(t.ByTeam) == 1 && t.ByTeam[""] > 0) {
		return nil // no teams configured, or nobody in one: nothing to break down
	}
	hidden := Suppress(t.ByTeam, minN)
	scale, hasScale := run.FirstOf(Scale)
	nps, hasNPS := run.FirstOf(NPS)
	var out []TeamResult
	for team, n := range t.ByTeam {
		tr := TeamResult{Team: team, Asked: t.AskedByTeam[team], N: n, Hidden: hidden[team] || n < minN}
		if !tr.Hidden {
			if hasScale {
				q := summarizeTeam(scale, t, team)
				if q.N >= minN {
					tr.Mean, tr.HasMean = q.Mean, true
				}
			}
			if hasNPS {
				q := summarizeTeam(nps, t, team)
				if q.N >= minN {
					tr.NPS, tr.HasNPS = npsOf(q.Counts), true
				}
			}
		}
		out = append(out, tr)
	}
	slices.SortFunc(out, func(a, b TeamResult) int {
		if (a.Team == "") != (b.Team == "") {
			if a.Team == "" {
				return 1 // "other" last
			}
			return -1
		}
		return cmp.Compare(a.Team, b.Team)
	})
	return out
}

// summarizeTeam computes a question's counts and mean over one team only.
func summarizeTeam(q Question, t Tally, team string) QuestionResult {
	qr := QuestionResult{Question: q}
	vals := q.Values()
	qr.Counts = make([]int, len(vals))
	sum := 0
	for i, v := range vals {
		n := t.Counts[Cell{Team: team, Question: q.ID, Value: v}]
		qr.Counts[i] = n
		qr.N += n
		sum += n * v
	}
	if qr.N > 0 {
		qr.Mean = float64(sum) / float64(qr.N)
	}
	return qr
}

// Suppress decides which groups of a breakdown to hide. Every group with
// fewer than minN members (but some) is hidden; and as long as only one
// group is hidden, or the hidden ones together have fewer than minN
// members, the next-smallest visible group is hidden too. Otherwise a hidden
// group's figures could be worked out by subtracting the visible groups from
// the total. Groups with no members are never shown and never count.
func Suppress(sizes map[string]int, minN int) map[string]bool {
	type group struct {
		name string
		n    int
	}
	var groups []group
	for name, n := range sizes {
		if n > 0 {
			groups = append(groups, group{name, n})
		}
	}
	slices.SortFunc(groups, func(a, b group) int {
		return cmp.Or(cmp.Compare(a.n, b.n), cmp.Compare(a.name, b.name))
	})
	hidden := map[string]bool{}
	hiddenN := 0
	for _, g := range groups {
		if g.n < minN {
			hidden[g.name] = true
			hiddenN += g.n
		}
	}
	for _, g := range groups {
		if len(hidden) == 0 || (len(hidden) >= 2 && hiddenN >= minN) {
			break
		}
		if !hidden[g.name] {
			hidden[g.name] = true
			hiddenN += g.n
		}
	}
	return hidden
}
