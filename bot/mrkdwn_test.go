package bot

import (
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
