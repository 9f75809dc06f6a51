package fakeslack

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// slackError is a Slack error code, answered as {"ok":false,"error":code}.
type slackError string

func (e slackError) Error() string { return string(e) }

type apiHandler func(s *Server, p params) (map[string]any, error)

type apiMethod struct {
	appToken bool // needs an xapp- token instead of xoxb-
	handle   apiHandler
}

var apiMethods = map[string]apiMethod{
	"apps.connections.open":        {appToken: true, handle: (*Server).appsConnectionsOpen},
	"auth.test":                    {handle: (*Server).authTest},
	"chat.postMessage":             {handle: (*Server).chatPostMessage},
	"chat.postEphemeral":           {handle: (*Server).chatPostEphemeral},
	"chat.update":                  {handle: (*Server).chatUpdate},
	"chat.delete":                  {handle: (*Server).chatDelete},
	"views.open":                   {handle: (*Server).viewsOpen},
	"views.push":                   {handle: (*Server).viewsPush},
	"views.update":                 {handle: (*Server).viewsUpdate},
	"views.publish":                {handle: (*Server).viewsPublish},
	"users.info":                   {handle: (*Server).usersInfo},
	"users.list":                   {handle: (*Server).usersList},
	"dnd.teamInfo":                 {handle: (*Server).dndTeamInfo},
	"usergroups.users.list":        {handle: (*Server).usergroupsUsersList},
	"conversations.members":        {handle: (*Server).conversationsMembers},
	"conversations.open":           {handle: (*Server).conversationsOpen},
	"files.getUploadURLExternal":   {handle: (*Server).filesGetUploadURLExternal},
	"files.completeUploadExternal": {handle: (*Server).filesCompleteUploadExternal},
}

// params reads arguments from a form body (plus query) or a JSON body, the
// two encodings slack-go uses depending on the method.
type params struct {
	form url.Values
	raw  map[string]json.RawMessage // JSON body, nil for forms
	obj  map[string]any
}

func parseParams(r *http.Request) (params, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/json" {
		err := r.ParseForm()
		return params{form: r.Form}, err
	}
	p := params{form: r.URL.Query(), raw: map[string]json.RawMessage{}}
	body, err := io.ReadAll(r.Body)
	if err != nil || len(bytes.TrimSpace(body)) == 0 {
		return p, err // apps.connections.open posts an empty JSON body
	}
	if err := json.Unmarshal(body, &p.raw); err != nil {
		return p, err
	}
	return p, json.Unmarshal(body, &p.obj)
}

// str returns a scalar argument as text.
func (p params) str(k string) string {
	if v, ok := p.raw[k]; ok {
		var s string
		if json.Unmarshal(v, &s) == nil {
			return s
		}
		if string(v) == "null" {
			return ""
		}
		return string(v)
	}
	return p.form.Get(k)
}

// json returns a JSON-valued argument such as blocks or view, which form
// bodies (and some JSON clients) carry as a string. nil when absent.
func (p params) json(k string) (json.RawMessage, error) {
	v, ok := p.raw[k]
	if !ok {
		if s := p.form.Get(k); s != "" {
			v = json.RawMessage(s)
		}
	} else {
		var s string
		if json.Unmarshal(v, &s) == nil {
			v = json.RawMessage(s)
		}
	}
	if len(v) == 0 || string(v) == "null" {
		return nil, nil
	}
	if !json.Valid(v) {
		return nil, slackError("invalid_arguments")
	}
	return v, nil
}

func (s *Server) handleAPI(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("method")
	call := Call{Method: name, Header: r.Header.Clone(), At: time.Now(), Status: http.StatusOK}
	p, perr := parseParams(r)
	call.Form, call.JSON = p.form, p.obj
	fail := func(code string) {
		call.Error = code
		s.recordCall(call)
		writeJSON(w, map[string]any{"ok": false, "error": code})
	}
	m, ok := apiMethods[name]
	if name == "apps.connections.open" {
		s.mu.Lock()
		s.connOpens++
		s.notifyLocked()
		s.mu.Unlock()
	}
	switch {
	case !ok:
		fail("unknown_method")
		return
	case perr != nil:
		fail("invalid_form_data")
		return
	case !tokenOK(bearer(r, p), m.appToken):
		fail("invalid_auth")
		return
	}
	v := s.limits.check(name, call.At)
	if v.status != 0 {
		call.Status = v.status
		s.recordCall(call)
		if v.retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(v.retryAfter))
		}
		http.Error(w, http.StatusText(v.status), v.status)
		return
	}
	if v.slackErr != "" {
		fail(v.slackErr)
		return
	}
	resp, err := m.handle(s, p)
	if err != nil {
		fail(err.Error())
		return
	}
	resp["ok"] = true
	// Recorded before answering, so the call is visible once the client returns.
	s.recordCall(call)
	writeJSON(w, resp)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

// bearer finds the token: slack-go sends it in the Authorization header for
// JSON methods but as a "token" form field for form methods.
func bearer(r *http.Request, p params) string {
	if h, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return h
	}
	return p.form.Get("token")
}

func tokenOK(tok string, app bool) bool {
	prefix := "xoxb-"
	if app {
		prefix = "xapp-"
	}
	return len(tok) > len(prefix) && strings.HasPrefix(tok, prefix)
}

func (s *Server) appsConnectionsOpen(params) (map[string]any, error) {
	ticket := s.nextID("ticket")
	s.mu.Lock()
	s.tickets[ticket] = struct{}{}
	s.mu.Unlock()
	wsURL := "ws" + strings.TrimPrefix(s.http.URL, "http") + "/ws/" + ticket
	return map[string]any{"url": wsURL}, nil
}

func (s *Server) authTest(params) (map[string]any, error) {
	return map[string]any{
		"url": "https://fake.slack.com/", "team": "Fake", "user": "platformbot",
		"team_id": TeamID, "user_id": BotUserID, "bot_id": BotID, "is_enterprise_install": false,
	}, nil
}

// isUserID reports whether a channel argument is really a user id, which
// chat.postMessage accepts and delivers to the app's DM with that user.
func isUserID(ch string) bool { return len(ch) > 1 && (ch[0] == 'U' || ch[0] == 'W') }

// dmChannelLocked returns the DM channel id for a user, remembering it.
func (s *Server) dmChannelLocked(user string) string {
	dm := "D" + user[1:]
	s.dms[dm] = user
	return dm
}

// canonChannelLocked maps a DM channel id back to its user id, the key
// messages are recorded under.
func (s *Server) canonChannelLocked(ch string) string {
	if u, ok := s.dms[ch]; ok {
		return u
	}
	return ch
}

// messageContent validates text and blocks the way Slack does.
func messageContent(p params) (text string, blocks json.RawMessage, err error) {
	text = p.str("text")
	if blocks, err = p.json("blocks"); err != nil {
		return "", nil, slackError("invalid_blocks_format")
	}
	if blocks != nil {
		var list []json.RawMessage
		if json.Unmarshal(blocks, &list) != nil {
			return "", nil, slackError("invalid_blocks_format")
		}
		if len(list) > 50 {
			return "", nil, slackError("invalid_blocks")
		}
	}
	attachments, _ := p.json("attachments")
	switch {
	case text == "" && blocks == nil && attachments == nil:
		return "", nil, slackError("no_text")
	case len(text) > 40000:
		return "", nil, slackError("msg_too_long")
	}
	return text, blocks, nil
}

func messageJSON(m *Message) map[string]any {
	out := map[string]any{
		"type": "message", "text": m.Text, "user": BotUserID, "bot_id": BotID,
		"app_id": AppID, "team": TeamID, "ts": m.TS,
	}
	if m.ThreadTS != "" {
		out["thread_ts"] = m.ThreadTS
	}
	if m.Blocks != nil {
		out["blocks"] = m.Blocks
	}
	return out
}

func (s *Server) chatPostMessage(p params) (map[string]any, error) {
	channel := p.str("channel")
	if channel == "" {
		return nil, slackError("channel_not_found")
	}
	text, blocks, err := messageContent(p)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	reply := channel
	if isUserID(channel) {
		reply = s.dmChannelLocked(channel)
	}
	m := &Message{Channel: s.canonChannelLocked(channel), TS: s.nextTS(), Text: text, ThreadTS: p.str("thread_ts"), Blocks: blocks}
	s.messages = append(s.messages, m)
	s.notifyLocked()
	return map[string]any{"channel": reply, "ts": m.TS, "message": messageJSON(m)}, nil
}

func (s *Server) chatPostEphemeral(p params) (map[string]any, error) {
	channel, user := p.str("channel"), p.str("user")
	if channel == "" {
		return nil, slackError("channel_not_found")
	}
	if user == "" {
		return nil, slackError("user_not_found")
	}
	text, blocks, err := messageContent(p)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if members, ok := s.members[channel]; ok && !slices.Contains(members, user) {
		return nil, slackError("user_not_in_channel")
	}
	m := &Message{Channel: s.canonChannelLocked(channel), TS: s.nextTS(), Text: text, ThreadTS: p.str("thread_ts"),
		User: user, Blocks: blocks, Ephemeral: true}
	s.messages = append(s.messages, m)
	s.notifyLocked()
	return map[string]any{"message_ts": m.TS}, nil
}

// findMessageLocked returns the index of a non-ephemeral message, or -1.
func (s *Server) findMessageLocked(channel, ts string) int {
	channel = s.canonChannelLocked(channel)
	for i, m := range s.messages {
		if m.Channel == channel && m.TS == ts && !m.Ephemeral {
			return i
		}
	}
	return -1
}

func (s *Server) chatUpdate(p params) (map[string]any, error) {
	channel, ts := p.str("channel"), p.str("ts")
	text, blocks, err := messageContent(p)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.findMessageLocked(channel, ts)
	if i < 0 {
		return nil, slackError("message_not_found")
	}
	m := s.messages[i]
	m.Text, m.Blocks = text, blocks
	m.Updated++
	s.notifyLocked()
	return map[string]any{"channel": channel, "ts": ts, "text": text, "message": messageJSON(m)}, nil
}

func (s *Server) chatDelete(p params) (map[string]any, error) {
	channel, ts := p.str("channel"), p.str("ts")
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.findMessageLocked(channel, ts)
	if i < 0 {
		return nil, slackError("message_not_found")
	}
	s.messages = append(s.messages[:i], s.messages[i+1:]...)
	s.notifyLocked()
	return map[string]any{"channel": channel, "ts": ts}, nil
}
