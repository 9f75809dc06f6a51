package console

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// date renders Slack's date token "!date^UNIX^FORMAT[^LINK]" as Slack does
// for the reader — the acting user, in their zone from Options.Users, else
// Options.TZ — and names the zone after a time. A token it cannot read is
// left to its fallback text. c.mu is held.
func (c *Console) date(token string) (string, bool) {
	parts := strings.Split(token, "^")
	if len(parts) < 3 {
		return "", false
	}
	unix, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return "", false
	}
	loc := c.location(c.user)
	t := time.Unix(unix, 0).In(loc)
	now := c.now().In(loc)
	out := dateField.ReplaceAllStringFunc(parts[2], func(f string) string {
		return dateText(strings.Trim(f, "{}"), t, now)
	})
	if strings.Contains(parts[2], "{time") {
		out += " " + t.Format("MST")
	}
	return out, true
}

var dateField = regexp.MustCompile(`\{[a-z_]+\}`)

// dateText renders one {field} of a date token; unknown fields stay as
// they are, as in Slack.
func dateText(field string, t, now time.Time) string {
	pretty := func(layout string) string {
		switch days := dayDiff(now, t); days {
		case 0:
			return "today"
		case -1:
			return "yesterday"
		case 1:
			return "tomorrow"
		}
		return t.Format(layout)
	}
	switch field {
	case "date_num":
		return t.Format("2006-01-02")
	case "date":
		return t.Format("January 2, 2006")
	case "date_short":
		return t.Format("Jan 2, 2006")
	case "date_long":
		return t.Format("Monday, January 2, 2006")
	case "date_pretty":
		return pretty("January 2, 2006")
	case "date_short_pretty":
		return pretty("Jan 2, 2006")
	case "date_long_pretty":
		return pretty("Monday, January 2, 2006")
	case "time":
		return t.Format("15:04")
	case "time_secs":
		return t.Format("15:04:05")
	case "ago":
		return ago(now.Sub(t))
	}
	return "{" + field + "}"
}

// dayDiff is the number of calendar days from a to b in a's zone.
func dayDiff(a, b time.Time) int {
	ay, am, ad := a.Date()
	by, bm, bd := b.In(a.Location()).Date()
	da := time.Date(ay, am, ad, 12, 0, 0, 0, time.UTC)
	db := time.Date(by, bm, bd, 12, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}

func ago(d time.Duration) string {
	if d < 0 {
		return "in " + span(-d)
	}
	if d < time.Minute {
		return "just now"
	}
	return span(d) + " ago"
}

func span(d time.Duration) string {
	n, unit := int(d.Hours()/24), "day"
	switch {
	case d < time.Hour:
		n, unit = int(d.Minutes()), "minute"
	case d < 48*time.Hour:
		n, unit = int(d.Hours()), "hour"
	}
	if n != 1 {
		unit += "s"
	}
	return strconv.Itoa(n) + " " + unit
}

// location returns a user's time zone: from Options.Users, else
// Options.TZ, else UTC.
func (c *Console) location(user string) *time.Location {
	tz := c.opts.TZ
	if u, ok := c.opts.Users[user]; ok && u.TZ != "" {
		tz = u.TZ
	}
	if loc, err := time.LoadLocation(tz); err == nil && tz != "" {
		return loc
	}
	return time.UTC
}

func (c *Console) now() time.Time {
	if c.opts.Now != nil {
		return c.opts.Now()
	}
	return time.Now()
}
