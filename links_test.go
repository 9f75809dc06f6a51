package platformbot_test

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// TestDocLinksResolve checks that documentation points somewhere: every
// relative link of every Markdown file (a file that exists, and a #heading
// it has), and every Markdown file under docs/ and README anchor that YAML
// files and Go comments cite. platformbot.example.yaml and code comments
// used to cite a docs/ folder that did not exist.
func TestDocLinksResolve(t *testing.T) {
	var refs []docRef
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		switch filepath.Ext(p) {
		case ".md":
			refs = append(refs, markdownLinks(t, p)...)
		case ".go", ".yaml", ".yml":
			refs = append(refs, citedDocs(t, p)...)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) < 10 {
		t.Fatalf("found %d references, want the README's contents at least", len(refs))
	}
	anchors := map[string]map[string]bool{}
	for _, r := range refs {
		if msg := r.check(anchors); msg != "" {
			t.Errorf("%s:%d: %s", r.from, r.line, msg)
		}
	}
}

// docRef is a reference to a file (root-relative, slash-separated) and an
// optional anchor in it.
type docRef struct {
	from         string
	line         int
	file, anchor string
}

func (r docRef) check(anchors map[string]map[string]bool) string {
	target := r.file
	if fi, err := os.Stat(filepath.FromSlash(target)); err != nil {
		return fmt.Sprintf("%s does not exist", target)
	} else if fi.IsDir() || r.anchor == "" {
		return ""
	}
	if !strings.HasSuffix(target, ".md") {
		return "" // an anchor in a source file is a line reference, not checked
	}
	if anchors[target] == nil {
		data, err := os.ReadFile(filepath.FromSlash(target))
		if err != nil {
			return err.Error()
		}
		anchors[target] = headingAnchors(string(data))
	}
	if !anchors[target][r.anchor] {
		return fmt.Sprintf("%s has no heading #%s", target, r.anchor)
	}
	return ""
}

var (
	mdLink   = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	docCited = regexp.MustCompile(`\b((?:docs/[\w./-]+\.md|README\.md)(?:#[\w-]+)?)`)
	fence    = regexp.MustCompile("^\\s*(```|~~~)")
)

// markdownLinks returns the relative links of a Markdown file, outside
// code blocks, resolved against its directory.
func markdownLinks(t *testing.T, p string) []docRef {
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	from := filepath.ToSlash(p)
	var out []docRef
	inCode := false
	for i, line := range strings.Split(string(data), "\n") {
		if fence.MatchString(line) {
			inCode = !inCode
			continue
		}
		if inCode {
			continue
		}
		for _, m := range mdLink.FindAllStringSubmatch(stripInlineCode(line), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			file, anchor, _ := strings.Cut(target, "#")
			if file == "" {
				file = from
			} else {
				file = path.Join(path.Dir(from), file)
			}
			out = append(out, docRef{from: from, line: i + 1, file: file, anchor: anchor})
		}
	}
	return out
}

// citedDocs returns the docs/….md and README.md#… a Go or YAML file cites,
// which are relative to the repository's root.
func citedDocs(t *testing.T, p string) []docRef {
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var out []docRef
	for i, line := range strings.Split(string(data), "\n") {
		for _, m := range docCited.FindAllStringSubmatch(line, -1) {
			file, anchor, _ := strings.Cut(m[1], "#")
			if file == "README.md" && anchor == "" {
				continue // a bare README.md is a file that exists; often a package's own
			}
			out = append(out, docRef{from: filepath.ToSlash(p), line: i + 1, file: file, anchor: anchor})
		}
	}
	return out
}

var inlineCode = regexp.MustCompile("`[^`]*`")

func stripInlineCode(s string) string { return inlineCode.ReplaceAllString(s, "") }

// headingAnchors returns the anchors GitHub gives a Markdown file's
// headings (lower case, punctuation dropped, spaces to dashes, "-1", "-2"…
// for repeats) and the ids of <a id="…"> / <a name="…"> tags.
func headingAnchors(md string) map[string]bool {
	out := map[string]bool{}
	seen := map[string]int{}
	inCode := false
	explicit := regexp.MustCompile(`<a (?:id|name)="([^"]+)"`)
	for _, line := range strings.Split(md, "\n") {
		if fence.MatchString(line) {
			inCode = !inCode
			continue
		}
		if inCode {
			continue
		}
		for _, m := range explicit.FindAllStringSubmatch(line, -1) {
			out[m[1]] = true
		}
		trimmed := strings.TrimLeft(line, "#")
		if !strings.HasPrefix(line, "#") || !strings.HasPrefix(trimmed, " ") {
			continue
		}
		slug := slugify(strings.TrimSpace(trimmed))
		if n := seen[slug]; n > 0 {
			out[fmt.Sprintf("%s-%d", slug, n)] = true
		} else {
			out[slug] = true
		}
		seen[slug]++
	}
	return out
}

// slugify is GitHub's heading anchor: markup dropped, lower case, letters,
// digits, "-" and "_" kept, spaces to dashes.
func slugify(heading string) string {
	heading = strings.NewReplacer("`", "", "*", "").Replace(heading)
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

func TestHeadingAnchors(t *testing.T) {
	got := headingAnchors("# platformbot\n## Configuration\n```\n# not a heading\n```\n### Configuration\n#### `POST /api/v1/deployments`\n### How slots are made (time zones and daylight saving)\n<a id=\"custom\"></a>\n")
	for _, want := range []string{"platformbot", "configuration", "configuration-1", "post-apiv1deployments", "how-slots-are-made-time-zones-and-daylight-saving", "custom"} {
		if !got[want] {
			t.Errorf("no anchor %q in %v", want, got)
		}
	}
	if got["not-a-heading"] {
		t.Error("a comment in a code block became a heading")
	}
	if msg := (docRef{file: "README.md", anchor: "no-such-section"}).check(map[string]map[string]bool{}); msg == "" {
		t.Error("a missing anchor passed")
	}
	if msg := (docRef{file: path.Join("docs", "nowhere.md")}).check(nil); msg == "" {
		t.Error("a missing file passed")
	}
}
