package config

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSchedulerAndRateLimits(t *testing.T) {
	for _, tc := range []struct {
		name       string
		yaml       string
		wantLease  time.Duration
		wantLimits map[string]float64
		wantErrs   []string // "line: fragment"; none means valid
	}{
		{name: "defaults", yaml: "{}", wantLease: 5 * time.Minute},
		{
			name:       "set",
			yaml:       "scheduler:\n  send_lease: 30s\nslack:\n  rate_limits:\n    chat.postMessage: 1200\n    users.info: 250\n    chat.postMessage/channel: 30\n",
			wantLease:  30 * time.Second,
			wantLimits: map[string]float64{"chat.postMessage": 1200, "users.info": 250, "chat.postMessage/channel": 30},
		},
		{
			name:     "lease too short",
			yaml:     "scheduler:\n  send_lease: 1s\n",
			wantErrs: []string{`2: scheduler.send_lease: 1s is out of range: use 2s to 24h0m0s`},
		},
		{
			name:     "lease too long",
			yaml:     "scheduler:\n  send_lease: 2d\n",
			wantErrs: []string{`2: scheduler.send_lease: 48h0m0s is out of range`},
		},
		{
			name: "bad limits",
			yaml: "slack:\n  rate_limits:\n    chat.postMessage: 0\n    'chat post': 10\n    users.info: 2000000\n",
			wantErrs: []string{
				`3: slack.rate_limits.chat.postMessage: 0 calls per minute is out of range`,
				`4: slack.rate_limits.chat post: "chat post" is not a Slack Web API method`,
				`5: slack.rate_limits.users.info: 2e+06 calls per minute is out of range`,
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.wantErrs) > 0 {
				var want []string
				for _, w := range tc.wantErrs {
					want = append(want, "f.yaml:"+w)
				}
				wantProblems(t, tc.yaml+"\n", want...)
				return
			}
			cfg := mustParse(t, tc.yaml+"\n")
			if got := cfg.Scheduler.SendLease.D(); got != tc.wantLease {
				t.Errorf("send_lease = %s, want %s", got, tc.wantLease)
			}
			if diff := cmp.Diff(tc.wantLimits, cfg.Slack.RateLimits); diff != "" {
				t.Errorf("rate_limits mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
