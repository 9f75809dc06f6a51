package ideas_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jonboulle/clockwork"

	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/ideas"
)

var t0 = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

// recorder is a Notifier that remembers what it was asked to queue.
type recorder struct {
	mu       sync.Mutex
	posts    []int64
	refresh  []string // "id@version"
	statuses []string // "id:status:voters"
	fail     error
}

func (r *recorder) Post(_ context.Context, i ideas.Idea) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.posts = append(r.posts, i.ID)
	return r.fail
}

func (r *recorder) Refresh(_ context.Context, i ideas.Idea) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refresh = append(r.refresh, fmt.Sprintf("%d@%d", i.ID, i.Version))
	return r.fail
}

func (r *recorder) StatusChanged(_ context.Context, i ideas.Idea, voters []string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.statuses = append(r.statuses, fmt.Sprintf("%d:%s:%s", i.ID, i.Status, strings.Join(voters, ",")))
	return r.fail
}

// teams: web has 40 people, api 10, data 30; users are in the team their
// id names ("UWEB1" is in web), others in none.
type teams struct{}

func (teams) TeamOf(_ context.Context, user string) string {
	for _, t := range []string{"web", "api", "data"} {
		if strings.HasPrefix(user, "U"+strings.ToUpper(t)) {
			return t
		}
	}
	return ""
}

func (teams) All(context.Context) []ideas.Team {
	return []ideas.Team{{ID: "web", Name: "Web", Size: 40}, {ID: "api", Name: "API", Size: 10}, {ID: "data", Name: "Data", Size: 30}}
}

func newService(w ideas.Weighting) (*ideas.Service, *memStore, *recorder) {
	st, rec := newMemStore(), &recorder{}
	return ideas.New(ideas.Config{Store: st, Notifier: rec, Teams: teams{}, Weighting: w, Clock: clockwork.NewFakeClockAt(t0)}), st, rec
}

func submit(t *testing.T, svc *ideas.Service, author, title string) ideas.Idea {
	t.Helper()
	i, err := svc.Submit(context.Background(), author, ideas.Draft{Title: title, Problem: "  Builds take 40 minutes.  ", Affected: "Every web developer"})
	if err != nil {
		t.Fatal(err)
	}
	return i
}

func TestSubmitVoteAndDecide(t *testing.T) {
	ctx := context.Background()
	svc, _, rec := newService(ideas.ByVotes)
	i := submit(t, svc, "UWEB1", "Faster CI")
	if i.AuthorTeam != "web" || i.Problem != "Builds take 40 minutes." || i.Status != ideas.Open || !i.CreatedAt.Equal(t0) {
		t.Errorf("submitted %+v", i)
	}
	if _, err := svc.Submit(ctx, "UWEB1", ideas.Draft{Title: "x"}); !errors.As(err, new(ideas.FieldErrors)) {
		t.Errorf("invalid draft: %v, want FieldErrors", err)
	}
	for _, u := range []string{"UWEB2", "UAPI1", "UWEB2"} {
		if _, _, err := svc.Vote(ctx, i.ID, u); err != nil {
			t.Fatal(err)
		}
	}
	got, removed, err := svc.Unvote(ctx, i.ID, "UAPI1")
	if err != nil || !removed || got.Votes != 1 {
		t.Fatalf("unvote: %v %v %+v", err, removed, got)
	}
	// Every click refreshes the board message, also the one that changed
	// nothing (its version is the same, so the outbox sends it once).
	if diff := cmp.Diff([]string{"1@2", "1@3", "1@3", "1@4"}, rec.refresh); diff != "" {
		t.Errorf("refreshes mismatch (-want +got):\n%s", diff)
	}
	if _, _, err := svc.SetStatus(ctx, i.ID, ideas.Declined, " ", "UADMIN"); !errors.As(err, new(ideas.FieldErrors)) {
		t.Errorf("declining without a reason: %v, want FieldErrors", err)
	}
	if _, changed, err := svc.SetStatus(ctx, i.ID, ideas.Planned, "", "UADMIN"); err != nil || !changed {
		t.Fatalf("planned: %v %v", err, changed)
	}
	if _, changed, err := svc.SetStatus(ctx, i.ID, ideas.Shipped, "in CI v2", "UADMIN"); err != nil || !changed {
		t.Fatalf("shipped: %v %v", err, changed)
	}
	if _, changed, _ := svc.SetStatus(ctx, i.ID, ideas.Shipped, "in CI v2", "UADMIN"); changed {
		t.Error("shipping twice changed something")
	}
	if diff := cmp.Diff([]string{"1:planned:", "1:shipped:UWEB2"}, rec.statuses); diff != "" {
		t.Errorf("status notes mismatch (-want +got):\n%s", diff)
	}
	var ce *ideas.ClosedError
	if _, _, err := svc.Vote(ctx, i.ID, "UDATA1"); !errors.As(err, &ce) || !strings.Contains(domain.ErrorMessage(err), "shipped") {
		t.Errorf("vote after shipping: %v", err)
	}
	if _, _, err := svc.Vote(ctx, 42, "UDATA1"); domain.ErrorMessage(err) != "There is no idea #42." || !errors.Is(err, ideas.ErrNotFound) {
		t.Errorf("vote for an unknown idea: %v", err)
	}
}

func TestMergeAndPosted(t *testing.T) {
	ctx := context.Background()
	svc, st, rec := newService(ideas.ByVotes)
	a, b := submit(t, svc, "UWEB1", "Preview envs"), submit(t, svc, "UAPI1", "PR previews")
	svc.Vote(ctx, a.ID, "UX")
	svc.Vote(ctx, b.ID, "UX")
	svc.Vote(ctx, b.ID, "UY")
	if _, err := svc.Merge(ctx, a.ID, a.ID, "UADMIN"); !errors.As(err, new(ideas.FieldErrors)) {
		t.Errorf("merge into itself: %v", err)
	}
	rec.refresh = nil
	res, err := svc.Merge(ctx, b.ID, a.ID, "UADMIN")
	if err != nil || res.Moved != 1 || res.Into.Votes != 2 || res.Dup.Status != ideas.Merged {
		t.Fatalf("merge: %v %+v", err, res)
	}
	if diff := cmp.Diff([]string{fmt.Sprintf("2@%d", res.Dup.Version), fmt.Sprintf("1@%d", res.Into.Version)}, rec.refresh); diff != "" {
		t.Errorf("refreshes after merge mismatch (-want +got):\n%s", diff)
	}

	// Posted catches up only with ideas that changed since the post was
	// rendered.
	rec.refresh = nil
	c := submit(t, svc, "UWEB1", "Untouched idea")
	if err := svc.Posted(ctx, c.ID, "C0IDEAS", "1.1", c.Version); err != nil || len(rec.refresh) != 0 {
		t.Errorf("posting an untouched idea: %v, refreshes %v", err, rec.refresh)
	}
	if err := svc.Posted(ctx, a.ID, "C0IDEAS", "1.2", res.Into.Version-1); err != nil || len(rec.refresh) != 1 {
		t.Errorf("posting a changed idea: %v, refreshes %v", err, rec.refresh)
	}
	if ok, _ := svc.Current(ctx, a.ID, res.Into.Version-1); ok {
		t.Error("an older version is current")
	}
	if ok, _ := svc.Current(ctx, a.ID, res.Into.Version); !ok {
		t.Error("the latest version is not current")
	}

	// PostMissing queues the ideas without a message, old enough.
	rec.posts = nil
	if err := svc.PostMissing(ctx, -time.Minute); err != nil {
		t.Fatal(err)
	}
	if i, _ := st.Idea(ctx, b.ID); i.Status != ideas.Merged {
		t.Fatal("setup: b is not merged")
	}
	if diff := cmp.Diff([]int64(nil), rec.posts); diff != "" {
		t.Errorf("PostMissing queued %v; every unmerged idea was posted", rec.posts)
	}
}

func TestSubmitKeepsTheIdeaWhenThePostCannotBeQueued(t *testing.T) {
	svc, st, rec := newService(ideas.ByVotes)
	rec.fail = errors.New("database gone")
	i, err := svc.Submit(context.Background(), "UWEB1", ideas.Draft{Title: "Faster CI", Problem: "Builds take 40 minutes.", Affected: "web"})
	if err == nil || i.ID == 0 {
		t.Fatalf("Submit = %+v, %v; want the idea and the error", i, err)
	}
	rec.fail, rec.posts = nil, nil
	if err := svc.PostMissing(context.Background(), -time.Minute); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Idea(context.Background(), i.ID); len(rec.posts) != 1 || rec.posts[0] != got.ID {
		t.Errorf("PostMissing queued %v, want [%d]", rec.posts, i.ID)
	}
}
