package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/httpapi"
	"github.com/platformbot/platformbot/selfservice"
)

// FuzzRequestStatus calls the automation callback with arbitrary ids,
// Authorization headers and bodies. It must not panic; only the request's
// own token, on its own id (REQ-7), with a valid status gets through; every
// answer is JSON and never shows the token.
func FuzzRequestStatus(f *testing.F) {
	const tok = "callback-token-of-req-7"
	for _, s := range []struct{ id, auth, body string }{
		{"REQ-7", "Bearer " + tok, `{"status":"done","note":"created"}`},
		{"7", "Bearer " + tok, `{"status":" in_progress "}`},
		{"req-7", "Bearer " + tok + "x", `{"status":"done"}`},
		{"REQ-7", "Bearer " + tok[:10], `{"status":"done"}`},
		{"REQ-8", "Bearer " + tok, `{"status":"done"}`},
		{"REQ-x", "", `{}`},
		{"#7", "Bearer " + tok, `{"status":"approved"}`},
		{"REQ-7", "Bearer " + tok, `{"status":"failed","note":"` + strings.Repeat("x", 2001) + `"}`},
		{"REQ-7", "Bearer " + tok, `[1,2]`},
		{"REQ-7", "Bearer " + tok, `{"status":"done"} trailing`},
	} {
		f.Add(s.id, s.auth, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, id, auth string, body []byte) {
		rep := &fakeReporter{token: tok, state: selfservice.Approved}
		srv := httpapi.New(zerolog.Nop(), nil)
		srv.Handle("POST /api/v1/requests/{id}/status", httpapi.RequestStatus(rep))
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.URL = &url.URL{Path: "/api/v1/requests/" + id + "/status", RawPath: "/api/v1/requests/" + url.PathEscape(id) + "/status"}
		req.Header["Authorization"] = []string{auth}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if strings.Contains(rec.Body.String(), tok) {
			t.Fatalf("the answer shows the token: %s", rec.Body)
		}
		if !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") && slices.Contains([]int{301, 307, 308, 404}, rec.Code) {
			return // the mux: an id with '/' (no route) or empty (a cleaned path)
		}
		if !slices.Contains([]int{200, 400, 401, 404, 409}, rec.Code) || !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("answered %d %q", rec.Code, rec.Body)
		}
		if rec.Code != http.StatusOK {
			if len(rep.reports) > 0 {
				t.Fatalf("a %d reported %+v", rec.Code, rep.reports)
			}
			return
		}
		if n, err := selfservice.ParseRef(id); err != nil || n != 7 || auth != "Bearer "+tok || len(rep.reports) != 1 {
			t.Fatalf("id %q with %q got through (reports %+v)", id, auth, rep.reports)
		}
	})
}
