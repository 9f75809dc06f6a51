package fakeslack

import (
	"encoding/base64"
	"slices"
	"strconv"
	"strings"

	"github.com/slack-go/slack"
)

// AddUser adds or replaces a user; users.info and users.list return it as
// given (tz, tz_offset, is_bot, deleted, profile…), its locale only when
// asked with include_locale=true, as Slack does. An empty TeamID becomes
// TeamID.
func (s *Server) AddUser(u slack.User) {
	if u.TeamID == "" {
		u.TeamID = TeamID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if i, ok := s.userIdx[u.ID]; ok {
		s.users[i] = u
		return
	}
	s.userIdx[u.ID] = len(s.users)
	s.users = append(s.users, u)
}

// SetUserGroup sets the members usergroups.users.list returns for id.
func (s *Server) SetUserGroup(id string, members []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.groups[id] = slices.Clone(members)
}

// SetChannelMembers sets the members conversations.members returns for the
// channel. It also makes chat.postEphemeral answer user_not_in_channel for
// anyone else in that channel.
func (s *Server) SetChannelMembers(id string, members []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.members[id] = slices.Clone(members)
}

// page cuts one page out of n items, Slack style: "limit" (default 100, at
// most 1000) and an opaque "cursor"; next is "" on the last page.
func page(p params, n int) (from, to int, next string, err error) {
	limit := 100
	if l, convErr := strconv.Atoi(p.str("limit")); convErr == nil && l > 0 {
		limit = min(l, 1000)
	}
	if c := p.str("cursor"); c != "" {
		raw, decErr := base64.StdEncoding.DecodeString(c)
		off, ok := strings.CutPrefix(string(raw), "offset:")
		if from, err = strconv.Atoi(off); decErr != nil || !ok || err != nil || from < 0 || from > n {
			return 0, 0, "", slackError("invalid_cursor")
		}
	}
	to = min(from+limit, n)
	if to < n {
		next = base64.StdEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(to)))
	}
	return from, to, next, nil
}

func (s *Server) usersInfo(p params) (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// slack-go's GetUsersInfo asks for several users with "users".
	if ids := p.str("users"); ids != "" {
		var out []slack.User
		for _, id := range strings.Split(ids, ",") {
			if i, ok := s.userIdx[id]; ok {
				out = append(out, withLocale(p, s.users[i]))
			}
		}
		if len(out) == 0 {
			return nil, slackError("user_not_found")
		}
		return map[string]any{"users": out}, nil
	}
	i, ok := s.userIdx[p.str("user")]
	if !ok {
		return nil, slackError("user_not_found")
	}
	return map[string]any{"user": withLocale(p, s.users[i])}, nil
}

// withLocale returns u as Slack shows it: with its locale only when the
// call asked for it.
func withLocale(p params, u slack.User) slack.User {
	if p.str("include_locale") != "true" {
		u.Locale = ""
	}
	return u
}

func (s *Server) usersList(p params) (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	from, to, next, err := page(p, len(s.users))
	if err != nil {
		return nil, err
	}
	members := make([]slack.User, 0, to-from)
	for _, u := range s.users[from:to] {
		members = append(members, withLocale(p, u))
	}
	return map[string]any{
		"members":           members,
		"cache_ts":          1700000000,
		"response_metadata": map[string]any{"next_cursor": next},
	}, nil
}

func (s *Server) usergroupsUsersList(p params) (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	members, ok := s.groups[p.str("usergroup")]
	if !ok {
		return nil, slackError("no_such_subteam")
	}
	return map[string]any{"users": append([]string{}, members...)}, nil
}

func (s *Server) conversationsMembers(p params) (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	members, ok := s.members[p.str("channel")]
	if !ok {
		return nil, slackError("channel_not_found")
	}
	from, to, next, err := page(p, len(members))
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"members":           append([]string{}, members[from:to]...),
		"response_metadata": map[string]any{"next_cursor": next},
	}, nil
}

// conversationsOpen opens the DM with one user (the same D… id that
// chat.postMessage to that user answers with) or an MPIM with several.
func (s *Server) conversationsOpen(p params) (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch := p.str("channel"); ch != "" {
		if _, ok := s.dms[ch]; !ok {
			return nil, slackError("channel_not_found")
		}
		return map[string]any{"channel": map[string]any{"id": ch}, "no_op": true, "already_open": true}, nil
	}
	users := strings.Split(p.str("users"), ",")
	users = slices.DeleteFunc(users, func(u string) bool { return u == "" })
	switch {
	case len(users) == 0:
		return nil, slackError("users_list_not_supplied")
	case len(users) > 8:
		return nil, slackError("too_many_users")
	case len(users) == 1:
		if !isUserID(users[0]) {
			return nil, slackError("user_not_found")
		}
		dm := "D" + users[0][1:]
		_, open := s.dms[dm]
		s.dmChannelLocked(users[0])
		return map[string]any{
			"channel":      map[string]any{"id": dm, "is_im": true, "user": users[0]},
			"no_op":        open,
			"already_open": open,
		}, nil
	}
	slices.Sort(users)
	key := strings.Join(users, ",")
	id, open := s.mpims[key]
	if !open {
		id = s.nextID("G")
		s.mpims[key] = id
	}
	return map[string]any{
		"channel":      map[string]any{"id": id, "is_mpim": true},
		"no_op":        open,
		"already_open": open,
	}, nil
}
