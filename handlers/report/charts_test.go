package report

import (
	"bytes"
	"testing"

	"github.com/platformbot/platformbot/i18n"
	rpt "github.com/platformbot/platformbot/report"
	"github.com/platformbot/platformbot/report/reporttest"
)

// TestChartsInGerman: the charts of a German channel are drawn with
// German words (their PNGs differ from the English ones) and named in
// German; the English catalog draws exactly what the domain's English
// words draw.
func TestChartsInGerman(t *testing.T) {
	svc := reporttest.Service(false)
	p, _ := svc.Parse("2026Q3")
	r, err := svc.Report(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	english, _ := rpt.Charts(r)
	en, _ := rpt.ChartsIn(r, chartWords(lang(t, "en"), p))
	de, missing := rpt.ChartsIn(r, chartWords(lang(t, "de"), p))
	if len(english) != 4 || len(en) != 4 || len(de) != 4 || len(missing) != 0 {
		t.Fatalf("%d English, %d en, %d de charts, missing %+v", len(english), len(en), len(de), missing)
	}
	wantDE := map[string][2]string{
		rpt.ChartDeployments:  {"Deployments pro Woche", "Deployments pro Woche, Q3 2026 (1. Juli – 30. Sept. 2026)"},
		rpt.ChartLeadTime:     {"Median der Durchlaufzeit pro Woche", "Median der Durchlaufzeit pro Woche, Q3 2026 (1. Juli – 30. Sept. 2026)"},
		rpt.ChartSatisfaction: {"Zufriedenheit pro Umfragerunde", "Zufriedenheit pro Umfragerunde, Q3 2026 (1. Juli – 30. Sept. 2026)"},
		rpt.ChartAdoption:     {"Wöchentlich aktive Nutzer", "Wöchentlich aktive Nutzer, Q3 2026 (1. Juli – 30. Sept. 2026)"},
	}
	for i := range english {
		e, c, g := english[i], en[i], de[i]
		if c.Title != e.Title || c.AltText != e.AltText || c.Filename != e.Filename || !bytes.Equal(c.PNG, e.PNG) {
			t.Errorf("%s: the English catalog draws %q / %q (%d bytes), the domain %q / %q (%d bytes)",
				e.Name, c.Title, c.AltText, len(c.PNG), e.Title, e.AltText, len(e.PNG))
		}
		if w := wantDE[g.Name]; g.Title != w[0] || g.AltText != w[1] {
			t.Errorf("%s in German: title %q, alt %q, want %q, %q", g.Name, g.Title, g.AltText, w[0], w[1])
		}
		if g.Filename != e.Filename {
			t.Errorf("%s: file %q in German, %q in English", g.Name, g.Filename, e.Filename)
		}
		if bytes.Equal(g.PNG, e.PNG) {
			t.Errorf("%s: the German chart is the English picture", g.Name)
		}
	}
}

// TestMissingChartsInGerman: a chart left out says why in German.
func TestMissingChartsInGerman(t *testing.T) {
	svc := reporttest.Service(true)
	p, _ := svc.Parse("2026Q3")
	r, err := svc.Report(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, m := range rpt.MissingChartsIn(r, chartWords(lang(t, "de"), p)) {
		got[m.Name] = m.Title + ": " + m.Reason
	}
	for name, want := range map[string]string{
		rpt.ChartDeployments:  "Deployments pro Woche: keine Produktions-Deployments im Zeitraum",
		rpt.ChartLeadTime:     "Median der Durchlaufzeit pro Woche: kein Deployment mit Durchlaufzeit im Zeitraum",
		rpt.ChartSatisfaction: "Zufriedenheit pro Umfragerunde: keine Umfragerunde mit auswertbaren Ergebnissen im Zeitraum",
		rpt.ChartAdoption:     "Wöchentlich aktive Nutzer: keine Nutzung des Bots im Zeitraum erfasst",
	} {
		if got[name] != want {
			t.Errorf("%s left out: %q, want %q", name, got[name], want)
		}
	}
	_, missing := rpt.ChartsIn(r, chartWords(lang(t, "de"), p))
	if len(missing) != 4 || missing[0].Reason != "keine Produktions-Deployments im Zeitraum" {
		t.Errorf("ChartsIn left out %+v", missing)
	}
}

func lang(t *testing.T, code string) *i18n.Lang {
	t.Helper()
	l, ok := i18n.MustBuiltin().Lang(code)
	if !ok {
		t.Fatalf("no language %q", code)
	}
	return l
}
