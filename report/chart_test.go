package report_test

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/platformbot/platformbot/report"
	"github.com/platformbot/platformbot/report/reporttest"
)

// TestCharts decodes each PNG, checks its size and that it is not blank:
// the variance of its pixels' luminance must be well above zero, and
// more than the background and one colour must be in it.
func TestCharts(t *testing.T) {
	svc := reporttest.Service(false)
	p, _ := svc.Parse("")
	r, err := svc.Report(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	charts, missing := report.Charts(r)
	if len(missing) != 0 {
		t.Errorf("missing: %+v", missing)
	}
	var names []string
	for _, c := range charts {
		names = append(names, c.Name)
		img, err := png.Decode(bytes.NewReader(c.PNG))
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if b := img.Bounds(); b.Dx() != report.ChartWidth || b.Dy() != report.ChartHeight {
			t.Errorf("%s: %dx%d, want %dx%d", c.Name, b.Dx(), b.Dy(), report.ChartWidth, report.ChartHeight)
		}
		if v, colours := pixelStats(img); v < 100 || colours < 3 {
			t.Errorf("%s looks blank: luminance variance %.1f, %d colours", c.Name, v, colours)
		}
		if !strings.HasPrefix(c.Filename, "value-report-2026Q3-") || !strings.HasSuffix(c.Filename, ".png") || c.AltText == "" {
			t.Errorf("%s: file %q, alt %q", c.Name, c.Filename, c.AltText)
		}
	}
	if got := strings.Join(names, ","); got != "deployments,lead-time,satisfaction,adoption" {
		t.Errorf("charts = %s", got)
	}
}

// TestChartsWithoutData: every chart without data is left out with its
// reason; none is an empty picture.
func TestChartsWithoutData(t *testing.T) {
	svc := reporttest.Service(true)
	p, _ := svc.Parse("")
	r, err := svc.Report(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	charts, missing := report.Charts(r)
	if len(charts) != 0 || len(missing) != 4 {
		t.Fatalf("%d charts, %d missing", len(charts), len(missing))
	}
	for _, m := range missing {
		if m.Reason == "" || m.Title == "" {
			t.Errorf("missing %+v", m)
		}
	}
	// A failed section has no chart either, and the report still has the rest.
	r.Delivery = nil
	r.Satisfaction.Rounds = []report.Round{{Survey: "x", ClosedAt: p.From, HasMean: true, Mean: 4}}
	charts, missing = report.Charts(r)
	if len(charts) != 1 || charts[0].Name != report.ChartSatisfaction || len(missing) != 3 {
		t.Errorf("%d charts, %d missing", len(charts), len(missing))
	}
}

// pixelStats returns the variance of the luminance (0–255) over all
// pixels, and the number of distinct colours.
func pixelStats(img image.Image) (variance float64, colours int) {
	b := img.Bounds()
	seen := map[[3]uint32]bool{}
	var sum, sumSq float64
	n := float64(b.Dx() * b.Dy())
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r, g, bl}] = true
			l := (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(bl)) / 257
			sum += l
			sumSq += l * l
		}
	}
	m := sum / n
	return sumSq/n - m*m, len(seen)
}

// TestMissingCharts agrees with Charts without drawing.
func TestMissingCharts(t *testing.T) {
	for _, empty := range []bool{false, true} {
		svc := reporttest.Service(empty)
		p, _ := svc.Parse("")
		r, err := svc.Report(t.Context(), p)
		if err != nil {
			t.Fatal(err)
		}
		_, missing := report.Charts(r)
		if got := report.MissingCharts(r); len(got) != len(missing) {
			t.Errorf("empty %v: MissingCharts %+v, Charts left out %+v", empty, got, missing)
		}
	}
}

// TestChartsIn: the caller's words name the charts and the charts left
// out, and are drawn (the picture differs from the English one); words
// it leaves empty are English.
func TestChartsIn(t *testing.T) {
	svc := reporttest.Service(false)
	p, _ := svc.Parse("")
	r, err := svc.Report(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	w := report.ChartWords{
		Charts: map[string]report.ChartText{report.ChartAdoption: {Title: "Aktive", Heading: "Aktive pro Woche", Axis: "Personen"}},
		Legend: "der Bot", Period: "Q3",
		Day: func(time.Time) string { return "Tag" },
	}
	english, _ := report.Charts(r)
	charts, missing := report.ChartsIn(r, w)
	if len(charts) != 4 || len(missing) != 0 {
		t.Fatalf("%d charts, missing %+v", len(charts), missing)
	}
	if c := charts[3]; c.Title != "Aktive" || c.AltText != "Aktive, Q3" || bytes.Equal(c.PNG, english[3].PNG) {
		t.Errorf("adoption: title %q, alt %q, same picture as English: %v", c.Title, c.AltText, bytes.Equal(c.PNG, english[3].PNG))
	}
	if c := charts[0]; c.Title != "Deployments per week" || c.AltText != "Deployments per week, Q3" {
		t.Errorf("deployments: title %q, alt %q", c.Title, c.AltText)
	}
	empty := reporttest.Service(true)
	r, err = empty.Report(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	w.Charts[report.ChartDeployments] = report.ChartText{Empty: "keine Deployments"}
	if m := report.MissingChartsIn(r, w); len(m) != 4 || m[0].Reason != "keine Deployments" || m[0].Title != "Deployments per week" {
		t.Errorf("missing %+v", m)
	}
}
