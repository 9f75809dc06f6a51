package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/httpapi"
	"github.com/platformbot/platformbot/selfservice"
)

// fakeReporter is a StatusReporter with one request, REQ-7, in state.
type fakeReporter struct {
	token   string
	state   selfservice.State
	reports []selfservice.StatusReport
}

func (f *fakeReporter) CallbackToken(_ context.Context, id int64) (string, error) {
	if id != 7 {
		return "", fmt.Errorf("load: %w", selfservice.ErrNotFound)
	}
	return f.token, nil
}

func (f *fakeReporter) ReportStatus(_ context.Context, id int64, rep selfservice.StatusReport) (*selfservice.Request, error) {
	if !selfservice.CanMove(f.state, rep.Status) && f.state != rep.Status {
		return nil, &selfservice.StateError{ID: id, Current: f.state}
	}
	f.reports = append(f.reports, rep)
	f.state = rep.Status
	return &selfservice.Request{ID: id, State: f.state}, nil
}

func TestRequestStatus(t *testing.T) {
	for _, tc := range []struct {
		name     string
		path     string
		token    string // configured
		auth     string
		body     string
		wantCode int
		wantBody map[string]string
	}{
		{"done", "REQ-7", "tok", "Bearer tok", `{"status":"done","note":"created"}`, 200, map[string]string{"id": "REQ-7", "state": "done"}},
		{"plain number id", "7", "tok", "Bearer tok", `{"status":"in_progress"}`, 200, map[string]string{"id": "REQ-7", "state": "in_progress"}},
		{"bad id", "REQ-x", "tok", "Bearer tok", `{"status":"done"}`, 400, map[string]string{"field": "id"}},
		{"unknown request", "REQ-8", "tok", "Bearer tok", `{"status":"done"}`, 404, map[string]string{"field": "id"}},
		{"no token", "REQ-7", "tok", "", `{"status":"done"}`, 401, nil},
		{"wrong token", "REQ-7", "tok", "Bearer nope", `{"status":"done"}`, 401, nil},
		{"callbacks disabled", "REQ-7", "", "Bearer ", `{"status":"done"}`, 503, nil},
		{"not json", "REQ-7", "tok", "Bearer tok", `status=done`, 400, nil},
		{"bad status", "REQ-7", "tok", "Bearer tok", `{"status":"approved"}`, 400, map[string]string{"field": "status"}},
		{"note too long", "REQ-7", "tok", "Bearer tok", `{"status":"done","note":"` + strings.Repeat("x", 2001) + `"}`, 400, map[string]string{"field": "note"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := &fakeReporter{token: tc.token, state: selfservice.Approved}
			srv := httpapi.New(zerolog.Nop(), nil)
			srv.Handle("POST /api/v1/requests/{id}/status", httpapi.RequestStatus(rep))
			req := httptest.NewRequest(http.MethodPost, "/api/v1/requests/"+tc.path+"/status", strings.NewReader(tc.body))
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, req)
			if w.Code != tc.wantCode {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.wantCode, w.Body)
			}
			var got map[string]string
			json.Unmarshal(w.Body.Bytes(), &got)
			for k, v := range tc.wantBody {
				if got[k] != v {
					t.Errorf("body[%q] = %q, want %q (body %s)", k, got[k], v, w.Body)
				}
			}
			if tc.wantCode != 200 && len(rep.reports) > 0 {
				t.Errorf("a refused call reported %+v", rep.reports)
			}
		})
	}
}

func TestRequestStatusConflictAndRepeat(t *testing.T) {
	rep := &fakeReporter{token: "tok", state: selfservice.Approved}
	h := httpapi.RequestStatus(rep)
	mux := http.NewServeMux()
	mux.Handle("POST /api/v1/requests/{id}/status", h)
	post := func(body string) (int, map[string]string) {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/requests/REQ-7/status", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer tok")
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, req)
		var got map[string]string
		json.Unmarshal(w.Body.Bytes(), &got)
		return w.Code, got
	}
	var codes []int
	for _, body := range []string{`{"status":"done"}`, `{"status":"done"}`, `{"status":"failed"}`} {
		code, _ := post(body)
		codes = append(codes, code)
	}
	if diff := cmp.Diff([]int{200, 200, 409}, codes); diff != "" {
		t.Errorf("codes mismatch (-want +got):\n%s (a repeated report is fine; failing a done request conflicts)", diff)
	}
	_, body := post(`{"status":"failed"}`)
	if body["state"] != "done" || !strings.Contains(body["error"], "already done") {
		t.Errorf("conflict body = %v", body)
	}
}
