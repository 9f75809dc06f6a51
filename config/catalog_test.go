package config

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

const validCatalog = `
slack:
  triage_channel: C0TRIAGE1
catalog:
  - id: new-repo
    title: New repository
    description: A GitHub repository with CI.
    manual_minutes: 30
    sla: 2d
    fields:
      - id: name
        label: Name
        type: text
        required: true
        pattern: '[a-z][a-z0-9-]{2,40}'
        pattern_hint: lower-case letters, digits and dashes
      - id: visibility
        label: Visibility
        type: select
        default: private
        options:
          - {value: private}
          - {value: public, label: Public (needs review)}
        standard: [private]
      - id: teams
        label: Teams
        type: multi_select
        default: [web, api]
        max: 3
        options: [{value: web}, {value: api}, {value: data}]
      - id: quota
        label: CI minutes
        type: number
        min: 100
        max: 5000
    approval:
      policy: usergroup
      usergroup: S0PLATFORM
      required: 2
    automation:
      url: https://hooks.example.com/repo
      secret_env: TEST_REPO_SECRET
      timeout: 5s
`

func TestCatalogParses(t *testing.T) {
	t.Setenv("TEST_REPO_SECRET", "s3cret")
	cfg := mustParse(t, validCatalog)
	rt, ok := cfg.Type("new-repo")
	if !ok {
		t.Fatal("Type(new-repo) not found")
	}
	if diff := cmp.Diff(StringList{"web", "api"}, rt.Fields[2].Default); diff != "" {
		t.Errorf("list default mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(StringList{"private"}, rt.Fields[1].Default); diff != "" {
		t.Errorf("scalar default mismatch (-want +got):\n%s", diff)
	}
	if got := rt.SLA.D().Hours(); got != 48 {
		t.Errorf("SLA = %vh, want 48h", got)
	}
	if got := rt.Automation.CallbackToken(); got != "s3cret" {
		t.Errorf("CallbackToken falls back to the secret: got %q", got)
	}
	if got := rt.Fields[1].Options[1].Text(); got != "Public (needs review)" {
		t.Errorf("option text = %q", got)
	}
}

func TestCatalogProblems(t *testing.T) {
	testProblems(t, []problemCase{
		{
			name: "catalog without a triage channel",
			yaml: "catalog:\n  - id: db\n    title: DB\n",
			want: []string{"1: catalog: slack.triage_channel is required with a catalog"},
		},
		{
			name: "duplicate type ids",
			yaml: "catalog:\n  - id: db\n    title: DB\n  - id: db\n    title: DB again\n",
			want: []string{`4: catalog[1].id: duplicate request type id "db"`},
		},
		{
			name: "bad regex",
			yaml: "catalog:\n  - id: dns\n    title: DNS\n    fields:\n      - id: host\n        label: Host\n        type: text\n        pattern: '[a-z'\n        pattern_hint: a host\n",
			want: []string{`8: catalog[0].fields[0].pattern: bad regular expression "[a-z": missing closing ]`},
		},
		{
			name: "unknown field type",
			yaml: "catalog:\n  - id: dns\n    title: DNS\n    fields:\n      - id: host\n        label: Host\n        type: email\n",
			want: []string{`7: catalog[0].fields[0].type: unknown field type "email"`},
		},
		{
			name: "missing secret env var",
			yaml: "catalog:\n  - id: dns\n    title: DNS\n    automation:\n      url: https://x.example/hook\n      secret_env: TEST_SURELY_UNSET_SECRET\n",
			want: []string{`6: catalog[0].automation.secret_env: environment variable TEST_SURELY_UNSET_SECRET is not set`},
		},
		{
			name: "no secret env named",
			yaml: "catalog:\n  - id: dns\n    title: DNS\n    automation:\n      url: https://x.example/hook\n",
			want: []string{`catalog[0].automation.secret_env: name the environment variable`},
		},
		{
			name: "select without options and bad standard",
			yaml: "catalog:\n  - id: env\n    title: Env\n    fields:\n      - id: size\n        label: Size\n        type: select\n        standard: [xl]\n",
			want: []string{"catalog[0].fields[0].options: a select field needs options", `8: catalog[0].fields[0].standard[0]: "xl" is not one of the field's option values`},
		},
		{
			name: "bad approval",
			yaml: "catalog:\n  - id: env\n    title: Env\n    approval:\n      policy: everyone\n",
			want: []string{`5: catalog[0].approval.policy: unknown approval policy "everyone"`},
		},
		{
			name: "usergroup policy needs a group",
			yaml: "catalog:\n  - id: env\n    title: Env\n    approval:\n      policy: usergroup\n",
			want: []string{"catalog[0].approval.usergroup: a user group id (like S012AB3CD) is required"},
		},
		{
			name: "duplicate field ids and missing title",
			yaml: "catalog:\n  - id: env\n    fields:\n      - {id: a, label: A, type: text}\n      - {id: a, label: B, type: text}\n",
			want: []string{"catalog[0].title: a title is required", `5: catalog[0].fields[1].id: duplicate field id "a"`},
		},
		{
			name: "min greater than max and default not an option",
			yaml: "catalog:\n  - id: env\n    title: Env\n    fields:\n      - id: n\n        label: N\n        type: number\n        min: 5\n        max: 1\n      - id: s\n        label: S\n        type: select\n        default: nope\n        options: [{value: yes}]\n",
			want: []string{"8: catalog[0].fields[0].min: min (5) is greater than max (1)", `13: catalog[0].fields[1].default: "nope" is not one of the field's option values`},
		},
		{
			name: "pattern without hint and on a number",
			yaml: "catalog:\n  - id: env\n    title: Env\n    fields:\n      - {id: a, label: A, type: text, pattern: 'x+'}\n      - {id: b, label: B, type: number, pattern: '1'}\n",
			want: []string{"catalog[0].fields[0].pattern_hint: say in words", "catalog[0].fields[1].pattern: only text and textarea fields have a pattern"},
		},
		{
			name: "date bounds are whole days, min not after max",
			yaml: "catalog:\n  - id: env\n    title: Env\n    fields:\n      - {id: d, label: D, type: date, min: 0.5}\n      - {id: e, label: E, type: date, min: 10, max: -1}\n",
			want: []string{"5: catalog[0].fields[0].min: must be a whole number of days from today", "6: catalog[0].fields[1].min: min (10) is greater than max (-1)"},
		},
		{
			name: "bad id and bad url",
			yaml: "catalog:\n  - id: New Repo\n    title: X\n    automation:\n      url: ftp://x\n      secret_env: lower\n",
			want: []string{`2: catalog[0].id: "New Repo" is not a valid id`, `5: catalog[0].automation.url: "ftp://x" is not an http(s) URL`, `6: catalog[0].automation.secret_env: is not an environment variable name`},
		},
	})
}
