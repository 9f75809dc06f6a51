package bot

import (
	"context"
	"errors"
	"fmt"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/people"
)

// This file joins the Slack port and the directory of people both ways:
// PeopleSource is how the directory asks Slack, and WithPeople makes the
// port's user reads answer from the directory, so that every handler
// asking the port about a user shares the directory's one cache.

// UserPager is implemented by ports that can list the workspace page by
// page (API does), so that a listing of a large workspace is never held
// twice while it is converted.
type UserPager interface {
	UserPages(ctx context.Context, page func([]User) error) error
}

// PeopleSource returns s as the directory's view of Slack.
func PeopleSource(s Slack) people.Source { return peopleSource{s} }

type peopleSource struct{ s Slack }

// List implements people.Source.
func (p peopleSource) List(ctx context.Context, page func([]people.Person) error) error {
	convert := func(users []User) error {
		ps := make([]people.Person, len(users))
		for i, u := range users {
			ps[i] = u.Person()
		}
		return page(ps)
	}
	if pager, ok := p.s.(UserPager); ok {
		return pager.UserPages(ctx, convert)
	}
	users, err := p.s.Users(ctx)
	if err != nil {
		return err
	}
	return convert(users)
}

// Lookup implements people.Source: Slack's user_not_found and
// user_not_visible become people.ErrNotFound.
func (p peopleSource) Lookup(ctx context.Context, id string) (people.Person, error) {
	u, err := p.s.UserInfo(ctx, id)
	var se slack.SlackErrorResponse
	switch {
	case errors.As(err, &se) && (se.Err == "user_not_found" || se.Err == "user_not_visible"):
		return people.Person{}, fmt.Errorf("%w: %w", people.ErrNotFound, err)
	case err != nil:
		return people.Person{}, err
	}
	return u.Person(), nil
}

// GroupMembers implements people.Source.
func (p peopleSource) GroupMembers(ctx context.Context, group string) ([]string, error) {
	return p.s.UserGroupMembers(ctx, group)
}

// ChannelMembers implements people.Source.
func (p peopleSource) ChannelMembers(ctx context.Context, channel string) ([]string, error) {
	return p.s.ChannelMembers(ctx, channel)
}

// Person returns the directory's view of u.
func (u User) Person() people.Person {
	return people.Person{
		ID: u.ID, Name: u.Name, RealName: u.RealName, TZ: u.TZ, TZOffset: u.TZOffset, Locale: u.Locale,
		IsBot: u.IsBot, Deleted: u.Deleted,
	}
}

// userOf returns p as the port's User (IsAdmin, which the directory does
// not keep, is false).
func userOf(p people.Person) User {
	return User{
		ID: p.ID, Name: p.Name, RealName: p.RealName, TZ: p.TZ, TZOffset: p.TZOffset, Locale: p.Locale,
		IsBot: p.IsBot, Deleted: p.Deleted,
	}
}

// WithPeople returns s with its user reads (UserInfo, UserGroupMembers,
// ChannelMembers) answered by dir, whose Source must be built on s itself,
// not on what this returns. A port that uploads files still does.
func WithPeople(s Slack, dir *people.Directory) Slack {
	p := peopleSlack{Slack: s, dir: dir}
	if u, ok := s.(Uploader); ok {
		return peopleUploader{p, u}
	}
	return p
}

// peopleUploader keeps the Uploader of the port it wraps visible.
type peopleUploader struct {
	peopleSlack
	Uploader
}

type peopleSlack struct {
	Slack
	dir *people.Directory
}

func (p peopleSlack) UserInfo(ctx context.Context, id string) (User, error) {
	person, err := p.dir.Person(ctx, id)
	if err != nil {
		return User{}, PeopleError(err)
	}
	return userOf(person), nil
}

func (p peopleSlack) UserGroupMembers(ctx context.Context, group string) ([]string, error) {
	m, err := p.dir.GroupMembers(ctx, group)
	return m, PeopleError(err)
}

func (p peopleSlack) ChannelMembers(ctx context.Context, channel string) ([]string, error) {
	m, err := p.dir.ChannelMembers(ctx, channel)
	return m, PeopleError(err)
}

// PeopleError translates the directory's errors into the port's: Slack
// not answering before the caller's deadline (people.ErrBusy) is
// ErrRateLimited, so that background senders put the work back without
// counting an attempt and users are asked to retry.
func PeopleError(err error) error {
	if errors.Is(err, people.ErrBusy) && !errors.Is(err, ErrRateLimited) {
		return fmt.Errorf("%w: %w", ErrRateLimited, err)
	}
	return err
}
