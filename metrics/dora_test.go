package metrics_test

import (
	"slices"
	"testing"
	"time"

	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/metrics"
)

func TestLevels2023(t *testing.T) {
	th, ok := metrics.ThresholdsFor(2023)
	if !ok {
		t.Fatal("no 2023 thresholds")
	}
	day := 24 * time.Hour
	for _, tc := range []struct {
		name string
		got  metrics.Level
		want metrics.Level
	}{
		{"frequency 3/day", th.FrequencyLevel(3), metrics.Elite},
		{"frequency exactly 1/day", th.FrequencyLevel(1), metrics.Elite},
		{"frequency 2/week", th.FrequencyLevel(2.0 / 7), metrics.High},
		{"frequency exactly 1/week", th.FrequencyLevel(1.0 / 7), metrics.High},
		{"frequency 2/month", th.FrequencyLevel(2.0 / 30), metrics.Medium},
		{"frequency 1 in 60 days", th.FrequencyLevel(1.0 / 60), metrics.Low},
		{"frequency 0", th.FrequencyLevel(0), metrics.Low},
		{"lead 23h", th.LeadTimeLevel(23 * time.Hour), metrics.Elite},
		{"lead exactly 1 day", th.LeadTimeLevel(day), metrics.High}, // "less than one day" excludes it
		{"lead exactly 1 week", th.LeadTimeLevel(7 * day), metrics.High},
		{"lead 8 days", th.LeadTimeLevel(8 * day), metrics.Medium},
		{"lead 31 days", th.LeadTimeLevel(31 * day), metrics.Low},
		{"cfr 0", th.ChangeFailLevel(0), metrics.Elite},
		{"cfr exactly 5%", th.ChangeFailLevel(0.05), metrics.Elite},
		{"cfr 10%", th.ChangeFailLevel(0.10), metrics.High},
		{"cfr 12%", th.ChangeFailLevel(0.12), metrics.Medium},
		{"cfr 20%", th.ChangeFailLevel(0.20), metrics.Low},
		{"recovery 59m", th.RecoveryLevel(59 * time.Minute), metrics.Elite},
		{"recovery exactly 1h", th.RecoveryLevel(time.Hour), metrics.High},
		{"recovery 1 day", th.RecoveryLevel(day), metrics.Medium},
		{"recovery 1 week", th.RecoveryLevel(7 * day), metrics.Medium},
		{"recovery 8 days", th.RecoveryLevel(8 * day), metrics.Low},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: level %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

func TestLevels2024(t *testing.T) {
	th, _ := metrics.ThresholdsFor(2024)
	// 2024's high cluster has a 20% change fail rate and medium 10%:
	// checked best first, 15% is high and medium is never reached by it.
	if got := th.ChangeFailLevel(0.15); got != metrics.High {
		t.Errorf("2024 cfr 15%% = %q, want High", got)
	}
	if got := th.ChangeFailLevel(0.25); got != metrics.Low {
		t.Errorf("2024 cfr 25%% = %q, want Low", got)
	}
	if got := th.RecoveryLevel(2 * 24 * time.Hour); got != metrics.Low {
		t.Errorf("2024 recovery 2d = %q, want Low", got)
	}
}

func TestReportYearsMatchConfig(t *testing.T) {
	if !slices.Equal(metrics.ReportYears(), config.DORAReportYears) {
		t.Errorf("metrics knows %v, config accepts %v", metrics.ReportYears(), config.DORAReportYears)
	}
	for _, y := range metrics.ReportYears() {
		th, _ := metrics.ThresholdsFor(y)
		if th.Year != y || th.Source == "" {
			t.Errorf("%d: thresholds %+v lack their year or source", y, th)
		}
	}
}
