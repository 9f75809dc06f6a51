package config

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/platformbot/platformbot"
)

func TestExampleConfigIsValid(t *testing.T) {
	if _, err := Parse("platformbot.example.yaml", platformbot.ExampleConfig); err != nil {
		t.Fatalf("the shipped example must validate:\n%v", err)
	}
}

func TestProblemsHaveLines(t *testing.T) {
	for _, tc := range []struct {
		name string
		yaml string
		want []string // "line: message fragment"
	}{
		{
			name: "unknown key and wrong type together",
			yaml: "slack:\n  triage_chanel: C123\nadmins:\n  users: U123\n",
			want: []string{`2: unknown key "triage_chanel"`, "4: wrong type"},
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
			want: []string{`2: "soon" is not a duration`},
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
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(tc.yaml))
			probs, ok := err.(*Problems)
			if !ok {
				t.Fatalf("Parse error = %v (%T), want *Problems", err, err)
			}
			var got []string
			for _, p := range probs.List {
				got = append(got, p.String("f.yaml"))
			}
			joined := strings.Join(got, "\n")
			for _, w := range tc.want {
				if !strings.Contains(joined, w) {
					t.Errorf("missing %q in:\n%s", w, joined)
				}
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	cfg, err := Parse("empty.yaml", []byte("{}\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := Commands{Platform: "/platform", OfficeHours: "/officehours", Pulse: "/pulse"}
	if diff := cmp.Diff(want, cfg.Slack.Commands); diff != "" {
		t.Errorf("commands mismatch (-want +got):\n%s", diff)
	}
	if cfg.Location().String() != "UTC" {
		t.Errorf("Location = %v, want UTC", cfg.Location())
	}
}

func TestDurationDays(t *testing.T) {
	cfg, err := Parse("d.yaml", []byte("scheduler:\n  catch_up_grace: 2d\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Scheduler.CatchUpGrace.D().Hours(); got != 48 {
		t.Errorf("2d = %vh, want 48h", got)
	}
}

func TestUnknownTeamReferencesHaveLines(t *testing.T) {
	_, err := Parse("f.yaml", []byte("teams:\n  - id: payments\ndigests:\n  posts:\n    - id: weekly\n      channel: C0DIGEST01\n      schedule: \"0 9 * * MON\"\n      team: paymnets\n"))
	if err == nil || !strings.Contains(err.Error(), `f.yaml:8: digests.posts[0].team: unknown team "paymnets"`) {
		t.Fatalf("error = %v", err)
	}
}
