package ideas_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/platformbot/platformbot/ideas"
)

func TestDraftValidate(t *testing.T) {
	ok := ideas.Draft{Title: "Faster CI", Problem: "Builds take 40 minutes.", Affected: "web developers"}
	for _, tc := range []struct {
		name string
		edit func(d *ideas.Draft)
		want map[string]string // messages by field; nil: valid
	}{
		{"valid", func(*ideas.Draft) {}, nil},
		{"valid with https link", func(d *ideas.Draft) { d.Link = "https://github.com/acme/ci/issues/7" }, nil},
		{"valid with http link", func(d *ideas.Draft) { d.Link = "http://wiki.internal/ci" }, nil},
		{"all missing", func(d *ideas.Draft) { *d = ideas.Draft{} }, map[string]string{
			"title": "Give the idea a title.", "problem": "Describe the problem.", "affected": "Say who is affected."}},
		{"short title", func(d *ideas.Draft) { d.Title = "CI" }, map[string]string{"title": "Use at least 5 characters."}},
		{"title counted in characters", func(d *ideas.Draft) { d.Title = strings.Repeat("é", 120) }, nil},
		{"long title", func(d *ideas.Draft) { d.Title = strings.Repeat("é", 121) }, map[string]string{"title": "Use at most 120 characters (this has 121)."}},
		{"long problem", func(d *ideas.Draft) { d.Problem = strings.Repeat("x", 2001) }, map[string]string{"problem": "Use at most 2000 characters (this has 2001)."}},
		{"ftp link", func(d *ideas.Draft) { d.Link = "ftp://files.internal/x" }, map[string]string{"link": "Use a web link starting with https:// (or http://)."}},
		{"javascript link", func(d *ideas.Draft) { d.Link = "javascript:alert(1)" }, map[string]string{"link": "Use a web link starting with https:// (or http://)."}},
		{"link without host", func(d *ideas.Draft) { d.Link = "https:///path" }, map[string]string{"link": "Use a web link starting with https:// (or http://)."}},
		{"link with markup", func(d *ideas.Draft) { d.Link = "https://x.io/a|click" }, map[string]string{"link": "The link must not contain spaces, <, > or |."}},
		{"long link", func(d *ideas.Draft) { d.Link = "https://x.io/" + strings.Repeat("a", 500) }, map[string]string{"link": "Use a link of at most 500 characters."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := ok
			tc.edit(&d)
			if diff := cmp.Diff(tc.want, messages(d.Clean().Validate())); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseStatus(t *testing.T) {
	for in, want := range map[string]ideas.Status{
		"shipped": ideas.Shipped, "In Progress": ideas.InProgress, "in-progress": ideas.InProgress, "in_progress": ideas.InProgress,
		"review": ideas.UnderReview, "under-review": ideas.UnderReview, "planned": ideas.Planned, "declined": ideas.Declined,
		"reopen": ideas.Open, "merged": "", "": "", "bogus": "",
	} {
		got, ok := ideas.ParseStatus(in)
		if got != want || ok != (want != "") {
			t.Errorf("ParseStatus(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

// messages are the English messages of field errors by field; nil for
// none.
func messages(fe ideas.FieldErrors) map[string]string {
	if fe == nil {
		return nil
	}
	out := map[string]string{}
	for f, e := range fe {
		out[f] = e.Message
	}
	return out
}
