package handlers

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
)

const (
	// rosterTTL is how long a listing of the workspace decides who can be
	// asked: a survey's invitations go out within minutes, and someone
	// deactivated meanwhile is at worst asked once. An older listing is
	// still used while a new one loads.
	rosterTTL = 15 * time.Minute
	// rosterRetry is how long after a failed listing each person is looked
	// up alone before the listing is tried again (users.list is Tier 2).
	rosterRetry = time.Minute
	// rosterLoadTimeout bounds one listing: 200 pages at 20 a minute.
	rosterLoadTimeout = 15 * time.Minute
)

// pulseDirectory resolves survey audiences through the Slack port. Whether
// a person can be asked (not a bot, not deactivated) is answered from a
// listing of the whole workspace (users.list, one Tier 2 call per 1,000
// people) rather than users.info per person: at Tier 4's 100 calls a
// minute, a survey of 10,000 people would take 100 minutes to send. While
// the first listing loads (minutes, in a large workspace), people are
// looked up one by one, so that a small survey does not wait for it.
type pulseDirectory struct {
	slack bot.Slack
	log   zerolog.Logger
	now   func() time.Time

	mu      sync.Mutex
	active  map[string]bool // user id → can be asked; nil until listed
	listed  time.Time
	failed  time.Time
	listing chan struct{} // closed when the listing under way ends; nil if none
}

func newPulseDirectory(s bot.Slack, log zerolog.Logger) *pulseDirectory {
	return &pulseDirectory{slack: s, log: log, now: time.Now}
}

func (d *pulseDirectory) UserGroupMembers(ctx context.Context, id string) ([]string, error) {
	return d.slack.UserGroupMembers(ctx, id)
}

func (d *pulseDirectory) ChannelMembers(ctx context.Context, id string) ([]string, error) {
	return d.slack.ChannelMembers(ctx, id)
}

// IsActiveHuman answers from the workspace listing. Someone it does not
// hold (joined since, or from another workspace of the organization) is
// looked up alone, as is everyone while the listing fails. Before the first
// listing, the person is looked up alone unless the listing comes first. A
// caller whose deadline passes waiting gets bot.ErrRateLimited: the outbox
// then puts the send back without counting an attempt.
func (d *pulseDirectory) IsActiveHuman(ctx context.Context, id string) (bool, error) {
	roster, listing := d.roster(ctx)
	if roster != nil || listing == nil {
		if active, ok := roster[id]; ok {
			return active, nil
		}
		return d.lookup(ctx, id)
	}
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-listing:
			cancel()
		case <-lctx.Done():
		}
	}()
	active, err := d.lookup(lctx, id)
	if err != nil && ctx.Err() == nil && lctx.Err() != nil {
		return d.IsActiveHuman(ctx, id) // the listing ended first: it answers
	}
	return active, err
}

// lookup asks users.info about one person.
func (d *pulseDirectory) lookup(ctx context.Context, id string) (bool, error) {
	u, err := d.slack.UserInfo(ctx, id)
	var se slack.SlackErrorResponse
	switch {
	case errors.As(err, &se) && (se.Err == "user_not_found" || se.Err == "user_not_visible"):
		return false, nil // a user Slack does not know cannot be asked either
	case err != nil && ctx.Err() != nil:
		return false, fmt.Errorf("looking up %s: %w (%w)", id, bot.ErrRateLimited, err)
	case err != nil:
		return false, err
	}
	return canBeAsked(u), nil
}

func canBeAsked(u bot.User) bool { return !u.IsBot && !u.Deleted && u.ID != "USLACKBOT" }

// roster returns the current listing, stale or not (nil before the first),
// and, while a listing is under way, a channel closed when it ends. It
// starts a listing when the current one is stale or missing, unless the
// last attempt failed less than rosterRetry ago.
func (d *pulseDirectory) roster(ctx context.Context) (map[string]bool, <-chan struct{}) {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	fresh := d.active != nil && now.Sub(d.listed) < rosterTTL
	if !fresh && d.listing == nil && now.Sub(d.failed) >= rosterRetry {
		d.listing = make(chan struct{})
		// The listing outlives the caller that started it: every send of
		// a survey is waiting for it.
		go d.list(context.WithoutCancel(ctx), d.listing)
	}
	return d.active, d.listing
}

func (d *pulseDirectory) list(ctx context.Context, done chan struct{}) {
	ctx, cancel := context.WithTimeout(ctx, rosterLoadTimeout)
	defer cancel()
	start := d.now()
	users, err := d.slack.Users(ctx)
	d.mu.Lock()
	defer d.mu.Unlock()
	defer close(done)
	d.listing = nil
	if err != nil {
		d.failed = d.now()
		d.log.Warn().Err(err).Msg("listing the workspace's users failed; looking survey participants up one by one for a minute")
		return
	}
	active := make(map[string]bool, len(users))
	for _, u := range users {
		active[u.ID] = canBeAsked(u)
	}
	d.active, d.listed = active, d.now()
	d.log.Debug().Int("users", len(users)).Dur("took", d.now().Sub(start)).Msg("listed the workspace's users")
}
