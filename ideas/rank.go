package ideas

import (
	"cmp"
	"slices"
)

// Weighting says how votes are turned into a score. Whatever the
// weighting, the list shows its inputs (votes, weight, the asking teams
// and their sizes) next to the score, so that a ranking can be argued
// with.
type Weighting string

// Weightings.
const (
	// ByVotes: the score is the number of votes.
	ByVotes Weighting = "votes"
	// ByTeamSize: each vote weighs its voter's team size divided by the
	// mean team size (a vote from a team twice the mean size counts 2);
	// votes of people in no team, or in a team of unknown size, weigh 1.
	ByTeamSize Weighting = "team_size"
	// ByEngineerShare: the score is the votes times the share of all
	// engineers (the sum of the team sizes) that the asking teams — the
	// author's and the voters' — make up; each voter in no team adds one
	// engineer. An idea asked for across the organisation outranks one
	// with as many votes from one team.
	ByEngineerShare Weighting = "engineer_share"
)

// Weightings lists the valid weightings.
var Weightings = []Weighting{ByVotes, ByTeamSize, ByEngineerShare}

// Ranked is an idea with what its rank is made of.
type Ranked struct {
	Idea
	Teams  []TeamAsk // the asking teams, most votes first
	NoTeam int       // votes of people in no team
	// Weight is what one vote counts on average (team_size) or the share
	// of engineers asking (engineer_share); 1 for plain votes.
	Weight float64
	Score  float64
	// YouVoted is set when the list was made for a viewer who voted.
	YouVoted bool
}

// TeamAsk is one asking team of a ranked idea.
type TeamAsk struct {
	Team
	Votes  int
	Author bool
}

// Ranking is a list of ideas with the figures its weights came from.
type Ranking struct {
	Weighting Weighting
	// MeanTeamSize is the size of a team whose votes weigh 1 (team_size).
	MeanTeamSize float64
	// Engineers is the sum of the team sizes (engineer_share).
	Engineers int
	Ideas     []Ranked
}

// teamStats are the organisation-wide inputs of the weights.
type teamStats struct {
	byID      map[string]Team
	mean      float64
	engineers int
}

func newTeamStats(teams []Team) teamStats {
	st := teamStats{byID: map[string]Team{}}
	sized := 0
	for _, t := range teams {
		st.byID[t.ID] = t
		if t.Size > 0 {
			st.engineers += t.Size
			sized++
		}
	}
	if sized > 0 {
		st.mean = float64(st.engineers) / float64(sized)
	}
	return st
}

// rank fills in the teams, weight and score of one idea.
func (w Weighting) rank(i Idea, asks []Ask, st teamStats) Ranked {
	r := Ranked{Idea: i, Weight: 1}
	for _, a := range asks {
		if a.Team == "" {
			r.NoTeam += a.Votes
			continue
		}
		t, ok := st.byID[a.Team]
		if !ok { // a team removed from the config since
			t = Team{ID: a.Team, Name: a.Team}
		}
		r.Teams = append(r.Teams, TeamAsk{Team: t, Votes: a.Votes, Author: a.Author})
	}
	slices.SortFunc(r.Teams, func(a, b TeamAsk) int {
		return cmp.Or(cmp.Compare(b.Votes, a.Votes), cmp.Compare(b.Size, a.Size), cmp.Compare(a.ID, b.ID))
	})
	switch w {
	case ByTeamSize:
		r.Score = w.teamSizeScore(r, st)
		if i.Votes > 0 {
			r.Weight = r.Score / float64(i.Votes)
		}
	case ByEngineerShare:
		r.Weight = engineerShare(r, st)
		r.Score = float64(i.Votes) * r.Weight
	default:
		r.Score = float64(i.Votes)
	}
	return r
}

func (w Weighting) teamSizeScore(r Ranked, st teamStats) float64 {
	score := float64(r.Votes)
	if st.mean == 0 {
		return score
	}
	for _, t := range r.Teams {
		if t.Size > 0 {
			// Each of the team's votes counted 1 above; make it Size/mean.
			score += float64(t.Votes) * (float64(t.Size)/st.mean - 1)
		}
	}
	return score
}

// engineerShare is the asking teams' share of all engineers, at most 1;
// 1 when no team has a known size (nothing to weigh by).
func engineerShare(r Ranked, st teamStats) float64 {
	if st.engineers == 0 {
		return 1
	}
	asking := r.NoTeam
	for _, t := range r.Teams {
		asking += t.Size
	}
	return min(1, float64(asking)/float64(st.engineers))
}

// sortByScore orders by score, then votes, then age (older first).
func sortByScore(rs []Ranked) {
	slices.SortStableFunc(rs, func(a, b Ranked) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(b.Votes, a.Votes),
			a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
}
