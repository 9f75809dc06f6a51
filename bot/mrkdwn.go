package bot

import "strings"

var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// Escape makes user text safe inside mrkdwn: Slack only treats &, < and > as
// control characters, and escaping them is what prevents injected mentions
// (<!channel>, <@U123>) and links (<https://evil|click>) from user input.
func Escape(s string) string { return mrkdwnEscaper.Replace(s) }
