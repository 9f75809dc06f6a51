// Package config loads and validates platformbot's YAML configuration. Every
// problem is reported with its line, all at once, so an operator fixes a file
// in one pass.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is the whole configuration file.
type Config struct {
	Slack       Slack         `yaml:"slack"`
	Admins      Admins        `yaml:"admins"`
	Timezone    string        `yaml:"timezone"`
	Teams       []Team        `yaml:"teams"`
	Catalog     []RequestType `yaml:"catalog"`
	OfficeHours OfficeHours   `yaml:"office_hours"`
	Surveys     []Survey      `yaml:"surveys"`
	Previews    []Preview     `yaml:"previews"`
	Digests     Digests       `yaml:"digests"`
	Ingest      Ingest        `yaml:"ingest"`
	Ideas       Ideas         `yaml:"ideas"`
	Report      Report        `yaml:"report"`
	Scheduler   Scheduler     `yaml:"scheduler"`
	Delivery    Delivery      `yaml:"delivery"`
	Language    Language      `yaml:"language"`

	location *time.Location
	warnings []Problem
}

// Warnings are what is odd about the file without making it invalid, such
// as a file that configures nothing.
func (c *Config) Warnings() []Problem { return c.warnings }

// Slack holds command names and channels.
type Slack struct {
	Commands      Commands `yaml:"commands"`
	TriageChannel string   `yaml:"triage_channel"` // channel id for approvals and SLA nudges
	// RateLimits are the workspace's Web API budgets in calls per minute,
	// by method (e.g. chat.postMessage: 600), replacing the built-in
	// defaults of Slack's tiers; "chat.postMessage/channel" is the
	// per-channel limit. Replicas divide each budget between them.
	RateLimits map[string]float64 `yaml:"rate_limits"`
}

// Commands are the slash command names as configured in the Slack app.
type Commands struct {
	Platform    string `yaml:"platform"`
	OfficeHours string `yaml:"officehours"`
	Pulse       string `yaml:"pulse"`
	Preview     string `yaml:"preview"`
}

// Admins is the platform team: user ids and/or one user group.
type Admins struct {
	Users     []string `yaml:"users"`
	UserGroup string   `yaml:"usergroup"`
}

// Scheduler tunes scheduled jobs.
type Scheduler struct {
	// CatchUpGrace is how late a missed occurrence may still run after a
	// restart; older ones are skipped.
	CatchUpGrace Duration `yaml:"catch_up_grace"`
	// SendLease is how long a replica holds a pending send (a survey DM,
	// a reminder) it has claimed: if the replica dies, another one takes
	// the send over when the lease expires. Shorter means a quicker
	// take-over; each post must finish within half of it. Default 5m.
	SendLease Duration `yaml:"send_lease"`
}

// Bounds of scheduler.send_lease: below the minimum, a slow Slack would
// make claims expire while their posts are still on the way (and be sent
// twice); above the maximum a dead replica's sends would wait for hours.
const (
	MinSendLease = 2 * time.Second
	MaxSendLease = 24 * time.Hour
)

// Bounds of slack.rate_limits values, in calls per minute.
const maxRateLimit = 1_000_000

var rateLimitKeyRe = regexp.MustCompile(`^[a-z][a-zA-Z]*(\.[a-zA-Z]+)+(/channel)?$`)

// Location returns the configured default time zone.
func (c *Config) Location() *time.Location {
	if c.location == nil {
		return time.UTC
	}
	return c.location
}

// Problem is one thing wrong with a config file.
type Problem struct {
	Line int
	Path string
	Msg  string
}

// Problems lists everything wrong with a config file.
type Problems struct {
	File string
	List []Problem
}

func (p *Problems) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d problem(s):", p.File, len(p.List))
	for _, pr := range p.List {
		b.WriteString("\n  ")
		b.WriteString(pr.String(p.File))
	}
	return b.String()
}

// String renders the problem as file:line: path: message.
func (pr Problem) String(file string) string {
	loc := file
	if pr.Line > 0 {
		loc = fmt.Sprintf("%s:%d", file, pr.Line)
	}
	if pr.Path != "" {
		return fmt.Sprintf("%s: %s: %s", loc, pr.Path, pr.Msg)
	}
	return fmt.Sprintf("%s: %s", loc, pr.Msg)
}

// Load reads and validates the file at path. The error is a *Problems when
// the file was read but is invalid.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("config: %s does not exist", path)
		}
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes and validates YAML data; name is used in messages. Every
// problem has its line, its key path and the value written there, and the
// problems come sorted by line.
func Parse(name string, data []byte) (*Config, error) {
	probs := &Problems{File: name}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		probs.List = yamlProblems(err, nil)
		return nil, probs
	}
	ix := newDocIndex(&root)
	cfg := Defaults()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, errEOF) {
		probs.List = append(probs.List, yamlProblems(err, ix)...)
	}
	v := &validator{lines: ix.lines, values: ix.values}
	cfg.validate(v)
	probs.List = append(probs.List, v.problems...)
	if len(probs.List) > 0 {
		sortProblems(probs.List)
		return nil, probs
	}
	if len(ix.order) == 0 {
		cfg.warnings = append(cfg.warnings, Problem{Msg: "the file configures nothing (it is empty): the defaults apply, so there is no catalog, no office hours, no surveys and no digests"})
	}
	return cfg, nil
}

// Defaults returns a configuration with every default filled in.
func Defaults() *Config {
	return &Config{
		Slack:     Slack{Commands: Commands{Platform: "/platform", OfficeHours: "/officehours", Pulse: "/pulse", Preview: "/preview"}},
		Timezone:  "UTC",
		Scheduler: Scheduler{CatchUpGrace: Duration(time.Hour), SendLease: Duration(5 * time.Minute)},
		Language:  Language{Default: "en"},
	}
}

func (c *Config) validate(v *validator) {
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		v.add("timezone", "unknown time zone %q (use an IANA name such as Europe/Berlin)", c.Timezone)
		loc = time.UTC
	}
	c.location = loc
	for key, name := range map[string]string{"platform": c.Slack.Commands.Platform, "officehours": c.Slack.Commands.OfficeHours, "pulse": c.Slack.Commands.Pulse, "preview": c.Slack.Commands.Preview} {
		if !strings.HasPrefix(name, "/") || strings.ContainsAny(name, " \t") {
			v.add("slack.commands."+key, "a slash command must start with / and have no spaces, got %q", name)
		}
	}
	v.channelID("slack.triage_channel", c.Slack.TriageChannel, false)
	for i, u := range c.Admins.Users {
		v.userID(fmt.Sprintf("admins.users[%d]", i), u)
	}
	v.userGroupID("admins.usergroup", c.Admins.UserGroup, false)
	c.Scheduler.validate(v, "scheduler")
	c.Delivery.validate(v, "delivery")
	c.Slack.validateRateLimits(v, "slack.rate_limits")
	c.validateTeams(v)
	c.validateCatalog(v)
	c.OfficeHours.validate(v, "office_hours")
	c.validateSurveys(v)
	c.validatePreviews(v)
	c.Digests.validate(v, "digests")
	c.Ingest.validate(v, "ingest")
	c.Ideas.validate(v, "ideas")
	c.Report.validate(v, "report")
	c.Language.validate(v, "language")
	c.validateTeamRefs(v)
}

func (s *Scheduler) validate(v *validator, path string) {
	if s.CatchUpGrace < 0 {
		v.add(path+".catch_up_grace", "must not be negative")
	}
	if d := s.SendLease.D(); d < MinSendLease || d > MaxSendLease {
		v.add(path+".send_lease", "%s is out of range: use %s to %s (default 5m)", d, MinSendLease, MaxSendLease)
	}
}

func (s *Slack) validateRateLimits(v *validator, path string) {
	for _, m := range slices.Sorted(maps.Keys(s.RateLimits)) {
		p := path + "." + m
		if !rateLimitKeyRe.MatchString(m) {
			v.add(p, "%q is not a Slack Web API method (like chat.postMessage or users.info)", m)
		}
		if n := s.RateLimits[m]; n <= 0 || n > maxRateLimit {
			v.add(p, "%v calls per minute is out of range: use more than 0 and at most %d", n, maxRateLimit)
		}
	}
}
