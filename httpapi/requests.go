package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/platformbot/platformbot/selfservice"
)

// StatusReporter is what the automation status callback needs from the
// self-service domain.
type StatusReporter interface {
	// CallbackToken returns the bearer token allowed to report on request
	// id ("" when its type takes no callbacks).
	CallbackToken(ctx context.Context, id int64) (string, error)
	ReportStatus(ctx context.Context, id int64, rep selfservice.StatusReport) (*selfservice.Request, error)
}

// statusBody is the JSON an automation posts about a request it accepted
// with 202.
type statusBody struct {
	Status string `json:"status"` // in_progress, done or failed
	Note   string `json:"note"`   // shown to the requester
}

const (
	maxStatusBody = 64 << 10
	maxStatusNote = 2000
)

// RequestStatus serves POST /api/v1/requests/{id}/status: automations that
// answered 202 report progress and the outcome here. The bearer token is
// the request type's callback token (compared in constant time). Repeating
// a report is harmless: reporting the current state changes nothing.
//
// Answers: 200 {"id","state"}; 400 bad id or body (the field is named);
// 401 bad token; 404 unknown request; 409 the request can no longer move
// to that state; 503 the type takes no callbacks.
func RequestStatus(svc StatusReporter) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := selfservice.ParseRef(r.PathValue("id"))
		if err != nil {
			Error(w, http.StatusBadRequest, "id", "not a request id; use REQ-42 or 42")
			return
		}
		want, err := svc.CallbackToken(r.Context(), id)
		switch {
		case errors.Is(err, selfservice.ErrNotFound):
			Error(w, http.StatusNotFound, "id", "no such request")
			return
		case err != nil:
			Error(w, http.StatusInternalServerError, "", "could not load the request")
			return
		}
		BearerAuth(func() string { return want }, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			reportStatus(w, r, svc, id)
		})).ServeHTTP(w, r)
	})
}

func reportStatus(w http.ResponseWriter, r *http.Request, svc StatusReporter, id int64) {
	var body statusBody
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxStatusBody))
	if err := dec.Decode(&body); err != nil {
		Error(w, http.StatusBadRequest, "", "body must be a JSON object like {\"status\":\"done\",\"note\":\"…\"}")
		return
	}
	st := selfservice.State(strings.TrimSpace(body.Status))
	if st != selfservice.InProgress && st != selfservice.Done && st != selfservice.Failed {
		Error(w, http.StatusBadRequest, "status", "must be in_progress, done or failed")
		return
	}
	if utf8.RuneCountInString(body.Note) > maxStatusNote {
		Error(w, http.StatusBadRequest, "note", "must be at most 2000 characters")
		return
	}
	req, err := svc.ReportStatus(r.Context(), id, selfservice.StatusReport{Status: st, Note: body.Note})
	var se *selfservice.StateError
	switch {
	case errors.As(err, &se):
		WriteJSON(w, http.StatusConflict, map[string]string{"error": se.Error(), "state": string(se.Current)})
		return
	case errors.Is(err, selfservice.ErrNotFound):
		Error(w, http.StatusNotFound, "id", "no such request")
		return
	case err != nil:
		Error(w, http.StatusInternalServerError, "", "could not record the status")
		return
	}
	WriteJSON(w, http.StatusOK, map[string]string{"id": req.Ref(), "state": string(req.State)})
}
