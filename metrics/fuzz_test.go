package metrics_test

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/platformbot/platformbot/metrics"
)

// The validators are the last line before the database: whatever a sender
// puts in a payload, they must not panic, must name the offending field
// with one of the ingest API's JSON names, and must only let through what
// the store and the digests can handle.

var (
	deploymentFields = []string{"id", "service", "team", "environment", "commit_sha", "status", "started_at", "finished_at", "commit_time"}
	incidentFields   = []string{"id", "service", "team", "title", "deployment_id", "opened_at", "resolved_at", "not_deployment_caused"}
)

// fuzzTime turns a fuzzed number of seconds around validateNow into a time,
// 0 meaning unset.
func fuzzTime(sec int64) time.Time {
	if sec == 0 {
		return time.Time{}
	}
	return validateNow.Add(time.Duration(sec%(40*365*24*3600)) * time.Second)
}

// checkFieldError fails unless err is a *metrics.FieldError on a known
// field with a message.
func checkFieldError(t *testing.T, err error, fields []string) {
	t.Helper()
	var fe *metrics.FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) names no field", err, err)
	}
	if !slices.Contains(fields, fe.Field) || fe.Msg == "" {
		t.Fatalf("field error %q: %q; want one of %v with a message", fe.Field, fe.Msg, fields)
	}
}

// checkText fails when an accepted value is empty (if required), too long
// or holds control characters.
func checkText(t *testing.T, field, s string, required bool, max int) {
	t.Helper()
	if (required && s == "") || len(s) > max || strings.IndexFunc(s, unicode.IsControl) >= 0 || s != strings.TrimSpace(s) {
		t.Fatalf("accepted %s %q (required %v, max %d bytes)", field, s, required, max)
	}
}

func FuzzDeploymentValidate(f *testing.F) {
	f.Add("d1", "checkout", "payments", " Production ", "SUCCESS", "abc", int64(-3*3600), int64(-3600), int64(-1800), false)
	f.Add("", "checkout", "", "production", "failure", "", int64(0), int64(-60), int64(-30), true)
	f.Add("d\x00", "svc", "t", "prod", "success", "", int64(0), int64(-60), int64(-30), false)
	f.Add("d2", "svc", "t", "prod", "success", "", int64(-10), int64(-60), int64(3600), false)
	f.Add(strings.Repeat("x", 192), "svc", "t", "prod", "success", "", int64(0), int64(-60), int64(-30), false)
	f.Add("d3", "svc", "t", "prod", "success", "sha", int64(-1), int64(-60), int64(-120), false)
	f.Fuzz(func(t *testing.T, id, service, team, env, status, sha string, commit, started, finished int64, unplanned bool) {
		d := metrics.Deployment{ID: id, Service: service, Team: team, Environment: env, Status: status, CommitSHA: sha,
			CommitAt: fuzzTime(commit), StartedAt: fuzzTime(started), FinishedAt: fuzzTime(finished), Unplanned: unplanned}
		d.Normalize()
		if err := d.Validate(validateNow); err != nil {
			checkFieldError(t, err, deploymentFields)
			return
		}
		checkText(t, "id", d.ID, true, 191)
		checkText(t, "service", d.Service, true, 128)
		checkText(t, "team", d.Team, false, 64)
		checkText(t, "environment", d.Environment, true, 64)
		checkText(t, "commit_sha", d.CommitSHA, false, 64)
		if d.Status != metrics.StatusSuccess && d.Status != metrics.StatusFailure {
			t.Fatalf("accepted status %q", d.Status)
		}
		if d.StartedAt.IsZero() || d.FinishedAt.Before(d.StartedAt) || d.FinishedAt.After(validateNow.Add(10*time.Minute)) {
			t.Fatalf("accepted times started %v finished %v", d.StartedAt, d.FinishedAt)
		}
		if !d.CommitAt.IsZero() && d.CommitAt.After(d.FinishedAt) {
			t.Fatalf("accepted a commit %v after the deployment finished %v", d.CommitAt, d.FinishedAt)
		}
	})
}

func FuzzIncidentValidate(f *testing.F) {
	f.Add("INC-1", "checkout", "payments", "Payments fail", "d3", int64(-3600), int64(-60), false)
	f.Add("INC-2", "checkout", "", "title", "", int64(-3600), int64(0), true)
	f.Add("INC-3", "checkout", "", "title", "d1", int64(-3600), int64(0), true)
	f.Add("INC-4", "checkout", "", "\t", "", int64(-3600), int64(-7200), false)
	f.Add("INC-5", "checkout", "", "t\u0085", "", int64(-3600), int64(0), false)
	f.Fuzz(func(t *testing.T, id, service, team, title, deployment string, opened, resolved int64, notCaused bool) {
		in := metrics.Incident{ID: id, Service: service, Team: team, Title: title, DeploymentID: deployment,
			OpenedAt: fuzzTime(opened), ResolvedAt: fuzzTime(resolved), NotDeploymentCaused: notCaused}
		in.Normalize()
		if err := in.Validate(validateNow); err != nil {
			checkFieldError(t, err, incidentFields)
			return
		}
		checkText(t, "id", in.ID, true, 191)
		checkText(t, "service", in.Service, true, 128)
		checkText(t, "team", in.Team, false, 64)
		checkText(t, "title", in.Title, true, 500)
		checkText(t, "deployment_id", in.DeploymentID, false, 191)
		if in.OpenedAt.IsZero() || (!in.ResolvedAt.IsZero() && in.ResolvedAt.Before(in.OpenedAt)) {
			t.Fatalf("accepted times opened %v resolved %v", in.OpenedAt, in.ResolvedAt)
		}
		if in.NotDeploymentCaused && in.DeploymentID != "" {
			t.Fatal("accepted a deployment-caused incident marked not deployment-caused")
		}
	})
}

// FuzzParseWindow: `/platform metrics 30d` must accept exactly the
// configured windows, in any letter case.
func FuzzParseWindow(f *testing.F) {
	for _, s := range []string{"7d", "30D", "90d", "1d", "", "d", "07d", "30dd", "３０d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		days, ok := metrics.ParseWindow(s)
		if !ok {
			if days != 0 {
				t.Fatalf("ParseWindow(%q) = %d, false", s, days)
			}
			return
		}
		if !slices.Contains(metrics.Windows, days) || !strings.EqualFold(s, strconv.Itoa(days)+"d") {
			t.Fatalf("ParseWindow(%q) = %d, true", s, days)
		}
	})
}

// FuzzOccurrence: any cron expression (digests' schedules) either fails
// with an error or maps now to a scheduled time at most six hours earlier.
func FuzzOccurrence(f *testing.F) {
	for _, s := range []string{"0 10 * * MON", "*/5 * * * *", "@daily", "@every 1s", "@every -5m", "0 0 30 2 *", "61 * * * *", "", "TZ=Mars/X 0 0 * * *"} {
		f.Add(s, int64(0))
	}
	f.Fuzz(func(t *testing.T, spec string, offset int64) {
		now := fuzzTime(offset)
		if now.IsZero() {
			now = validateNow
		}
		occ, err := metrics.Occurrence(spec, time.UTC, now)
		if err != nil {
			return
		}
		if occ.After(now) || now.Sub(occ) > 6*time.Hour || occ.Location() != time.UTC {
			t.Fatalf("Occurrence(%q, %v) = %v", spec, now, occ)
		}
	})
}
