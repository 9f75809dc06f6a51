package bot

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// writeBufferSize keeps every ack in one websocket frame: Slack drops
// responses split into continuation frames, and slack-go's own dialer uses
// the same size (above Slack's 20 KB response limit).
const writeBufferSize = 32 * 1024

// closeGrace is how long a closed socket still takes writes.
const closeGrace = 2 * time.Second

// dialer opens Socket Mode connections that record when bytes last arrived
// (for the silence watchdog and /readyz) and that linger for writes after
// slack-go closes them. TLS (wss://, Slack's URLs) is done here rather
// than by gorilla, so that the lingering applies to the TLS connection
// itself: a closed tls.Conn refuses writes whatever the socket below does.
// Behind an HTTP proxy (HTTPS_PROXY) gorilla tunnels and does the TLS, and
// only the lingering of the connection to the proxy remains.
func (rt *Runtime) dialer() *websocket.Dialer {
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{Timeout: 10 * time.Second}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &watchedConn{Conn: c, last: &rt.lastFrame}, nil
	}
	d := &websocket.Dialer{
		HandshakeTimeout: 10 * time.Second,
		WriteBufferSize:  writeBufferSize,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := dial(ctx, network, addr) // ws://: tests and the fake Slack
			if err != nil {
				return nil, err
			}
			return rt.track(&lingeringConn{Conn: c}), nil
		},
		NetDialTLSContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			c, err := dial(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			tc := tls.Client(c, socketTLSConfig(host))
			if err := tc.HandshakeContext(ctx); err != nil {
				_ = c.Close()
				return nil, err
			}
			return rt.track(&lingeringConn{Conn: tc}), nil
		},
	}
	if proxied() {
		d.Proxy, d.NetDialTLSContext = http.ProxyFromEnvironment, nil
	}
	return d
}

// proxied reports whether the environment sends Slack's wss:// URLs
// through a proxy.
func proxied() bool {
	u, err := http.ProxyFromEnvironment(&http.Request{URL: &url.URL{Scheme: "https", Host: "wss-primary.slack.com"}})
	return err == nil && u != nil
}

// socketTLSConfig is the TLS configuration for Slack's wss:// URLs (tests
// trust their own certificate through it).
var socketTLSConfig = func(host string) *tls.Config {
	return &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
}

// watchedConn records when bytes last arrived, including Slack's pings,
// which the silence watchdog and /readyz read.
type watchedConn struct {
	net.Conn
	last *atomic.Int64
}

func (c *watchedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.last.Store(time.Now().UnixNano())
	}
	return n, err
}

// lingeringConn stops reading at once when closed but takes writes for
// closeGrace longer. When Slack asks for a reconnect (refresh_requested,
// warning), slack-go cancels the connection and closes the socket while
// its response sender may still take one more ack off the queue it shares
// with the next connection; written to a closed socket, that ack would be
// dropped (and slack-go's ErrorWriteFailed event for it is itself dropped
// half the time once the connection is cancelled). Slack keeps reading a
// socket it asked to be replaced until the client closes it, so the ack
// arrives. Reads end with a deadline in the past, which unblocks a pending
// Read on TCP and TLS connections alike.
type lingeringConn struct {
	net.Conn
	closed atomic.Bool
}

// abort closes the connection at once, lingering or not: one the silence
// watchdog gave up on may be dead, and if it is not, Slack must see it
// closed so that it sends new envelopes to the next one.
func (c *lingeringConn) abort() {
	c.closed.Store(true)
	_ = c.Conn.Close()
}

// track records c as the current Socket Mode connection.
func (rt *Runtime) track(c *lingeringConn) *lingeringConn {
	rt.sock.Store(c)
	return c
}

func (c *lingeringConn) Close() error {
	if !c.closed.CompareAndSwap(false, true) {
		return nil
	}
	if err := c.Conn.SetReadDeadline(time.Unix(1, 0)); err != nil {
		return c.Conn.Close()
	}
	time.AfterFunc(closeGrace, func() { _ = c.Conn.Close() })
	return nil
}
