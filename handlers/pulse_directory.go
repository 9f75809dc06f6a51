package handlers

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"
	"golang.org/x/sync/singleflight"

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
// people) instead of users.info per person: at Tier 4's 100 calls a
// minute, a survey of 10,000 people would take 100 minutes to send.
type pulseDirectory struct {
	slack bot.Slack
	log   zerolog.Logger
	now   func() time.Time
	load  singleflight.Group

	mu     sync.Mutex
	active map[string]bool // user id → can be asked; nil until listed
	listed time.Time
	failed time.Time
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
// looked up alone, as is everyone while the listing fails. A caller that
// cannot wait for the first listing gets bot.ErrRateLimited: the outbox
// then puts the send back without counting an attempt.
func (d *pulseDirectory) IsActiveHuman(ctx context.Context, id string) (bool, error) {
	roster, err := d.roster(ctx)
	switch {
	case err == nil:
		if active, ok := roster[id]; ok {
			return active, nil
		}
	case ctx.Err() != nil:
		return false, fmt.Errorf("listing the workspace's users: %w", bot.ErrRateLimited)
	}
	u, err := d.slack.UserInfo(ctx, id)
	var se slack.SlackErrorResponse
	if errors.As(err, &se) && (se.Err == "user_not_found" || se.Err == "user_not_visible") {
		return false, nil // a user Slack does not know cannot be asked either
	}
	if err != nil {
		return false, err
	}
	return canBeAsked(u), nil
}

func canBeAsked(u bot.User) bool { return !u.IsBot && !u.Deleted && u.ID != "USLACKBOT" }

// roster returns the listing, waiting for the first one; a stale one is
// returned while its replacement loads.
func (d *pulseDirectory) roster(ctx context.Context) (map[string]bool, error) {
	d.mu.Lock()
	active, age, failed := d.active, d.now().Sub(d.listed), d.now().Sub(d.failed) < rosterRetry
	d.mu.Unlock()
	switch {
	case active != nil && (age < rosterTTL || failed):
		return active, nil
	case failed:
		return nil, errors.New("the last listing of the workspace failed")
	}
	// The listing outlives the caller that started it: every send of a
	// survey is waiting for it.
	ch := d.load.DoChan("roster", func() (any, error) {
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rosterLoadTimeout)
		defer cancel()
		return d.list(lctx)
	})
	if active != nil {
		return active, nil
	}
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(map[string]bool), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (d *pulseDirectory) list(ctx context.Context) (map[string]bool, error) {
	start := d.now()
	users, err := d.slack.Users(ctx)
	d.mu.Lock()
	defer d.mu.Unlock()
	if err != nil {
		d.failed = d.now()
		d.log.Warn().Err(err).Msg("listing the workspace's users failed; looking survey participants up one by one for a minute")
		return nil, err
	}
	active := make(map[string]bool, len(users))
	for _, u := range users {
		active[u.ID] = canBeAsked(u)
	}
	d.active, d.listed = active, d.now()
	d.log.Debug().Int("users", len(users)).Dur("took", d.now().Sub(start)).Msg("listed the workspace's users")
	return active, nil
}
