// Package fakeslack is an in-process fake of Slack's Web API and Socket Mode.
//
// It speaks Slack's wire format over real HTTP and a real websocket, so the
// unmodified slack-go client (slack.New with slack.OptionAPIURL, and
// socketmode.New) runs against it. Tests and benchmarks use it to drive a bot
// end to end, inject faults (429s, 5xx, Slack errors, dropped sockets) and
// inspect what the bot sent. It lives in a non-test file so that packages other
// than this one can import it.
package fakeslack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
)

// Identities the fake answers with. Tokens are accepted by prefix only
// (xoxb- for bot methods, xapp- for apps.connections.open); these are
// convenient valid values.
const (
	TeamID    = "T0FAKE"
	AppID     = "A0FAKE"
	BotUserID = "U0FAKEBOT"
	BotID     = "B0FAKEBOT"
	BotToken  = "xoxb-fake-bot-token"
	AppToken  = "xapp-fake-app-token"
)

// Errors returned by the Send and Wait methods.
var (
	ErrClosed       = errors.New("fakeslack: server closed")
	ErrNoConnection = errors.New("fakeslack: no open socket mode connection")
)

// Option configures a Server.
type Option func(*options)

type options struct {
	pingInterval time.Duration
	triggerTTL   time.Duration
	sendBuffer   int
}

// WithPingInterval sets how often each socket is pinged. slack-go reconnects
// when no ping arrives within its OptionPingInterval (30 s by default), so this
// must stay below that. Default 5 s; d <= 0 disables pings.
func WithPingInterval(d time.Duration) Option { return func(o *options) { o.pingInterval = d } }

// WithTriggerTTL sets how long a trigger_id stays valid for views.open/push.
// Slack allows 3 s (the default); d <= 0 disables the expiry check (a trigger
// still works only once).
func WithTriggerTTL(d time.Duration) Option { return func(o *options) { o.triggerTTL = d } }

// WithSendBuffer sets the per-socket outbound queue length (default 4096).
// Sends block while the queue is full, which is how a slow client pushes back.
func WithSendBuffer(n int) Option { return func(o *options) { o.sendBuffer = n } }

// Server is a fake Slack workspace with one app installed. All methods are
// safe for concurrent use.
type Server struct {
	http      *httptest.Server
	opts      options
	done      chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup // socket reader and writer goroutines

	seq   atomic.Uint64 // ids, tickets, envelope ids
	tsSeq atomic.Uint64 // message timestamps

	limits limits
	acks   ackBook

	mu        sync.Mutex
	closed    bool
	changed   chan struct{} // closed and replaced on every state change
	active    []*conn       // sockets that receive envelopes, round-robin
	allConns  map[*conn]struct{}
	rr        int
	tickets   map[string]struct{}
	connOpens int
	calls     []Call
	messages  []*Message
	dms       map[string]string // DM channel id -> user id
	mpims     map[string]string // sorted user list -> mpim channel id
	users     []slack.User
	userIdx   map[string]int
	groups    map[string][]string
	members   map[string][]string
	dnd       map[string]slack.DNDStatus // user → dnd.teamInfo's answer (SetDND)
	views     map[string]*storedView
	modals    []string          // modal view ids in the order they were opened or pushed
	homes     map[string]string // user id -> home view id
	triggers  map[string]*trigger
	responses map[string][]json.RawMessage
	files     map[string]*File
	fileOrder []string
}

// New starts a fake Slack on a local httptest server. Close it when done.
func New(opts ...Option) *Server {
	s := &Server{
		opts: options{
			pingInterval: 5 * time.Second,
			triggerTTL:   3 * time.Second,
			sendBuffer:   4096,
		},
		done:      make(chan struct{}),
		changed:   make(chan struct{}),
		allConns:  make(map[*conn]struct{}),
		tickets:   make(map[string]struct{}),
		dms:       make(map[string]string),
		mpims:     make(map[string]string),
		userIdx:   make(map[string]int),
		groups:    make(map[string][]string),
		members:   make(map[string][]string),
		views:     make(map[string]*storedView),
		homes:     make(map[string]string),
		triggers:  make(map[string]*trigger),
		responses: make(map[string][]json.RawMessage),
		files:     make(map[string]*File),
	}
	for _, o := range opts {
		o(&s.opts)
	}
	s.opts.sendBuffer = max(s.opts.sendBuffer, 1) // room for the hello
	s.limits.init()
	s.acks.init()

	mux := http.NewServeMux()
	mux.HandleFunc("/api/{method}", s.handleAPI)
	mux.HandleFunc("GET /ws/{ticket}", s.handleWS)
	mux.HandleFunc("POST /upload/{file}", s.handleUpload)
	mux.HandleFunc("POST /response/{id}", s.handleResponseURL)
	// Set before it serves: a request can arrive at once (a client of an
	// earlier server on the same port, still retrying) and read s.http.
	s.http = httptest.NewUnstartedServer(mux)
	s.http.Start()
	return s
}

// APIURL is the Web API base URL, ending in "/" as slack.OptionAPIURL needs.
func (s *Server) APIURL() string { return s.http.URL + "/api/" }

// NewClient returns a slack-go client wired to this server with BotToken and
// AppToken. Pass it to socketmode.New for a Socket Mode client.
func (s *Server) NewClient(opts ...slack.Option) *slack.Client {
	all := append([]slack.Option{slack.OptionAPIURL(s.APIURL()), slack.OptionAppLevelToken(AppToken)}, opts...)
	return slack.New(BotToken, all...)
}

// Close closes every socket, stops the HTTP server and waits for the fake's
// goroutines. Waiters blocked in WaitAck, WaitCalls or WaitConnections get
// ErrClosed.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		conns := make([]*conn, 0, len(s.allConns))
		for c := range s.allConns {
			conns = append(conns, c)
		}
		s.active = nil
		s.mu.Unlock()
		close(s.done)
		for _, c := range conns {
			c.closeGracefully()
		}
		s.http.Close()
		s.wg.Wait()
	})
}

// notifyLocked wakes everyone waiting for a state change. s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitFor blocks until cond (called with s.mu held) reports true.
func (s *Server) waitFor(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ok, ch, closed := cond(), s.changed, s.closed
		s.mu.Unlock()
		if ok {
			return nil
		}
		if closed {
			return ErrClosed
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		case <-s.done:
		}
	}
}

// nextID returns a Slack-looking id with the given prefix, e.g. "V000000012".
func (s *Server) nextID(prefix string) string {
	return fmt.Sprintf("%s%09d", prefix, s.seq.Add(1))
}

// nextTS returns unique, increasing message timestamps in Slack's
// "seconds.micros" form, 100 µs apart, starting at 1700000000.000100.
func (s *Server) nextTS() string {
	micros := s.tsSeq.Add(1) * 100
	return fmt.Sprintf("%d.%06d", 1700000000+micros/1_000_000, micros%1_000_000)
}

// Call is one recorded Web API request. Form holds form and query values;
// JSON holds a JSON body. Status is the HTTP status answered and Error the
// Slack error code ("" when ok).
type Call struct {
	Method string
	Form   url.Values
	JSON   map[string]any
	Header http.Header
	At     time.Time
	Status int
	Error  string
}

// Calls returns the recorded calls to method, or all calls for "". Failed
// calls (invalid_auth, 429, injected faults) are included.
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callsLocked(method)
}

func (s *Server) callsLocked(method string) []Call {
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// WaitCalls waits until at least n calls to method were recorded and returns
// them all.
func (s *Server) WaitCalls(ctx context.Context, method string, n int) ([]Call, error) {
	var out []Call
	err := s.waitFor(ctx, func() bool {
		out = s.callsLocked(method)
		return len(out) >= n
	})
	return out, err
}

func (s *Server) recordCall(c Call) {
	s.mu.Lock()
	s.calls = append(s.calls, c)
	s.notifyLocked()
	s.mu.Unlock()
}

// Message is a message as it stands after chat.postMessage, chat.postEphemeral
// and chat.update. Channel is the channel as posted: a user id for DMs posted
// to a user (posts to the matching D… channel are recorded under the user id
// too). User is the recipient of an ephemeral message. Updated counts
// chat.update calls. Deleted messages are removed.
type Message struct {
	Channel, TS, Text, ThreadTS, User string
	Blocks                            json.RawMessage
	Ephemeral                         bool
	Updated                           int
	// Files are the ids of the files a files.completeUploadExternal
	// shared with this message (its text is the initial comment).
	Files []string
}

// Messages returns the messages in channel ("" = all) in posting order.
func (s *Server) Messages(channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	channel = s.canonChannelLocked(channel)
	var out []Message
	for _, m := range s.messages {
		if channel == "" || m.Channel == channel {
			c := *m
			c.Blocks = slices.Clone(m.Blocks)
			c.Files = slices.Clone(m.Files)
			out = append(out, c)
		}
	}
	return out
}

// WaitMessages waits until channel ("" = all) holds at least n messages.
func (s *Server) WaitMessages(ctx context.Context, channel string, n int) ([]Message, error) {
	if err := s.waitFor(ctx, func() bool {
		ch := s.canonChannelLocked(channel)
		k := 0
		for _, m := range s.messages {
			if ch == "" || m.Channel == ch {
				k++
			}
		}
		return k >= n
	}); err != nil {
		return nil, err
	}
	return s.Messages(channel), nil
}
