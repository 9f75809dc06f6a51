package report_test

import (
	"strings"
	"testing"

	"github.com/platformbot/platformbot/report"
	"github.com/platformbot/platformbot/report/reporttest"
)

func v(f report.Figure) float64 {
	if f.Value == nil {
		return -1
	}
	return *f.Value
}

func pv(f report.Figure) float64 {
	if f.Previous == nil {
		return -1
	}
	return *f.Previous
}

// TestReport checks the figures the service derives from its sources
// (hand-computed from reporttest's fixture).
func TestReport(t *testing.T) {
	svc := reporttest.Service(false)
	p, err := svc.Parse("")
	if err != nil {
		t.Fatal(err)
	}
	r, err := svc.Report(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Unavailable) != 0 {
		t.Fatalf("unavailable: %v", r.Unavailable)
	}
	a := r.Adoption
	// Weeks of Q3 are ranges 2..14: 60+3i → 66..102, mean 84; the
	// previous period's 13 weeks (ranges 15..27) hold 48+i%3.
	if len(a.Weeks) != 13 || v(a.WeeklyActive) != 84 || v(a.ActiveUsers) != 182 || pv(a.ActiveUsers) != 140 {
		t.Errorf("adoption = %d weeks, wau %v, users %v/%v", len(a.Weeks), v(a.WeeklyActive), v(a.ActiveUsers), pv(a.ActiveUsers))
	}
	prevWAU := 0.0
	for i := 15; i < 28; i++ {
		prevWAU += float64(48 + i%3)
	}
	if pv(a.WeeklyActive) != prevWAU/13 {
		t.Errorf("previous wau = %v, want %v", pv(a.WeeklyActive), prevWAU/13)
	}
	var ids []string
	for _, it := range a.Items {
		ids = append(ids, it.ID)
	}
	// Most users first; an unused configured item and a retired one are listed.
	if got := strings.Join(ids, ","); got != "new-repo,db-access,preview-env,retired-item" {
		t.Errorf("items = %s", got)
	}
	if it := a.Items[0]; it.Title != "New repository" || v(it.Users) != 44 || pv(it.Users) != 30 || v(it.Requests) != 63 || len(it.Weeks) != 13 {
		t.Errorf("new-repo = %+v", it)
	}
	if it := a.Items[2]; v(it.Users) != 0 || pv(it.Users) != 0 {
		t.Errorf("an unused item has a true zero: %v/%v", v(it.Users), pv(it.Users))
	}

	ss := r.SelfService
	if v(ss.Rate) != 70.0/93 || pv(ss.Rate) != 35.0/58 || v(ss.MedianFulfil) != 720 || v(ss.MinutesSaved) != 2450 {
		t.Errorf("self-service = %+v", ss)
	}
	// 2450 min ÷ 60 × 95 = 3879.17; 1320 ÷ 60 × 95 = 2090.
	if roi := ss.ROI; v(roi.Value) != 3879.17 || pv(roi.Value) != 2090 || roi.Formula != "minutes saved ÷ 60 × 95 EUR/h" {
		t.Errorf("roi = %+v (%v, %v)", roi, v(roi.Value), pv(roi.Value))
	}
	if c, ok := ss.Rate.Change(); !ok || !c.InPoints || c.Delta < 14.9 || c.Delta > 15 {
		t.Errorf("rate change = %+v, %v; want +14.9 pp", c, ok)
	}

	d := r.Delivery
	if d.ReportYear != 2024 || v(d.Deployments) != 460 || pv(d.Deployments) != 368 || d.LeadTime.Level != "Elite" || len(d.DeployWeeks) != 13 {
		t.Errorf("delivery = %+v", d)
	}
	if d.DeployWeeks[1].Value == nil || *d.DeployWeeks[1].Value != 28 || d.LeadTimeWeeks[4].Value != nil {
		t.Errorf("weekly series: %v, %v", d.DeployWeeks[1].Value, d.LeadTimeWeeks[4].Value)
	}
	if d.LeadTime.Verdict() != "better" || d.Recovery.Verdict() != "worse" || d.Rework.Verdict() != "" {
		t.Errorf("verdicts %q %q %q", d.LeadTime.Verdict(), d.Recovery.Verdict(), d.Rework.Verdict())
	}

	s := r.Satisfaction
	// Rounds closed in Q3: 10 Jul, 7 Aug (too few answers), 4 Sep; the
	// latest with a mean is 4 Sep (3.9), compared with 12 Jun (3.4).
	if len(s.Rounds) != 3 || v(s.Mean) != 3.9 || pv(s.Mean) != 3.4 || v(s.NPS) != 27 || pv(s.NPS) != 12 {
		t.Errorf("satisfaction = %+v", s)
	}
	if oh := r.OfficeHours; v(oh.Bookings) != 61 || v(oh.Utilization) != 61.0/96 || v(oh.Rating) != 4.6 || oh.Ratings != 40 {
		t.Errorf("office hours = %+v", oh)
	}
	if len(r.Previews.Programs) != 2 || len(r.Ideas.Top) != 3 {
		t.Errorf("previews %d, ideas %d", len(r.Previews.Programs), len(r.Ideas.Top))
	}
}

// TestReportEmpty: a new installation has no data anywhere, which reads
// "no data" (nil), never zero; nil sources say the same.
func TestReportEmpty(t *testing.T) {
	for name, svc := range map[string]*report.Service{
		"empty sources": reporttest.Service(true),
		"nil sources":   {Now: reporttest.Service(true).Now},
	} {
		p, err := svc.Parse("2026Q3")
		if err != nil {
			t.Fatal(err)
		}
		r, err := svc.Report(t.Context(), p)
		if err != nil || len(r.Unavailable) != 0 {
			t.Fatalf("%s: %v %v", name, err, r.Unavailable)
		}
		for what, f := range map[string]report.Figure{
			"wau": r.Adoption.WeeklyActive, "requests": r.SelfService.Requests, "rate": r.SelfService.Rate,
			"roi": r.SelfService.ROI.Value, "mean": r.Satisfaction.Mean, "bookings": r.OfficeHours.Bookings,
		} {
			if f.Value != nil || f.Previous != nil {
				t.Errorf("%s: %s = %v/%v, want no data", name, what, f.Value, f.Previous)
			}
		}
		if len(r.Previews.Programs) != 0 || len(r.Ideas.Top) != 0 {
			t.Errorf("%s: previews or ideas out of nothing", name)
		}
		if r.Delivery != nil && r.Delivery.Frequency.Value != nil {
			t.Errorf("%s: delivery = %+v", name, r.Delivery)
		}
	}
}

// TestReportFailingSection: one source failing marks its section
// unavailable and leaves the rest.
func TestReportFailingSection(t *testing.T) {
	svc := reporttest.Failing()
	p, _ := svc.Parse("")
	r, err := svc.Report(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	if r.Delivery != nil || r.Unavailable[report.SectionDelivery] == nil || r.Adoption == nil || len(r.Unavailable) != 1 {
		t.Errorf("delivery %v, unavailable %v", r.Delivery, r.Unavailable)
	}
}
