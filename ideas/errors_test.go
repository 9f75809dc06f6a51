package ideas_test

import (
	"context"
	"errors"
	"testing"

	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/ideas"
)

// TestFailuresAreDomainErrors: every failure a person can act on is a
// domain error that errors.Is matches against its sentinel, with its
// code, and a message that says which idea.
func TestFailuresAreDomainErrors(t *testing.T) {
	ctx := context.Background()
	svc, _, _ := newService(ideas.ByVotes)
	shipped, dup, into := submit(t, svc, "UWEB1", "Faster CI"), submit(t, svc, "UWEB1", "PR previews"), submit(t, svc, "UAPI1", "Preview envs")
	if _, _, err := svc.SetStatus(ctx, shipped.ID, ideas.Shipped, "", "UADMIN"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Merge(ctx, dup.ID, into.ID, "UADMIN"); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		err      func() error
		sentinel *domain.Error
		code     domain.Code
		msg      string
	}{
		{"no such idea", func() error { _, err := svc.Idea(ctx, 42); return err }, ideas.ErrNotFound, domain.NotFound, "There is no idea #42."},
		{"vote for no idea", func() error { _, _, err := svc.Vote(ctx, 42, "UX"); return err }, ideas.ErrNotFound, domain.NotFound, "There is no idea #42."},
		{"status of no idea", func() error { _, _, err := svc.SetStatus(ctx, 42, ideas.Planned, "", "UADMIN"); return err }, ideas.ErrNotFound, domain.NotFound, "There is no idea #42."},
		{"merge into no idea", func() error { _, err := svc.Merge(ctx, into.ID, 42, "UADMIN"); return err }, ideas.ErrNotFound, domain.NotFound, "There is no idea #3 or #42."},
		{"vote after shipping", func() error { _, _, err := svc.Vote(ctx, shipped.ID, "UX"); return err }, ideas.ErrClosed, domain.Conflict, "#1 is shipped, so its votes are final."},
		{"vote for a merged idea", func() error { _, _, err := svc.Vote(ctx, dup.ID, "UX"); return err }, ideas.ErrClosed, domain.Conflict, "#2 was merged into #3: its votes moved there, so vote for #3 instead."},
	}
	for _, tc := range cases {
		err := tc.err()
		if !errors.Is(err, tc.sentinel) {
			t.Errorf("%s: %v is not %v", tc.name, err, tc.sentinel)
		}
		if got := domain.ErrorCode(err); got != tc.code {
			t.Errorf("%s: code %q, want %q", tc.name, got, tc.code)
		}
		if got := domain.ErrorMessage(err); got != tc.msg {
			t.Errorf("%s: message %q, want %q", tc.name, got, tc.msg)
		}
	}
}
