package config

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Digests configures how delivery metrics are computed and which metric
// digests are posted where. Owned by the metrics feature; see docs/metrics.md#metric-digests.
type Digests struct {
	// AttributionWindow bounds how far back an incident that names no
	// deployment looks for the production deployment of its service that
	// caused it. Default 24h.
	AttributionWindow Duration `yaml:"attribution_window"`
	// ProductionEnvironments are the deployment environments that count as
	// production (compared case-insensitively). Default [production, prod].
	ProductionEnvironments []string `yaml:"production_environments"`
	// DORAReportYear picks the published performance-level thresholds; the
	// year is printed in every digest. Default 2023.
	DORAReportYear int `yaml:"dora_report_year"`
	// DefaultWindow is the window of `/platform metrics` and App Home when
	// none is given. Default 30d.
	DefaultWindow Duration `yaml:"default_window"`
	// Posts are the scheduled digests, each with its channel, filters,
	// window and time zone.
	Posts []DigestPost `yaml:"posts"`
}

// DigestPost is one scheduled digest.
type DigestPost struct {
	ID       string   `yaml:"id"`       // stable: keys the job and its once-per-occurrence claim
	Channel  string   `yaml:"channel"`  // channel id
	Schedule string   `yaml:"schedule"` // five-field cron, e.g. "0 9 * * MON"
	Timezone string   `yaml:"timezone"` // IANA zone of the schedule and window boundaries; default: top-level timezone
	Window   Duration `yaml:"window"`   // 7d, 30d or 90d; default: digests.default_window
	Team     string   `yaml:"team"`     // only this team (a teams[].id); empty: the whole organization
	Service  string   `yaml:"service"`  // only this service; excludes team
	Sections []string `yaml:"sections"` // default: all of DigestSections
}

// DigestSections are the areas a digest can show, in display order.
var DigestSections = []string{"delivery", "satisfaction", "adoption", "self_service", "office_hours"}

// DORAReportYears are the report years whose thresholds metrics knows.
var DORAReportYears = []int{2023, 2024}

// MetricWindows are the window lengths metrics are computed over.
var MetricWindows = []time.Duration{7 * 24 * time.Hour, 30 * 24 * time.Hour, 90 * 24 * time.Hour}

const (
	defaultAttributionWindow = 24 * time.Hour
	defaultMetricWindow      = 30 * 24 * time.Hour
	defaultDORAReportYear    = 2023
)

func (d *Digests) validate(v *validator, path string) {
	if d.AttributionWindow < 0 {
		v.add(path+".attribution_window", "must not be negative")
	} else if d.AttributionWindow.D() > 30*24*time.Hour {
		v.add(path+".attribution_window", "%s is longer than 30d: incidents would be blamed on old, unrelated deployments", d.AttributionWindow.D())
	}
	for i, env := range d.ProductionEnvironments {
		if strings.TrimSpace(env) == "" || len(env) > 64 {
			v.add(fmt.Sprintf("%s.production_environments[%d]", path, i), "an environment name of 1 to 64 characters is required")
		}
	}
	if d.DORAReportYear != 0 && !slices.Contains(DORAReportYears, d.DORAReportYear) {
		v.add(path+".dora_report_year", "no DORA thresholds for %d; known report years: %v", d.DORAReportYear, DORAReportYears)
	}
	if d.DefaultWindow != 0 {
		validWindow(v, path+".default_window", d.DefaultWindow)
	}
	seen := map[string]bool{}
	for i, p := range d.Posts {
		pp := fmt.Sprintf("%s.posts[%d]", path, i)
		v.slugID(pp+".id", seen, p.ID, "id", "digest id")
		p.validate(v, pp)
	}
}

func (p *DigestPost) validate(v *validator, path string) {
	v.channelID(path+".channel", p.Channel, true)
	v.cron(path+".schedule", p.Schedule, true)
	v.timezone(path+".timezone", p.Timezone)
	if p.Window != 0 {
		validWindow(v, path+".window", p.Window)
	}
	if p.Team != "" && p.Service != "" {
		v.add(path+".service", "set team or service, not both")
	}
	v.teamID(path+".team", p.Team)
	for i, s := range p.Sections {
		if !slices.Contains(DigestSections, s) {
			v.add(fmt.Sprintf("%s.sections[%d]", path, i), "unknown section %q; sections are %s", s, strings.Join(DigestSections, ", "))
		}
	}
}

func validWindow(v *validator, path string, w Duration) {
	if !slices.Contains(MetricWindows, w.D()) {
		v.add(path, "metric windows are 7d, 30d or 90d, got %s", w.D())
	}
}

// Attribution returns the incident attribution window (default 24h).
func (d *Digests) Attribution() time.Duration {
	if d.AttributionWindow <= 0 {
		return defaultAttributionWindow
	}
	return d.AttributionWindow.D()
}

// Production returns the production environment names, lower-cased.
func (d *Digests) Production() []string {
	if len(d.ProductionEnvironments) == 0 {
		return []string{"production", "prod"}
	}
	out := make([]string, 0, len(d.ProductionEnvironments))
	for _, e := range d.ProductionEnvironments {
		out = append(out, strings.ToLower(strings.TrimSpace(e)))
	}
	return out
}

// ReportYear returns the DORA report year whose thresholds are used.
func (d *Digests) ReportYear() int {
	if d.DORAReportYear == 0 {
		return defaultDORAReportYear
	}
	return d.DORAReportYear
}

// Window returns the default metric window.
func (d *Digests) Window() time.Duration {
	if d.DefaultWindow == 0 {
		return defaultMetricWindow
	}
	return d.DefaultWindow.D()
}

// Post returns the digest with the given id.
func (d *Digests) Post(id string) (DigestPost, bool) {
	for _, p := range d.Posts {
		if p.ID == id {
			return p, true
		}
	}
	return DigestPost{}, false
}

// Location returns the digest's time zone, falling back to def.
func (p *DigestPost) Location(def *time.Location) *time.Location {
	if p.Timezone != "" {
		if loc, err := time.LoadLocation(p.Timezone); err == nil {
			return loc
		}
	}
	return def
}

// WindowOr returns the digest's window, falling back to def.
func (p *DigestPost) WindowOr(def time.Duration) time.Duration {
	if p.Window == 0 {
		return def
	}
	return p.Window.D()
}

// SectionList returns the digest's sections in display order (all when
// none are configured).
func (p *DigestPost) SectionList() []string {
	if len(p.Sections) == 0 {
		return slices.Clone(DigestSections)
	}
	var out []string
	for _, s := range DigestSections {
		if slices.Contains(p.Sections, s) {
			out = append(out, s)
		}
	}
	return out
}
