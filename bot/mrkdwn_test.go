package bot

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTruncate(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"short", "short"},
		{"exactly10!", "exactly10!"},
		{"a & b < c > d", "a & b < c…"},
		{"ünïcödé ünïcödé", "ünïcödé ü…"},
	} {
		if got := Truncate(c.in, 10); got != c.want {
			t.Errorf("Truncate(%q, 10) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestTruncateMrkdwn: a cut never leaves a mention, link or entity open.
func TestTruncateMrkdwn(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"by <@U0123>", "by <@U0123>"},
		{"done by <@UADMIN0001>", "done by …"},
		{"see <https://x.example|docs> now", "see …"},
		{"a &amp; bcdef &lt; c", "a &amp; bcdef …"},
		{"a &amp; b", "a &amp; b"},
		{"<@U1> ok <@U2> and more text", "<@U1> ok <@U2> an…"},
	} {
		got := TruncateMrkdwn(c.in, 18)
		if got != c.want {
			t.Errorf("TruncateMrkdwn(%q, 18) = %q, want %q", c.in, got, c.want)
		}
		if utf8.RuneCountInString(got) > 18 {
			t.Errorf("TruncateMrkdwn(%q, 18) = %q: longer than 18", c.in, got)
		}
	}
}

// FuzzCode: an id typed after a command is echoed in error replies; it
// must come out without mrkdwn control characters, in one code span, and
// short (what surveys' FuzzSanitize checked before the wording moved to
// the handlers).
func FuzzCode(f *testing.F) {
	for _, s := range []string{"devex", "<!channel>", "<@U123|x>", "*bold* _it_ ~s~ `code`", strings.Repeat("x", 100), "\xff<"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		got := Code(id, 64)
		inner := strings.TrimSuffix(strings.TrimPrefix(got, "`"), "`")
		if len(got) < 2 || strings.ContainsAny(inner, "<>&`*_~") || utf8.RuneCountInString(inner) > 65 {
			t.Fatalf("Code(%q) = %q", id, got)
		}
	})
}
