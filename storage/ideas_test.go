package storage_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/platformbot/platformbot/ideas"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

var ideaT0 = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

func newIdea(t *testing.T, st *storage.IdeaStore, title, author, team string, at time.Time) ideas.Idea {
	t.Helper()
	i, err := st.Create(context.Background(), ideas.Idea{Title: title, Problem: "It hurts every day.", Affected: "everyone",
		Author: author, AuthorTeam: team, Status: ideas.Open, Version: 1, CreatedAt: at})
	if err != nil {
		t.Fatal(err)
	}
	return i
}

func vote(t *testing.T, st *storage.IdeaStore, id int64, user, team string) (ideas.Idea, bool) {
	t.Helper()
	i, added, err := st.AddVote(context.Background(), id, ideas.Vote{User: user, Team: team, At: ideaT0})
	if err != nil {
		t.Fatalf("vote %s for #%d: %v", user, id, err)
	}
	return i, added
}

// TestIdeaStoreVotesAndStatus walks one idea through votes, a second
// click, an unvote, status changes (voters read with a decision) and a
// refused vote on a shipped idea.
func TestIdeaStoreVotesAndStatus(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewIdeaStore(db)
		i := newIdea(t, st, "Faster CI caches", "UAUTHOR1", "web", ideaT0)
		if i.ID == 0 || i.Status != ideas.Open || i.Version != 1 || i.Votes != 0 {
			t.Fatalf("created %+v", i)
		}
		if got, added := vote(t, st, i.ID, "UA", "web"); !added || got.Votes != 1 || got.Version != 2 {
			t.Fatalf("first vote: added %v votes %d version %d; want true 1 2", added, got.Votes, got.Version)
		}
		if got, added := vote(t, st, i.ID, "UA", "web"); added || got.Votes != 1 || got.Version != 2 {
			t.Fatalf("second click: added %v votes %d version %d; want false 1 2", added, got.Votes, got.Version)
		}
		vote(t, st, i.ID, "UB", "")
		vote(t, st, i.ID, "UC", "api")
		got, removed, err := st.RemoveVote(ctx, i.ID, "UC", ideaT0)
		if err != nil || !removed || got.Votes != 2 {
			t.Fatalf("unvote: %v removed %v votes %d", err, removed, got.Votes)
		}
		if _, removed, _ := st.RemoveVote(ctx, i.ID, "UC", ideaT0); removed {
			t.Fatal("a second unvote removed something")
		}

		got, voters, changed, err := st.SetStatus(ctx, i.ID, ideas.Change{Status: ideas.Planned, By: "UADMIN", At: ideaT0})
		if err != nil || !changed || voters != nil || got.Status != ideas.Planned || got.StatusBy != "UADMIN" {
			t.Fatalf("planned: %v changed %v voters %v idea %+v", err, changed, voters, got)
		}
		if _, _, changed, _ := st.SetStatus(ctx, i.ID, ideas.Change{Status: ideas.Planned, By: "UADMIN", At: ideaT0}); changed {
			t.Error("setting the same status again changed something")
		}
		version := got.Version
		got, voters, changed, err = st.SetStatus(ctx, i.ID, ideas.Change{Status: ideas.Shipped, Reason: "In CI v2", By: "UADMIN", At: ideaT0.Add(time.Hour)})
		if err != nil || !changed || got.Version != version+1 || !got.StatusAt.Equal(ideaT0.Add(time.Hour)) {
			t.Fatalf("shipped: %v changed %v idea %+v", err, changed, got)
		}
		if diff := cmp.Diff([]string{"UA", "UB"}, voters); diff != "" {
			t.Errorf("voters mismatch (-want +got):\n%s", diff)
		}
		var ce *ideas.ClosedError
		if _, _, err := st.AddVote(ctx, i.ID, ideas.Vote{User: "UD", At: ideaT0}); !errors.As(err, &ce) || !errors.Is(err, ideas.ErrClosed) {
			t.Errorf("vote on a shipped idea: %v, want a ClosedError", err)
		}
		if _, err := st.Idea(ctx, 999); !errors.Is(err, ideas.ErrNotFound) {
			t.Errorf("unknown idea: %v", err)
		}
		if _, _, err := st.AddVote(ctx, 999, ideas.Vote{User: "UD", At: ideaT0}); !errors.Is(err, ideas.ErrNotFound) {
			t.Errorf("vote on an unknown idea: %v", err)
		}
	})
}

// TestIdeaStoreConcurrentVotes: 50 people click Vote at once, each twice;
// then they all click Unvote at once, each twice. The count is exact at
// every step and equals the rows.
func TestIdeaStoreConcurrentVotes(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewIdeaStore(db)
		i := newIdea(t, st, "Self-service databases", "UAUTHOR1", "", ideaT0)
		const people = 50
		clickAll := func(click func(user string) (bool, error)) int {
			var wg sync.WaitGroup
			var mu sync.Mutex
			changed := 0
			var errs []error
			for k := range 2 * people {
				user := fmt.Sprintf("U%04d", k%people)
				wg.Go(func() {
					ok, err := click(user)
					mu.Lock()
					defer mu.Unlock()
					if err != nil {
						errs = append(errs, err)
					}
					if ok {
						changed++
					}
				})
			}
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}
			return changed
		}
		added := clickAll(func(u string) (bool, error) {
			_, ok, err := st.AddVote(ctx, i.ID, ideas.Vote{User: u, At: ideaT0})
			return ok, err
		})
		got, err := st.Idea(ctx, i.ID)
		if err != nil {
			t.Fatal(err)
		}
		if added != people || got.Votes != people || got.Version != 1+people || countVotes(t, db, i.ID) != people {
			t.Fatalf("after %d clicks: %d added, votes %d, version %d, rows %d; want %d, %d, %d, %d",
				2*people, added, got.Votes, got.Version, countVotes(t, db, i.ID), people, people, 1+people, people)
		}
		removed := clickAll(func(u string) (bool, error) {
			_, ok, err := st.RemoveVote(ctx, i.ID, u, ideaT0)
			return ok, err
		})
		got, _ = st.Idea(ctx, i.ID)
		if removed != people || got.Votes != 0 || countVotes(t, db, i.ID) != 0 {
			t.Fatalf("after unvoting: %d removed, votes %d, rows %d; want %d, 0, 0", removed, got.Votes, countVotes(t, db, i.ID), people)
		}
	})
}

func countVotes(t *testing.T, db *storage.DB, id int64) int {
	t.Helper()
	var n int64
	if err := db.Gorm.Table("idea_votes").Where("idea_id = ?", id).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// TestIdeaStoreMerge merges a duplicate whose voters overlap with the
// survivor's: nobody counts twice, the duplicate closes, ideas merged
// into it follow it, and its author's team counts as asking.
func TestIdeaStoreMerge(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewIdeaStore(db)
		into := newIdea(t, st, "Preview environments per PR", "UAUTHOR1", "web", ideaT0)
		dup := newIdea(t, st, "PR previews please", "UAUTHOR2", "mobile", ideaT0.Add(time.Hour))
		older := newIdea(t, st, "Preview envs", "UAUTHOR3", "data", ideaT0.Add(2*time.Hour))
		for _, u := range []string{"UA", "UB"} {
			vote(t, st, into.ID, u, "web")
		}
		for _, u := range []string{"UB", "UC", "UD"} {
			vote(t, st, dup.ID, u, "mobile")
		}
		vote(t, st, older.ID, "UE", "")
		if _, err := st.Merge(ctx, older.ID, dup.ID, "UADMIN", ideaT0); err != nil {
			t.Fatal(err)
		}
		res, err := st.Merge(ctx, dup.ID, into.ID, "UADMIN", ideaT0.Add(3*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		// UB voted for both: counted once. UE's vote came from older, via dup.
		if res.Moved != 3 || res.Into.Votes != 5 || countVotes(t, db, into.ID) != 5 {
			t.Errorf("merge moved %d, into has %d votes (%d rows); want 3, 5, 5", res.Moved, res.Into.Votes, countVotes(t, db, into.ID))
		}
		if res.Dup.Status != ideas.Merged || res.Dup.MergedInto != into.ID || res.Dup.Votes != 0 || countVotes(t, db, dup.ID) != 0 {
			t.Errorf("duplicate after merge: %+v, %d rows", res.Dup, countVotes(t, db, dup.ID))
		}
		if o, _ := st.Idea(ctx, older.ID); o.MergedInto != into.ID {
			t.Errorf("the idea merged into the duplicate points at #%d, want #%d", o.MergedInto, into.ID)
		}
		asks, err := st.Asks(ctx, []int64{into.ID})
		if err != nil {
			t.Fatal(err)
		}
		want := []ideas.Ask{{Team: "", Votes: 1}, {Team: "data", Author: true}, {Team: "mobile", Votes: 2, Author: true}, {Team: "web", Votes: 2, Author: true}}
		if diff := cmp.Diff(want, asks[into.ID]); diff != "" {
			t.Errorf("asks mismatch (-want +got):\n%s", diff)
		}
		var ce *ideas.ClosedError
		if _, _, err := st.AddVote(ctx, dup.ID, ideas.Vote{User: "UZ", At: ideaT0}); !errors.As(err, &ce) || ce.Idea.MergedInto != into.ID {
			t.Errorf("vote on the merged idea: %v", err)
		}
		if _, err := st.Merge(ctx, dup.ID, into.ID, "UADMIN", ideaT0); !errors.As(err, &ce) {
			t.Errorf("merging a merged idea again: %v", err)
		}
		shipped := newIdea(t, st, "Shipped thing", "UAUTHOR1", "", ideaT0)
		if _, _, _, err := st.SetStatus(ctx, shipped.ID, ideas.Change{Status: ideas.Shipped, By: "UADMIN", At: ideaT0}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Merge(ctx, into.ID, shipped.ID, "UADMIN", ideaT0); !errors.As(err, &ce) || ce.Idea.ID != shipped.ID {
			t.Errorf("merging into a shipped idea: %v", err)
		}
	})
}

// TestIdeaStoreMergeRacesVotes merges a duplicate while 50 people vote for
// it: each vote either lands before the merge (and moves) or is refused,
// and none is lost or counted twice.
func TestIdeaStoreMergeRacesVotes(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewIdeaStore(db)
		into := newIdea(t, st, "Faster builds", "UAUTHOR1", "", ideaT0)
		dup := newIdea(t, st, "Builds are slow", "UAUTHOR2", "", ideaT0)
		for k := range 10 { // the first ten voted for both
			vote(t, st, into.ID, fmt.Sprintf("U%04d", k), "")
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		accepted := map[string]bool{}
		var errs []error
		for k := range 50 {
			user := fmt.Sprintf("U%04d", k)
			wg.Go(func() {
				_, added, err := st.AddVote(ctx, dup.ID, ideas.Vote{User: user, At: ideaT0})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case errors.Is(err, ideas.ErrClosed):
				case err != nil:
					errs = append(errs, err)
				case added:
					accepted[user] = true
				}
			})
			if k == 25 {
				wg.Go(func() {
					if _, err := st.Merge(ctx, dup.ID, into.ID, "UADMIN", ideaT0); err != nil {
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
					}
				})
			}
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		want := 10
		for u := range accepted {
			var k int
			fmt.Sscanf(u, "U%04d", &k)
			if k >= 10 {
				want++
			}
		}
		got, _ := st.Idea(ctx, into.ID)
		if got.Votes != want || countVotes(t, db, into.ID) != want || countVotes(t, db, dup.ID) != 0 {
			t.Errorf("into has %d votes (%d rows), dup %d rows; want %d, %d, 0 (%d votes accepted before the merge)",
				got.Votes, countVotes(t, db, into.ID), countVotes(t, db, dup.ID), want, want, len(accepted))
		}
	})
}

// TestIdeaStoreLists covers the filters of List, Voted, Unposted and
// SetMessage.
func TestIdeaStoreLists(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewIdeaStore(db)
		a := newIdea(t, st, "Idea A", "UME", "", ideaT0)
		b := newIdea(t, st, "Idea B", "UOTHER", "", ideaT0.Add(time.Hour))
		c := newIdea(t, st, "Idea C", "UOTHER", "", ideaT0.Add(2*time.Hour))
		vote(t, st, b.ID, "UME", "")
		if _, _, _, err := st.SetStatus(ctx, c.ID, ideas.Change{Status: ideas.Planned, By: "UADMIN", At: ideaT0}); err != nil {
			t.Fatal(err)
		}
		ids := func(f ideas.Filter) []int64 {
			t.Helper()
			list, err := st.List(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, i := range list {
				out = append(out, i.ID)
			}
			return out
		}
		for _, tc := range []struct {
			name string
			f    ideas.Filter
			want []int64
		}{
			{"all", ideas.Filter{}, []int64{a.ID, b.ID, c.ID}},
			{"newest two", ideas.Filter{Newest: true, Limit: 2}, []int64{c.ID, b.ID}},
			{"planned", ideas.Filter{Statuses: []ideas.Status{ideas.Planned}}, []int64{c.ID}},
			{"mine", ideas.Filter{Person: "UME"}, []int64{a.ID, b.ID}},
			{"mine and open", ideas.Filter{Person: "UME", Statuses: []ideas.Status{ideas.Open}}, []int64{a.ID, b.ID}},
		} {
			if diff := cmp.Diff(tc.want, ids(tc.f)); diff != "" {
				t.Errorf("%s mismatch (-want +got):\n%s", tc.name, diff)
			}
		}
		voted, err := st.Voted(ctx, "UME", []int64{a.ID, b.ID, c.ID})
		if err != nil || !cmp.Equal(map[int64]bool{b.ID: true}, voted) {
			t.Errorf("voted = %v, %v", voted, err)
		}
		if _, err := st.SetMessage(ctx, a.ID, "C0IDEAS", "1700000000.000100"); err != nil {
			t.Fatal(err)
		}
		unposted, err := st.Unposted(ctx, ideaT0.Add(90*time.Minute))
		if err != nil || len(unposted) != 1 || unposted[0].ID != b.ID {
			t.Errorf("unposted before %s = %v, %v; want only #%d", ideaT0.Add(90*time.Minute), unposted, err, b.ID)
		}
		if got, _ := st.Idea(ctx, a.ID); !got.Posted() || got.TS != "1700000000.000100" {
			t.Errorf("after SetMessage: %+v", got)
		}
	})
}
