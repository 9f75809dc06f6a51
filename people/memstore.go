package people

import (
	"context"
	"sync"
	"time"
)

// MemStore is a Store in memory, for a single process that shares the
// listing with nobody (the console, tests). The zero value is not ready:
// use NewMemStore.
type MemStore struct {
	mu       sync.Mutex
	people   map[string]stored
	listedAt time.Time
}

type stored struct {
	Person
	asOf time.Time
}

var _ Store = (*MemStore)(nil)

// NewMemStore returns an empty store.
func NewMemStore() *MemStore { return &MemStore{people: map[string]stored{}} }

// ReplacePeople implements Store.
func (s *MemStore) ReplacePeople(_ context.Context, people []Person, listedAt time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := make(map[string]bool, len(people))
	for _, p := range people {
		seen[p.ID] = true
		s.saveLocked(p, listedAt)
	}
	for id, p := range s.people {
		if !seen[id] && p.asOf.Before(listedAt) {
			delete(s.people, id)
		}
	}
	if listedAt.After(s.listedAt) {
		s.listedAt = listedAt
	}
	return nil
}

// SavePerson implements Store.
func (s *MemStore) SavePerson(_ context.Context, p Person, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.saveLocked(p, at)
	return nil
}

func (s *MemStore) saveLocked(p Person, at time.Time) {
	if old, ok := s.people[p.ID]; ok && old.asOf.After(at) {
		return
	}
	s.people[p.ID] = stored{Person: p, asOf: at}
}

// Person implements Store.
func (s *MemStore) Person(_ context.Context, id string) (Person, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.people[id]
	return p.Person, ok, nil
}

// EachPerson implements Store.
func (s *MemStore) EachPerson(_ context.Context, fn func(Person)) error {
	s.mu.Lock()
	all := make([]Person, 0, len(s.people))
	for _, p := range s.people {
		all = append(all, p.Person)
	}
	s.mu.Unlock()
	for _, p := range all {
		fn(p)
	}
	return nil
}

// ListedAt implements Store.
func (s *MemStore) ListedAt(context.Context) (time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.listedAt, nil
}
