package httpapi_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/httpapi"
	"github.com/platformbot/platformbot/report"
	"github.com/platformbot/platformbot/report/reporttest"
)

func reportServer(t *testing.T, svc *report.Service, token string) *httptest.Server {
	t.Helper()
	srv := httpapi.New(zerolog.Nop(), prometheus.NewRegistry())
	(&httpapi.Report{Service: svc, Token: func() string { return token }, Log: zerolog.Nop()}).Register(srv)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts
}

func getReport(t *testing.T, url, token, accept string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(body)
}

func TestReportJSON(t *testing.T) {
	ts := reportServer(t, reporttest.Service(false), "tok")
	code, hdr, body := getReport(t, ts.URL+"/api/v1/report?period=2026Q3", "tok", "")
	if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
		t.Fatalf("%d %s: %s", code, hdr.Get("Content-Type"), body)
	}
	var got struct {
		Period struct {
			Name, From, To, PreviousFrom, PreviousTo string
			Days                                     int
		}
		Adoption struct {
			WeeklyActiveUsers struct{ Value, Previous *float64 } `json:"weekly_active_users"`
			Catalog           []struct{ ID string }
		}
		SelfService struct {
			ROI struct {
				Value   struct{ Value *float64 }
				Formula string
			}
		} `json:"self_service"`
		Delivery struct {
			LeadTime struct {
				Value *float64
				Level string
			} `json:"change_lead_time"`
			DORAReportYear int `json:"dora_report_year"`
		}
		Ideas       struct{ Top []struct{ Ref string } }
		Unavailable []string
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	p := got.Period
	if p.Name != "2026Q3" || p.From != "2026-07-01" || p.To != "2026-09-30" || p.Days != 92 {
		t.Errorf("period = %+v", p)
	}
	if v := got.Adoption.WeeklyActiveUsers.Value; v == nil || *v != 84 || len(got.Adoption.Catalog) != 4 {
		t.Errorf("adoption = %+v", got.Adoption)
	}
	if v := got.SelfService.ROI.Value.Value; v == nil || *v != 3879.17 || got.SelfService.ROI.Formula == "" {
		t.Errorf("roi = %+v", got.SelfService.ROI)
	}
	if v := got.Delivery.LeadTime.Value; v == nil || *v != 19800 || got.Delivery.LeadTime.Level != "Elite" || got.Delivery.DORAReportYear != 2024 {
		t.Errorf("delivery = %+v", got.Delivery)
	}
	if len(got.Ideas.Top) != 3 || got.Unavailable == nil || len(got.Unavailable) != 0 {
		t.Errorf("ideas %+v, unavailable %v", got.Ideas, got.Unavailable)
	}
	// from/to is the same quarter.
	if code, _, body2 := getReport(t, ts.URL+"/api/v1/report?from=2026-07-01&to=2026-09-30", "tok", ""); code != 200 ||
		!strings.Contains(body2, `"name":"2026-07-01..2026-09-30"`) || !strings.Contains(body2, `"previous_from":"2026-03-31"`) {
		t.Errorf("from/to: %d %s", code, body2)
	}
}

func TestReportCSV(t *testing.T) {
	ts := reportServer(t, reporttest.Service(false), "tok")
	for _, tc := range []struct{ url, accept string }{
		{"/api/v1/report?period=last", "text/csv"},
		{"/api/v1/report?format=csv", ""},
	} {
		code, hdr, body := getReport(t, ts.URL+tc.url, "tok", tc.accept)
		if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") {
			t.Fatalf("%s: %d %s", tc.url, code, hdr.Get("Content-Type"))
		}
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(rows[0], ",") != "period,section,metric,unit,value,previous,change,change_unit,level,note" {
			t.Errorf("header = %v", rows[0])
		}
		find := func(metric string) []string {
			for _, r := range rows {
				if r[2] == metric {
					return r
				}
			}
			t.Fatalf("no row %q in\n%s", metric, body)
			return nil
		}
		if r := find("self-service rate"); r[0] != "2026Q3" || r[3] != "ratio" || r[7] != "pp" || !strings.HasPrefix(r[6], "14.9") {
			t.Errorf("rate row = %v", r)
		}
		if r := find("change lead time (median)"); r[4] != "19800" || r[5] != "25200" || r[6] != "-21.428571428571427" || r[7] != "%" || r[8] != "Elite" {
			t.Errorf("lead time row = %v", r)
		}
		if r := find("time to restore service (median)"); r[5] != "" || r[6] != "" {
			t.Errorf("no previous value must stay empty: %v", r)
		}
		if r := find("idea IDEA-7: votes"); r[4] != "31" || !strings.Contains(r[9], "status: planned") {
			t.Errorf("idea row = %v", r)
		}
		find("week 2026-07-01: deployments")
	}
}

func TestReportRefusals(t *testing.T) {
	ts := reportServer(t, reporttest.Service(false), "tok")
	for _, tc := range []struct {
		name, url, token string
		code             int
		field            string
	}{
		{"no token", "/api/v1/report", "", 401, ""},
		{"bad token", "/api/v1/report", "nope", 401, ""},
		{"bad period", "/api/v1/report?period=2026Q5", "tok", 400, "period"},
		{"future quarter", "/api/v1/report?period=2027Q1", "tok", 400, "period"},
		{"words", "/api/v1/report?period=soon", "tok", 400, "period"},
		{"period and dates", "/api/v1/report?period=2026Q3&from=2026-07-01&to=2026-07-31", "tok", 400, "period"},
		{"from alone", "/api/v1/report?from=2026-07-01", "tok", 400, "to"},
		{"bad dates", "/api/v1/report?from=2026-07-01&to=2026-31-07", "tok", 400, "from"},
		{"bad format", "/api/v1/report?format=xml", "tok", 400, "format"},
	} {
		code, _, body := getReport(t, ts.URL+tc.url, tc.token, "")
		var e struct{ Error, Field string }
		_ = json.Unmarshal([]byte(body), &e)
		if code != tc.code || e.Field != tc.field || e.Error == "" {
			t.Errorf("%s: %d %s, want %d naming %q", tc.name, code, body, tc.code, tc.field)
		}
	}
	off := reportServer(t, reporttest.Service(false), "")
	if code, _, _ := getReport(t, off.URL+"/api/v1/report", "anything", ""); code != 503 {
		t.Errorf("no token configured: %d, want 503", code)
	}
}

// TestReportCSVFormulas: text people typed cannot become a formula.
func TestReportCSVFormulas(t *testing.T) {
	svc := reporttest.Service(false)
	svc.Ideas = formulaIdeas{}
	ts := reportServer(t, svc, "tok")
	_, _, body := getReport(t, ts.URL+"/api/v1/report?format=csv", "tok", "")
	if !strings.Contains(body, `'=HYPERLINK(""http://x"")`) {
		t.Errorf("formula not neutralised:\n%s", body)
	}
}

type formulaIdeas struct{}

func (formulaIdeas) TopIdeas(_ context.Context, _ int) ([]report.IdeaSummary, error) {
	return []report.IdeaSummary{{Ref: "IDEA-1", Title: `=HYPERLINK("http://x")`, Status: "planned", Votes: 2}}, nil
}
