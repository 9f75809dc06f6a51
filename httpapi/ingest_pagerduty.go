package httpapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/platformbot/platformbot/metrics"
)

// pagerDutyEvent is a PagerDuty v3 webhook payload: one event per POST.
type pagerDutyEvent struct {
	Event struct {
		EventType  string `json:"event_type"`
		OccurredAt string `json:"occurred_at"`
		Data       struct {
			ID        string `json:"id"`
			Type      string `json:"type"`
			Title     string `json:"title"`
			CreatedAt string `json:"created_at"`
			Service   struct {
				ID      string `json:"id"`
				Summary string `json:"summary"`
			} `json:"service"`
		} `json:"data"`
	} `json:"event"`
}

// pagerduty handles POST /webhooks/pagerduty: incident.triggered opens an
// incident, incident.resolved resolves it at the event's occurred_at, and
// incident.reopened clears the resolution. X-PagerDuty-Signature may carry
// several v1= signatures while a secret is rotated: any match is accepted.
// X-Webhook-Id makes a redelivery a no-op. The answer is 202.
func (in *Ingest) pagerduty(w http.ResponseWriter, r *http.Request) {
	secret := in.Config.Ingest.PagerDutySecret()
	if secret == "" {
		Error(w, http.StatusServiceUnavailable, "", "the PagerDuty webhook is disabled: its secret environment variable is not set")
		return
	}
	body, ok := in.readBody(w, r)
	if !ok {
		return
	}
	if !validPagerDutySignature(secret, body, r.Header.Get("X-PagerDuty-Signature")) {
		Error(w, http.StatusUnauthorized, "X-PagerDuty-Signature", "missing or invalid signature")
		return
	}
	id := r.Header.Get("X-Webhook-Id")
	if id == "" || len(id) > 191 {
		Error(w, http.StatusBadRequest, "X-Webhook-Id", "the webhook id header is required")
		return
	}
	inc, skip, err := in.pagerDutyIncident(body)
	switch {
	case err != nil:
		badRequest(w, err)
		return
	case skip != "":
		ignore(w, skip)
		return
	}
	batch := metrics.Batch{Delivery: &metrics.WebhookDelivery{Source: "pagerduty", ID: id}, Incidents: []metrics.Incident{inc}}
	in.store(w, r, batch, http.StatusAccepted)
}

// validPagerDutySignature accepts "v1=<hex HMAC-SHA256(secret, body)>" in
// a comma-separated list when any entry matches.
func validPagerDutySignature(secret string, body []byte, header string) bool {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	want := mac.Sum(nil)
	ok := false
	for _, part := range strings.Split(header, ",") {
		sig, found := strings.CutPrefix(strings.TrimSpace(part), "v1=")
		if !found {
			continue
		}
		got, err := hex.DecodeString(sig)
		if err == nil && hmac.Equal(got, want) {
			ok = true // keep comparing: the time does not depend on which one matched
		}
	}
	return ok
}

func (in *Ingest) pagerDutyIncident(body []byte) (inc metrics.Incident, skip string, err error) {
	var p pagerDutyEvent
	if err := json.Unmarshal(body, &p); err != nil {
		return inc, "", decodeError(err, "the body is not a PagerDuty v3 event")
	}
	ev := p.Event
	switch ev.EventType {
	case "incident.triggered", "incident.resolved", "incident.reopened":
	default:
		return inc, fmt.Sprintf("event type %q is not used", ev.EventType), nil
	}
	data := ev.Data
	service, team := data.Service.Summary, ""
	if o, ok := in.Config.Ingest.ServiceForPagerDuty(data.Service.ID); ok {
		service, team = o.ID, o.Team
	}
	inc = metrics.Incident{ID: "pagerduty:" + data.ID, Source: "pagerduty", Service: service, Team: team, Title: data.Title}
	if strings.TrimSpace(data.ID) == "" {
		return inc, "", &metrics.FieldError{Field: "event.data.id", Msg: "is required"}
	}
	occurred, err := parseTime("event.occurred_at", ev.OccurredAt)
	if err != nil {
		return inc, "", err
	}
	if inc.OpenedAt, err = parseTime("event.data.created_at", data.CreatedAt); err != nil {
		return inc, "", err
	}
	if inc.OpenedAt.IsZero() {
		inc.OpenedAt = occurred
	}
	switch ev.EventType {
	case "incident.resolved":
		inc.ResolvedAt = occurred
		if inc.ResolvedAt.IsZero() {
			return inc, "", &metrics.FieldError{Field: "event.occurred_at", Msg: "is required for incident.resolved"}
		}
	case "incident.triggered":
		// A triggered event redelivered after the resolution must not reopen it.
		inc.KeepResolution = true
	}
	inc.Normalize()
	if err := inc.Validate(in.Now()); err != nil {
		return inc, "", renameFields(err, pagerDutyFields)
	}
	return inc, "", nil
}

var pagerDutyFields = map[string]string{
	"id": "event.data.id", "service": "event.data.service.summary", "title": "event.data.title",
	"opened_at": "event.data.created_at", "resolved_at": "event.occurred_at",
}
