package fakeslack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

const writeTimeout = 10 * time.Second

// upgrader accepts any Origin: slack-go sends "Origin: https://api.slack.com",
// which gorilla's default same-origin check would reject.
var upgrader = websocket.Upgrader{
	ReadBufferSize:  4096,
	WriteBufferSize: 32 * 1024,
	CheckOrigin:     func(*http.Request) bool { return true },
}

// conn is one Socket Mode websocket. Only its writer goroutine writes data
// frames (gorilla allows one concurrent writer), fed by out, so senders never
// hold a lock while the socket is written.
type conn struct {
	ws   *websocket.Conn
	out  chan []byte
	done chan struct{}
	once sync.Once

	// mu orders queueing against the disconnect frame: once a disconnect is
	// queued (draining), no envelope may follow it, since the client stops
	// reading there and the envelope would be lost without an error.
	mu       sync.Mutex
	draining bool
}

var errConnGone = errors.New("fakeslack: socket closed")

// kill closes the socket without a close frame and stops the writer.
func (c *conn) kill() {
	c.once.Do(func() {
		close(c.done)
		_ = c.ws.Close()
	})
}

// closeGracefully sends a close frame (best effort) and then kills the socket.
func (c *conn) closeGracefully() {
	msg := websocket.FormatCloseMessage(websocket.CloseGoingAway, "server closing")
	_ = c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
	c.kill()
}

// send queues one text frame, blocking while the queue is full. A socket
// that was sent a disconnect takes no more frames (errConnGone).
func (c *conn) send(b []byte, serverDone <-chan struct{}) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.draining {
		return errConnGone
	}
	return c.queue(b, serverDone)
}

// sendLast queues a final frame (a disconnect) after which send refuses
// envelopes, so none can slip in behind it.
func (c *conn) sendLast(b []byte, serverDone <-chan struct{}) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.draining {
		return errConnGone
	}
	c.draining = true
	return c.queue(b, serverDone)
}

func (c *conn) queue(b []byte, serverDone <-chan struct{}) error {
	select {
	case c.out <- b:
		return nil
	case <-c.done:
		return errConnGone
	case <-serverDone:
		return ErrClosed
	}
}

// handleWS serves the single-use URL handed out by apps.connections.open.
func (s *Server) handleWS(w http.ResponseWriter, r *http.Request) {
	ticket := r.PathValue("ticket")
	s.mu.Lock()
	_, ok := s.tickets[ticket]
	delete(s.tickets, ticket)
	s.mu.Unlock()
	if !ok {
		http.Error(w, "invalid or used socket mode url", http.StatusUnauthorized)
		return
	}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade already answered
	}
	c := &conn{ws: ws, out: make(chan []byte, s.opts.sendBuffer), done: make(chan struct{})}

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = ws.Close()
		return
	}
	s.allConns[c] = struct{}{}
	s.active = append(s.active, c)
	n := len(s.active)
	// The hello is queued before anyone can pick this socket, so it is first.
	c.out <- helloFrame(n)
	s.wg.Add(2)
	s.notifyLocked()
	s.mu.Unlock()

	go s.writeLoop(c)
	s.readLoop(c) // hijacked: httptest does not wait for us, s.wg does
}

func helloFrame(n int) []byte {
	b, _ := json.Marshal(map[string]any{
		"type":            "hello",
		"num_connections": n,
		"debug_info": map[string]any{
			"host":                        "fake",
			"build_number":                1,
			"approximate_connection_time": 18060,
		},
		"connection_info": map[string]any{"app_id": AppID},
	})
	return b
}

// writeLoop is the socket's only data writer; it also sends the pings slack-go
// needs to consider the connection alive.
func (s *Server) writeLoop(c *conn) {
	defer s.wg.Done()
	var pings <-chan time.Time // nil: pings disabled
	if s.opts.pingInterval > 0 {
		t := time.NewTicker(s.opts.pingInterval)
		defer t.Stop()
		pings = t.C
	}
	for {
		select {
		case b := <-c.out:
			_ = c.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
			if err := c.ws.WriteMessage(websocket.TextMessage, b); err != nil {
				c.kill()
				return
			}
		case <-pings:
			if err := c.ws.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(writeTimeout)); err != nil {
				c.kill()
				return
			}
		case <-c.done:
			return
		}
	}
}

// readLoop records acks until the socket fails, then unregisters it.
func (s *Server) readLoop(c *conn) {
	defer s.wg.Done()
	defer s.removeConn(c)
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		id, payload, ok := parseAck(data)
		if !ok {
			continue // Slack ignores frames that are not acks
		}
		s.acks.add(Ack{EnvelopeID: id, Payload: payload, At: time.Now()})
	}
}

// ackPrefix starts every ack slack-go writes: it marshals its Response
// struct, whose first field is the envelope id.
const ackPrefix = `{"envelope_id":"`

// parseAck reads {"envelope_id": …, "payload": …}. Acks as slack-go writes
// them take a fast path that does not scan the payload twice (a load test
// reads tens of thousands a second); anything else is decoded in full.
func parseAck(data []byte) (id string, payload json.RawMessage, ok bool) {
	if rest, found := bytes.CutPrefix(data, []byte(ackPrefix)); found {
		if end := bytes.IndexByte(rest, '"'); end > 0 && bytes.IndexByte(rest[:end], '\\') < 0 {
			tail := rest[end+1:]
			switch {
			case bytes.Equal(tail, []byte("}")):
				return string(rest[:end]), nil, true
			case bytes.HasPrefix(tail, []byte(`,"payload":`)) && bytes.HasSuffix(tail, []byte("}")):
				p := tail[len(`,"payload":`) : len(tail)-1]
				if json.Valid(p) {
					return string(rest[:end]), json.RawMessage(bytes.Clone(p)), true
				}
			}
		}
	}
	var a struct {
		EnvelopeID string          `json:"envelope_id"`
		Payload    json.RawMessage `json:"payload"`
	}
	if json.Unmarshal(data, &a) != nil || a.EnvelopeID == "" {
		return "", nil, false
	}
	return a.EnvelopeID, a.Payload, true
}

func (s *Server) removeConn(c *conn) {
	c.kill()
	s.mu.Lock()
	delete(s.allConns, c)
	s.active = slices.DeleteFunc(s.active, func(x *conn) bool { return x == c })
	s.notifyLocked()
	s.mu.Unlock()
}

// pickConn chooses the next socket round-robin, as Slack spreads envelopes
// over an app's sockets.
func (s *Server) pickConn() (*conn, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	if len(s.active) == 0 {
		return nil, ErrNoConnection
	}
	c := s.active[s.rr%len(s.active)]
	s.rr++
	return c, nil
}

// sendFrame delivers one frame to some open socket, moving on to another one
// if the chosen socket dies while the frame waits in its queue.
func (s *Server) sendFrame(b []byte) error {
	for {
		c, err := s.pickConn()
		if err != nil {
			return err
		}
		if err := c.send(b, s.done); err != errConnGone {
			return err
		}
	}
}

// Connections is the number of open sockets that receive envelopes (sockets
// that were sent a disconnect or dropped are not counted).
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.active)
}

// WaitConnections waits until at least n sockets are open.
func (s *Server) WaitConnections(ctx context.Context, n int) error {
	return s.waitFor(ctx, func() bool { return len(s.active) >= n })
}

// ConnectionOpens is the number of apps.connections.open calls, failed ones
// included.
func (s *Server) ConnectionOpens() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connOpens
}

// WaitConnectionOpens waits until apps.connections.open was called n times.
func (s *Server) WaitConnectionOpens(ctx context.Context, n int) error {
	return s.waitFor(ctx, func() bool { return s.connOpens >= n })
}

// Disconnect sends {"type":"disconnect","reason":reason} on every socket, after
// the envelopes already queued on it, and stops routing envelopes to them.
// slack-go closes the socket and opens a new one. Reasons Slack uses:
// "refresh_requested", "warning", "link_disabled".
func (s *Server) Disconnect(reason string) {
	frame, _ := json.Marshal(map[string]any{
		"type":       "disconnect",
		"reason":     reason,
		"debug_info": map[string]string{"host": "fake"},
	})
	for _, c := range s.detachAll() {
		_ = c.sendLast(frame, s.done)
	}
}

// DropConnections closes every socket abruptly, without a close frame, as a
// network failure would.
func (s *Server) DropConnections() {
	for _, c := range s.detachAll() {
		c.kill()
	}
}

// detachAll takes every socket out of the round-robin and returns them all.
func (s *Server) detachAll() []*conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*conn, 0, len(s.allConns))
	for c := range s.allConns {
		out = append(out, c)
	}
	s.active = nil
	s.notifyLocked()
	return out
}
