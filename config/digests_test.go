package config

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const validDigests = `
timezone: Europe/Berlin
teams:
  - id: payments
    name: Payments
digests:
  attribution_window: 12h
  production_environments: [Production, live]
  dora_report_year: 2024
  default_window: 7d
  posts:
    - id: weekly-org
      channel: C0METRICS1
      schedule: "0 9 * * MON"
    - id: payments-monthly
      channel: C0PAYMENTS1
      schedule: "0 9 1 * *"
      timezone: America/New_York
      window: 90d
      team: payments
      sections: [office_hours, delivery]
ingest:
  token_env: TEST_INGEST_TOKEN
  max_body_bytes: 2048
  services:
    - id: checkout
      team: payments
      github_repos: [acme/checkout]
      pagerduty_services: [PCHECK1]
`

func TestDigestsParse(t *testing.T) {
	cfg := mustParse(t, validDigests)
	d := cfg.Digests
	if got, want := d.Attribution(), 12*time.Hour; got != want {
		t.Errorf("Attribution() = %s, want %s", got, want)
	}
	if diff := cmp.Diff([]string{"production", "live"}, d.Production()); diff != "" {
		t.Errorf("Production() mismatch (-want +got):\n%s", diff)
	}
	if d.ReportYear() != 2024 || d.Window() != 7*24*time.Hour {
		t.Errorf("ReportYear() = %d, Window() = %s", d.ReportYear(), d.Window())
	}
	org, ok := d.Post("weekly-org")
	if !ok {
		t.Fatal("Post(weekly-org) not found")
	}
	if org.Location(cfg.Location()).String() != "Europe/Berlin" || org.WindowOr(d.Window()) != 7*24*time.Hour {
		t.Errorf("weekly-org: location %s, window %s", org.Location(cfg.Location()), org.WindowOr(d.Window()))
	}
	if diff := cmp.Diff(DigestSections, org.SectionList()); diff != "" {
		t.Errorf("default sections mismatch (-want +got):\n%s", diff)
	}
	pay, _ := d.Post("payments-monthly")
	if diff := cmp.Diff([]string{"delivery", "office_hours"}, pay.SectionList()); diff != "" {
		t.Errorf("sections are put in display order (-want +got):\n%s", diff)
	}
	if pay.Location(time.UTC).String() != "America/New_York" || pay.WindowOr(0) != 90*24*time.Hour {
		t.Errorf("payments-monthly: %s %s", pay.Location(time.UTC), pay.WindowOr(0))
	}
	if s, ok := cfg.Ingest.ServiceForRepo("ACME/Checkout"); !ok || s.ID != "checkout" {
		t.Errorf("ServiceForRepo = %+v, %v", s, ok)
	}
	if s, ok := cfg.Ingest.ServiceForPagerDuty("PCHECK1"); !ok || s.Team != "payments" {
		t.Errorf("ServiceForPagerDuty = %+v, %v", s, ok)
	}
	if cfg.Ingest.MaxBody() != 2048 {
		t.Errorf("MaxBody() = %d", cfg.Ingest.MaxBody())
	}
}

func TestDigestsDefaults(t *testing.T) {
	cfg := mustParse(t, "digests: {}\n")
	d := cfg.Digests
	if d.Attribution() != 24*time.Hour || d.ReportYear() != 2023 || d.Window() != 30*24*time.Hour {
		t.Errorf("defaults: attribution %s, year %d, window %s", d.Attribution(), d.ReportYear(), d.Window())
	}
	if diff := cmp.Diff([]string{"production", "prod"}, d.Production()); diff != "" {
		t.Errorf("Production() mismatch (-want +got):\n%s", diff)
	}
	if cfg.Ingest.MaxBody() != DefaultMaxBodyBytes {
		t.Errorf("MaxBody() = %d", cfg.Ingest.MaxBody())
	}
}

func TestDigestsProblems(t *testing.T) {
	testProblems(t, []problemCase{
		{
			name: "settings",
			yaml: "digests:\n  attribution_window: 60d\n  dora_report_year: 2019\n  default_window: 14d\n  production_environments: ['']\n",
			want: []string{
				"2: digests.attribution_window: 1440h0m0s is longer than 30d",
				"3: digests.dora_report_year: no DORA thresholds for 2019",
				"4: digests.default_window: metric windows are 7d, 30d or 90d",
				"5: digests.production_environments[0]: an environment name",
			},
		},
		{
			name: "posts",
			yaml: "digests:\n  posts:\n    - id: Weekly\n      channel: '#metrics'\n      schedule: every monday\n      timezone: Mars/Base\n      window: 1d\n      team: payments\n      service: checkout\n      sections: [dora]\n    - id: a\n    - id: a\n      channel: C0AAAAAAA\n      schedule: '@daily'\n",
			want: []string{
				`3: digests.posts[0].id: "Weekly" is not a valid id`,
				`4: digests.posts[0].channel: "#metrics" is not a Slack channel id`,
				`5: digests.posts[0].schedule: bad cron expression "every monday"`,
				`6: digests.posts[0].timezone: unknown time zone "Mars/Base"`,
				"7: digests.posts[0].window: metric windows are 7d, 30d or 90d",
				"9: digests.posts[0].service: set team or service, not both",
				`10: digests.posts[0].sections[0]: unknown section "dora"`,
				"11: digests.posts[1].channel: a channel id (like C012AB3CD) is required",
				"11: digests.posts[1].schedule: a cron schedule is required",
				`12: digests.posts[2].id: duplicate digest id "a"`,
			},
		},
		{
			name: "ingest services",
			yaml: "ingest:\n  services:\n    - id: 'check out'\n      team: Payments\n      github_repos: [checkout]\n      pagerduty_services: [pd-1]\n    - id: x\n    - id: x\n",
			want: []string{
				`3: ingest.services[0].id: "check out" is not a service name`,
				`4: ingest.services[0].team: "Payments" is not a team id`,
				`5: ingest.services[0].github_repos[0]: "checkout" is not a repository`,
				`6: ingest.services[0].pagerduty_services[0]: "pd-1" is not a PagerDuty service id`,
				`8: ingest.services[2].id: duplicate service "x"`,
			},
		},
	})
}

func TestDigestTeamsMustExist(t *testing.T) {
	wantProblems(t, "digests:\n  posts:\n    - id: a\n      channel: C0AAAAAAA\n      schedule: '@daily'\n      team: ghosts\ningest:\n  services:\n    - id: x\n      team: ghosts\n",
		`f.yaml:6: digests.posts[0].team: unknown team "ghosts"`, `f.yaml:10: ingest.services[0].team: unknown team "ghosts"`)
}
