package config

import (
	"testing"
	"time"
)

func TestDeliveryProblems(t *testing.T) {
	testProblems(t, []problemCase{
		{name: "not a time", yaml: "timezone: UTC\ndelivery:\n  enabled: true\n  working_hours: 9am-5pm\n", want: []string{"4: delivery.working_hours: "}},
		{name: "end before start", yaml: "timezone: UTC\ndelivery:\n  working_hours: 17:00-09:00\n", want: []string{"3: delivery.working_hours: "}},
	})
}

func TestDeliveryDefaults(t *testing.T) {
	cfg := mustParse(t, "timezone: UTC\ndelivery:\n  enabled: true\n")
	h := cfg.Delivery.Hours()
	if h.Start != 9*60 || h.End != 17*60 || !h.Days[time.Monday] || h.Days[time.Saturday] || !cfg.Delivery.DND() {
		t.Errorf("defaults: %+v, DND %v; want 09:00-17:00 Monday to Friday, DND respected", h, cfg.Delivery.DND())
	}
	cfg = mustParse(t, "timezone: UTC\ndelivery:\n  enabled: true\n  working_hours: 08:30-16:00\n  respect_dnd: false\n")
	if h := cfg.Delivery.Hours(); h.Start != 8*60+30 || h.End != 16*60 || cfg.Delivery.DND() {
		t.Errorf("configured: %+v, DND %v", h, cfg.Delivery.DND())
	}
}
