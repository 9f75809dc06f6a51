package config

import (
	"testing"
	"time"
)

func TestDeliveryProblems(t *testing.T) {
	testProblems(t, []problemCase{
		{name: "not a time", yaml: "timezone: UTC\ndelivery:\n  enabled: true\n  working_hours: 9am-5pm\n", want: []string{"4: delivery.working_hours: "}},
		{name: "end before start", yaml: "timezone: UTC\ndelivery:\n  working_hours: 17:00-09:00\n", want: []string{"3: delivery.working_hours: "}},
		{name: "not a day", yaml: "timezone: UTC\ndelivery:\n  working_days: [Mon, Funday]\n", want: []string{`3: delivery.working_days: "Funday" is not a day of the week`}},
	})
}

func TestDeliveryDefaults(t *testing.T) {
	cfg := mustParse(t, "timezone: UTC\n")
	h := cfg.Delivery.Hours()
	if h.Start != 9*60 || h.End != 17*60 || !h.Days[time.Monday] || h.Days[time.Saturday] || !cfg.Delivery.DND() || !cfg.Delivery.On() {
		t.Errorf("defaults: %+v, DND %v, on %v; want on, 09:00-17:00 Monday to Friday, DND respected", h, cfg.Delivery.DND(), cfg.Delivery.On())
	}
	cfg = mustParse(t, "timezone: UTC\ndelivery:\n  enabled: false\n  working_days: [sun, Monday, TUE, wed, thu]\n")
	want := [7]bool{time.Sunday: true, time.Monday: true, time.Tuesday: true, time.Wednesday: true, time.Thursday: true}
	if h := cfg.Delivery.Hours(); h.Days != want || cfg.Delivery.On() {
		t.Errorf("Sunday to Thursday, off: days %v, on %v", h.Days, cfg.Delivery.On())
	}
	cfg = mustParse(t, "timezone: UTC\ndelivery:\n  enabled: true\n  working_hours: 08:30-16:00\n  respect_dnd: false\n")
	if h := cfg.Delivery.Hours(); h.Start != 8*60+30 || h.End != 16*60 || cfg.Delivery.DND() {
		t.Errorf("configured: %+v, DND %v", h, cfg.Delivery.DND())
	}
}
