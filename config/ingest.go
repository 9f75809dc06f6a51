package config

import (
	"fmt"
	"os"
	"regexp"
	"strings"
)

// Ingest names the environment variables that hold the ingest API's bearer
// tokens and webhook secrets. Secrets never live in the file itself.
type Ingest struct {
	TokenEnv           string `yaml:"token_env"`            // bearer token for /api/v1/*
	GitHubSecretEnv    string `yaml:"github_secret_env"`    // X-Hub-Signature-256 secret
	PagerDutySecretEnv string `yaml:"pagerduty_secret_env"` // X-PagerDuty-Signature secret
	MaxBodyBytes       int64  `yaml:"max_body_bytes"`
	// Services say who owns what, for senders whose payloads name no team
	// (GitHub, PagerDuty, DevLake) or name a service by their own ids.
	Services []ServiceOwner `yaml:"services"`
}

// ServiceOwner maps a service to its team and to the names other tools use
// for it.
type ServiceOwner struct {
	ID                string   `yaml:"id"`                 // service name used in metrics
	Team              string   `yaml:"team"`               // a teams[].id
	GitHubRepos       []string `yaml:"github_repos"`       // "owner/name" of repositories deploying it
	PagerDutyServices []string `yaml:"pagerduty_services"` // PagerDuty service ids (P…)
}

// DefaultMaxBodyBytes bounds ingest request bodies when max_body_bytes is 0.
const DefaultMaxBodyBytes = 1 << 20

var (
	envNameRe     = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)
	serviceNameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$`)
	repoNameRe    = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)
	pdServiceRe   = regexp.MustCompile(`^P[A-Z0-9]{3,}$`)
)

func (in *Ingest) validate(v *validator, path string) {
	for key, name := range map[string]string{"token_env": in.TokenEnv, "github_secret_env": in.GitHubSecretEnv, "pagerduty_secret_env": in.PagerDutySecretEnv} {
		if name != "" {
			v.envName(path+"."+key, name, "PLATFORMBOT_INGEST_TOKEN")
		}
	}
	if in.MaxBodyBytes < 0 {
		v.add(path+".max_body_bytes", "must not be negative")
	}
	seen := map[string]bool{}
	for i, s := range in.Services {
		p := fmt.Sprintf("%s.services[%d]", path, i)
		if !serviceNameRe.MatchString(s.ID) {
			v.add(p+".id", "%q is not a service name (letters, digits, . _ / -; at most 128)", s.ID)
		} else {
			v.unique(p+".id", seen, s.ID, "service")
		}
		v.teamID(p+".team", s.Team)
		for j, r := range s.GitHubRepos {
			if !repoNameRe.MatchString(r) {
				v.add(fmt.Sprintf("%s.github_repos[%d]", p, j), "%q is not a repository (owner/name)", r)
			}
		}
		for j, id := range s.PagerDutyServices {
			if !pdServiceRe.MatchString(id) {
				v.add(fmt.Sprintf("%s.pagerduty_services[%d]", p, j), "%q is not a PagerDuty service id (like PABC123)", id)
			}
		}
	}
}

// Token returns the ingest bearer token from the environment ("" if unset:
// the ingest API is then disabled).
func (in *Ingest) Token() string { return env(in.TokenEnv) }

// GitHubSecret returns the GitHub webhook secret ("" disables the webhook).
func (in *Ingest) GitHubSecret() string { return env(in.GitHubSecretEnv) }

// PagerDutySecret returns the PagerDuty webhook secret ("" disables it).
func (in *Ingest) PagerDutySecret() string { return env(in.PagerDutySecretEnv) }

// MaxBody returns the largest accepted request body in bytes.
func (in *Ingest) MaxBody() int64 {
	if in.MaxBodyBytes <= 0 {
		return DefaultMaxBodyBytes
	}
	return in.MaxBodyBytes
}

// Service returns the owner entry of a service.
func (in *Ingest) Service(id string) (ServiceOwner, bool) {
	for _, s := range in.Services {
		if s.ID == id {
			return s, true
		}
	}
	return ServiceOwner{}, false
}

// ServiceForRepo returns the service deployed from a GitHub repository
// ("owner/name", compared case-insensitively, as GitHub does).
func (in *Ingest) ServiceForRepo(fullName string) (ServiceOwner, bool) {
	for _, s := range in.Services {
		for _, r := range s.GitHubRepos {
			if strings.EqualFold(r, fullName) {
				return s, true
			}
		}
	}
	return ServiceOwner{}, false
}

// ServiceForPagerDuty returns the service a PagerDuty service id maps to.
func (in *Ingest) ServiceForPagerDuty(id string) (ServiceOwner, bool) {
	for _, s := range in.Services {
		for _, p := range s.PagerDutyServices {
			if p == id {
				return s, true
			}
		}
	}
	return ServiceOwner{}, false
}

func env(name string) string {
	if name == "" {
		return ""
	}
	return os.Getenv(name)
}
