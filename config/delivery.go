package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/platformbot/platformbot/workhours"
)

// Delivery says when the DMs the bot sends on its own initiative (survey
// invitations and reminders, feedback requests, idea status DMs) may reach
// a person; replies go at once.
type Delivery struct {
	// Enabled holds those DMs for each person's working hours, in their
	// own time zone (from Slack; the configured timezone if unknown).
	// Default true.
	Enabled *bool `yaml:"enabled"`
	// WorkingHours are "HH:MM-HH:MM" in each person's zone, on the
	// working days. Default "09:00-17:00".
	WorkingHours string `yaml:"working_hours"`
	// WorkingDays are the days of the week with working hours, such as
	// [Mon, Tue, Wed, Thu] or [Sun, Mon, Tue, Wed, Thu]. Default Monday to
	// Friday.
	WorkingDays []string `yaml:"working_days"`
	// RespectDND also holds them while the person is in Do Not Disturb
	// (dnd.teamInfo; needs the dnd:read scope). Default true.
	RespectDND *bool `yaml:"respect_dnd"`
}

// Hours returns the configured working hours (the default when unset or
// invalid; validate reports the latter).
func (d Delivery) Hours() workhours.Window {
	w, err := parseHours(d.WorkingHours)
	if err != nil {
		w = workhours.Default()
	}
	if days, err := parseDays(d.WorkingDays); err == nil && len(d.WorkingDays) > 0 {
		w.Days = days
	}
	return w
}

// parseDays reads day names ("Mon" or "Monday", any case).
func parseDays(names []string) ([7]bool, error) {
	var days [7]bool
	for _, n := range names {
		found := false
		for d := time.Sunday; d <= time.Saturday; d++ {
			full := d.String()
			if strings.EqualFold(n, full) || strings.EqualFold(n, full[:3]) {
				days[d], found = true, true
			}
		}
		if !found {
			return days, fmt.Errorf("%q is not a day of the week (Mon, Tue, … Sun)", n)
		}
	}
	return days, nil
}

// On reports whether the DMs wait for working hours at all.
func (d Delivery) On() bool { return d.Enabled == nil || *d.Enabled }

// DND reports whether Do Not Disturb is respected.
func (d Delivery) DND() bool { return d.RespectDND == nil || *d.RespectDND }

func parseHours(s string) (workhours.Window, error) {
	w := workhours.Default()
	if strings.TrimSpace(s) == "" {
		return w, nil
	}
	from, to, _ := strings.Cut(s, "-")
	var err error
	if w.Start, err = workhours.ParseClock(from); err != nil {
		return w, err
	}
	if w.End, err = workhours.ParseClock(to); err != nil {
		return w, err
	}
	return w, w.Validate()
}

func (d Delivery) validate(v *validator, path string) {
	if _, err := parseHours(d.WorkingHours); err != nil {
		v.add(path+".working_hours", "%v (use HH:MM-HH:MM such as 09:00-17:00)", err)
	}
	if _, err := parseDays(d.WorkingDays); err != nil {
		v.add(path+".working_days", "%v", err)
	}
}
