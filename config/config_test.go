package config

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/platformbot/platformbot"
)

// problemCase is a file that must not validate: every entry of want (most
// often "line: path: message fragment") is found in its problems.
type problemCase struct {
	name string
	yaml string
	want []string
}

func testProblems(t *testing.T, cases []problemCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { wantProblems(t, tc.yaml, tc.want...) })
	}
}

// mustParse parses yaml as f.yaml and fails the test if it is invalid.
func mustParse(t *testing.T, yaml string) *Config {
	t.Helper()
	cfg, err := Parse("f.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// problems parses yaml as f.yaml, which must be rejected, and returns its
// problems as "f.yaml:line: path: message".
func problems(t *testing.T, yaml string) []string {
	t.Helper()
	_, err := Parse("f.yaml", []byte(yaml))
	probs, ok := err.(*Problems)
	if !ok {
		t.Fatalf("Parse error = %v (%T), want *Problems", err, err)
	}
	var got []string
	for _, p := range probs.List {
		got = append(got, p.String("f.yaml"))
	}
	return got
}

// wantProblems parses yaml as f.yaml and fails unless it is rejected with
// problems that, rendered one a line as "f.yaml:line: path: message",
// contain every entry of want.
func wantProblems(t *testing.T, yaml string, want ...string) {
	t.Helper()
	joined := strings.Join(problems(t, yaml), "\n")
	for _, w := range want {
		if !strings.Contains(joined, w) {
			t.Errorf("missing %q in:\n%s", w, joined)
		}
	}
}

func TestExampleConfigIsValid(t *testing.T) {
	if _, err := Parse("platformbot.example.yaml", platformbot.ExampleConfig); err != nil {
		t.Fatalf("the shipped example must validate:\n%v", err)
	}
}

func TestProblemsHaveLines(t *testing.T) {
	testProblems(t, []problemCase{
		{
			name: "unknown key and wrong type together",
			yaml: "slack:\n  triage_chanel: C123\nadmins:\n  users: U123\n",
			want: []string{`2: slack.triage_chanel: unknown key "triage_chanel" (did you mean "triage_channel"?)`, `4: admins.users: "U123" is text, expected a list`},
		},
		{
			name: "bad time zone",
			yaml: "timezone: Mars/Olympus\n",
			want: []string{`1: timezone: unknown time zone "Mars/Olympus"`},
		},
		{
			name: "bad slack ids",
			yaml: "slack:\n  triage_channel: '#triage'\nadmins:\n  users:\n    - U0OK12345\n    - alice\n  usergroup: platform\n",
			want: []string{`2: slack.triage_channel: "#triage" is not a Slack channel id`, `6: admins.users[1]: "alice" is not a Slack user id`, `7: admins.usergroup: "platform" is not a Slack user group id`},
		},
		{
			name: "bad command name",
			yaml: "slack:\n  commands:\n    pulse: pulse\n",
			want: []string{`3: slack.commands.pulse: a slash command must start with /`},
		},
		{
			name: "bad duration",
			yaml: "scheduler:\n  catch_up_grace: soon\n",
			want: []string{`2: scheduler.catch_up_grace: "soon" is not a duration`},
		},
		{
			name: "duplicate team ids",
			yaml: "teams:\n  - id: payments\n  - id: payments\n",
			want: []string{`3: teams[1].id: duplicate team id "payments"`},
		},
		{
			name: "syntax error",
			yaml: "slack: [\n",
			want: []string{"did not find expected node content"},
		},
	})
}

// TestProblemsNameKeyAndValue: the first user's file. Each problem used to
// lack its key path or value (`"" is not a duration` for a list,
// `cannot unmarshal !!seq into string`, `is a str`), came in the order it
// was found, and unknown keys had no suggestion.
func TestProblemsNameKeyAndValue(t *testing.T) {
	yaml := "officehours:\n  slot_length: 30m\n" + // 1–2
		"slack:\n  triage_channel: [C0TRIAGE01]\n" + // 3–4
		"catalog:\n  - id: db\n    title: DB\n    manual_minutes: thirty\n" + // 5–8
		"scheduler:\n  catch_up_grace: [1, 2]\n" + // 9–10
		"timezone: Nowhere/City\n" // 11
	want := []string{
		`f.yaml:1: officehours: unknown key "officehours" (did you mean "office_hours"?)`,
		`f.yaml:4: slack.triage_channel: [C0TRIAGE01] is a list, expected text (one value)`,
		`f.yaml:5: catalog: slack.triage_channel is required with a catalog: approvals, manual fulfilment and failures are posted there`,
		`f.yaml:8: catalog[0].manual_minutes: "thirty" is text, expected a whole number`,
		`f.yaml:10: scheduler.catch_up_grace: [1, 2] is not a duration (like 30m, 72h or 7d)`,
		`f.yaml:11: timezone: unknown time zone "Nowhere/City" (use an IANA name such as Europe/Berlin)`,
	}
	if diff := cmp.Diff(want, problems(t, yaml)); diff != "" {
		t.Errorf("problems mismatch (-want +got):\n%s", diff)
	}
}

// TestProblemsQuoteTheValue: a check whose message does not quote the
// value gets it appended, except for secrets.
func TestProblemsQuoteTheValue(t *testing.T) {
	wantProblems(t, "catalog:\n  - id: db\n    title: DB\n    sla: -1h\n", `f.yaml:4: catalog[0].sla: must not be negative (got "-1h")`)
	got := strings.Join(problems(t, "ingest:\n  token_env: s3cr3t-t0ken\n"), "\n")
	if strings.Contains(got, "s3cr3t") {
		t.Errorf("a secret pasted into token_env is repeated: %s", got)
	}
}

func TestNearestKey(t *testing.T) {
	known := []string{"office_hours", "surveys", "digests", "timezone", "triage_channel"}
	for key, want := range map[string]string{"officehours": "office_hours", "survey": "surveys", "timzone": "timezone", "Digests": "digests", "colour": "", "x": ""} {
		if got := nearestKey(key, known); got != want {
			t.Errorf("nearestKey(%q) = %q, want %q", key, got, want)
		}
	}
}

func TestEmptyFileWarns(t *testing.T) {
	for _, yaml := range []string{"", "# only a comment\n", "{}\n"} {
		cfg := mustParse(t, yaml)
		if w := cfg.Warnings(); len(w) != 1 || !strings.Contains(w[0].Msg, "configures nothing") {
			t.Errorf("Parse(%q) warnings = %v, want one saying nothing is configured", yaml, w)
		}
	}
	if w := mustParse(t, "timezone: UTC\n").Warnings(); len(w) != 0 {
		t.Errorf("a file with a key warns: %v", w)
	}
}

func TestDefaults(t *testing.T) {
	cfg := mustParse(t, "{}\n")
	want := Commands{Platform: "/platform", OfficeHours: "/officehours", Pulse: "/pulse", Preview: "/preview"}
	if diff := cmp.Diff(want, cfg.Slack.Commands); diff != "" {
		t.Errorf("commands mismatch (-want +got):\n%s", diff)
	}
	if cfg.Location().String() != "UTC" {
		t.Errorf("Location = %v, want UTC", cfg.Location())
	}
}

func TestDurationDays(t *testing.T) {
	cfg := mustParse(t, "scheduler:\n  catch_up_grace: 2d\n")
	if got := cfg.Scheduler.CatchUpGrace.D().Hours(); got != 48 {
		t.Errorf("2d = %vh, want 48h", got)
	}
}

func TestUnknownTeamReferencesHaveLines(t *testing.T) {
	wantProblems(t, "teams:\n  - id: payments\ndigests:\n  posts:\n    - id: weekly\n      channel: C0DIGEST01\n      schedule: \"0 9 * * MON\"\n      team: paymnets\n",
		`f.yaml:8: digests.posts[0].team: unknown team "paymnets"`)
}
