package handlertest

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/surveys"
)

// Fixture ids of the fuzz targets (kept apart from the other tests'
// fixtures so that the tests do not depend on each other's).
const (
	FzDev     = "UFZDEV0001"
	FzDevNY   = "UFZDEV0002"
	FzAdmin   = "UFZADM0001"
	FzDBA1    = "UFZDBA0001"
	FzDBA2    = "UFZDBA0002"
	FzDBAs    = "SFZDBA0001"
	FzTriage  = "CFZTRIAGE1"
	FzHostBer = "UFZHOST001"
	FzHostNY  = "UFZHOST002"
	FzPulse1  = "UFZPULSE01"
	FzPulse2  = "UFZPULSE02"
	FzDevs    = "SFZDEVS001"
	FzEng     = "CFZENG0001"
	FzResults = "CFZRESULT1"
)

// FuzzIDs are the Slack ids of the fixtures and of every requester (Slack
// gives those; user text cannot make them): mentions of them are the
// bot's own. Any other <@…>, <#…>, <!…> or <http…> in mrkdwn came from
// input.
var FuzzIDs = map[string]bool{
	FzNobody: true, FzDev: true, FzDevNY: true, FzAdmin: true, FzDBA1: true, FzDBA2: true, FzDBAs: true, FzTriage: true,
	FzHostBer: true, FzHostNY: true, FzPulse1: true, FzPulse2: true, FzDevs: true, FzEng: true, FzResults: true,
}

// FzNobody is a requester unknown to every fixture.
const FzNobody = "UNOBODY01"

// FuzzUsers are the requesters the fuzz targets act as.
var FuzzUsers = []string{FzDev, FzAdmin, FzDBA1, FzHostBer, FzDevNY, FzPulse1, FzNobody}

// FuzzSurvey asks one question of each kind.
func FuzzSurvey() surveys.Survey {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	return surveys.Survey{
		ID: "devex", Title: "Developer experience", Intro: "Two minutes, four questions.",
		Cron: "0 10 * * MON", Location: berlin, EveryWeeks: 1,
		Audience:  surveys.Audience{Users: []string{FzPulse1}, UserGroups: []string{FzDevs}, Channels: []string{FzEng}},
		Anonymous: true, MinGroupSize: 2, Window: 72 * time.Hour, Reminder: 24 * time.Hour, ResultsChannel: FzResults,
		Questions: []surveys.Question{
			{ID: "sat", Kind: surveys.Scale, Text: "How satisfied are you with the platform?", Labels: []string{"Very poor", "Poor", "OK", "Good", "Great"}},
			{ID: "nps", Kind: surveys.NPS, Text: "How likely are you to recommend it?"},
			{ID: "slow", Kind: surveys.Choice, Text: "What slows you down?", Options: []string{"CI", "Reviews <&>"}, Optional: true},
			{ID: "why", Kind: surveys.Text, Text: "Anything else?"},
		},
	}
}

// mrkdwnToken matches what Slack turns into a mention, a channel link, a
// date or a link; the bot writes only ids and dates.
var mrkdwnToken = regexp.MustCompile(`^<(@[UW][A-Z0-9]+|#[CGD][A-Z0-9]+|!subteam\^[A-Z0-9]+|!date\^-?\d+\^[^|<>]*\|[^<>]*)>`)

// CheckMrkdwn fails when s has a '<' that does not start one of the
// bot's own tokens.
func CheckMrkdwn(t *testing.T, where, s string) {
	t.Helper()
	for i := strings.IndexByte(s, '<'); i >= 0; i = nextLT(s, i) {
		m := mrkdwnToken.FindStringSubmatch(s[i:])
		ok := m != nil
		if ok && (m[1][0] == '@' || m[1][0] == '#') {
			ok = FuzzIDs[m[1][1:]]
		}
		if ok && strings.HasPrefix(m[1], "!subteam^") {
			ok = FuzzIDs[strings.TrimPrefix(m[1], "!subteam^")]
		}
		if !ok {
			t.Fatalf("%s: unescaped %q in mrkdwn:\n%s", where, s[i:min(len(s), i+40)], s)
		}
	}
}

func nextLT(s string, i int) int {
	j := strings.IndexByte(s[i+1:], '<')
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

// MrkdwnOf returns every text Slack reads as mrkdwn in v (a message's
// blocks, a modal, a home tab): the text of each mrkdwn text object.
func MrkdwnOf(v any) []string {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var tree any
	_ = json.Unmarshal(raw, &tree)
	var out []string
	var walk func(any)
	walk = func(n any) {
		switch x := n.(type) {
		case map[string]any:
			if x["type"] == "mrkdwn" {
				if s, ok := x["text"].(string); ok {
					out = append(out, s)
				}
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(tree)
	return out
}

// CheckMessage checks a message's notification text and its blocks.
func CheckMessage(t *testing.T, where string, m bot.Message) {
	t.Helper()
	CheckMrkdwn(t, where+" text", m.Text)
	for _, s := range MrkdwnOf(m.Blocks) {
		CheckMrkdwn(t, where+" blocks", s)
	}
}

// FuzzSlack is a bot.Slack that records everything the bot sends.
type FuzzSlack struct {
	mu    sync.Mutex
	sent  []string // "where: mrkdwn" of every message, modal and home tab
	msgs  []bot.Message
	Views []slack.ModalViewRequest // modals opened, updated or pushed, until Take
	n     int
}

func (f *FuzzSlack) message(where string, m bot.Message) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.msgs = append(f.msgs, m)
	f.sent = append(f.sent, where)
}

func (f *FuzzSlack) view(v slack.ModalViewRequest) bot.View {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	f.Views = append(f.Views, v)
	return bot.View{ID: fmt.Sprintf("V%d", f.n), Hash: "h"}
}

func (f *FuzzSlack) PostMessage(_ context.Context, channel string, m bot.Message) (string, error) {
	f.message("post to "+channel, m)
	return "1700000000.000100", nil
}
func (f *FuzzSlack) PostEphemeral(_ context.Context, channel, _ string, m bot.Message) error {
	f.message("ephemeral in "+channel, m)
	return nil
}
func (f *FuzzSlack) UpdateMessage(_ context.Context, channel, _ string, m bot.Message) error {
	f.message("update in "+channel, m)
	return nil
}
func (f *FuzzSlack) Respond(_ context.Context, _ string, m bot.Message) error {
	f.message("response_url", m)
	return nil
}
func (f *FuzzSlack) OpenView(_ context.Context, _ string, v slack.ModalViewRequest) (bot.View, error) {
	return f.view(v), nil
}
func (f *FuzzSlack) UpdateView(_ context.Context, _, _ string, v slack.ModalViewRequest) (bot.View, error) {
	return f.view(v), nil
}
func (f *FuzzSlack) PushView(_ context.Context, _ string, v slack.ModalViewRequest) (bot.View, error) {
	return f.view(v), nil
}
func (f *FuzzSlack) PublishHome(_ context.Context, _ string, v slack.HomeTabViewRequest) error {
	f.message("home", bot.Message{Blocks: v.Blocks.BlockSet})
	return nil
}
func (f *FuzzSlack) UserInfo(_ context.Context, id string) (bot.User, error) {
	tz := map[string]string{FzHostBer: "Europe/Berlin", FzDevNY: "America/New_York", FzDev: "Asia/Tokyo"}[id]
	return bot.User{ID: id, Name: strings.ToLower(id), RealName: "Person " + id, TZ: tz}, nil
}
func (f *FuzzSlack) Users(context.Context) ([]bot.User, error) { return nil, nil }
func (f *FuzzSlack) UserGroupMembers(_ context.Context, id string) ([]string, error) {
	return map[string][]string{FzDBAs: {FzDBA1, FzDBA2}, FzDevs: {FzPulse1, FzPulse2}}[id], nil
}
func (f *FuzzSlack) ChannelMembers(_ context.Context, id string) ([]string, error) {
	return map[string][]string{FzEng: {FzPulse2, FzDevNY}}[id], nil
}

// Take returns and forgets what was sent since the last call.
func (f *FuzzSlack) Take() ([]string, []bot.Message, []slack.ModalViewRequest) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, m, v := f.sent, f.msgs, f.Views
	f.sent, f.msgs, f.Views = nil, nil, nil
	return s, m, v
}

// The render fuzz targets of the features put arbitrary user text —
// request fields, reasons and notes, office-hours topics, survey comments,
// service names from ingest — into every message, modal and home section
// the features render, and check that none of it comes out as a mention, a
// channel link, a date or a link (CheckMrkdwn).

// HostileSeeds are the classic injections.
var HostileSeeds = []string{"<!channel>", "<!here|here>", "<@U0ADMIN01>", "<#C0GENERAL|general>", "<!subteam^S123>",
	"<https://evil.example|click me>", "<mailto:a@b.c>", "&lt;!channel&gt;", "a < b > c & d", "<!date^1^{date}|x>", "*bold* `code`\n> quote"}

// FuzzRenderNow is the time of the render fuzz targets.
var FuzzRenderNow = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
