package main

import (
	"context"
	"time"

	"github.com/platformbot/platformbot/outbox"
	"github.com/platformbot/platformbot/schedule"
	"github.com/platformbot/platformbot/storage"
)

// outboxRetention is how long finished pending sends are kept.
const outboxRetention = 30 * 24 * time.Hour

// wireOutbox builds the one dispatcher that delivers every side effect the
// features decide on (DMs, channel posts, message updates, webhooks,
// uploads); each feature registers its kinds of send on m.Outbox while it
// is wired. The dispatcher runs on every replica (any of them may finish
// another's fan-out): Run starts it, and it stops when Main closes,
// letting its in-flight sends finish.
func (m *Main) wireOutbox(ctx context.Context) error {
	lease := m.Config.Scheduler.SendLease.D()
	workers := 0 // the default
	if m.ManualOutbox {
		workers = 1 // in the order they were decided
	}
	d, err := outbox.New(outbox.Options{Store: storage.NewOutboxStore(m.DB), Log: m.Log, Clock: m.Clock,
		Registry: m.Registry, StartOnEnqueue: true, Lease: lease, SendTimeout: min(time.Minute, lease/2), Manual: m.ManualOutbox, Workers: workers})
	if err != nil {
		return err
	}
	m.Outbox = d
	m.closers = append(m.closers, d.Stop)
	m.background = append(m.background, d.Start)
	return m.Scheduler.Add(schedule.Job{Name: "outbox-purge", Every: 24 * time.Hour, Run: func(ctx context.Context) error {
		_, err := storage.NewOutboxStore(m.DB).Purge(ctx, m.Clock.Now().Add(-outboxRetention))
		return err
	}})
}
