package platformbot

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	mdLinkRe    = regexp.MustCompile(`\[[^\]]*\]\(([^)\s]+)\)`)
	mdHeadingRe = regexp.MustCompile(`(?m)^#{1,6} +(.+?) *$`)
	slugDropRe  = regexp.MustCompile(`[^\p{L}\p{N} _-]`)
)

// TestDocsLinks checks the relative links of the README and docs/: each
// names a file of the repository and, with #anchor, a heading of it (as
// GitHub makes anchors from headings).
func TestDocsLinks(t *testing.T) {
	files, _ := filepath.Glob("docs/*.md")
	files = append(files, "README.md", "deploy/helm/platformbot/README.md")
	checked := 0
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, target := range markdownLinks(string(raw)) {
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			path, anchor, _ := strings.Cut(target, "#")
			if path == "" {
				path = file
			} else {
				path = filepath.Join(filepath.Dir(file), path)
			}
			checked++
			doc, err := os.ReadFile(path)
			if err != nil {
				t.Errorf("%s: link %s: %v", file, target, err)
				continue
			}
			if anchor != "" && strings.HasSuffix(path, ".md") && !hasAnchor(string(doc), anchor) {
				t.Errorf("%s: link %s: %s has no heading for #%s", file, target, path, anchor)
			}
		}
	}
	if checked < 10 {
		t.Errorf("only %d links checked", checked)
	}
}

// markdownLinks returns the link targets outside code blocks and spans.
func markdownLinks(md string) []string {
	var out []string
	fenced := false
	for line := range strings.Lines(md) {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		if fenced {
			continue
		}
		for i, part := range strings.Split(line, "`") {
			if i%2 == 1 {
				continue // inside `code`
			}
			for _, m := range mdLinkRe.FindAllStringSubmatch(part, -1) {
				out = append(out, m[1])
			}
		}
	}
	return out
}

// hasAnchor reports whether a heading of md has the GitHub anchor.
func hasAnchor(md, anchor string) bool {
	for _, m := range mdHeadingRe.FindAllStringSubmatch(md, -1) {
		h := strings.ToLower(strings.ReplaceAll(m[1], "`", ""))
		if strings.ReplaceAll(slugDropRe.ReplaceAllString(h, ""), " ", "-") == anchor {
			return true
		}
	}
	return false
}
