package metrics_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/platformbot/platformbot/metrics"
)

var validateNow = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

func goodDeployment() metrics.Deployment {
	return metrics.Deployment{
		ID: "d1", Service: "checkout", Team: "payments", Environment: " Production ", Status: "SUCCESS",
		CommitAt: validateNow.Add(-3 * time.Hour), StartedAt: validateNow.Add(-time.Hour), FinishedAt: validateNow.Add(-30 * time.Minute),
	}
}

func TestDeploymentValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(d *metrics.Deployment)
		field  string // "" means valid
	}{
		{"valid", func(d *metrics.Deployment) {}, ""},
		{"no commit time is fine", func(d *metrics.Deployment) { d.CommitAt = time.Time{} }, ""},
		{"missing id", func(d *metrics.Deployment) { d.ID = "" }, "id"},
		{"long service", func(d *metrics.Deployment) { d.Service = strings.Repeat("s", 129) }, "service"},
		{"control characters", func(d *metrics.Deployment) { d.Team = "pay\nments" }, "team"},
		{"missing environment", func(d *metrics.Deployment) { d.Environment = " " }, "environment"},
		{"bad status", func(d *metrics.Deployment) { d.Status = "ok" }, "status"},
		{"missing start", func(d *metrics.Deployment) { d.StartedAt = time.Time{} }, "started_at"},
		{"future finish", func(d *metrics.Deployment) { d.FinishedAt = validateNow.Add(time.Hour) }, "finished_at"},
		{"finish before start", func(d *metrics.Deployment) { d.FinishedAt = d.StartedAt.Add(-time.Second) }, "finished_at"},
		{"commit after finish", func(d *metrics.Deployment) { d.CommitAt = d.FinishedAt.Add(time.Second) }, "commit_time"},
		{"ancient", func(d *metrics.Deployment) { d.StartedAt = time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC) }, "started_at"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := goodDeployment()
			tc.change(&d)
			d.Normalize()
			err := d.Validate(validateNow)
			checkField(t, err, tc.field)
			if err == nil && (d.Environment != "production" || d.Status != "success") {
				t.Errorf("not normalized: %q %q", d.Environment, d.Status)
			}
		})
	}
}

func TestIncidentValidate(t *testing.T) {
	good := func() metrics.Incident {
		return metrics.Incident{ID: "i1", Service: "checkout", Title: "500s", OpenedAt: validateNow.Add(-time.Hour)}
	}
	for _, tc := range []struct {
		name   string
		change func(in *metrics.Incident)
		field  string
	}{
		{"valid unresolved", func(in *metrics.Incident) {}, ""},
		{"valid resolved", func(in *metrics.Incident) { in.ResolvedAt = validateNow }, ""},
		{"missing title", func(in *metrics.Incident) { in.Title = "" }, "title"},
		{"missing opened", func(in *metrics.Incident) { in.OpenedAt = time.Time{} }, "opened_at"},
		{"resolved before opened", func(in *metrics.Incident) { in.ResolvedAt = in.OpenedAt.Add(-time.Minute) }, "resolved_at"},
		{"both causes", func(in *metrics.Incident) { in.DeploymentID, in.NotDeploymentCaused = "d1", true }, "not_deployment_caused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := good()
			tc.change(&in)
			in.Normalize()
			checkField(t, in.Validate(validateNow), tc.field)
		})
	}
}

func checkField(t *testing.T, err error, field string) {
	t.Helper()
	if field == "" {
		if err != nil {
			t.Fatalf("Validate() = %v, want nil", err)
		}
		return
	}
	var fe *metrics.FieldError
	if !errors.As(err, &fe) || fe.Field != field {
		t.Fatalf("Validate() = %v, want a FieldError on %q", err, field)
	}
}
