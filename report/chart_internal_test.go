package report

import (
	"testing"
	"time"
)

// TestWeekLabels: a week is named by its first local day, not by the UTC
// instant of its local midnight (30 June 22:00 UTC is 1 July in Berlin).
func TestWeekLabels(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 7, 1, 0, 0, 0, 0, berlin).UTC()
	if got := weekLabels([]Point{{Start: start}}, EnglishChartWords(Period{Location: berlin}).Day); got[0] != "1 Jul" {
		t.Errorf("label = %q, want 1 Jul", got[0])
	}
}
