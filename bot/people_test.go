package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/platformbot/platformbot/people"
)

// peopleAPI is an API on a fake Slack that knows U1 (users.info, slowly,
// so that concurrent callers overlap), two pages of users.list and the
// user group SADMINS; it counts each method's calls.
func peopleAPI(t *testing.T, groupDown *atomic.Bool) (*API, *sync.Map) {
	t.Helper()
	var counts sync.Map // path → *atomic.Int32
	api, _ := newTestAPI(t, func(w http.ResponseWriter, r *http.Request) {
		n, _ := counts.LoadOrStore(r.URL.Path, new(atomic.Int32))
		n.(*atomic.Int32).Add(1)
		switch r.URL.Path {
		case "/api/users.info":
			time.Sleep(20 * time.Millisecond)
			if r.FormValue("user") != "U1" {
				writeJSON(w, `{"ok":false,"error":"user_not_found"}`)
				return
			}
			writeJSON(w, `{"ok":true,"user":{"id":"U1","name":"ada","tz":"Europe/Berlin","tz_offset":3600,"locale":"de-DE"}}`)
		case "/api/users.list":
			if r.FormValue("cursor") == "" {
				writeJSON(w, `{"ok":true,"members":[{"id":"U1","name":"ada","locale":"de-DE"}],"response_metadata":{"next_cursor":"c2"}}`)
				return
			}
			writeJSON(w, `{"ok":true,"members":[{"id":"B1","is_bot":true}],"response_metadata":{"next_cursor":""}}`)
		case "/api/usergroups.users.list":
			if groupDown != nil && groupDown.Load() {
				writeJSON(w, `{"ok":false,"error":"missing_scope"}`)
				return
			}
			writeJSON(w, `{"ok":true,"users":["UADMIN2"]}`)
		default:
			t.Errorf("unexpected %s", r.URL.Path)
		}
	}, func(c *APIConfig) { c.MaxRetries = -1 })
	return api, &counts
}

func count(counts *sync.Map, path string) int {
	n, ok := counts.Load(path)
	if !ok {
		return 0
	}
	return int(n.(*atomic.Int32).Load())
}

// TestPeopleSource: the directory's view of Slack lists page by page with
// locales, and an unknown user is people.ErrNotFound.
func TestPeopleSource(t *testing.T) {
	api, _ := peopleAPI(t, nil)
	src := PeopleSource(api)
	var pages [][]people.Person
	err := src.List(context.Background(), func(p []people.Person) error { pages = append(pages, p); return nil })
	if err != nil || len(pages) != 2 || pages[0][0] != (people.Person{ID: "U1", Name: "ada", Locale: "de-DE"}) || !pages[1][0].IsBot {
		t.Errorf("List = %+v, %v; want two pages, U1 with locale then a bot", pages, err)
	}
	if p, err := src.Lookup(context.Background(), "U1"); err != nil || p.Locale != "de-DE" || p.TZ != "Europe/Berlin" {
		t.Errorf("Lookup(U1) = %+v, %v", p, err)
	}
	if _, err := src.Lookup(context.Background(), "UNOBODY"); !errors.Is(err, people.ErrNotFound) {
		t.Errorf("Lookup(UNOBODY) = %v, want people.ErrNotFound", err)
	}
}

// TestWithPeople: the port's user reads go through the directory, so that
// concurrent and repeated reads of one user make one users.info call.
func TestWithPeople(t *testing.T) {
	api, counts := peopleAPI(t, nil)
	dir := people.New(people.Options{Source: PeopleSource(api)})
	t.Cleanup(dir.Close)
	s := WithPeople(api, dir)
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			u, err := s.UserInfo(context.Background(), "U1")
			if err != nil || u.Locale != "de-DE" || u.Location().String() != "Europe/Berlin" {
				t.Errorf("UserInfo(U1) = %+v, %v", u, err)
			}
		})
	}
	wg.Wait()
	if _, err := s.UserInfo(context.Background(), "U1"); err != nil {
		t.Fatal(err)
	}
	if n := count(counts, "/api/users.info"); n != 1 {
		t.Errorf("users.info called %d times, want 1", n)
	}
}

// TestAdminsThroughTheDirectory: the admin group's members come from the
// directory; with Slack failing and nothing known, IsAdmin is
// unavailable rather than "no".
func TestAdminsThroughTheDirectory(t *testing.T) {
	var down atomic.Bool
	api, counts := peopleAPI(t, &down)
	dir := people.New(people.Options{Source: PeopleSource(api)})
	t.Cleanup(dir.Close)
	a := &Admins{Users: []string{"UADMIN1"}, Group: "SADMINS", Members: dir}
	for user, want := range map[string]bool{"UADMIN1": true, "UADMIN2": true, "UDEV": false} {
		if got, err := a.IsAdmin(context.Background(), user); got != want || err != nil {
			t.Errorf("IsAdmin(%s) = %v, %v; want %v", user, got, err, want)
		}
	}
	if n := count(counts, "/api/usergroups.users.list"); n != 1 {
		t.Errorf("usergroups.users.list called %d times, want 1", n)
	}
	down.Store(true)
	empty := people.New(people.Options{Source: PeopleSource(api)})
	t.Cleanup(empty.Close)
	fresh := &Admins{Group: "SADMINS", Members: empty}
	if _, err := fresh.IsAdmin(context.Background(), "UADMIN2"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("IsAdmin with Slack down and nothing known = %v, want ErrUnavailable", err)
	}
}

func TestPeopleError(t *testing.T) {
	busy := fmt.Errorf("looking up U1: %w", people.ErrBusy)
	if err := PeopleError(busy); !errors.Is(err, ErrRateLimited) || !errors.Is(err, people.ErrBusy) {
		t.Errorf("PeopleError(busy) = %v, want ErrRateLimited wrapping people.ErrBusy", err)
	}
	other := errors.New("boom")
	if err := PeopleError(other); err != other {
		t.Errorf("PeopleError(other) = %v, want it unchanged", err)
	}
}
