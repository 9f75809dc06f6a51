package config

import "testing"

func TestLanguageParse(t *testing.T) {
	cfg, err := Parse("f.yaml", []byte("language:\n  default: de\n  channels:\n    C0DIGEST1: en\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Language.Default != "de" || cfg.Language.Channels["C0DIGEST1"] != "en" {
		t.Errorf("language = %+v", cfg.Language)
	}
	if def := Defaults().Language.Default; def != "en" {
		t.Errorf("default language = %q, want en", def)
	}
}

func TestLanguageProblems(t *testing.T) {
	testProblems(t, []problemCase{{
		name: "language",
		yaml: "language:\n  default: fr\n  channels:\n    C0DIGEST1: de\n    general: en\n    C0POSTS1: es\n",
		want: []string{
			`2: language.default: no catalog for "fr": use one of [de en]`,
			`5: language.channels.general: "general" is not a Slack channel id`,
			`6: language.channels.C0POSTS1: no catalog for "es": use one of [de en]`,
		},
	}})
}
