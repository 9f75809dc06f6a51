package main

import (
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/platformbot/platformbot/internal/tcpproxy"
	"github.com/platformbot/platformbot/storage/storagetest"
)

const outageConfig = `
slack: {triage_channel: C0TRIAGE01}
admins: {users: [UADMIN0001]}
catalog:
  - id: dns
    title: DNS record
    fields:
      - {id: name, label: Name, type: text, required: true}
`

// TestDatabaseOutage cuts PostgreSQL off for 10 s: users get a short
// "temporarily unavailable" reply, /readyz turns not ready, nothing
// panics, and everything works again once the database is back.
func TestDatabaseOutage(t *testing.T) {
	if os.Getenv("TEST_DATABASE_URL") == "" {
		t.Skip("needs TEST_DATABASE_URL: the outage is cut between the bot and PostgreSQL")
	}
	dbURL, err := url.Parse(storagetest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy, err := tcpproxy.Start(dbURL.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	dbURL.Host = proxy.Addr()
	b := newTestBot(t, botOptions{Config: outageConfig, DatabaseURL: dbURL.String()})

	if text := AckText(b.Command("UDEV000001", "/platform mine")); !strings.Contains(text, "You have no requests yet") {
		t.Fatalf("before the outage: %q", text)
	}
	proxy.Cut()
	outage := time.Now()
	for time.Since(outage) < 10*time.Second {
		if text := AckText(b.Command("UDEV000001", "/platform mine")); !strings.Contains(text, "temporarily unavailable") {
			t.Fatalf("during the outage: %q, want a temporarily-unavailable reply", text)
		}
		if code, body := get(t, b.HTTPURL+"/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "database") {
			t.Fatalf("/readyz during the outage = %d %s", code, body)
		}
		time.Sleep(time.Second)
	}
	if err := proxy.Restore(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		text := AckText(b.Command("UDEV000001", "/platform mine"))
		if strings.Contains(text, "You have no requests yet") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the outage: %q", text)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if code, body := get(t, b.HTTPURL+"/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz after the outage = %d %s", code, body)
	}
	if strings.Contains(b.Logs.String(), "panic") {
		t.Error("a panic was logged during the outage")
	}
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}
