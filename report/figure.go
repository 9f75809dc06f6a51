package report

import (
	"math"
	"time"
)

// Unit says what a figure measures, and so how it is shown and how its
// change is read.
type Unit string

// Units of figures.
const (
	Count   Unit = "count"
	Users   Unit = "users"
	PerDay  Unit = "per_day"
	PerWeek Unit = "per_week"
	Ratio   Unit = "ratio"   // 0–1, shown as a percentage; changes in percentage points
	Seconds Unit = "seconds" // durations
	Minutes Unit = "minutes"
	Hours   Unit = "hours"
	Score   Unit = "score" // a 1–5 mean; changes in points
	NPS     Unit = "nps"   // −100 to 100; changes in points
	Money   Unit = "money" // in the configured currency
)

// Better says which way a figure should move; "" when neither is better
// (DORA warns against reading every number as a target).
type Better string

// Directions of Better.
const (
	Higher Better = "higher"
	Lower  Better = "lower"
)

// Figure is one number of the report and the same number over the
// previous period. A nil Value or Previous means no data, which is shown
// as such and never as 0.
type Figure struct {
	Value    *float64 `json:"value"`
	Previous *float64 `json:"previous"`
	Unit     Unit     `json:"unit"`
	Better   Better   `json:"better,omitempty"`
	// Level is the DORA performance level ("Elite", "High", "Medium",
	// "Low"), for the four keys only.
	Level string `json:"level,omitempty"`
}

// fig returns a figure of unit u; has and prevHas say which sides have data.
func fig(u Unit, b Better, has bool, v float64, prevHas bool, prev float64) Figure {
	f := Figure{Unit: u, Better: b}
	if has {
		f.Value = num(v)
	}
	if prevHas {
		f.Previous = num(prev)
	}
	return f
}

func num(v float64) *float64 { return &v }

// Has reports whether the figure has a value.
func (f Figure) Has() bool { return f.Value != nil }

// Change is how the figure moved against the previous period: Delta in
// the figure's unit (percentage points for ratios), Percent relative to
// the previous value. InPoints says that Delta is the change to show
// (ratios, scores and NPS); otherwise Percent is.
type Change struct {
	Delta, Percent float64
	InPoints       bool
	HasPercent     bool // false when the previous value is 0
}

// Change returns the change, ok false when either side has no data.
func (f Figure) Change() (c Change, ok bool) {
	if f.Value == nil || f.Previous == nil {
		return Change{}, false
	}
	v, p := *f.Value, *f.Previous
	c.Delta = v - p
	if f.Unit == Ratio {
		c.Delta *= 100
	}
	c.InPoints = f.Unit == Ratio || f.Unit == Score || f.Unit == NPS
	if p != 0 {
		c.Percent, c.HasPercent = (v-p)/math.Abs(p)*100, true
	}
	return c, true
}

// Verdict reads a change: "better", "worse" or "" (no direction, or no
// change).
func (f Figure) Verdict() string {
	c, ok := f.Change()
	if !ok || f.Better == "" || c.Delta == 0 {
		return ""
	}
	if (c.Delta > 0) == (f.Better == Higher) {
		return "better"
	}
	return "worse"
}

// Point is one week of a trend; a nil Value is a week without data.
type Point struct {
	Start time.Time `json:"week_start"`
	Value *float64  `json:"value"`
}
