package bot

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/platformbot/platformbot/i18n"
)

// RuntimeConfig configures the Socket Mode runtime.
type RuntimeConfig struct {
	API    *slack.Client // built with the bot token and the app token
	Router *Router
	Slack  Slack // for follow-ups through response_url and ephemerals
	Log    zerolog.Logger
	Dedup  EventDeduper // nil: remember recent event ids in memory

	Metrics *Metrics
	Workers int // concurrent handlers; default 64
	Queue   int // envelopes waiting for a worker; default 1024
	// FollowUps bounds the work running after handlers have returned:
	// replies through response_url, Reply.After and Defer'd work such as
	// DMs. It runs off the workers, so a slow or rate-limited Web API
	// (429 with Retry-After) never holds up acks; when FollowUps are in
	// flight, workers wait for one to end. Default 1024.
	FollowUps int
	// AckBudget is how long a slash command or view submission may take
	// before it is acked without its reply (which then follows through
	// response_url). Default 2 s, inside Slack's 3 s.
	AckBudget time.Duration
	// ShutdownTimeout bounds how long in-flight envelopes may finish.
	ShutdownTimeout time.Duration
	// PingInterval is how long slack-go waits for Slack's ping before it
	// reconnects (default 30 s). SilenceTimeout is our own watchdog on the
	// last frame read from the socket (default 2 × PingInterval).
	PingInterval   time.Duration
	SilenceTimeout time.Duration
}

// EventDeduper remembers Events API event ids: Slack delivers at least once.
type EventDeduper interface {
	// FirstSeen records id and reports whether it was new.
	FirstSeen(ctx context.Context, eventID string) (bool, error)
}

// Runtime connects to Slack over Socket Mode and serves envelopes through a
// Router. It drains slack-go's event channel at once (a stalled reader
// misses Slack's pings) and hands envelopes to a bounded worker pool. Acks
// that can carry nothing (clicks, events) are sent as soon as the envelope
// is queued; commands and view submissions are acked with their reply
// when the handler answers within the budget, else empty. Work after the
// handler (response_url replies, Reply.After, Defer) runs in a bounded
// pool of its own, so Web API calls never delay acks. It reconnects, keeps
// acks across reconnects, and shuts down gracefully.
type Runtime struct {
	cfg    RuntimeConfig
	client *socketmode.Client

	mu       sync.RWMutex // guards queue close against enqueue
	queue    chan envelope
	draining bool

	followUps chan struct{} // semaphore of FollowUps slots
	following sync.WaitGroup
	acks      chan pendingAck // acks sent by ackLoop, not by the drain

	connMu   sync.Mutex
	nextConn chan struct{} // closed when the next connection is up

	connected atomic.Bool
	lastFrame atomic.Int64 // unix nanos of the last byte read from the socket
	restarts  atomic.Int64
	sock      atomic.Pointer[lingeringConn] // the latest connection dialled
	busy      atomic.Int64                  // envelopes refused since the last busy warning
	busyLog   atomic.Int64                  // unix nanos of the last busy warning
}

type pendingAck struct {
	env     envelope
	payload any
}

type envelope struct {
	evt      socketmode.Event
	received time.Time
	// early: acked when queued, because nothing can ride in its ack
	// (accepts_response_payload is false: block actions, events, closed
	// modals), so its ack waits for no worker.
	early bool
}

// NewRuntime returns a runtime; Run connects.
func NewRuntime(cfg RuntimeConfig) *Runtime {
	if cfg.Workers <= 0 {
		cfg.Workers = 64
	}
	if cfg.Queue <= 0 {
		cfg.Queue = 1024
	}
	if cfg.FollowUps <= 0 {
		cfg.FollowUps = 1024
	}
	if cfg.AckBudget <= 0 {
		cfg.AckBudget = 2 * time.Second
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = 10 * time.Second
	}
	if cfg.PingInterval <= 0 {
		cfg.PingInterval = 30 * time.Second
	}
	if cfg.SilenceTimeout <= 0 {
		cfg.SilenceTimeout = 2 * cfg.PingInterval
	}
	if cfg.Dedup == nil {
		cfg.Dedup = newMemoryDedup(10000)
	}
	rt := &Runtime{
		cfg: cfg, queue: make(chan envelope, cfg.Queue), followUps: make(chan struct{}, cfg.FollowUps),
		acks: make(chan pendingAck, cfg.Queue), nextConn: make(chan struct{}),
	}
	rt.client = socketmode.New(cfg.API,
		socketmode.OptionDialer(rt.dialer()),
		socketmode.OptionPingInterval(cfg.PingInterval),
		socketmode.OptionLog(debugLog{cfg.Log}),
	)
	return rt
}

// Ready reports whether the socket is connected and has not gone silent.
func (rt *Runtime) Ready(context.Context) error {
	if !rt.connected.Load() {
		return errors.New("not connected to Slack")
	}
	if silent := time.Since(time.Unix(0, rt.lastFrame.Load())); silent > rt.cfg.SilenceTimeout {
		return fmt.Errorf("no frame from Slack for %s", silent.Round(time.Second))
	}
	return nil
}

// Run serves until ctx is cancelled, then stops taking envelopes, lets the
// in-flight ones finish (bounded by ShutdownTimeout) and closes the socket.
func (rt *Runtime) Run(ctx context.Context) error {
	connCtx, closeConn := context.WithCancel(context.Background())
	defer closeConn()
	fatal := make(chan error, 1)
	go rt.supervise(connCtx, fatal)

	var workers sync.WaitGroup
	for range rt.cfg.Workers {
		workers.Go(func() {
			for env := range rt.queue {
				rt.handle(connCtx, env)
			}
		})
	}
	drained := make(chan struct{})
	go func() { rt.drain(connCtx); close(drained) }()
	go rt.ackLoop(connCtx)

	var err error
	select {
	case <-ctx.Done():
	case err = <-fatal:
	}
	rt.mu.Lock()
	rt.draining = true
	close(rt.queue)
	rt.mu.Unlock()
	done := make(chan struct{})
	go func() { workers.Wait(); rt.following.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(rt.cfg.ShutdownTimeout):
		rt.cfg.Log.Warn().Dur("timeout", rt.cfg.ShutdownTimeout).Msg("shutdown: in-flight envelopes did not finish in time")
	}
	time.Sleep(100 * time.Millisecond) // let the last acks leave the socket
	closeConn()
	<-drained
	rt.connected.Store(false)
	return err
}

// supervise keeps a connection open: slack-go reconnects on disconnect
// messages and missed pings by itself; this loop restarts it when it gives
// up and when our silence watchdog fires.
func (rt *Runtime) supervise(ctx context.Context, fatal chan<- error) {
	backoff := time.Second
	for ctx.Err() == nil {
		runCtx, cancel := context.WithCancel(ctx)
		errc := make(chan error, 1)
		rt.lastFrame.Store(time.Now().UnixNano())
		go func() { errc <- rt.client.RunContext(runCtx) }()
		watchdog := time.NewTicker(rt.cfg.SilenceTimeout / 4)
		var err error
	wait:
		for {
			select {
			case err = <-errc:
				break wait
			case <-watchdog.C:
				if silent := time.Since(time.Unix(0, rt.lastFrame.Load())); silent > rt.cfg.SilenceTimeout {
					rt.cfg.Log.Warn().Dur("silent_for", silent).Msg("socket mode connection went silent; reconnecting")
					rt.connected.Store(false)
					if c := rt.sock.Load(); c != nil {
						c.abort()
					}
					cancel()
					<-errc
					break wait
				}
			}
		}
		watchdog.Stop()
		cancel()
		if ctx.Err() != nil {
			return
		}
		rt.restarts.Add(1)
		if err != nil {
			var slackErr slack.SlackErrorResponse
			if errors.As(err, &slackErr) && (slackErr.Err == "invalid_auth" || slackErr.Err == "not_authed" || slackErr.Err == "token_revoked" || slackErr.Err == "account_inactive") {
				fatal <- fmt.Errorf("SLACK_APP_TOKEN was rejected by Slack (%s)", slackErr.Err)
				return
			}
			rt.cfg.Log.Warn().Err(err).Dur("retry_in", backoff).Msg("socket mode connection failed")
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, time.Minute)
			continue
		}
		backoff = time.Second
	}
}

// drain reads slack-go's event channel without ever blocking on handlers.
func (rt *Runtime) drain(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case evt := <-rt.client.Events:
			rt.onEvent(evt)
		}
	}
}

func (rt *Runtime) onEvent(evt socketmode.Event) {
	log := rt.cfg.Log
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		rt.connected.Store(false)
		log.Info().Msg("connecting to Slack")
	case socketmode.EventTypeConnected, socketmode.EventTypeHello:
		if evt.Type == socketmode.EventTypeConnected {
			rt.connMu.Lock()
			close(rt.nextConn)
			rt.nextConn = make(chan struct{})
			rt.connMu.Unlock()
		}
		if !rt.connected.Swap(true) {
			log.Info().Msg("connected to Slack over Socket Mode")
		}
	case socketmode.EventTypeConnectionError:
		rt.connected.Store(false)
		logConnectionError(log, evt.Data)
	case socketmode.EventTypeInvalidAuth:
		log.Error().Msg("Slack rejected the app token (invalid_auth)")
	case socketmode.EventTypeErrorWriteFailed:
		rt.resend(evt)
	case socketmode.EventTypeIncomingError, socketmode.EventTypeErrorBadMessage:
		log.Warn().Str("type", string(evt.Type)).Msg("socket mode error")
	case socketmode.EventTypeSlashCommand, socketmode.EventTypeInteractive, socketmode.EventTypeEventsAPI:
		rt.enqueue(envelope{evt: evt, received: time.Now()})
	}
}

// resend queues again an ack whose write failed because its socket died
// (dropped by the network or by Slack): slack-go reports it and drops it,
// but the envelope was received, so its ack goes out on the next socket.
// It waits for that socket: queued at once, the ack could be taken by the
// dying socket's sender again, and fail again.
func (rt *Runtime) resend(evt socketmode.Event) {
	wf, ok := evt.Data.(*socketmode.ErrorWriteFailed)
	if !ok || wf.Response == nil {
		return
	}
	res := *wf.Response
	rt.connMu.Lock()
	next := rt.nextConn // events arrive in order: this is the socket after the failed one
	rt.connMu.Unlock()
	rt.cfg.Log.Warn().Err(wf.Cause).Str("envelope_id", res.EnvelopeID).Msg("socket mode write failed; sending the ack again on the next connection")
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		var err error
		select {
		case <-next:
			err = rt.client.SendCtx(ctx, res)
		case <-ctx.Done():
			err = ctx.Err()
		}
		if err != nil {
			rt.cfg.Log.Warn().Err(err).Str("envelope_id", res.EnvelopeID).Msg("ack failed")
		}
	}()
}

// enqueue hands an envelope to the workers. One whose ack can carry
// nothing is acked (by ackLoop) as soon as it is queued, so that a backlog
// of handlers does not delay it. One that cannot be queued (busy, shutting
// down) is not acked, so that Slack redelivers it (events, to another
// replica) or tells the user it failed (clicks, modal submissions); slash
// commands are answered "busy" at once. The drain never waits on an ack
// while ackLoop has room.
func (rt *Runtime) enqueue(env envelope) {
	// Only this goroutine sends on rt.acks: a slot free now is free below.
	env.early = env.evt.Request != nil && !env.evt.Request.AcceptsResponsePayload && len(rt.acks) < cap(rt.acks)
	if rt.tryQueue(env) {
		if env.early {
			rt.acks <- pendingAck{env: env}
		}
		return
	}
	typ := string(env.evt.Type)
	switch {
	case env.evt.Type == socketmode.EventTypeEventsAPI || env.evt.Request == nil:
		rt.count(typ, "deferred")
		return
	case env.evt.Type != socketmode.EventTypeSlashCommand:
		// A click or a modal submission acked and dropped would look done
		// to the user (and a closed modal loses its input); unacked,
		// Slack tells them it did not work, and they can try again.
		rt.count(typ, "busy")
		rt.warnBusy()
		return
	}
	payload := messagePayload(Message{Text: ":hourglass: platformbot is busy or restarting. Please try again in a moment."})
	if len(rt.acks) < cap(rt.acks) {
		rt.acks <- pendingAck{env: env, payload: payload}
	} else {
		_ = rt.sendAck(env, payload)
	}
	rt.count(typ, "busy")
	rt.warnBusy()
}

// warnBusy logs refused envelopes at most once a second, with their count:
// a refused click or event is lost work, which operators must see even
// when they do not watch platformbot_envelopes_total{outcome="busy"}.
func (rt *Runtime) warnBusy() {
	rt.busy.Add(1)
	now, last := time.Now().UnixNano(), rt.busyLog.Load()
	if now-last < int64(time.Second) || !rt.busyLog.CompareAndSwap(last, now) {
		return
	}
	n := rt.busy.Swap(0)
	rt.cfg.Log.Warn().Int64("refused", n).Int("workers", rt.cfg.Workers).Int("queue", rt.cfg.Queue).
		Int("follow_ups", rt.cfg.FollowUps).Msg("busy: envelopes refused because the queue is full")
}

// ackLoop sends the acks the drain hands over, in order.
func (rt *Runtime) ackLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case a := <-rt.acks:
			_ = rt.sendAck(a.env, a.payload)
		}
	}
}

func (rt *Runtime) tryQueue(env envelope) bool {
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	if rt.draining {
		return false
	}
	select {
	case rt.queue <- env:
		return true
	default:
		return false
	}
}

// handle serves one envelope: ack first (or with the reply when it is ready
// within the budget), then follow up.
func (rt *Runtime) handle(connCtx context.Context, env envelope) {
	req, err := requestFrom(env.evt)
	if err != nil || req == nil {
		rt.ack(env, nil)
		rt.count(string(env.evt.Type), "ignored")
		if err != nil {
			rt.cfg.Log.Warn().Err(err).Msg("unreadable envelope")
		}
		return
	}
	ctx := context.WithoutCancel(connCtx) // in-flight work finishes on shutdown
	ctx, runDeferred := WithDeferral(ctx)
	var reply *Reply
	sent := false // the reply rode in the ack
	switch req.Kind {
	case KindCommand, KindViewSubmission:
		reply, sent = rt.serveWithBudget(ctx, env, req)
	case KindEvent:
		rt.ack(env, nil)
		if req.EventID != "" {
			first, err := rt.cfg.Dedup.FirstSeen(ctx, req.EventID)
			if err != nil {
				rt.cfg.Log.Warn().Err(err).Str("event_id", req.EventID).Msg("event dedup unavailable; handling anyway")
			} else if !first {
				rt.count(string(req.Kind), "duplicate")
				return
			}
		}
		reply, sent = rt.Serve(ctx, req), true // events have nobody to answer
	default:
		rt.ack(env, nil) // block actions: Slack ignores ack payloads
		reply = rt.Serve(ctx, req)
	}
	if (sent || !hasReply(reply)) && (reply == nil || reply.After == nil) && !hasDeferred(ctx) {
		return // nothing more to do: most envelopes
	}
	rt.followUps <- struct{}{} // a free follow-up slot, or wait for one
	rt.following.Go(func() {
		defer func() { <-rt.followUps }()
		if !sent {
			rt.followUp(ctx, req, reply)
		}
		rt.after(ctx, req, reply)
		rt.after(ctx, req, &Reply{After: runDeferred})
	})
}

// hasReply reports whether a reply has anything for followUp to deliver.
func hasReply(reply *Reply) bool {
	return reply != nil && (reply.Text != "" || len(reply.Blocks) > 0 || reply.ViewErrors != nil)
}

// hasDeferred reports whether the request's handlers called Defer.
func hasDeferred(ctx context.Context) bool {
	d, ok := ctx.Value(deferKey{}).(*deferred)
	if !ok {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.fns) > 0
}

// serveWithBudget runs the handler while a timer guarantees the ack: if the
// handler answers in time its reply rides in the ack (sent); otherwise, or
// when Slack would not take it (over 20 KB), the envelope is acked empty
// and the caller follows up with the reply. The budget counts from
// receipt, as Slack's 3 s do: time spent waiting for a worker is used up.
func (rt *Runtime) serveWithBudget(ctx context.Context, env envelope, req *Request) (reply *Reply, sent bool) {
	var once sync.Once
	late := false
	lateAck := func() { late = true; rt.ack(env, nil) }
	left := rt.cfg.AckBudget - time.Since(env.received)
	if left <= 0 {
		once.Do(lateAck)
	}
	timer := time.AfterFunc(max(left, 0), func() { once.Do(lateAck) })
	reply = rt.Serve(ctx, req)
	timer.Stop()
	once.Do(func() {
		if payload := ackPayload(req, reply); payload != nil && !env.early {
			sent = rt.ackPayload(env, payload)
		}
		if !sent {
			rt.ack(env, nil)
		}
	})
	if late {
		rt.count(string(req.Kind), "late")
	}
	return reply, sent
}

// after runs a reply's After work, supervised: bounded by a deadline, with
// panics recovered and errors logged.
func (rt *Runtime) after(ctx context.Context, req *Request, reply *Reply) {
	if reply == nil || reply.After == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	defer func() {
		if v := recover(); v != nil {
			rt.cfg.Log.Error().Interface("panic", v).Str("route", req.Route()).Msg("follow-up work panicked")
		}
	}()
	if err := reply.After(ctx); err != nil {
		rt.cfg.Log.Error().Err(err).Str("route", req.Route()).Str("user", req.UserID).Msg("follow-up work failed")
	}
}

// Serve runs a request through the router, never returning an error: the
// middleware has already turned errors into replies.
func (rt *Runtime) Serve(ctx context.Context, req *Request) *Reply {
	reply, err := rt.cfg.Router.Serve(ctx, req)
	if err != nil {
		rt.cfg.Log.Error().Err(err).Str("route", req.Route()).Msg("unhandled error")
		rt.count(string(req.Kind), "error")
		return nil
	}
	rt.count(string(req.Kind), "ok")
	return reply
}

// followUp delivers a reply that could not ride in the ack.
func (rt *Runtime) followUp(ctx context.Context, req *Request, reply *Reply) {
	if reply == nil || (reply.Text == "" && len(reply.Blocks) == 0) {
		if reply != nil && reply.ViewErrors != nil && req.UserID != "" {
			// The modal closed before its errors were ready: tell the user.
			reply = Say(req.L().T(i18n.BotFormNotSubmitted, i18n.Data{"Errors": FieldErrors(reply.ViewErrors).Error()}))
		} else {
			return
		}
	}
	var err error
	switch {
	case req.ResponseURL != "":
		err = rt.cfg.Slack.Respond(ctx, req.ResponseURL, reply.Message)
	case req.ChannelID != "" && !reply.InChannel:
		err = rt.cfg.Slack.PostEphemeral(ctx, req.ChannelID, req.UserID, reply.Message)
	case req.ChannelID != "":
		_, err = rt.cfg.Slack.PostMessage(ctx, req.ChannelID, reply.Message)
	default:
		_, err = rt.cfg.Slack.PostMessage(ctx, req.UserID, reply.Message)
	}
	if err != nil {
		rt.cfg.Log.Error().Err(err).Str("route", req.Route()).Str("user", req.UserID).Msg("follow-up reply failed")
	}
}

// ack acks an envelope that was not acked when it was queued.
func (rt *Runtime) ack(env envelope, payload any) {
	if !env.early {
		rt.sendAck(env, payload)
	}
}

// ackPayload acks with a reply and reports whether it went out: slack-go
// refuses payloads Slack would drop (20 KB and over) without sending
// anything, and then the caller acks empty and follows up.
func (rt *Runtime) ackPayload(env envelope, payload any) bool {
	err := rt.sendAck(env, payload)
	return err == nil || errors.Is(err, context.DeadlineExceeded)
}

// sendAck queues the ack on slack-go's response sender. Its deadline
// matters: slack-go's AckCtx waits as long as its shared queue is full,
// which it stays while no socket is up. A failure is logged and returned.
func (rt *Runtime) sendAck(env envelope, payload any) error {
	if env.evt.Request == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := rt.client.AckCtx(ctx, env.evt.Request.EnvelopeID, payload); err != nil {
		if payload == nil || errors.Is(err, context.DeadlineExceeded) {
			rt.cfg.Log.Warn().Err(err).Str("envelope_id", env.evt.Request.EnvelopeID).Msg("ack failed")
		}
		return err
	}
	if rt.cfg.Metrics != nil {
		rt.cfg.Metrics.AckLatency.Observe(time.Since(env.received).Seconds())
	}
	return nil
}

func (rt *Runtime) count(typ, outcome string) {
	rt.cfg.Metrics.envelope(typ, outcome)
}

// logConnectionError turns slack-go's connection error event (a struct of
// attempt, backoff in nanoseconds and nested net errors) into one sentence an
// operator can act on: which URL, what went wrong, when the next try is.
// The URL loses its query, which carries the socket's one-time ticket.
func logConnectionError(log zerolog.Logger, data any) {
	ev, ok := data.(*slack.ConnectionErrorEvent)
	if !ok || ev.ErrorObj == nil {
		log.Warn().Msgf("Slack connection error: %v", data)
		return
	}
	target, cause := "Slack", ev.ErrorObj
	var ue *url.Error
	if errors.As(ev.ErrorObj, &ue) {
		u := ue.URL
		if p, err := url.Parse(ue.URL); err == nil {
			p.RawQuery, p.User = "", nil
			u = p.String()
		}
		target, cause = "Slack at "+u, ue.Err
	}
	retry := strconv.FormatFloat(ev.Backoff.Seconds(), 'f', -1, 64)
	log.Warn().Int("attempt", ev.Attempt).Float64("retry_in_s", ev.Backoff.Seconds()).
		Msgf("cannot connect to %s: %v; retrying in %s s (attempt %d)", target, cause, retry, ev.Attempt)
}

// debugLog sends slack-go's own logging to zerolog at debug level.
type debugLog struct{ l zerolog.Logger }

func (d debugLog) Output(_ int, s string) error {
	d.l.Debug().Str("component", "slack-go").Msg(s)
	return nil
}

// memoryDedup remembers the last n event ids of this process.
type memoryDedup struct {
	mu   sync.Mutex
	seen map[string]struct{}
	ring []string
	next int
}

func newMemoryDedup(n int) *memoryDedup {
	return &memoryDedup{seen: make(map[string]struct{}, n), ring: make([]string, n)}
}

func (d *memoryDedup) FirstSeen(_ context.Context, id string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.seen[id]; ok {
		return false, nil
	}
	delete(d.seen, d.ring[d.next])
	d.ring[d.next] = id
	d.next = (d.next + 1) % len(d.ring)
	d.seen[id] = struct{}{}
	return true, nil
}
