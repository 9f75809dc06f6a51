package handlers

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/handlers/internal/handlertest"
)

// TestPeopleEvents: user_change and team_join reach the directory, which
// then answers without asking Slack.
func TestPeopleEvents(t *testing.T) {
	fs := handlertest.NewSlack()
	fs.Failing("UserInfo", errors.New("users.info must not be needed"))
	dir := NewDirectory(fs, nil, time.Now)
	t.Cleanup(dir.Close)
	r := bot.NewRouter(nil)
	RegisterPeople(r, dir)
	ctx := context.Background()
	for _, ev := range []struct {
		typ string
		ev  any
	}{
		{"team_join", &slackevents.TeamJoinEvent{Type: "team_join", User: &slack.User{ID: "UJOIN", Name: "new", TZ: "Asia/Kolkata", Locale: "en-IN"}}},
		{"user_change", &slackevents.UserChangeEvent{Type: "user_change", User: slackevents.User{ID: "ULEFT", Name: "gone", Deleted: true}}},
	} {
		if _, err := r.Serve(ctx, &bot.Request{Kind: bot.KindEvent, EventType: ev.typ, Event: ev.ev}); err != nil {
			t.Fatalf("%s: %v", ev.typ, err)
		}
	}
	if p, err := dir.Person(ctx, "UJOIN"); err != nil || p.Location().String() != "Asia/Kolkata" || p.Locale != "en-IN" {
		t.Errorf("Person(UJOIN) after team_join = %+v, %v", p, err)
	}
	if ok, err := dir.CanBeAsked(ctx, "ULEFT"); ok || err != nil {
		t.Errorf("CanBeAsked(ULEFT) after user_change deleted = %v, %v; want false", ok, err)
	}
}
