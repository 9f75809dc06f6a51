package httpapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/platformbot/platformbot/metrics"
)

// githubDeploymentStatus is the part of a deployment_status event we use.
type githubDeploymentStatus struct {
	DeploymentStatus struct {
		State       string `json:"state"`
		Environment string `json:"environment"`
		CreatedAt   string `json:"created_at"`
	} `json:"deployment_status"`
	Deployment struct {
		ID          int64           `json:"id"`
		SHA         string          `json:"sha"`
		Environment string          `json:"environment"`
		CreatedAt   string          `json:"created_at"`
		Payload     json.RawMessage `json:"payload"`
	} `json:"deployment"`
	Repository githubRepo `json:"repository"`
}

type githubRepo struct {
	Name     string `json:"name"`
	FullName string `json:"full_name"`
}

// githubPush is the part of a push event we use: commit times by sha.
type githubPush struct {
	Commits []struct {
		ID        string `json:"id"`
		Timestamp string `json:"timestamp"`
	} `json:"commits"`
	HeadCommit *struct {
		ID        string `json:"id"`
		Timestamp string `json:"timestamp"`
	} `json:"head_commit"`
}

// github handles POST /webhooks/github: deployment_status events become
// deployments (terminal states only) and push events give commit times,
// so that GitHub deployments, whose payload has no commit time, get a lead
// time. The body is verified with X-Hub-Signature-256 before it is parsed;
// X-GitHub-Delivery makes a redelivery a no-op.
func (in *Ingest) github(w http.ResponseWriter, r *http.Request) {
	secret := in.Config.Ingest.GitHubSecret()
	if secret == "" {
		Error(w, http.StatusServiceUnavailable, "", "the GitHub webhook is disabled: its secret environment variable is not set")
		return
	}
	body, ok := in.readBody(w, r)
	if !ok {
		return
	}
	if !validGitHubSignature(secret, body, r.Header.Get("X-Hub-Signature-256")) {
		Error(w, http.StatusUnauthorized, "X-Hub-Signature-256", "missing or invalid signature")
		return
	}
	delivery := r.Header.Get("X-GitHub-Delivery")
	if delivery == "" || len(delivery) > 191 {
		Error(w, http.StatusBadRequest, "X-GitHub-Delivery", "the delivery id header is required")
		return
	}
	var (
		batch metrics.Batch
		err   error
	)
	switch event := r.Header.Get("X-GitHub-Event"); event {
	case "ping":
		WriteJSON(w, http.StatusOK, map[string]string{"ok": "pong"})
		return
	case "deployment_status":
		var skip string
		batch, skip, err = in.githubDeployment(body)
		if skip != "" {
			ignore(w, skip)
			return
		}
	case "push":
		batch, err = githubCommits(body)
	default:
		ignore(w, fmt.Sprintf("event %q is not used", event))
		return
	}
	if err != nil {
		badRequest(w, err)
		return
	}
	batch.Delivery = &metrics.WebhookDelivery{Source: "github", ID: delivery}
	in.store(w, r, batch, http.StatusOK)
}

// validGitHubSignature checks "sha256=<hex HMAC-SHA256(secret, body)>" in
// constant time.
func validGitHubSignature(secret string, body []byte, header string) bool {
	sig, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(sig)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

// githubDeployment turns a deployment_status event into a deployment; skip
// says why an event is ignored (a state that is not terminal).
func (in *Ingest) githubDeployment(body []byte) (b metrics.Batch, skip string, err error) {
	var ev githubDeploymentStatus
	if err := json.Unmarshal(body, &ev); err != nil {
		return b, "", decodeError(err, "the body is not a deployment_status event")
	}
	var status string
	switch ev.DeploymentStatus.State {
	case "success":
		status = metrics.StatusSuccess
	case "failure", "error":
		status = metrics.StatusFailure
	default:
		return b, fmt.Sprintf("deployment state %q is not terminal", ev.DeploymentStatus.State), nil
	}
	if ev.Deployment.ID == 0 {
		return b, "", &metrics.FieldError{Field: "deployment.id", Msg: "is required"}
	}
	service, team := in.githubService(ev.Repository)
	env := ev.DeploymentStatus.Environment
	if env == "" {
		env = ev.Deployment.Environment
	}
	d := metrics.Deployment{
		ID: "github:" + strconv.FormatInt(ev.Deployment.ID, 10), Source: "github", Service: service, Team: team,
		Environment: env, Status: status, CommitSHA: ev.Deployment.SHA, Unplanned: unplanned(ev.Deployment.Payload),
	}
	if d.StartedAt, err = parseTime("deployment.created_at", ev.Deployment.CreatedAt); err != nil {
		return b, "", err
	}
	if d.FinishedAt, err = parseTime("deployment_status.created_at", ev.DeploymentStatus.CreatedAt); err != nil {
		return b, "", err
	}
	d.Normalize()
	if err := d.Validate(in.Now()); err != nil {
		return b, "", renameFields(err, githubFields)
	}
	return metrics.Batch{Deployments: []metrics.Deployment{d}}, "", nil
}

var githubFields = map[string]string{
	"id": "deployment.id", "service": "repository.name", "environment": "deployment.environment",
	"commit_sha": "deployment.sha", "started_at": "deployment.created_at", "finished_at": "deployment_status.created_at",
}

// githubService maps a repository to its service and team (config
// ingest.services), else to the repository's name and no team.
func (in *Ingest) githubService(repo githubRepo) (service, team string) {
	if o, ok := in.Config.Ingest.ServiceForRepo(repo.FullName); ok {
		return o.ID, o.Team
	}
	return repo.Name, ""
}

// unplanned reads {"unplanned": true} from a deployment's payload, which a
// deploy job sets for a hotfix or rollback.
func unplanned(payload json.RawMessage) bool {
	var p struct {
		Unplanned bool `json:"unplanned"`
	}
	_ = json.Unmarshal(payload, &p) // the payload is free-form; anything else means planned
	return p.Unplanned
}

// githubCommits turns a push event into commit times.
func githubCommits(body []byte) (metrics.Batch, error) {
	var ev githubPush
	if err := json.Unmarshal(body, &ev); err != nil {
		return metrics.Batch{}, decodeError(err, "the body is not a push event")
	}
	var b metrics.Batch
	add := func(field, id, ts string) error {
		if id == "" || len(id) > 64 {
			return &metrics.FieldError{Field: field + ".id", Msg: "must be a commit sha"}
		}
		at, err := parseTime(field+".timestamp", ts)
		if err != nil {
			return err
		}
		if at.IsZero() {
			return &metrics.FieldError{Field: field + ".timestamp", Msg: "is required"}
		}
		b.Commits = append(b.Commits, metrics.Commit{SHA: id, At: at})
		return nil
	}
	for i, c := range ev.Commits {
		if err := add(fmt.Sprintf("commits[%d]", i), c.ID, c.Timestamp); err != nil {
			return b, err
		}
	}
	if h := ev.HeadCommit; h != nil {
		if err := add("head_commit", h.ID, h.Timestamp); err != nil {
			return b, err
		}
	}
	return b, nil
}

// renameFields maps a domain field error to the sender's field names.
func renameFields(err error, names map[string]string) error {
	if fe, ok := err.(*metrics.FieldError); ok {
		if n, ok := names[fe.Field]; ok {
			return &metrics.FieldError{Field: n, Msg: fe.Msg}
		}
	}
	return err
}
