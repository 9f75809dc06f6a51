// Package config loads and validates platformbot's YAML configuration. Every
// problem is reported with its line, all at once, so an operator fixes a file
// in one pass.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
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
	Digests     Digests       `yaml:"digests"`
	Ingest      Ingest        `yaml:"ingest"`
	Scheduler   Scheduler     `yaml:"scheduler"`

	location *time.Location
}

// Slack holds command names and channels.
type Slack struct {
	Commands      Commands `yaml:"commands"`
	TriageChannel string   `yaml:"triage_channel"` // channel id for approvals and SLA nudges
}

// Commands are the slash command names as configured in the Slack app.
type Commands struct {
	Platform    string `yaml:"platform"`
	OfficeHours string `yaml:"officehours"`
	Pulse       string `yaml:"pulse"`
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
}

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

// Parse decodes and validates YAML data; name is used in messages.
func Parse(name string, data []byte) (*Config, error) {
	probs := &Problems{File: name}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		probs.List = append(probs.List, yamlProblems(err)...)
		return nil, probs
	}
	cfg := Defaults()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, errEOF) {
		probs.List = append(probs.List, yamlProblems(err)...)
	}
	v := &validator{lines: map[string]int{}}
	indexLines(&root, "", v.lines)
	cfg.validate(v)
	probs.List = append(probs.List, v.problems...)
	if len(probs.List) > 0 {
		return nil, probs
	}
	return cfg, nil
}

// Defaults returns a configuration with every default filled in.
func Defaults() *Config {
	return &Config{
		Slack:     Slack{Commands: Commands{Platform: "/platform", OfficeHours: "/officehours", Pulse: "/pulse"}},
		Timezone:  "UTC",
		Scheduler: Scheduler{CatchUpGrace: Duration(time.Hour)},
	}
}

func (c *Config) validate(v *validator) {
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		v.add("timezone", "unknown time zone %q (use an IANA name such as Europe/Berlin)", c.Timezone)
		loc = time.UTC
	}
	c.location = loc
	for key, name := range map[string]string{"platform": c.Slack.Commands.Platform, "officehours": c.Slack.Commands.OfficeHours, "pulse": c.Slack.Commands.Pulse} {
		if !strings.HasPrefix(name, "/") || strings.ContainsAny(name, " \t") {
			v.add("slack.commands."+key, "a slash command must start with / and have no spaces, got %q", name)
		}
	}
	v.channelID("slack.triage_channel", c.Slack.TriageChannel, false)
	for i, u := range c.Admins.Users {
		v.userID(fmt.Sprintf("admins.users[%d]", i), u)
	}
	v.userGroupID("admins.usergroup", c.Admins.UserGroup, false)
	if c.Scheduler.CatchUpGrace < 0 {
		v.add("scheduler.catch_up_grace", "must not be negative")
	}
	c.validateTeams(v)
	c.validateCatalog(v)
	c.OfficeHours.validate(v, "office_hours")
	c.validateSurveys(v)
	c.Digests.validate(v, "digests")
	c.Ingest.validate(v, "ingest")
	c.validateTeamRefs(v)
}
