package config

import "testing"

func TestIdeasParse(t *testing.T) {
	cfg, err := Parse("f.yaml", []byte("ideas:\n  channel: C0IDEAS001\n  weighting: engineer_share\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Ideas.Channel != "C0IDEAS001" || cfg.Ideas.Weighting != "engineer_share" {
		t.Errorf("ideas = %+v", cfg.Ideas)
	}
}

func TestIdeasProblems(t *testing.T) {
	testProblems(t, []problemCase{{
		name: "ideas",
		yaml: "ideas:\n  channel: '#ideas'\n  weighting: loudness\n",
		want: []string{
			`2: ideas.channel: "#ideas" is not a Slack channel id`,
			`3: ideas.weighting: unknown weighting "loudness": use one of [votes team_size engineer_share]`,
		},
	}})
}
