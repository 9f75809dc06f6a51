package metrics

import (
	"slices"
	"time"
)

// Level is a DORA software-delivery performance level.
type Level string

// The levels, best first. NoLevel means the metric has no data or no
// published threshold.
const (
	NoLevel Level = ""
	Elite   Level = "Elite"
	High    Level = "High"
	Medium  Level = "Medium"
	Low     Level = "Low"
)

var levelsBestFirst = [3]Level{Elite, High, Medium}

// Bound is the upper end of a level's range: Limit, included or not
// ("less than one day" is exclusive, "between one day and one week" includes
// one week).
type Bound struct {
	Limit     float64
	Inclusive bool
}

func (b Bound) admits(v float64) bool {
	if b.Inclusive {
		return v <= b.Limit
	}
	return v < b.Limit
}

// Thresholds are one DORA report's published cluster values, turned into
// bounds for elite, high and medium; a value that meets none of them is
// low. Levels are checked best first, so when a report gives a worse level
// a better value than a better level (2024's medium change fail rate of 10%
// against high's 20%), the better level wins and the worse one cannot be
// reached by that metric alone.
type Thresholds struct {
	Year   int
	Source string // the report, cited in digests and docs
	// DeploysPerDay is the minimum average of successful production
	// deployments per day: elite "on demand" is at least one a day, high
	// "between once per day and once per week" at least one a week, medium
	// "between once per week and once per month" at least one in 30 days.
	DeploysPerDay  [3]float64
	LeadTime       [3]Bound // seconds
	ChangeFailRate [3]Bound // 0–1
	Recovery       [3]Bound // seconds; failed deployment recovery time
}

const (
	hour  = float64(time.Hour / time.Second)
	day   = 24 * hour
	week  = 7 * day
	month = 30 * day
)

// doraThresholds holds the thresholds by report year. Sources:
//
//   - 2023: Google Cloud, "Accelerate State of DevOps Report 2023",
//     software delivery performance levels table (https://dora.dev/research/2023/dora-report/).
//     Elite: on demand; change lead time less than one day; change failure
//     rate 5%; failed deployment recovery time less than one hour. High:
//     between once per day and once per week; between one day and one week;
//     10%; less than one day. Medium: between once per week and once per
//     month; between one week and one month; 15%; between one day and one
//     week. Low: 64% and between one month and six months (its deployment
//     frequency and lead-time cells repeat medium's in the report, so low is
//     simply "worse than medium" here).
//   - 2024: Google Cloud, "Accelerate State of DevOps Report 2024",
//     performance levels table (https://dora.dev/research/2024/dora-report/).
//     Elite: on demand; less than one day; 5%; less than one hour. High:
//     between once per day and once per week; between one day and one week;
//     20%; less than one day. Medium: between once per week and once per
//     month; between one week and one month; 10%; less than one day. Low:
//     between once per month and once every six months; between one month
//     and six months; 40%; between one week and one month.
//
// The change failure rates are the clusters' typical values; they are used
// as inclusive upper bounds.
var doraThresholds = map[int]Thresholds{
	2023: {
		Year:           2023,
		Source:         "DORA Accelerate State of DevOps Report 2023",
		DeploysPerDay:  [3]float64{1, 1.0 / 7, 1.0 / 30},
		LeadTime:       [3]Bound{{day, false}, {week, true}, {month, true}},
		ChangeFailRate: [3]Bound{{0.05, true}, {0.10, true}, {0.15, true}},
		Recovery:       [3]Bound{{hour, false}, {day, false}, {week, true}},
	},
	2024: {
		Year:           2024,
		Source:         "DORA Accelerate State of DevOps Report 2024",
		DeploysPerDay:  [3]float64{1, 1.0 / 7, 1.0 / 30},
		LeadTime:       [3]Bound{{day, false}, {week, true}, {month, true}},
		ChangeFailRate: [3]Bound{{0.05, true}, {0.20, true}, {0.10, true}},
		Recovery:       [3]Bound{{hour, false}, {day, false}, {day, false}},
	},
}

// ThresholdsFor returns the thresholds of a report year.
func ThresholdsFor(year int) (Thresholds, bool) {
	t, ok := doraThresholds[year]
	return t, ok
}

// ReportYears lists the years with thresholds, oldest first.
func ReportYears() []int {
	var ys []int
	for y := range doraThresholds {
		ys = append(ys, y)
	}
	slices.Sort(ys)
	return ys
}

// FrequencyLevel classifies successful production deployments per day.
func (t Thresholds) FrequencyLevel(perDay float64) Level {
	for i, min := range t.DeploysPerDay {
		if perDay >= min {
			return levelsBestFirst[i]
		}
	}
	return Low
}

// LeadTimeLevel classifies a median change lead time.
func (t Thresholds) LeadTimeLevel(d time.Duration) Level { return classify(t.LeadTime, d.Seconds()) }

// ChangeFailLevel classifies a change fail rate (0–1).
func (t Thresholds) ChangeFailLevel(rate float64) Level { return classify(t.ChangeFailRate, rate) }

// RecoveryLevel classifies a median failed deployment recovery time.
func (t Thresholds) RecoveryLevel(d time.Duration) Level { return classify(t.Recovery, d.Seconds()) }

func classify(bounds [3]Bound, v float64) Level {
	for i, b := range bounds {
		if b.admits(v) {
			return levelsBestFirst[i]
		}
	}
	return Low
}
