package ideas_test

import (
	"context"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/platformbot/platformbot/ideas"
)

// memStore is an in-memory ideas.Store for the domain's tests; storage's
// tests hold the real one to the same rules on SQLite and PostgreSQL.
type memStore struct {
	mu    sync.Mutex
	ideas []ideas.Idea
	votes map[int64][]ideas.Vote
}

func newMemStore() *memStore { return &memStore{votes: map[int64][]ideas.Vote{}} }

func (m *memStore) Create(_ context.Context, i ideas.Idea) (ideas.Idea, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	i.ID = int64(len(m.ideas) + 1)
	m.ideas = append(m.ideas, i)
	return i, nil
}

func (m *memStore) get(id int64) (*ideas.Idea, error) {
	if id < 1 || int(id) > len(m.ideas) {
		return nil, ideas.ErrNotFound
	}
	return &m.ideas[id-1], nil
}

func (m *memStore) Idea(_ context.Context, id int64) (ideas.Idea, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	i, err := m.get(id)
	if err != nil {
		return ideas.Idea{}, err
	}
	return *i, nil
}

func (m *memStore) voteIndex(id int64, user string) int {
	return slices.IndexFunc(m.votes[id], func(v ideas.Vote) bool { return v.User == user })
}

func (m *memStore) AddVote(_ context.Context, id int64, v ideas.Vote) (ideas.Idea, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	i, err := m.get(id)
	if err != nil {
		return ideas.Idea{}, false, err
	}
	if !i.Status.Votable() {
		return *i, false, &ideas.ClosedError{Idea: *i}
	}
	if m.voteIndex(id, v.User) >= 0 {
		return *i, false, nil
	}
	m.votes[id] = append(m.votes[id], v)
	i.Votes, i.Version = len(m.votes[id]), i.Version+1
	return *i, true, nil
}

func (m *memStore) RemoveVote(_ context.Context, id int64, user string, _ time.Time) (ideas.Idea, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	i, err := m.get(id)
	if err != nil {
		return ideas.Idea{}, false, err
	}
	if !i.Status.Votable() {
		return *i, false, &ideas.ClosedError{Idea: *i}
	}
	k := m.voteIndex(id, user)
	if k < 0 {
		return *i, false, nil
	}
	m.votes[id] = slices.Delete(m.votes[id], k, k+1)
	i.Votes, i.Version = len(m.votes[id]), i.Version+1
	return *i, true, nil
}

func (m *memStore) SetStatus(_ context.Context, id int64, c ideas.Change) (ideas.Idea, []string, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	i, err := m.get(id)
	if err != nil {
		return ideas.Idea{}, nil, false, err
	}
	if i.Status == ideas.Merged {
		return *i, nil, false, &ideas.ClosedError{Idea: *i}
	}
	if i.Status == c.Status && i.Reason == c.Reason {
		return *i, nil, false, nil
	}
	i.Status, i.Reason, i.StatusBy, i.StatusAt, i.Version = c.Status, c.Reason, c.By, c.At, i.Version+1
	var voters []string
	if c.Status.Decided() {
		for _, v := range m.votes[id] {
			voters = append(voters, v.User)
		}
	}
	return *i, voters, true, nil
}

func (m *memStore) Merge(_ context.Context, dup, into int64, by string, at time.Time) (ideas.MergeResult, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, err := m.get(dup)
	if err != nil {
		return ideas.MergeResult{}, err
	}
	in, err := m.get(into)
	if err != nil {
		return ideas.MergeResult{}, err
	}
	if d.Status == ideas.Merged {
		return ideas.MergeResult{}, &ideas.ClosedError{Idea: *d}
	}
	if in.Status == ideas.Merged || in.Status.Decided() {
		return ideas.MergeResult{}, &ideas.ClosedError{Idea: *in}
	}
	moved := 0
	for _, v := range m.votes[dup] {
		if m.voteIndex(into, v.User) < 0 {
			m.votes[into] = append(m.votes[into], v)
			moved++
		}
	}
	delete(m.votes, dup)
	for k := range m.ideas {
		if m.ideas[k].MergedInto == dup {
			m.ideas[k].MergedInto = into
		}
	}
	d.Status, d.MergedInto, d.StatusBy, d.StatusAt, d.Votes, d.Version = ideas.Merged, into, by, at, 0, d.Version+1
	in.Votes, in.Version = len(m.votes[into]), in.Version+1
	return ideas.MergeResult{Dup: *d, Into: *in, Moved: moved}, nil
}

func (m *memStore) SetMessage(_ context.Context, id int64, channel, ts string) (ideas.Idea, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	i, err := m.get(id)
	if err != nil {
		return ideas.Idea{}, err
	}
	i.Channel, i.TS = channel, ts
	return *i, nil
}

func (m *memStore) List(_ context.Context, f ideas.Filter) ([]ideas.Idea, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []ideas.Idea
	for _, i := range m.ideas {
		switch {
		case len(f.Statuses) > 0 && !slices.Contains(f.Statuses, i.Status):
		case len(f.Statuses) == 0 && i.Status == ideas.Merged:
		case f.Person != "" && i.Author != f.Person && m.voteIndex(i.ID, f.Person) < 0:
		default:
			out = append(out, i)
		}
	}
	if f.Newest {
		sort.SliceStable(out, func(a, b int) bool { return out[a].CreatedAt.After(out[b].CreatedAt) })
	}
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

func (m *memStore) Asks(_ context.Context, ids []int64) (map[int64][]ideas.Ask, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[int64][]ideas.Ask{}
	add := func(id int64, team string, votes int, author bool) {
		for k, a := range out[id] {
			if a.Team == team {
				out[id][k].Votes += votes
				out[id][k].Author = out[id][k].Author || author
				return
			}
		}
		out[id] = append(out[id], ideas.Ask{Team: team, Votes: votes, Author: author})
	}
	for _, id := range ids {
		for _, v := range m.votes[id] {
			add(id, v.Team, 1, false)
		}
	}
	for _, i := range m.ideas {
		target := i.ID
		if i.Status == ideas.Merged {
			target = i.MergedInto
		}
		if i.AuthorTeam != "" && slices.Contains(ids, target) {
			add(target, i.AuthorTeam, 0, true)
		}
	}
	return out, nil
}

func (m *memStore) Voted(_ context.Context, user string, ids []int64) (map[int64]bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[int64]bool{}
	for _, id := range ids {
		if m.voteIndex(id, user) >= 0 {
			out[id] = true
		}
	}
	return out, nil
}

func (m *memStore) Unposted(_ context.Context, before time.Time) ([]ideas.Idea, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []ideas.Idea
	for _, i := range m.ideas {
		if i.TS == "" && i.Status.Votable() && i.CreatedAt.Before(before) {
			out = append(out, i)
		}
	}
	return out, nil
}
