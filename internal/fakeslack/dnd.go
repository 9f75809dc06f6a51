package fakeslack

import (
	"strings"

	"github.com/slack-go/slack"
)

// SetDND sets what dnd.teamInfo says of user: a snooze (SnoozeEnabled,
// SnoozeEndTime) and/or scheduled Do Not Disturb hours (Enabled,
// NextStartTimestamp, NextEndTimestamp). A zero status clears it.
func (s *Server) SetDND(user string, st slack.DNDStatus) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dnd == nil {
		s.dnd = map[string]slack.DNDStatus{}
	}
	s.dnd[user] = st
}

// dndTeamInfo answers dnd.teamInfo for the comma-separated "users": each
// user has a status (Slack answers for every user asked about).
func (s *Server) dndTeamInfo(p params) (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]slack.DNDStatus{}
	for _, u := range strings.Split(p.str("users"), ",") {
		if u != "" {
			out[u] = s.dnd[u]
		}
	}
	return map[string]any{"users": out}, nil
}
