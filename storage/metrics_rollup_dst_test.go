package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/platformbot/platformbot/metrics"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// utc parses an RFC 3339 time.
func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// berlinDeployments straddle local midnights in Berlin around the start
// of summer time (Sunday 31 March 2024: midnight is 23:00 UTC the day
// before, and the day has 23 hours) and its end (Sunday 27 October 2024:
// midnight is 22:00 UTC the day before, and the day has 25 hours). Lead
// times are hours, all different, to see which fall in which day.
var berlinDeployments = []struct {
	id, finished string
	lead         time.Duration
	berlinDay    string
}{
	{"a", "2024-03-25T22:59:59Z", 1 * time.Hour, "2024-03-25"}, // the second before the 7-day window opens
	{"b", "2024-03-25T23:00:00Z", 2 * time.Hour, "2024-03-26"}, // its first instant
	{"c", "2024-03-30T22:59:59Z", 3 * time.Hour, "2024-03-30"},
	{"d", "2024-03-30T23:00:00Z", 4 * time.Hour, "2024-03-31"}, // 23-hour day: 23:00Z …
	{"e", "2024-03-31T21:59:59Z", 5 * time.Hour, "2024-03-31"}, // … to 22:00Z
	{"f", "2024-03-31T22:00:00Z", 6 * time.Hour, "2024-04-01"},
	{"g", "2024-03-31T23:30:00Z", 7 * time.Hour, "2024-04-01"}, // UTC's 31 March, Berlin's 1 April
	{"h", "2024-10-26T21:59:59Z", 8 * time.Hour, "2024-10-26"},
	{"i", "2024-10-26T22:00:00Z", 9 * time.Hour, "2024-10-27"}, // 25-hour day: 22:00Z …
	{"j", "2024-10-27T22:30:00Z", 10 * time.Hour, "2024-10-27"},
	{"k", "2024-10-27T22:59:59Z", 11 * time.Hour, "2024-10-27"}, // … to 23:00Z
	{"l", "2024-10-27T23:00:00Z", 12 * time.Hour, "2024-10-28"},
}

// TestRollupsBerlinDSTWindow checks, from the rollups and from the raw
// tables, that a window in Europe/Berlin starts at local midnight and that
// its calendar days are Berlin's days, 23 and 25 hours long across the
// changes of time.
func TestRollupsBerlinDSTWindow(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	for _, mode := range queryModes {
		t.Run(mode.name, func(t *testing.T) {
			storagetest.Each(t, func(t *testing.T, db *storage.DB) {
				ctx := context.Background()
				s := newMetrics(t, db)
				setMode(t, s, mode.name, mode.set)
				var b metrics.Batch
				for _, d := range berlinDeployments {
					b.Deployments = append(b.Deployments, metrics.Deployment{
						ID: d.id, Source: "api", Service: "checkout", Team: "payments", Environment: "production",
						Status: metrics.StatusSuccess, StartedAt: utc(d.finished).Add(-time.Minute), FinishedAt: utc(d.finished),
						CommitAt: utc(d.finished).Add(-d.lead),
					})
				}
				ingest(t, s, b)
				svc := &metrics.Service{Store: s, Thresholds: metrics.Thresholds{}, Now: func() time.Time { return utc("2024-04-02T07:00:00Z") }}

				// Made on 2 April at 09:00 local: the window is 26 March –
				// 1 April, Berlin time, from 25 March 23:00 UTC (winter time)
				// to 1 April 22:00 UTC (summer time).
				p, err := metrics.NewPeriod(utc("2024-04-02T07:00:00Z"), 7, berlin)
				if err != nil {
					t.Fatal(err)
				}
				if p.Current.From != utc("2024-03-25T23:00:00Z") || p.Current.To != utc("2024-04-01T22:00:00Z") {
					t.Fatalf("window %v: want Berlin midnights 25 Mar 23:00Z – 1 Apr 22:00Z", p.Current)
				}
				counts, err := s.DeployCounts(ctx, metrics.Scope{}, p.DaysCur)
				if err != nil {
					t.Fatal(err)
				}
				// 26 Mar: b; 30 Mar: c; 31 Mar (23 h): d, e; 1 Apr: f, g.
				if diff := cmp.Diff([]int{1, 0, 0, 0, 1, 2, 2}, counts); diff != "" {
					t.Errorf("spring days (26 Mar – 1 Apr) mismatch (-want +got):\n%s", diff)
				}
				r, err := svc.Report(ctx, metrics.Query{Days: 7, Location: berlin, At: utc("2024-04-02T07:00:00Z"), Sections: []string{metrics.SectionDelivery}})
				if err != nil {
					t.Fatal(err)
				}
				// b–g: lead times 2h … 7h → 4.5h; a, a second earlier, is out.
				if d := r.Delivery; d.Deployments != 6 || d.DeploymentDays != 4 || d.LeadTime.Value != 4.5*3600 {
					t.Errorf("spring window: %d deployments on %d days, lead time %v s; want 6, 4, 16200", d.Deployments, d.DeploymentDays, d.LeadTime.Value)
				}

				// Made on 28 October at 09:00 local: 21 – 27 October.
				p, _ = metrics.NewPeriod(utc("2024-10-28T08:00:00Z"), 7, berlin)
				counts, err = s.DeployCounts(ctx, metrics.Scope{Team: "payments"}, p.DaysCur)
				if err != nil {
					t.Fatal(err)
				}
				// 26 Oct: h; 27 Oct (25 h): i, j, k. l is 28 October.
				if diff := cmp.Diff([]int{0, 0, 0, 0, 0, 1, 3}, counts); diff != "" {
					t.Errorf("autumn days (21 – 27 Oct) mismatch (-want +got):\n%s", diff)
				}
				st, err := s.DeliveryStats(ctx, metrics.Scope{Service: "checkout"}, p.DaysCur[6:])
				if err != nil {
					t.Fatal(err)
				}
				// 27 October alone: i j k → 10h.
				if st[0].Succeeded != 3 || st[0].LeadTime != 10*3600 {
					t.Errorf("27 October: %d deployments, lead time %v s; want 3, 36000", st[0].Succeeded, st[0].LeadTime)
				}
			})
		})
	}
}

// TestRollupsHalfHourZone checks a window in Asia/Kolkata (UTC+5:30),
// whose midnights fall at 18:30 UTC, in the middle of an hour.
func TestRollupsHalfHourZone(t *testing.T) {
	kolkata, _ := time.LoadLocation("Asia/Kolkata")
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := newMetrics(t, db)
		var b metrics.Batch
		for i, fin := range []string{"2024-05-01T18:29:59Z", "2024-05-01T18:30:00Z", "2024-05-02T18:29:59Z", "2024-05-02T18:30:00Z"} {
			b.Deployments = append(b.Deployments, dep("k"+string(rune('0'+i)), "2024-01-01 00:00", time.Hour, metrics.StatusSuccess))
			b.Deployments[i].FinishedAt, b.Deployments[i].StartedAt = utc(fin), utc(fin).Add(-time.Minute)
		}
		ingest(t, s, b)
		day := metrics.Range{From: time.Date(2024, 5, 2, 0, 0, 0, 0, kolkata), To: time.Date(2024, 5, 3, 0, 0, 0, 0, kolkata)}
		odd := metrics.Range{From: utc("2024-05-01T18:29:30Z"), To: utc("2024-05-02T18:29:30Z")} // not on a slot: raw
		got, err := s.DeployCounts(ctx, metrics.Scope{}, []metrics.Range{day, odd})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]int{2, 2}, got); diff != "" {
			t.Errorf("Kolkata 2 May and an unaligned range mismatch (-want +got):\n%s", diff)
		}
	})
}
