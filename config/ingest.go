package config

import (
	"os"
	"regexp"
)

// Ingest names the environment variables that hold the ingest API's bearer
// tokens and webhook secrets. Secrets never live in the file itself.
type Ingest struct {
	TokenEnv           string `yaml:"token_env"`            // bearer token for /api/v1/*
	GitHubSecretEnv    string `yaml:"github_secret_env"`    // X-Hub-Signature-256 secret
	PagerDutySecretEnv string `yaml:"pagerduty_secret_env"` // X-PagerDuty-Signature secret
	MaxBodyBytes       int64  `yaml:"max_body_bytes"`
}

var envNameRe = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)

func (in *Ingest) validate(v *validator, path string) {
	for key, name := range map[string]string{"token_env": in.TokenEnv, "github_secret_env": in.GitHubSecretEnv, "pagerduty_secret_env": in.PagerDutySecretEnv} {
		if name != "" && !envNameRe.MatchString(name) {
			v.add(path+"."+key, "%q is not an environment variable name (like PLATFORMBOT_INGEST_TOKEN)", name)
		}
	}
	if in.MaxBodyBytes < 0 {
		v.add(path+".max_body_bytes", "must not be negative")
	}
}

// Token returns the ingest bearer token from the environment ("" if unset:
// the ingest API is then disabled).
func (in *Ingest) Token() string { return env(in.TokenEnv) }

func env(name string) string {
	if name == "" {
		return ""
	}
	return os.Getenv(name)
}
