package bot

import (
	"strings"
	"unicode/utf8"
)

var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// Escape makes user text safe inside mrkdwn: Slack only treats &, < and > as
// control characters, and escaping them is what prevents injected mentions
// (<!channel>, <@U123>) and links (<https://evil|click>) from user input.
func Escape(s string) string { return mrkdwnEscaper.Replace(s) }

// Truncate shortens s to at most n characters (n ≥ 1), marking the cut with
// "…". For text already in mrkdwn use TruncateMrkdwn.
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// TruncateMrkdwn is Truncate for mrkdwn: it never cuts through a <…>
// token (a mention or link would be left open) or an &…; entity (Slack
// would show it raw), but before it.
func TruncateMrkdwn(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	kept := string([]rune(s)[:n-1])
	if i := strings.LastIndexByte(kept, '<'); i > strings.LastIndexByte(kept, '>') {
		kept = kept[:i]
	}
	if i := strings.LastIndexByte(kept, '&'); i >= 0 && !strings.Contains(kept[i:], ";") {
		kept = kept[:i]
	}
	return kept + "…"
}

// Code puts text a person typed (an id) in a code span for an error
// reply: without mrkdwn's control characters and backticks, which would
// end the span, and cut to n characters.
func Code(s string, n int) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch r {
		case '<', '>', '&', '`', '*', '_', '~':
			continue
		}
		out = append(out, r)
	}
	if len(out) > n {
		out = append(out[:n], '…')
	}
	return "`" + string(out) + "`"
}
