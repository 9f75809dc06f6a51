package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/metrics"
)

// IngestStore stores what the ingest API receives; storage.Metrics
// implements it.
type IngestStore interface {
	Ingest(ctx context.Context, b metrics.Batch) (metrics.IngestResult, error)
	CloseIncident(ctx context.Context, id string, at time.Time) (bool, error)
}

// Ingest serves the metrics ingest API: deployments and incidents as JSON
// with a bearer token, GitHub and PagerDuty webhooks verified by their
// signatures, and DevLake's webhook format on DevLake's own paths. Every
// request is validated completely before anything is stored, and stored
// in one transaction.
type Ingest struct {
	Store  IngestStore
	Config *config.Config // ingest secrets, service owners, teams
	Now    func() time.Time
	Log    zerolog.Logger
}

// maxBatch bounds the items of one back-fill request, and so the length
// of its transaction.
const maxBatch = 5000

// Register mounts the ingest routes on srv.
func (in *Ingest) Register(srv *Server) {
	token := in.Config.Ingest.Token
	srv.Handle("POST /api/v1/deployments", BearerAuth(token, http.HandlerFunc(in.deployments)))
	srv.Handle("POST /api/v1/incidents", BearerAuth(token, http.HandlerFunc(in.incidents)))
	srv.Handle("POST /webhooks/github", http.HandlerFunc(in.github))
	srv.Handle("POST /webhooks/pagerduty", http.HandlerFunc(in.pagerduty))
	in.registerDevLake(srv, token)
}

// readBody reads at most the configured number of bytes; a larger body is
// answered with 413 and ok is false.
func (in *Ingest) readBody(w http.ResponseWriter, r *http.Request) (body []byte, ok bool) {
	limit := in.Config.Ingest.MaxBody()
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		Error(w, http.StatusRequestEntityTooLarge, "", fmt.Sprintf("request body is larger than %d bytes (ingest.max_body_bytes); send fewer items per request", limit))
		return nil, false
	case err != nil:
		Error(w, http.StatusBadRequest, "", "cannot read the request body")
		return nil, false
	}
	return body, true
}

// badRequest answers a validation error naming its field.
func badRequest(w http.ResponseWriter, err error) {
	var fe *metrics.FieldError
	if errors.As(err, &fe) {
		Error(w, http.StatusBadRequest, fe.Field, fe.Error())
		return
	}
	Error(w, http.StatusBadRequest, "", err.Error())
}

// store writes a batch and answers the request.
func (in *Ingest) store(w http.ResponseWriter, r *http.Request, b metrics.Batch, code int) {
	res, err := in.Store.Ingest(r.Context(), b)
	if err != nil {
		in.Log.Error().Err(err).Str("path", r.URL.Path).Msg("ingest failed")
		Error(w, http.StatusInternalServerError, "", "could not store the data; retry later")
		return
	}
	in.Log.Debug().Str("path", r.URL.Path).Int("deployments", res.Deployments).Int("incidents", res.Incidents).
		Int("commits", res.Commits).Bool("duplicate", res.Duplicate).Msg("ingested")
	body := map[string]any{"deployments": res.Deployments, "incidents": res.Incidents, "commits": res.Commits, "duplicate": res.Duplicate}
	if res.Repeated > 0 {
		body["repeated"] = res.Repeated // ids given twice in the body: the later item won
	}
	WriteJSON(w, code, body)
}

// ignore answers an event the ingest API does not use, so that the sender
// does not retry it.
func ignore(w http.ResponseWriter, why string) {
	WriteJSON(w, http.StatusAccepted, map[string]string{"ignored": why})
}

// items splits a body into JSON objects: one object, or an array of them
// (a back-fill). prefix returns the field prefix of item i for errors.
func items(body []byte) (raw []json.RawMessage, prefix func(i int) string, err error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, nil, errors.New("the body is empty; send a JSON object or an array of objects")
	}
	if trimmed[0] != '[' {
		return []json.RawMessage{trimmed}, func(int) string { return "" }, nil
	}
	if err := json.Unmarshal(trimmed, &raw); err != nil {
		return nil, nil, fmt.Errorf("the body is not a JSON array of objects: %v", jsonMsg(err))
	}
	if len(raw) == 0 || len(raw) > maxBatch {
		return nil, nil, fmt.Errorf("an array must have 1 to %d items, got %d", maxBatch, len(raw))
	}
	for i, item := range raw {
		if item[0] != '{' {
			return nil, nil, &metrics.FieldError{Field: fmt.Sprintf("[%d]", i), Msg: "must be a JSON object"}
		}
	}
	return raw, func(i int) string { return fmt.Sprintf("[%d].", i) }, nil
}

var unknownFieldRe = regexp.MustCompile(`^json: unknown field (".*")$`)

// decodeStrict decodes one object, refusing unknown fields and anything
// after the object, and turns decoding errors into field errors.
func decodeStrict(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if m := unknownFieldRe.FindStringSubmatch(err.Error()); m != nil {
			field, uerr := strconv.Unquote(m[1]) // the key as sent; "" stays visible quoted
			if uerr != nil || field == "" {
				field = m[1]
			}
			return &metrics.FieldError{Field: field, Msg: "is not a known field"}
		}
		return decodeError(err, "the body is not a JSON object or an array of objects")
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("the body is not valid JSON: something follows the object; send one object or an array of objects")
	}
	return nil
}

// decodeError explains a JSON decoding error: a value of the wrong type
// names its field; anything else is prefixed with what the body should be.
func decodeError(err error, what string) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field != "" {
			return &metrics.FieldError{Field: te.Field, Msg: fmt.Sprintf("must be a JSON %s", jsonKind(te.Type.Kind().String()))}
		}
		kind, _, _ := strings.Cut(te.Value, " ") // "number 1e400"
		return fmt.Errorf("%s: it is a JSON %s", what, kind)
	}
	return fmt.Errorf("%s: %v", what, jsonMsg(err))
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "string"
	case "bool":
		return "boolean (true or false)"
	case "slice":
		return "array"
	case "struct", "map":
		return "object"
	}
	return "number"
}

func jsonMsg(err error) string { return strings.TrimPrefix(err.Error(), "json: ") }

// prefixed renames a field error's field for an item of an array.
func prefixed(err error, prefix string) error {
	var fe *metrics.FieldError
	if prefix != "" && errors.As(err, &fe) {
		return &metrics.FieldError{Field: prefix + fe.Field, Msg: fe.Msg}
	}
	return err
}

// parseTime parses an RFC 3339 time of a field; "" is the zero time.
func parseTime(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, &metrics.FieldError{Field: field, Msg: fmt.Sprintf("%q is not an RFC 3339 time like 2024-05-01T09:30:00Z", s)}
	}
	return t.UTC(), nil
}

// ownTeam fills a missing team from the service's owner in the config.
func (in *Ingest) ownTeam(service, team string) string {
	if team != "" {
		return team
	}
	if o, ok := in.Config.Ingest.Service(service); ok {
		return o.Team
	}
	return ""
}

// checkTeam requires a team the config knows, when teams are configured.
func (in *Ingest) checkTeam(team string, required bool) error {
	if team == "" {
		if required {
			return &metrics.FieldError{Field: "team", Msg: "is required (or map the service to a team under ingest.services)"}
		}
		return nil
	}
	if len(in.Config.Teams) == 0 {
		return nil
	}
	if _, ok := in.Config.Team(team); ok {
		return nil
	}
	ids := make([]string, len(in.Config.Teams))
	for i, t := range in.Config.Teams {
		ids[i] = t.ID
	}
	slices.Sort(ids)
	return &metrics.FieldError{Field: "team", Msg: fmt.Sprintf("unknown team %q; teams are %s", team, strings.Join(ids, ", "))}
}
