package people

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// Team is a configured team: people listed by id and/or the members of a
// Slack user group.
type Team struct {
	ID        string
	Name      string
	Users     []string
	UserGroup string // Slack user group id, optional
}

// memberList is a user group's or channel's members as last fetched.
type memberList struct {
	ids []string
	at  int64 // directory clock, Unix ns
}

// GroupMembers returns the members of a Slack user group. They are cached
// for MembersFresh (usergroups.users.list is a Tier 2 method and approver
// checks happen on every click); when Slack cannot answer, the last known
// members answer rather than refusing everyone.
func (d *Directory) GroupMembers(ctx context.Context, group string) ([]string, error) {
	ids, err := d.membersOf(ctx, "group:", group)
	return slices.Clone(ids), err
}

// ChannelMembers returns the members of a channel, cached like
// GroupMembers.
func (d *Directory) ChannelMembers(ctx context.Context, channel string) ([]string, error) {
	ids, err := d.membersOf(ctx, "channel:", channel)
	return slices.Clone(ids), err
}

// InGroup reports whether user is a member of the Slack user group.
func (d *Directory) InGroup(ctx context.Context, group, user string) (bool, error) {
	ids, err := d.membersOf(ctx, "group:", group)
	if err != nil {
		return false, err
	}
	return slices.Contains(ids, user), nil
}

// membersOf returns the cached members of a group or channel (kind
// "group:" or "channel:"), asking Slack once for all concurrent callers
// when they are missing or stale. The slice is shared: do not modify it.
func (d *Directory) membersOf(ctx context.Context, kind, id string) ([]string, error) {
	key := kind + id
	c, ok := d.members.Get(key)
	if ok && d.now().UnixNano()-c.at < int64(d.membersFresh) {
		return c.ids, nil
	}
	ids, err := shared(ctx, &d.calls, key, func(ctx context.Context) ([]string, error) {
		if d.src == nil {
			return nil, errNoSource
		}
		ask := d.src.GroupMembers
		if kind == "channel:" {
			ask = d.src.ChannelMembers
		}
		ids, err := ask(ctx, id)
		if err == nil {
			d.members.Add(key, memberList{ids: ids, at: d.now().UnixNano()})
		}
		return ids, err
	})
	switch {
	case err == nil:
		return ids, nil
	case ok:
		d.log.Warn("people: cannot refresh members; using the last known", err, "of", key)
		return c.ids, nil
	case ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded):
		return nil, fmt.Errorf("people: members of %s: %w: %w", id, ErrBusy, err)
	}
	return nil, fmt.Errorf("people: members of %s: %w", id, err)
}

// Teams returns the configured teams in config order.
func (d *Directory) Teams() []Team { return slices.Clone(d.teams) }

// Team returns the configured team with an id.
func (d *Directory) Team(id string) (Team, bool) {
	i := slices.IndexFunc(d.teams, func(t Team) bool { return t.ID == id })
	if i < 0 {
		return Team{}, false
	}
	return d.teams[i], true
}

// TeamOf attributes someone to one team: the first team (in config
// order) that lists their id, else the first whose user group has them,
// else "". Explicit ids win so that a person in several groups can be
// placed by hand. The error reports the groups Slack could not answer for
// when no team was found.
func (d *Directory) TeamOf(ctx context.Context, user string) (string, error) {
	for _, t := range d.teams {
		if slices.Contains(t.Users, user) {
			return t.ID, nil
		}
	}
	var errs []error
	for _, t := range d.teams {
		if t.UserGroup == "" {
			continue
		}
		in, err := d.InGroup(ctx, t.UserGroup, user)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if in {
			return t.ID, nil
		}
	}
	return "", errors.Join(errs...)
}

// TeamMembers returns a team's people, listed and from its user group,
// sorted and without duplicates; nil for an unknown team.
func (d *Directory) TeamMembers(ctx context.Context, teamID string) ([]string, error) {
	t, ok := d.Team(teamID)
	if !ok {
		return nil, nil
	}
	members := slices.Clone(t.Users)
	if t.UserGroup != "" {
		group, err := d.membersOf(ctx, "group:", t.UserGroup)
		if err != nil {
			return nil, err
		}
		members = append(members, group...)
	}
	slices.Sort(members)
	return slices.Compact(members), nil
}
