package fakeslack

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// trigger is a trigger_id handed to the app. Slack accepts it once, within
// 3 s, which is why a bot must open its modal before any slow work.
type trigger struct {
	issued time.Time
	used   bool
}

// storedView is a modal or home tab as last opened, pushed, updated or
// published.
type storedView struct {
	id, hash, externalID, user string
	view                       json.RawMessage // the request's view object
}

// IssueTrigger returns a fresh trigger_id that views.open and views.push
// accept, for tests that call them without sending an envelope first.
func (s *Server) IssueTrigger() string { return s.issueTrigger("") }

// issueTrigger registers id (or a new one when "") as a valid trigger.
func (s *Server) issueTrigger(id string) string {
	if id == "" {
		n := s.seq.Add(1)
		id = fmt.Sprintf("%d.%d.%032x", 1700000000+n, n, n)
	}
	s.mu.Lock()
	s.triggers[id] = &trigger{issued: time.Now()}
	s.mu.Unlock()
	return id
}

// useTriggerLocked spends a trigger, answering the error Slack would.
func (s *Server) useTriggerLocked(id string) error {
	t, ok := s.triggers[id]
	switch {
	case id == "" || !ok:
		return slackError("invalid_trigger_id")
	case t.used:
		return slackError("exchanged_trigger_id")
	case s.opts.triggerTTL > 0 && time.Since(t.issued) > s.opts.triggerTTL:
		return slackError("expired_trigger_id")
	}
	t.used = true
	return nil
}

// viewArg reads and checks the "view" argument. Slack allows 100 blocks in a
// modal or home tab.
func viewArg(p params) (json.RawMessage, error) {
	v, err := p.json("view")
	if err != nil || v == nil {
		return nil, slackError("invalid_arguments")
	}
	var obj struct {
		Blocks []json.RawMessage `json:"blocks"`
	}
	if json.Unmarshal(v, &obj) != nil {
		return nil, slackError("invalid_arguments")
	}
	if len(obj.Blocks) > 100 {
		return nil, slackError("invalid_blocks")
	}
	return v, nil
}

// viewJSON is the view object Slack answers with: the requested view plus
// the server-side fields (id, hash, state…).
func viewJSON(v *storedView, rootID, previousID string) map[string]any {
	var out map[string]any
	_ = json.Unmarshal(v.view, &out) // viewArg checked it is an object
	if out == nil {
		out = map[string]any{}
	}
	out["id"] = v.id
	out["hash"] = v.hash
	out["team_id"] = TeamID
	out["app_id"] = AppID
	out["bot_id"] = BotID
	out["app_installed_team_id"] = TeamID
	out["root_view_id"] = rootID
	out["previous_view_id"] = previousID
	out["external_id"] = v.externalID
	out["state"] = map[string]any{"values": map[string]any{}}
	return map[string]any{"view": out}
}

// saveLocked stores view as a new view or the next version of old.
func (s *Server) saveLocked(old *storedView, view json.RawMessage, user string) *storedView {
	v := old
	if v == nil {
		v = &storedView{id: s.nextID("V"), user: user}
		s.views[v.id] = v
	}
	var ext struct {
		ExternalID string `json:"external_id"`
	}
	_ = json.Unmarshal(view, &ext)
	v.view = slices.Clone(view)
	if ext.ExternalID != "" {
		v.externalID = ext.ExternalID
	}
	v.hash = fmt.Sprintf("%d.%08x", time.Now().Unix(), s.seq.Add(1))
	return v
}

func (s *Server) viewsOpen(p params) (map[string]any, error) {
	return s.openOrPush(p, false)
}

func (s *Server) viewsPush(p params) (map[string]any, error) {
	return s.openOrPush(p, true)
}

func (s *Server) openOrPush(p params, push bool) (map[string]any, error) {
	view, err := viewArg(p)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.useTriggerLocked(p.str("trigger_id")); err != nil {
		return nil, err
	}
	v := s.saveLocked(nil, view, "")
	s.modals = append(s.modals, v.id)
	root := v.id
	if push {
		root = "" // the fake does not track modal stacks
	}
	return viewJSON(v, root, ""), nil
}

func (s *Server) viewsUpdate(p params) (map[string]any, error) {
	view, err := viewArg(p)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var old *storedView
	if id := p.str("view_id"); id != "" {
		old = s.views[id]
	} else if ext := p.str("external_id"); ext != "" {
		for _, v := range s.views {
			if v.externalID == ext {
				old = v
			}
		}
	}
	if old == nil {
		return nil, slackError("not_found")
	}
	if h := p.str("hash"); h != "" && h != old.hash {
		return nil, slackError("hash_conflict")
	}
	return viewJSON(s.saveLocked(old, view, old.user), old.id, ""), nil
}

func (s *Server) viewsPublish(p params) (map[string]any, error) {
	user := p.str("user_id")
	if user == "" {
		return nil, slackError("invalid_arguments")
	}
	view, err := viewArg(p)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.views[s.homes[user]]
	if h := p.str("hash"); h != "" && old != nil && h != old.hash {
		return nil, slackError("hash_conflict")
	}
	v := s.saveLocked(old, view, user)
	s.homes[user] = v.id
	return viewJSON(v, "", ""), nil
}

// View returns the current JSON of a view opened, pushed, updated or
// published through the Web API, with the id and hash Slack adds.
func (s *Server) View(id string) (json.RawMessage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.views[id]
	if !ok {
		return nil, false
	}
	b, _ := json.Marshal(viewJSON(v, v.id, "")["view"])
	return b, true
}

// Modals returns the ids of the modals opened or pushed so far, oldest
// first; View(id) gives each one's current content.
func (s *Server) Modals() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.modals)
}

// HomeView returns the home tab last published for user.
func (s *Server) HomeView(user string) (json.RawMessage, bool) {
	s.mu.Lock()
	id, ok := s.homes[user]
	s.mu.Unlock()
	if !ok {
		return nil, false
	}
	return s.View(id)
}
