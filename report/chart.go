package report

import (
	"bytes"
	"fmt"
	"image/color"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Chart names, in display order.
const (
	ChartDeployments  = "deployments"
	ChartLeadTime     = "lead-time"
	ChartSatisfaction = "satisfaction"
	ChartAdoption     = "adoption"
)

// Chart is one PNG of the report.
type Chart struct {
	Name     string // one of the Chart… names
	Title    string
	Filename string // e.g. "value-report-2026Q3-deployments.png"
	AltText  string
	PNG      []byte
}

// Missing is a chart that was left out, and why; the report says so in
// a line instead of showing an empty picture.
type Missing struct {
	Name, Title, Reason string
	// Failed is why drawing failed; "" for a chart left out for lack of
	// data (Reason says which data), so that a caller can word it.
	Failed string
}

// ChartWidth and ChartHeight are the charts' size in pixels (at 96 dpi).
const (
	ChartWidth  = 768
	ChartHeight = 384
)

// ChartWords are the words drawn on the charts and said about them, in
// the reader's language: the domain draws, the caller words (it knows
// the reader). EnglishChartWords gives the English ones; a field left
// empty is taken from them.
type ChartWords struct {
	Charts map[string]ChartText // by chart name
	// Legend names the bot's own line next to the catalog items'.
	Legend string
	// Period names the report's period after each heading and in the alt
	// text: "Q3 2026 (1 Jul – 30 Sep 2026)".
	Period string
	// Day labels a week by its first day, or a survey round by the day it
	// closed, in the period's zone: "2 Mar".
	Day func(time.Time) string
	// Failed says why a chart could not be drawn.
	Failed func(error) string
}

// ChartText are one chart's words.
type ChartText struct {
	Title   string // short name: the file's title, the alt text
	Heading string // drawn above the chart, before " · " and the period
	Axis    string // the y axis
	Empty   string // why the chart is left out when there is no data
}

// EnglishChartWords are the charts' English words for period p.
func EnglishChartWords(p Period) ChartWords {
	return ChartWords{
		Charts: map[string]ChartText{
			ChartDeployments:  {"Deployments per week", "Successful production deployments per week", "deployments", "no production deployments in the period"},
			ChartLeadTime:     {"Median change lead time per week", "Median change lead time per week", "hours", "no deployment with a lead time in the period"},
			ChartSatisfaction: {"Satisfaction per survey round", "Developer satisfaction per survey round (mean, 1–5)", "mean score", "no survey round with reportable results in the period"},
			ChartAdoption:     {"Weekly active users", "Weekly active users", "people", "no bot activity recorded in the period"},
		},
		Legend: "the bot",
		Period: p.Label(),
		Day:    func(t time.Time) string { return t.In(p.Location).Format("2 Jan") },
		Failed: func(err error) string { return "it could not be drawn: " + err.Error() },
	}
}

// complete fills w's empty fields from the English words of p.
func (w ChartWords) complete(p Period) ChartWords {
	en := EnglishChartWords(p)
	texts := make(map[string]ChartText, len(en.Charts))
	for name, e := range en.Charts {
		t := w.Charts[name]
		t.Title = or(t.Title, e.Title)
		t.Heading = or(t.Heading, e.Heading)
		t.Axis = or(t.Axis, e.Axis)
		t.Empty = or(t.Empty, e.Empty)
		texts[name] = t
	}
	w.Charts = texts
	w.Legend = or(w.Legend, en.Legend)
	w.Period = or(w.Period, en.Period)
	if w.Day == nil {
		w.Day = en.Day
	}
	if w.Failed == nil {
		w.Failed = en.Failed
	}
	return w
}

func or(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}

// chartSpec is one chart: whether the report has data for it, and how
// to draw it.
type chartSpec struct {
	name string
	has  func(*Report) bool
	draw func(*Report, ChartWords) (*plot.Plot, error)
}

var chartSpecs = []chartSpec{
	{ChartDeployments, hasDeployments, deploymentsPlot},
	{ChartLeadTime, hasLeadTimes, leadTimePlot},
	{ChartSatisfaction, hasRounds, satisfactionPlot},
	{ChartAdoption, hasActivity, adoptionPlot},
}

// Charts draws the report's charts in English (see ChartsIn).
func Charts(r *Report) (charts []Chart, missing []Missing) {
	return ChartsIn(r, ChartWords{})
}

// ChartsIn draws the report's charts with w's words: weekly deployments,
// weekly median lead time, satisfaction per survey round and weekly
// active users. A chart without data, or one that cannot be drawn, is
// listed in missing instead; drawing never fails the report.
func ChartsIn(r *Report, w ChartWords) (charts []Chart, missing []Missing) {
	w = w.complete(r.Period)
	for _, sp := range chartSpecs {
		text := w.Charts[sp.name]
		if !sp.has(r) {
			missing = append(missing, Missing{Name: sp.name, Title: text.Title, Reason: text.Empty})
			continue
		}
		png, err := drawPNG(sp, r, w)
		if err != nil {
			missing = append(missing, Missing{Name: sp.name, Title: text.Title, Reason: w.Failed(err), Failed: err.Error()})
			continue
		}
		charts = append(charts, Chart{
			Name: sp.name, Title: text.Title, PNG: png,
			Filename: fmt.Sprintf("value-report-%s-%s.png", fileSafe(r.Period.Name), sp.name),
			AltText:  text.Title + ", " + w.Period,
		})
	}
	return charts, missing
}

// MissingCharts lists, in English, the charts Charts would leave out for
// lack of data, without drawing any: for a reply that shows no charts.
func MissingCharts(r *Report) []Missing { return MissingChartsIn(r, ChartWords{}) }

// MissingChartsIn is MissingCharts with w's words.
func MissingChartsIn(r *Report, w ChartWords) []Missing {
	w = w.complete(r.Period)
	var out []Missing
	for _, sp := range chartSpecs {
		if !sp.has(r) {
			text := w.Charts[sp.name]
			out = append(out, Missing{Name: sp.name, Title: text.Title, Reason: text.Empty})
		}
	}
	return out
}

func drawPNG(sp chartSpec, r *Report, w ChartWords) ([]byte, error) {
	p, err := sp.draw(r, w)
	if err != nil {
		return nil, err
	}
	return render(p)
}

func hasDeployments(r *Report) bool { return r.Delivery != nil && anyPositive(r.Delivery.DeployWeeks) }
func hasLeadTimes(r *Report) bool   { return r.Delivery != nil && anyPositive(r.Delivery.LeadTimeWeeks) }
func hasActivity(r *Report) bool    { return r.Adoption != nil && anyPositive(r.Adoption.Weeks) }

func hasRounds(r *Report) bool {
	if r.Satisfaction == nil {
		return false
	}
	for _, rd := range r.Satisfaction.Rounds {
		if rd.HasMean {
			return true
		}
	}
	return false
}

// fileSafe keeps a period name usable in a file name ("2026-07-01..2026-09-30").
func fileSafe(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '.') {
			b[i] = '_'
		}
	}
	return string(b)
}

func render(p *plot.Plot) ([]byte, error) {
	const dpi = 96
	w, err := p.WriterTo(vg.Length(ChartWidth)*vg.Inch/dpi, vg.Length(ChartHeight)*vg.Inch/dpi, "png")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Colours of the series.
var (
	blue   = color.RGBA{R: 0x1f, G: 0x6f, B: 0xc5, A: 0xff}
	green  = color.RGBA{R: 0x2e, G: 0x9e, B: 0x5b, A: 0xff}
	orange = color.RGBA{R: 0xe0, G: 0x7b, B: 0x1a, A: 0xff}
	purple = color.RGBA{R: 0x7b, G: 0x4f, B: 0xc9, A: 0xff}
)

// newPlot returns a plot with the report's look: a title, a y label, a
// light grid, week labels on x.
func newPlot(title, ylabel string, labels []string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.Y.Label.Text = ylabel
	p.Y.Min = 0
	g := plotter.NewGrid()
	g.Vertical.Color = nil
	g.Horizontal.Color = color.Gray{Y: 0xdd}
	p.Add(g)
	if len(labels) > 0 {
		p.NominalX(thin(labels, 14)...)
		p.X.Tick.Label.Font.Size = vg.Points(8)
	}
	return p
}

// thin blanks labels so that at most max of them show.
func thin(labels []string, max int) []string {
	step := (len(labels) + max - 1) / max
	out := make([]string, len(labels))
	for i, l := range labels {
		if i%step == 0 {
			out[i] = l
		}
	}
	return out
}

// weekLabels names each week by its first day, as day names it (in the
// report's zone).
func weekLabels(pts []Point, day func(time.Time) string) []string {
	out := make([]string, len(pts))
	for i, p := range pts {
		out[i] = day(p.Start)
	}
	return out
}

// heading is the title drawn above a chart: its heading and the period.
func heading(w ChartWords, name string) string { return w.Charts[name].Heading + " · " + w.Period }

// xys returns the points that have values, at their week's index.
func xys(pts []Point, scale float64) plotter.XYs {
	var out plotter.XYs
	for i, p := range pts {
		if p.Value != nil {
			out = append(out, plotter.XY{X: float64(i), Y: *p.Value * scale})
		}
	}
	return out
}

// anyPositive reports whether some week has a value above zero: a chart
// of nothing but zeros says no more than the line that replaces it.
func anyPositive(pts []Point) bool {
	for _, p := range pts {
		if p.Value != nil && *p.Value > 0 {
			return true
		}
	}
	return false
}

func deploymentsPlot(r *Report, w ChartWords) (*plot.Plot, error) {
	pts := r.Delivery.DeployWeeks
	p := newPlot(heading(w, ChartDeployments), w.Charts[ChartDeployments].Axis, weekLabels(pts, w.Day))
	vals := make(plotter.Values, len(pts))
	for i, pt := range pts {
		if pt.Value != nil {
			vals[i] = *pt.Value
		}
	}
	bars, err := plotter.NewBarChart(vals, vg.Points(float64(400/max(len(vals), 1))))
	if err != nil {
		return nil, err
	}
	bars.Color, bars.LineStyle.Width = blue, 0
	p.Add(bars)
	frame(p, len(pts))
	return p, nil
}

func leadTimePlot(r *Report, w ChartWords) (*plot.Plot, error) {
	pts := r.Delivery.LeadTimeWeeks
	p := newPlot(heading(w, ChartLeadTime), w.Charts[ChartLeadTime].Axis, weekLabels(pts, w.Day))
	err := addLine(p, xys(pts, 1.0/3600), orange, "")
	frame(p, len(pts))
	return p, err
}

func satisfactionPlot(r *Report, w ChartWords) (*plot.Plot, error) {
	var labels []string
	var means plotter.XYs
	for _, rd := range r.Satisfaction.Rounds {
		if !rd.HasMean {
			continue
		}
		means = append(means, plotter.XY{X: float64(len(labels)), Y: rd.Mean})
		labels = append(labels, w.Day(rd.ClosedAt))
	}
	p := newPlot(heading(w, ChartSatisfaction), w.Charts[ChartSatisfaction].Axis, labels)
	err := addLine(p, means, green, "")
	frame(p, len(means))
	p.Y.Min, p.Y.Max = 1, 5
	return p, err
}

// maxAdoptionItems bounds the catalog items drawn next to the bot's line.
const maxAdoptionItems = 3

func adoptionPlot(r *Report, w ChartWords) (*plot.Plot, error) {
	a := r.Adoption
	p := newPlot(heading(w, ChartAdoption), w.Charts[ChartAdoption].Axis, weekLabels(a.Weeks, w.Day))
	if err := addLine(p, xys(a.Weeks, 1), blue, w.Legend); err != nil {
		return nil, err
	}
	colours := []color.Color{green, orange, purple}
	n := 0
	for _, it := range a.Items {
		if n == maxAdoptionItems || !anyPositive(it.Weeks) {
			continue
		}
		if err := addLine(p, xys(it.Weeks, 1), colours[n], it.Title); err != nil {
			return nil, err
		}
		n++
	}
	frame(p, len(a.Weeks))
	p.Legend.Top, p.Legend.Left = true, true
	p.Y.Max *= 1.1 // room for the legend
	return p, nil
}

// frame puts half a slot of room left and right of n points (so that the
// first and last are not cut at the edges) and a little above the highest.
func frame(p *plot.Plot, n int) {
	p.X.Min, p.X.Max = -0.5, float64(n)-0.5
	p.Y.Max *= 1.12
}

// addLine draws a line with its points, named in the legend if name is set.
func addLine(p *plot.Plot, pts plotter.XYs, c color.Color, name string) error {
	l, s, err := plotter.NewLinePoints(pts)
	if err != nil {
		return err
	}
	l.Color, l.Width = c, vg.Points(2)
	s.Color, s.Shape, s.Radius = c, draw.CircleGlyph{}, vg.Points(3)
	p.Add(l, s)
	if name != "" {
		p.Legend.Add(name, l, s)
	}
	return nil
}
