package httpapi

import (
	"encoding/json"
	"net/http"

	"github.com/platformbot/platformbot/metrics"
)

// deploymentJSON is the body of POST /api/v1/deployments. Times are
// strings so that a bad one is reported with its field.
type deploymentJSON struct {
	ID              string `json:"id"`
	Service         string `json:"service"`
	Team            string `json:"team"`
	Environment     string `json:"environment"`
	Status          string `json:"status"`
	CommitSHA       string `json:"commit_sha"`
	CommitTime      string `json:"commit_time"`
	FirstCommitTime string `json:"first_commit_time"`
	StartedAt       string `json:"started_at"`
	FinishedAt      string `json:"finished_at"`
	Unplanned       bool   `json:"unplanned"`
}

// incidentJSON is the body of POST /api/v1/incidents.
type incidentJSON struct {
	ID                  string `json:"id"`
	Service             string `json:"service"`
	Team                string `json:"team"`
	Title               string `json:"title"`
	OpenedAt            string `json:"opened_at"`
	ResolvedAt          string `json:"resolved_at"`
	DeploymentID        string `json:"deployment_id"`
	NotDeploymentCaused bool   `json:"not_deployment_caused"`
}

// deployments handles POST /api/v1/deployments: one object, or an array to
// back-fill history.
func (in *Ingest) deployments(w http.ResponseWriter, r *http.Request) {
	if ds, ok := decodeItems(in, w, r, in.apiDeployment); ok {
		in.store(w, r, metrics.Batch{Deployments: ds}, http.StatusOK)
	}
}

// decodeItems reads a body holding one object or an array of them and
// converts each item; on the first bad item it answers 400 naming the
// item's field (e.g. "[3].status") and reports false.
func decodeItems[T any](in *Ingest, w http.ResponseWriter, r *http.Request, convert func(json.RawMessage) (T, error)) ([]T, bool) {
	body, ok := in.readBody(w, r)
	if !ok {
		return nil, false
	}
	raw, prefix, err := items(body)
	if err != nil {
		badRequest(w, err)
		return nil, false
	}
	out := make([]T, 0, len(raw))
	for i, item := range raw {
		v, err := convert(item)
		if err != nil {
			badRequest(w, prefixed(err, prefix(i)))
			return nil, false
		}
		out = append(out, v)
	}
	return out, true
}

func (in *Ingest) apiDeployment(raw json.RawMessage) (metrics.Deployment, error) {
	var j deploymentJSON
	if err := decodeStrict(raw, &j); err != nil {
		return metrics.Deployment{}, err
	}
	d := metrics.Deployment{ID: j.ID, Source: "api", Service: j.Service, Team: j.Team, Environment: j.Environment,
		Status: j.Status, CommitSHA: j.CommitSHA, Unplanned: j.Unplanned}
	commitField, commitTime := "commit_time", j.CommitTime
	if j.FirstCommitTime != "" {
		if j.CommitTime != "" {
			return d, &metrics.FieldError{Field: "first_commit_time", Msg: "give commit_time or first_commit_time, not both"}
		}
		commitField, commitTime = "first_commit_time", j.FirstCommitTime
	}
	var err error
	if d.CommitAt, err = parseTime(commitField, commitTime); err != nil {
		return d, err
	}
	if d.StartedAt, err = parseTime("started_at", j.StartedAt); err != nil {
		return d, err
	}
	if d.FinishedAt, err = parseTime("finished_at", j.FinishedAt); err != nil {
		return d, err
	}
	d.Normalize()
	d.Team = in.ownTeam(d.Service, d.Team)
	if err := d.Validate(in.Now()); err != nil {
		if fe, ok := err.(*metrics.FieldError); ok && fe.Field == "commit_time" {
			fe.Field = commitField
		}
		return d, err
	}
	return d, in.checkTeam(d.Team, true)
}

// incidents handles POST /api/v1/incidents: one object or an array. The
// same id again updates the incident, e.g. to resolve it.
func (in *Ingest) incidents(w http.ResponseWriter, r *http.Request) {
	if incs, ok := decodeItems(in, w, r, in.apiIncident); ok {
		in.store(w, r, metrics.Batch{Incidents: incs}, http.StatusOK)
	}
}

func (in *Ingest) apiIncident(raw json.RawMessage) (metrics.Incident, error) {
	var j incidentJSON
	if err := decodeStrict(raw, &j); err != nil {
		return metrics.Incident{}, err
	}
	inc := metrics.Incident{ID: j.ID, Source: "api", Service: j.Service, Team: j.Team, Title: j.Title,
		DeploymentID: j.DeploymentID, NotDeploymentCaused: j.NotDeploymentCaused}
	var err error
	if inc.OpenedAt, err = parseTime("opened_at", j.OpenedAt); err != nil {
		return inc, err
	}
	if inc.ResolvedAt, err = parseTime("resolved_at", j.ResolvedAt); err != nil {
		return inc, err
	}
	inc.Normalize()
	inc.Team = in.ownTeam(inc.Service, inc.Team)
	if err := inc.Validate(in.Now()); err != nil {
		return inc, err
	}
	return inc, in.checkTeam(inc.Team, true)
}
