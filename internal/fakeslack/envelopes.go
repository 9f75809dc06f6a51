package fakeslack

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// Ack is one acknowledgement read from a socket: {"envelope_id", "payload"}.
// Payload is nil when the ack carried none.
type Ack struct {
	EnvelopeID string
	Payload    json.RawMessage
	At         time.Time
}

// ackBook records every ack and wakes waiters for specific envelope ids.
type ackBook struct {
	mu      sync.Mutex
	all     []Ack
	first   map[string]int // envelope id -> index of its first ack in all
	count   map[string]int
	waiters map[string][]chan<- Ack
}

func (b *ackBook) init() {
	b.first = make(map[string]int)
	b.count = make(map[string]int)
	b.waiters = make(map[string][]chan<- Ack)
}

func (b *ackBook) add(a Ack) {
	b.mu.Lock()
	if b.count[a.EnvelopeID] == 0 {
		b.first[a.EnvelopeID] = len(b.all)
	}
	b.all = append(b.all, a)
	b.count[a.EnvelopeID]++
	ws := b.waiters[a.EnvelopeID]
	delete(b.waiters, a.EnvelopeID)
	b.mu.Unlock()
	// Every waiter channel has room: see wait.
	for _, ch := range ws {
		ch <- a
	}
}

// wait arranges for the first ack of id to be sent on ch, at once if it is
// already recorded. ch must have a free slot for every id it waits on.
func (b *ackBook) wait(id string, ch chan<- Ack) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if i, ok := b.first[id]; ok {
		ch <- b.all[i]
		return
	}
	b.waiters[id] = append(b.waiters[id], ch)
}

func (b *ackBook) unwait(id string, ch chan<- Ack) {
	b.mu.Lock()
	defer b.mu.Unlock()
	ws := slices.DeleteFunc(b.waiters[id], func(x chan<- Ack) bool { return x == ch })
	if len(ws) == 0 {
		delete(b.waiters, id)
	} else {
		b.waiters[id] = ws
	}
}

// WaitAck waits for the first ack of envelopeID (or returns it if already in).
func (s *Server) WaitAck(ctx context.Context, envelopeID string) (Ack, error) {
	ch := make(chan Ack, 1)
	s.acks.wait(envelopeID, ch)
	select {
	case a := <-ch:
		return a, nil
	case <-ctx.Done():
		s.acks.unwait(envelopeID, ch)
		return Ack{}, ctx.Err()
	case <-s.done:
		s.acks.unwait(envelopeID, ch)
		return Ack{}, ErrClosed
	}
}

// Acks returns every ack received, in arrival order, duplicates included.
func (s *Server) Acks() []Ack {
	s.acks.mu.Lock()
	defer s.acks.mu.Unlock()
	return slices.Clone(s.acks.all)
}

// AckCount is how many times envelopeID was acked.
func (s *Server) AckCount(envelopeID string) int {
	s.acks.mu.Lock()
	defer s.acks.mu.Unlock()
	return s.acks.count[envelopeID]
}

// ResetAcks forgets the acks received so far (pending WaitAck calls still
// complete), so long benchmarks do not accumulate every ack in memory.
func (s *Server) ResetAcks() {
	s.acks.mu.Lock()
	defer s.acks.mu.Unlock()
	s.acks.all = nil
	clear(s.acks.first)
	clear(s.acks.count)
}

// newEnvelopeID returns a UUID-shaped id, as Slack's envelope ids are.
func (s *Server) newEnvelopeID() string {
	return fmt.Sprintf("fa4e51ac-0000-4000-8000-%012x", s.seq.Add(1))
}

// envelope builds the frame by hand: it is on the benchmark's hot path and
// every part but the payload is a known-safe ASCII string.
func envelope(id, typ string, acceptsPayload bool, payload []byte, retryAttempt int) []byte {
	b := make([]byte, 0, len(payload)+160)
	b = append(b, `{"envelope_id":"`...)
	b = append(b, id...)
	b = append(b, `","type":"`...)
	b = append(b, typ...)
	b = append(b, `","accepts_response_payload":`...)
	b = strconv.AppendBool(b, acceptsPayload)
	if typ == "events_api" {
		b = append(b, `,"retry_attempt":`...)
		b = strconv.AppendInt(b, int64(retryAttempt), 10)
		reason := ""
		if retryAttempt > 0 {
			reason = "timeout"
		}
		b = append(b, `,"retry_reason":"`...)
		b = append(b, reason...)
		b = append(b, '"')
	}
	b = append(b, `,"payload":`...)
	b = append(b, payload...)
	return append(b, '}')
}

// slashPayload renders a command the way Slack does in Socket Mode: the HTTP
// form fields as a JSON object of strings.
func slashPayload(c slack.SlashCommand) ([]byte, error) {
	m := map[string]string{
		"token":                 c.Token,
		"team_id":               c.TeamID,
		"team_domain":           c.TeamDomain,
		"channel_id":            c.ChannelID,
		"channel_name":          c.ChannelName,
		"user_id":               c.UserID,
		"user_name":             c.UserName,
		"command":               c.Command,
		"text":                  c.Text,
		"api_app_id":            c.APIAppID,
		"is_enterprise_install": strconv.FormatBool(c.IsEnterpriseInstall),
		"response_url":          c.ResponseURL,
		"trigger_id":            c.TriggerID,
	}
	if c.EnterpriseID != "" {
		m["enterprise_id"] = c.EnterpriseID
		m["enterprise_name"] = c.EnterpriseName
	}
	return json.Marshal(m)
}

// SendSlashCommand delivers a slash_commands envelope to one open socket
// (round-robin). Empty fields are filled in as Slack would: TeamID, APIAppID,
// a fresh trigger_id and a response_url equal to ResponseURL(envelopeID). The
// trigger_id, fresh or given, becomes valid once for views.open/push (see
// WithTriggerTTL).
func (s *Server) SendSlashCommand(cmd slack.SlashCommand) (envelopeID string, err error) {
	id := s.newEnvelopeID()
	cmd.TeamID = cmp.Or(cmd.TeamID, TeamID)
	cmd.APIAppID = cmp.Or(cmd.APIAppID, AppID)
	cmd.TriggerID = s.issueTrigger(cmd.TriggerID)
	if cmd.ResponseURL == "" {
		cmd.ResponseURL = s.ResponseURL(id)
	}
	payload, err := slashPayload(cmd)
	if err != nil {
		return "", err
	}
	return id, s.sendFrame(envelope(id, "slash_commands", true, payload, 0))
}

// SendInteraction delivers an "interactive" envelope whose payload is the
// callback's JSON. An empty TriggerID gets a fresh trigger. Only
// view_submission and block_suggestion are marked accepts_response_payload,
// since only their ack payloads mean anything to Slack.
func (s *Server) SendInteraction(cb slack.InteractionCallback) (string, error) {
	id := s.newEnvelopeID()
	cb.APIAppID = cmp.Or(cb.APIAppID, AppID)
	cb.TriggerID = s.issueTrigger(cb.TriggerID)
	// MarshalJSON has a pointer receiver; marshalling a value would lose the
	// block_actions state.
	payload, err := json.Marshal(&cb)
	if err != nil {
		return "", err
	}
	accepts := cb.Type == slack.InteractionTypeViewSubmission || cb.Type == slack.InteractionTypeBlockSuggestion
	return id, s.sendFrame(envelope(id, "interactive", accepts, payload, 0))
}

// SendEvent delivers an "events_api" envelope: an event_callback wrapper with
// eventID (generated when "") around event, whose "type" is set to eventType.
// event may be a struct, a map or a json.RawMessage. retryAttempt > 0 marks a
// redelivery (retry_reason "timeout"), as Slack does after a missed ack.
func (s *Server) SendEvent(eventType string, event any, eventID string, retryAttempt int) (string, error) {
	inner, err := eventObject(eventType, event)
	if err != nil {
		return "", err
	}
	if eventID == "" {
		eventID = s.nextID("Ev")
	}
	payload, err := json.Marshal(map[string]any{
		"token":      "fake-verification-token",
		"team_id":    TeamID,
		"api_app_id": AppID,
		"event":      inner,
		"type":       "event_callback",
		"event_id":   eventID,
		"event_time": time.Now().Unix(),
		"authorizations": []map[string]any{{
			"enterprise_id": nil, "team_id": TeamID, "user_id": BotUserID,
			"is_bot": true, "is_enterprise_install": false,
		}},
		"is_ext_shared_channel": false,
		"event_context":         "4-fake-" + eventID,
	})
	if err != nil {
		return "", err
	}
	id := s.newEnvelopeID()
	return id, s.sendFrame(envelope(id, "events_api", false, payload, retryAttempt))
}

func eventObject(eventType string, event any) (map[string]json.RawMessage, error) {
	raw, ok := event.([]byte)
	if !ok {
		var err error
		if raw, err = json.Marshal(event); err != nil {
			return nil, fmt.Errorf("fakeslack: encoding event: %w", err)
		}
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return nil, fmt.Errorf("fakeslack: event must encode to a JSON object: %s", raw)
	}
	if eventType != "" {
		obj["type"], _ = json.Marshal(eventType)
	}
	return obj, nil
}

// Blast sends n slash commands as fast as the sockets accept them with at
// most inflight un-acked at a time and returns the ack latencies (send to ack
// receipt) in ack order. Every envelope carries the same payload, marshalled
// once; empty fields are not filled in and no triggers are issued.
func (s *Server) Blast(ctx context.Context, n, inflight int, cmd slack.SlashCommand) ([]time.Duration, error) {
	inflight = max(inflight, 1)
	payload, err := slashPayload(cmd)
	if err != nil {
		return nil, err
	}
	acked := make(chan Ack, inflight) // one slot per outstanding envelope
	sentAt := make(map[string]time.Time, inflight)
	defer func() {
		for id := range sentAt {
			s.acks.unwait(id, acked)
		}
	}()
	lat := make([]time.Duration, 0, n)
	for sent := 0; len(lat) < n; {
		if sent < n && len(sentAt) < inflight {
			if err := ctx.Err(); err != nil {
				return lat, err
			}
			id := s.newEnvelopeID()
			s.acks.wait(id, acked) // before sending: the ack may beat us back
			at := time.Now()
			if err := s.sendFrame(envelope(id, "slash_commands", true, payload, 0)); err != nil {
				s.acks.unwait(id, acked)
				return lat, err
			}
			sentAt[id] = at
			sent++
			continue
		}
		select {
		case a := <-acked:
			lat = append(lat, a.At.Sub(sentAt[a.EnvelopeID]))
			delete(sentAt, a.EnvelopeID)
		case <-ctx.Done():
			return lat, ctx.Err()
		case <-s.done:
			return lat, ErrClosed
		}
	}
	return lat, nil
}
