package config

import (
	"regexp"
	"time"
)

// Report configures the quarterly value report: where and when it is
// posted, the hourly cost that turns time saved into money, and the token
// of its HTTP endpoint. Owned by the report feature; see README "Value
// report".
type Report struct {
	// Channel is where the scheduled report (and `/platform report post`)
	// is posted, with its charts in the thread.
	Channel string `yaml:"channel"`
	// Schedule (five-field cron) posts the last complete quarter's report,
	// e.g. "0 9 2 1,4,7,10 *" for 09:00 on the 2nd day of each quarter.
	Schedule string `yaml:"schedule"`
	// Timezone is the zone of the schedule and of the period's days;
	// default: the top-level timezone.
	Timezone string `yaml:"timezone"`
	// HourlyCost, in Currency, values an hour of engineering time saved
	// (the ROI line: minutes saved ÷ 60 × hourly cost); 0 leaves it out.
	HourlyCost float64 `yaml:"hourly_cost"`
	Currency   string  `yaml:"currency"` // ISO 4217 code, e.g. EUR
	// TopIdeas is how many ideas of the request board the report lists.
	TopIdeas int `yaml:"top_ideas"`
	// TokenEnv names the environment variable holding the bearer token of
	// GET /api/v1/report; default: the ingest token (ingest.token_env).
	TokenEnv string `yaml:"token_env"`
}

// Bounds of report settings.
const (
	maxHourlyCost  = 100_000
	maxReportIdeas = 20
)

var currencyRe = regexp.MustCompile(`^[A-Z]{3}$`)

func (r *Report) validate(v *validator, path string) {
	v.channelID(path+".channel", r.Channel, r.Schedule != "")
	v.cron(path+".schedule", r.Schedule, false)
	v.timezone(path+".timezone", r.Timezone)
	if r.HourlyCost < 0 || r.HourlyCost > maxHourlyCost {
		v.add(path+".hourly_cost", "%v is out of range: use 0 (no ROI line) to %d", r.HourlyCost, maxHourlyCost)
	}
	switch {
	case r.Currency != "" && !currencyRe.MatchString(r.Currency):
		v.add(path+".currency", "%q is not an ISO 4217 currency code (like EUR or USD)", r.Currency)
	case r.Currency == "" && r.HourlyCost > 0:
		v.add(path+".currency", "a currency (like EUR or USD) is required with hourly_cost")
	}
	if r.TopIdeas < 0 || r.TopIdeas > maxReportIdeas {
		v.add(path+".top_ideas", "%d is out of range: use 1 to %d (default 5)", r.TopIdeas, maxReportIdeas)
	}
	if r.TokenEnv != "" {
		v.envName(path+".token_env", r.TokenEnv, "PLATFORMBOT_REPORT_TOKEN")
	}
}

// Location returns the report's time zone, falling back to def.
func (r *Report) Location(def *time.Location) *time.Location {
	if r.Timezone != "" {
		if loc, err := time.LoadLocation(r.Timezone); err == nil {
			return loc
		}
	}
	return def
}

// ReportToken returns the bearer token of the report endpoint: its own
// variable's, else the ingest token ("" disables the endpoint).
func (c *Config) ReportToken() string {
	if c.Report.TokenEnv != "" {
		return env(c.Report.TokenEnv)
	}
	return c.Ingest.Token()
}
