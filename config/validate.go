package config

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/platformbot/platformbot/internal/cronspec"
)

var errEOF = io.EOF

// validator collects problems with the line of the offending value.
type validator struct {
	lines    map[string]int // path → line
	values   map[string]*yaml.Node
	problems []Problem
}

// add records a problem at path, using the line of the closest known path,
// with the value written there when the message does not quote it.
func (v *validator) add(path, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if val := scalarText(v.values[path]); val != "" && !strings.Contains(msg, val) {
		msg += " (got " + val + ")"
	}
	v.problems = append(v.problems, Problem{Line: v.line(path), Path: path, Msg: msg})
}

// addSecret records a problem without the value, which may be a secret
// pasted by mistake: problems end up in terminals and logs.
func (v *validator) addSecret(path, format string, args ...any) {
	v.problems = append(v.problems, Problem{Line: v.line(path), Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) line(path string) int {
	for p := path; p != ""; {
		if l, ok := v.lines[p]; ok {
			return l
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return 0
}

var (
	userIDRe      = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)
	channelIDRe   = regexp.MustCompile(`^[CGD][A-Z0-9]{2,}$`)
	userGroupIDRe = regexp.MustCompile(`^S[A-Z0-9]{2,}$`)
)

func (v *validator) userID(path, id string) {
	if !userIDRe.MatchString(id) {
		v.add(path, "%q is not a Slack user id (like U012AB3CD)", id)
	}
}

func (v *validator) channelID(path, id string, required bool) {
	if id == "" {
		if required {
			v.add(path, "a channel id (like C012AB3CD) is required")
		}
		return
	}
	if !channelIDRe.MatchString(id) {
		v.add(path, "%q is not a Slack channel id (like C012AB3CD; names change, ids do not)", id)
	}
}

func (v *validator) userGroupID(path, id string, required bool) {
	if id == "" {
		if required {
			v.add(path, "a user group id (like S012AB3CD) is required")
		}
		return
	}
	if !userGroupIDRe.MatchString(id) {
		v.add(path, "%q is not a Slack user group id (like S012AB3CD)", id)
	}
}

// slugID checks the id of one entry of a list at path: a slug (noun names
// it in the message: "id", "field id") that no earlier entry has (kind names
// it: "duplicate team id"). seen holds the ids of the entries so far.
func (v *validator) slugID(path string, seen map[string]bool, id, noun, kind string) {
	if !slugRe.MatchString(id) {
		v.add(path, "%q is not a valid %s (lower-case letters, digits, - and _)", id, noun)
		return
	}
	v.unique(path, seen, id, kind)
}

// unique reports id at path when seen holds it already ("duplicate <kind>"),
// and adds it to seen.
func (v *validator) unique(path string, seen map[string]bool, id, kind string) {
	if seen[id] {
		v.add(path, "duplicate %s %q", kind, id)
	}
	seen[id] = true
}

// title checks a required title that fits Slack's titles.
func (v *validator) title(path, title string) {
	switch {
	case strings.TrimSpace(title) == "":
		v.add(path, "a title is required")
	case len([]rune(title)) > maxTitle:
		v.add(path, "must be at most %d characters", maxTitle)
	}
}

// teamID checks an optional reference to a team (whether the team is
// declared is checked by validateTeamRefs).
func (v *validator) teamID(path, team string) {
	if team != "" && !slugRe.MatchString(team) {
		v.add(path, "%q is not a team id", team)
	}
}

// envName reports name at path unless it is an environment variable name;
// like is an example name for the message ("" for none). The message does
// not repeat the value: it is often the secret itself, pasted by mistake,
// and problems end up in terminals and logs.
func (v *validator) envName(path, name, like string) bool {
	if envNameRe.MatchString(name) {
		return true
	}
	msg := "is not an environment variable name"
	if like != "" {
		msg += " (like " + like + ")"
	}
	v.addSecret(path, "%s: name the variable that holds the secret here, not the secret itself", msg)
	return false
}

// envSet reports name at path when the environment variable is not set;
// holds says what it holds ("the webhook signing secret").
func (v *validator) envSet(path, name, holds string) {
	if env(name) == "" {
		v.add(path, "environment variable %s is not set (it holds %s)", name, holds)
	}
}

func (v *validator) cron(path, expr string, required bool) {
	if expr == "" {
		if required {
			v.add(path, "a cron schedule is required, e.g. \"0 10 * * MON\"")
		}
		return
	}
	if _, err := cronspec.Parse(expr, nil); err != nil {
		v.add(path, "bad cron expression %q: %s", expr, strings.TrimPrefix(err.Error(), "cronspec: "))
	}
}

func (v *validator) timezone(path, tz string) {
	if tz == "" {
		return
	}
	if _, err := time.LoadLocation(tz); err != nil {
		v.add(path, "unknown time zone %q (use an IANA name such as Europe/Berlin)", tz)
	}
}
