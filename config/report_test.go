package config

import (
	"testing"
	"time"
)

func TestReportParse(t *testing.T) {
	t.Setenv("T_REPORT_TOKEN", "r-token")
	t.Setenv("T_INGEST_TOKEN", "i-token")
	cfg, err := Parse("f.yaml", []byte("timezone: UTC\ningest:\n  token_env: T_INGEST_TOKEN\nreport:\n  channel: C0LEADERS1\n  schedule: '0 9 2 1,4,7,10 *'\n  timezone: Europe/Berlin\n  hourly_cost: 95.5\n  currency: EUR\n  top_ideas: 3\n  token_env: T_REPORT_TOKEN\n"))
	if err != nil {
		t.Fatal(err)
	}
	r := cfg.Report
	if r.Channel != "C0LEADERS1" || r.HourlyCost != 95.5 || r.Currency != "EUR" || r.TopIdeas != 3 || r.Location(time.UTC).String() != "Europe/Berlin" {
		t.Errorf("report = %+v", r)
	}
	if cfg.ReportToken() != "r-token" {
		t.Errorf("token = %q", cfg.ReportToken())
	}
	cfg.Report.TokenEnv = ""
	if cfg.ReportToken() != "i-token" {
		t.Errorf("token without its own variable = %q, want the ingest token", cfg.ReportToken())
	}
}

func TestReportProblems(t *testing.T) {
	testProblems(t, []problemCase{
		{
			name: "settings",
			yaml: "report:\n  channel: '#leaders'\n  schedule: quarterly\n  timezone: Mars/Base\n  hourly_cost: -1\n  currency: euro\n  top_ideas: 50\n  token_env: s3cret-value\n",
			want: []string{
				`2: report.channel: "#leaders" is not a Slack channel id`,
				`3: report.schedule: bad cron expression "quarterly"`,
				`4: report.timezone: unknown time zone "Mars/Base"`,
				"5: report.hourly_cost: -1 is out of range",
				`6: report.currency: "euro" is not an ISO 4217 currency code`,
				"7: report.top_ideas: 50 is out of range",
				"8: report.token_env: is not an environment variable name",
			},
		},
		{
			name: "schedule without channel, cost without currency",
			yaml: "report:\n  schedule: '0 9 2 1,4,7,10 *'\n  hourly_cost: 80\n",
			want: []string{
				"1: report.channel: a channel id (like C012AB3CD) is required",
				"1: report.currency: a currency (like EUR or USD) is required with hourly_cost",
			},
		},
	})
}
