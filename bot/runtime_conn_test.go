package bot

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestLingeringConnKeepsWritingAfterClose: once slack-go closes a socket,
// a pending read ends at once, but an ack written afterwards still reaches
// Slack, over TLS too (where closing the tls.Conn would refuse it).
func TestLingeringConnKeepsWritingAfterClose(t *testing.T) {
	ts := httptest.NewUnstartedServer(nil)
	ts.StartTLS()
	certs := ts.TLS.Certificates
	ts.Close()

	for _, tc := range []struct {
		name string
		wrap func(client, server net.Conn) (net.Conn, net.Conn)
	}{
		{"tcp", func(c, s net.Conn) (net.Conn, net.Conn) { return c, s }},
		{"tls", func(c, s net.Conn) (net.Conn, net.Conn) {
			return tls.Client(c, &tls.Config{InsecureSkipVerify: true}), tls.Server(s, &tls.Config{Certificates: certs})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rawC, rawS := net.Pipe()
			defer rawS.Close()
			c, s := tc.wrap(rawC, rawS)
			lc := &lingeringConn{Conn: c}
			got := make(chan string, 1)
			go func() {
				b := make([]byte, 3)
				_, _ = io.ReadFull(s, b)
				got <- string(b)
			}()
			if h, ok := c.(interface{ Handshake() error }); ok {
				if err := h.Handshake(); err != nil { // as the dialer does
					t.Fatal(err)
				}
			}
			readErr := make(chan error, 1)
			go func() { _, err := lc.Read(make([]byte, 1)); readErr <- err }()
			time.Sleep(10 * time.Millisecond) // let the read block

			if err := lc.Close(); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-readErr:
				if err == nil {
					t.Fatal("read after Close succeeded")
				}
			case <-time.After(5 * time.Second):
				t.Fatal("a pending read did not end when the socket was closed")
			}
			if _, err := lc.Write([]byte("ack")); err != nil {
				t.Fatalf("write after Close: %v", err)
			}
			select {
			case s := <-got:
				if s != "ack" {
					t.Fatalf("peer read %q", s)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("peer never got the ack written after Close")
			}
		})
	}
}

// TestDialerSpeaksTLS: Slack's Socket Mode URLs are wss://, whose TLS the
// runtime's dialer does itself (so that closing lingers on the TLS layer).
func TestDialerSpeaksTLS(t *testing.T) {
	up := websocket.Upgrader{}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		for {
			typ, msg, err := ws.ReadMessage()
			if err != nil || ws.WriteMessage(typ, msg) != nil {
				return
			}
		}
	}))
	defer srv.Close()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	prev := socketTLSConfig
	socketTLSConfig = func(host string) *tls.Config { return &tls.Config{ServerName: host, RootCAs: pool} }
	defer func() { socketTLSConfig = prev }()

	rt := &Runtime{}
	ws, _, err := rt.dialer().Dial("wss"+strings.TrimPrefix(srv.URL, "https"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"envelope_id":"e1"}`)); err != nil {
		t.Fatal(err)
	}
	if _, msg, err := ws.ReadMessage(); err != nil || string(msg) != `{"envelope_id":"e1"}` {
		t.Fatalf("echo = %s, %v", msg, err)
	}
	if _, ok := ws.NetConn().(*lingeringConn); !ok {
		t.Fatalf("socket is a %T, want the lingering TLS connection", ws.NetConn())
	}
	if rt.lastFrame.Load() == 0 {
		t.Error("reads over TLS were not recorded for the silence watchdog")
	}
}

// TestDialerHonoursHTTPSProxy: behind a proxy gorilla must tunnel and do
// the TLS itself. http.ProxyFromEnvironment reads the environment once per
// process, so the check runs in a child process with HTTPS_PROXY set.
func TestDialerHonoursHTTPSProxy(t *testing.T) {
	if os.Getenv("BOT_TEST_PROXY_CHILD") == "1" {
		d := (&Runtime{}).dialer()
		if d.Proxy == nil || d.NetDialTLSContext != nil {
			t.Fatal("with HTTPS_PROXY set the dialer does not go through the proxy")
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestDialerHonoursHTTPSProxy$")
	cmd.Env = append(os.Environ(), "BOT_TEST_PROXY_CHILD=1", "HTTPS_PROXY=http://proxy.example:3128", "NO_PROXY=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if d := (&Runtime{}).dialer(); os.Getenv("HTTPS_PROXY") == "" && os.Getenv("https_proxy") == "" && d.NetDialTLSContext == nil {
		t.Error("without a proxy the dialer does not do the TLS itself")
	}
}
