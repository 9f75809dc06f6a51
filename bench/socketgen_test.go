package bench

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/platformbot/platformbot/internal/fakeslack"
)

// sockSent is one envelope the generator sent: its id and the time it was
// due. Latencies count from the due time, not from the actual send, so a
// generator or a fake that falls behind shows up in the figures instead of
// hiding them (no coordinated omission).
type sockSent struct {
	id  string
	due time.Time
}

// sockOpenLoop sends rate×d envelopes made by next, each at its due time
// start+i/rate, whatever the acks do (open loop). While no socket is open
// (a reconnect) it waits for one and sends late, as Slack holds envelopes
// for an app without a connection. It returns what it sent and how long
// sending took.
func sockOpenLoop(ctx context.Context, fake *fakeslack.Server, rate float64, d time.Duration, next func(i int) (fakeslack.Prepared, error)) ([]sockSent, time.Duration, error) {
	n := int(rate * d.Seconds())
	sent := make([]sockSent, 0, n)
	interval := float64(time.Second) / rate
	start := time.Now()
	for i := range n {
		due := start.Add(time.Duration(float64(i) * interval))
		if wait := time.Until(due); wait > 0 {
			time.Sleep(wait)
		}
		p, err := next(i)
		if err != nil {
			return sent, 0, err
		}
		for {
			id, err := fake.SendPrepared(p)
			if errors.Is(err, fakeslack.ErrNoConnection) {
				if err := fake.WaitConnections(ctx, 1); err != nil {
					return sent, 0, err
				}
				continue
			}
			if err != nil {
				return sent, 0, err
			}
			sent = append(sent, sockSent{id: id, due: due})
			break
		}
	}
	return sent, time.Since(start), nil
}

// sockAckReport is what came back for a set of sent envelopes.
type sockAckReport struct {
	lat       []time.Duration // first ack minus due time, sorted
	missing   int             // never acked
	duplicate int             // acked more than once
}

// sockCollectAcks waits up to wait for every sent envelope's ack and
// matches acks to due times.
func sockCollectAcks(fake *fakeslack.Server, sent []sockSent, wait time.Duration) sockAckReport {
	ctx, cancel := sockTimeout(wait)
	defer cancel()
	for _, s := range sent {
		if _, err := fake.WaitAck(ctx, s.id); err != nil {
			break // the rest are counted below
		}
	}
	first := map[string]time.Time{}
	count := map[string]int{}
	for _, a := range fake.Acks() {
		if count[a.EnvelopeID] == 0 {
			first[a.EnvelopeID] = a.At
		}
		count[a.EnvelopeID]++
	}
	var r sockAckReport
	r.lat = make([]time.Duration, 0, len(sent))
	for _, s := range sent {
		at, ok := first[s.id]
		switch {
		case !ok:
			r.missing++
			continue
		case count[s.id] > 1:
			r.duplicate++
		}
		r.lat = append(r.lat, at.Sub(s.due))
	}
	slices.Sort(r.lat)
	return r
}

// sockPct returns the p-th quantile of sorted latencies, in milliseconds.
func sockPct(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	return float64(sorted[int(p*float64(len(sorted)-1))].Microseconds()) / 1000
}

func sockTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}

// sockTable collects result rows and prints them as a Markdown table.
type sockTable struct {
	header []string
	rows   [][]string
}

func (t *sockTable) add(cells ...any) {
	row := make([]string, len(cells))
	for i, c := range cells {
		switch v := c.(type) {
		case float64:
			row[i] = fmt.Sprintf("%.2f", v)
		default:
			row[i] = fmt.Sprint(v)
		}
	}
	t.rows = append(t.rows, row)
}

func (t *sockTable) String() string {
	var b strings.Builder
	b.WriteString("| " + strings.Join(t.header, " | ") + " |\n")
	b.WriteString("|" + strings.Repeat("---|", len(t.header)) + "\n")
	for _, r := range t.rows {
		b.WriteString("| " + strings.Join(r, " | ") + " |\n")
	}
	return b.String()
}
