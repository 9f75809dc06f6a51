package httpapi

import (
	"context"
	"encoding/csv"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/report"
)

// ReportService computes value reports; *report.Service implements it.
type ReportService interface {
	Parse(arg string) (report.Period, error)
	Report(ctx context.Context, p report.Period) (*report.Report, error)
}

// Report serves GET /api/v1/report: the value report of a period as JSON
// or, with Accept: text/csv or format=csv, as CSV rows for a spreadsheet.
// The period is ?period=2026Q3 (or last, this), or ?from=2026-07-01&to=
// 2026-09-30 (both days included); none means the last quarter. Access
// takes a bearer token, like the ingest API.
//
// Answers: 200; 400 a bad period or format (the field is named); 401 a
// bad token; 503 no token configured.
type Report struct {
	Service ReportService
	Token   func() string
	Log     zerolog.Logger
}

// Register mounts the route on srv.
func (h *Report) Register(srv *Server) {
	srv.Handle("GET /api/v1/report", BearerAuth(h.Token, http.HandlerFunc(h.serve)))
}

func (h *Report) serve(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	asCSV, err := wantsCSV(r)
	if err != nil {
		Error(w, http.StatusBadRequest, "format", err.Error())
		return
	}
	arg, field, err := periodArg(q.Get("period"), q.Get("from"), q.Get("to"))
	if err != nil {
		Error(w, http.StatusBadRequest, field, err.Error())
		return
	}
	p, err := h.Service.Parse(arg)
	var pe *report.PeriodError
	if errors.As(err, &pe) {
		Error(w, http.StatusBadRequest, field, pe.Msg)
		return
	}
	if err != nil {
		Error(w, http.StatusBadRequest, field, err.Error())
		return
	}
	rep, err := h.Service.Report(r.Context(), p)
	if err != nil {
		h.Log.Error().Err(err).Str("period", p.Name).Msg("report API: report failed")
		Error(w, http.StatusInternalServerError, "", "the report could not be computed")
		return
	}
	for sec, err := range rep.Unavailable {
		h.Log.Error().Err(err).Str("section", sec).Str("where", "api").Msg("value report section unavailable")
	}
	if asCSV {
		writeReportCSV(w, rep)
		return
	}
	WriteJSON(w, http.StatusOK, reportJSON(rep))
}

// periodArg turns the query into report.ParsePeriod's argument, naming
// the field at fault.
func periodArg(period, from, to string) (arg, field string, err error) {
	switch {
	case period != "" && (from != "" || to != ""):
		return "", "period", errors.New("give period or from and to, not both")
	case (from == "") != (to == ""):
		if from == "" {
			return "", "from", errors.New("from is required with to (YYYY-MM-DD)")
		}
		return "", "to", errors.New("to is required with from (YYYY-MM-DD)")
	case from != "":
		return from + ".." + to, "from", nil
	}
	return period, "period", nil
}

// wantsCSV reads ?format= (json or csv), else the Accept header.
func wantsCSV(r *http.Request) (bool, error) {
	switch f := strings.ToLower(r.URL.Query().Get("format")); f {
	case "csv":
		return true, nil
	case "json":
		return false, nil
	case "":
		return strings.Contains(r.Header.Get("Accept"), "text/csv"), nil
	}
	return false, errors.New("format is json or csv")
}

// periodJSON is the period as the API shows it: local dates, both
// included.
type periodJSON struct {
	Name         string `json:"name"`
	Label        string `json:"label"`
	From         string `json:"from"`
	To           string `json:"to"`
	PreviousFrom string `json:"previous_from"`
	PreviousTo   string `json:"previous_to"`
	Days         int    `json:"days"`
	Timezone     string `json:"timezone"`
	ToDate       bool   `json:"to_date"`
}

type reportBody struct {
	Period periodJSON `json:"period"`
	*report.Report
	Unavailable []string `json:"unavailable"`
}

func reportJSON(r *report.Report) reportBody {
	p := r.Period
	const day = "2006-01-02"
	return reportBody{
		Period: periodJSON{
			Name: p.Name, Label: p.Label(), From: p.From.Format(day), To: p.Last().Format(day),
			PreviousFrom: p.PrevFrom.Format(day), PreviousTo: p.From.AddDate(0, 0, -1).Format(day),
			Days: p.Days(), Timezone: p.Location.String(), ToDate: p.ToDate,
		},
		Report:      r,
		Unavailable: append([]string{}, slices.Sorted(maps.Keys(r.Unavailable))...),
	}
}

// csvHeader names the CSV columns. change is in change_unit: "%" relative
// to previous, "pp" percentage points (rates), "points" (scores, NPS).
var csvHeader = []string{"period", "section", "metric", "unit", "value", "previous", "change", "change_unit", "level", "note"}

func writeReportCSV(w http.ResponseWriter, r *report.Report) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="value-report-`+strings.ReplaceAll(r.Period.Name, "..", "_")+`.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write(csvHeader)
	for _, row := range r.Rows() {
		f := row.Figure
		change, unit := "", ""
		if c, ok := f.Change(); ok {
			switch {
			case f.Unit == report.Ratio:
				change, unit = csvNum(c.Delta), "pp"
			case c.InPoints:
				change, unit = csvNum(c.Delta), "points"
			case c.HasPercent:
				change, unit = csvNum(c.Percent), "%"
			}
		}
		_ = cw.Write([]string{r.Period.Name, row.Section, csvText(row.Metric), string(f.Unit), csvPtr(f.Value), csvPtr(f.Previous), change, unit, f.Level, csvText(row.Note)})
	}
	cw.Flush()
}

func csvPtr(v *float64) string {
	if v == nil {
		return ""
	}
	return csvNum(*v)
}

func csvNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// csvText keeps text that people typed (idea titles, preview and survey
// names) from being read as a formula by a spreadsheet: a cell starting
// with =, +, -, @, tab or CR gets a leading apostrophe.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
