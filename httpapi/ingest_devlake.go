package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/platformbot/platformbot/metrics"
)

// DevLake's webhook plugin accepts deployments and issues (incidents) in a
// camelCase format on these paths, under /plugins/webhook (the backend),
// /api/plugins/webhook (behind config-ui) and /api/rest/plugins/webhook
// (API keys). Serving the same paths and bodies lets a team that moves from
// DevLake change only the host in its CI steps.
var devLakePrefixes = []string{"/plugins/webhook", "/api/plugins/webhook", "/api/rest/plugins/webhook"}

// devLakeDeployment is DevLake's deployment body.
type devLakeDeployment struct {
	ID                string `json:"id"`
	Result            string `json:"result"`
	Environment       string `json:"environment"`
	StartedDate       string `json:"startedDate"`
	FinishedDate      string `json:"finishedDate"`
	DeploymentCommits []struct {
		RepoURL      string `json:"repoUrl"`
		CommitSha    string `json:"commitSha"`
		Result       string `json:"result"`
		StartedDate  string `json:"startedDate"`
		FinishedDate string `json:"finishedDate"`
	} `json:"deploymentCommits"`
}

// devLakeIssue is DevLake's issue body; only type INCIDENT is used.
type devLakeIssue struct {
	IssueKey       string `json:"issueKey"`
	Title          string `json:"title"`
	Type           string `json:"type"`
	Status         string `json:"status"`
	CreatedDate    string `json:"createdDate"`
	UpdatedDate    string `json:"updatedDate"`
	ResolutionDate string `json:"resolutionDate"`
	Component      string `json:"component"`
}

func (in *Ingest) registerDevLake(srv *Server, token func() string) {
	for _, p := range devLakePrefixes {
		for _, conn := range []string{"/connections/{conn}", "/{conn}", "/connections/by-name/{name}"} {
			base := "POST " + p + conn
			srv.Handle(base+"/deployments", BearerAuth(token, http.HandlerFunc(in.devLakeDeployments)))
			srv.Handle(base+"/issues", BearerAuth(token, http.HandlerFunc(in.devLakeIssues)))
			srv.Handle(base+"/issue/{key}/close", BearerAuth(token, http.HandlerFunc(in.devLakeClose)))
		}
	}
}

// devLakeService picks a DevLake request's service: ?service=, else the
// connection name (DevLake advises one webhook connection per service),
// else fallback.
func devLakeService(r *http.Request, fallback string) string {
	if s := r.URL.Query().Get("service"); s != "" {
		return s
	}
	if s := r.PathValue("name"); s != "" {
		return s
	}
	return fallback
}

func (in *Ingest) devLakeDeployments(w http.ResponseWriter, r *http.Request) {
	body, ok := in.readBody(w, r)
	if !ok {
		return
	}
	var j devLakeDeployment
	if err := json.Unmarshal(body, &j); err != nil {
		badRequest(w, decodeError(err, "the body is not a DevLake deployment"))
		return
	}
	deps, err := in.fromDevLake(r, j)
	switch {
	case err != nil:
		badRequest(w, err)
	case len(deps) == 0:
		ignore(w, "no SUCCESS or FAILURE result: aborted and manual deployments are not counted")
	default:
		in.store(w, r, metrics.Batch{Deployments: deps}, http.StatusOK)
	}
}

// fromDevLake turns a DevLake deployment into one deployment per deployed
// repository (usually one).
func (in *Ingest) fromDevLake(r *http.Request, j devLakeDeployment) ([]metrics.Deployment, error) {
	if j.ID == "" {
		return nil, &metrics.FieldError{Field: "id", Msg: "is required"}
	}
	if len(j.DeploymentCommits) == 0 {
		return nil, &metrics.FieldError{Field: "deploymentCommits", Msg: "must list at least one commit"}
	}
	env := j.Environment
	if env == "" {
		env = "PRODUCTION" // DevLake's default
	}
	var out []metrics.Deployment
	for i, c := range j.DeploymentCommits {
		field := fmt.Sprintf("deploymentCommits[%d].", i)
		if c.RepoURL == "" || c.CommitSha == "" {
			return nil, &metrics.FieldError{Field: field + "repoUrl", Msg: "repoUrl and commitSha are required"}
		}
		result := firstNonEmpty(c.Result, j.Result, "SUCCESS")
		status, counted, err := devLakeStatus(result)
		if err != nil {
			return nil, &metrics.FieldError{Field: field + "result", Msg: err.Error()}
		}
		if !counted {
			continue
		}
		repoName, repoFull := repoFromURL(c.RepoURL)
		service, team := repoName, ""
		if o, ok := in.Config.Ingest.ServiceForRepo(repoFull); ok {
			service, team = o.ID, o.Team
		}
		service = devLakeService(r, service)
		d := metrics.Deployment{ID: j.ID, Source: "devlake", Service: service, Environment: env, Status: status, CommitSHA: c.CommitSha}
		if len(j.DeploymentCommits) > 1 {
			d.ID = j.ID + "@" + repoName
		}
		d.Team = firstNonEmpty(r.URL.Query().Get("team"), in.ownTeam(service, team))
		if d.StartedAt, err = parseTime("startedDate", firstNonEmpty(c.StartedDate, j.StartedDate)); err != nil {
			return nil, err
		}
		if d.FinishedAt, err = parseTime("finishedDate", firstNonEmpty(c.FinishedDate, j.FinishedDate)); err != nil {
			return nil, err
		}
		d.Normalize()
		if err := d.Validate(in.Now()); err != nil {
			return nil, renameFields(err, devLakeDeploymentFields)
		}
		if err := in.checkTeam(d.Team, false); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

var devLakeDeploymentFields = map[string]string{
	"started_at": "startedDate", "finished_at": "finishedDate", "environment": "environment", "commit_sha": "commitSha",
}

// devLakeStatus maps DevLake's result; ABORT and MANUAL are not counted.
func devLakeStatus(result string) (status string, counted bool, err error) {
	switch strings.ToUpper(result) {
	case "SUCCESS":
		return metrics.StatusSuccess, true, nil
	case "FAILURE":
		return metrics.StatusFailure, true, nil
	case "ABORT", "MANUAL":
		return "", false, nil
	}
	return "", false, fmt.Errorf("must be SUCCESS, FAILURE, ABORT or MANUAL, got %q", result)
}

// repoFromURL returns a repository's name and "owner/name" from its URL.
func repoFromURL(raw string) (name, full string) {
	path := raw
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		path = u.Path
	}
	path = strings.TrimSuffix(strings.Trim(path, "/"), ".git")
	parts := strings.Split(path, "/")
	name = parts[len(parts)-1]
	if len(parts) >= 2 {
		full = parts[len(parts)-2] + "/" + name
	}
	return name, full
}

func (in *Ingest) devLakeIssues(w http.ResponseWriter, r *http.Request) {
	body, ok := in.readBody(w, r)
	if !ok {
		return
	}
	var j devLakeIssue
	if err := json.Unmarshal(body, &j); err != nil {
		badRequest(w, decodeError(err, "the body is not a DevLake issue"))
		return
	}
	if !strings.EqualFold(j.Type, "INCIDENT") {
		ignore(w, fmt.Sprintf("issue type %q is not INCIDENT", j.Type))
		return
	}
	inc, err := in.devLakeIncident(r, j)
	if err != nil {
		badRequest(w, err)
		return
	}
	in.store(w, r, metrics.Batch{Incidents: []metrics.Incident{inc}}, http.StatusOK)
}

func (in *Ingest) devLakeIncident(r *http.Request, j devLakeIssue) (metrics.Incident, error) {
	service := devLakeService(r, j.Component)
	inc := metrics.Incident{ID: j.IssueKey, Source: "devlake", Service: service, Title: j.Title}
	if service == "" {
		return inc, &metrics.FieldError{Field: "component", Msg: "name the service in component (or add ?service=… to the URL)"}
	}
	inc.Team = firstNonEmpty(r.URL.Query().Get("team"), in.ownTeam(service, ""))
	var err error
	if inc.OpenedAt, err = parseTime("createdDate", j.CreatedDate); err != nil {
		return inc, err
	}
	resolved := j.ResolutionDate
	if resolved == "" && strings.EqualFold(j.Status, "DONE") {
		resolved = j.UpdatedDate
	}
	if inc.ResolvedAt, err = parseTime("resolutionDate", resolved); err != nil {
		return inc, err
	}
	if strings.EqualFold(j.Status, "DONE") && inc.ResolvedAt.IsZero() {
		inc.ResolvedAt = in.Now()
	}
	inc.Normalize()
	if err := inc.Validate(in.Now()); err != nil {
		return inc, renameFields(err, devLakeIssueFields)
	}
	return inc, in.checkTeam(inc.Team, false)
}

var devLakeIssueFields = map[string]string{
	"id": "issueKey", "title": "title", "opened_at": "createdDate", "resolved_at": "resolutionDate", "service": "component",
}

// devLakeClose resolves an incident now, as DevLake's close call does.
func (in *Ingest) devLakeClose(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	found, err := in.Store.CloseIncident(r.Context(), key, in.Now())
	if err != nil {
		in.Log.Error().Err(err).Str("path", r.URL.Path).Msg("ingest failed")
		Error(w, http.StatusInternalServerError, "", "could not store the data; retry later")
		return
	}
	if !found {
		Error(w, http.StatusNotFound, "issueKey", fmt.Sprintf("no incident %q", key))
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{"incidents": 1})
}

func firstNonEmpty(xs ...string) string {
	for _, x := range xs {
		if x != "" {
			return x
		}
	}
	return ""
}
