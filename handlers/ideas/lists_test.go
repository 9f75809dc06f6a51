package ideas

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/platformbot/platformbot/bot"
	dom "github.com/platformbot/platformbot/ideas"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// boardWithIdeas files four ideas a day apart and votes for them (web: 3
// people, api: 9):
//
//	#1 Faster CI caches        author web; votes UWEB1-3          → planned
//	#2 Self-service replicas   author api; votes UAPI1-2, UX      → open
//	#3 Dark mode               author none; votes UY              → declined
//	#4 Preview environments    author web; votes UAPI3, UWEB1     → open
func boardWithIdeas(t *testing.T, w dom.Weighting) *harness {
	t.Helper()
	h := newHarness(t, storagetest.SQLite(t), w)
	for _, f := range []struct {
		author, title string
		voters        []string
	}{
		{"UWEB1", "Faster CI caches", []string{"UWEB1", "UWEB2", "UWEB3"}},
		{"UAPI1", "Self-service replicas", []string{"UAPI1", "UAPI2", "UX"}},
		{"UZ", "Dark mode", []string{"UY"}},
		{"UWEB2", "Preview environments", []string{"UAPI3", "UWEB1"}},
	} {
		i := h.file(f.author, f.title)
		for _, v := range f.voters {
			h.click(v, actVote, strconv.FormatInt(i.ID, 10))
		}
		h.clock.Advance(24 * time.Hour)
	}
	h.command(testAdmin, "ideas status 1 planned Starting in January")
	h.command(testAdmin, "ideas status 3 declined Replaced by the new portal")
	h.drain()
	return h
}

func TestListsGolden(t *testing.T) {
	h := boardWithIdeas(t, dom.ByTeamSize)
	for _, tc := range []struct{ name, user, text string }{
		{"idea_list_top_team_size", "UWEB1", "ideas"},
		{"idea_list_new", "UWEB1", "ideas new"},
		{"idea_list_mine", "UWEB1", "ideas mine"},
		{"idea_list_roadmap", "UWEB1", "ideas status"},
		{"idea_list_planned", "UWEB1", "ideas status planned"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			golden(t, tc.name, h.command(tc.user, tc.text).Message)
		})
	}
	home, err := h.board.HomeSection(context.Background(), "UAPI3")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "idea_home", home)
}

// TestTopShowsTheInputs checks the figures of each weighting in the top
// list (teams web 3 and api 9 people: mean 6, 12 engineers).
func TestTopShowsTheInputs(t *testing.T) {
	for _, tc := range []struct {
		w     dom.Weighting
		wants []string
	}{
		// A tie on votes goes to the older idea.
		{dom.ByVotes, []string{
			"*1. #1 · Faster CI caches* · :spiral_calendar_pad: Planned\n:ballot_box_with_check: *3 votes* · teams: *Web* 3 (3 people, author's team)",
			"*2. #2 · Self-service replicas* · :new: New\n:ballot_box_with_check: *3 votes* · teams: *API* 2 (9 people, author's team), no team 1",
			"*3. #4 · Preview environments* · :new: New\n:ballot_box_with_check: *2 votes* · teams: *API* 1 (9 people), *Web* 1 (3 people, author's team)",
			"Ranked by votes; the teams are the author's and the voters'.",
		}},
		// #2: 2 × 9/6 + 1 = 4; #4: 9/6 + 3/6 = 2; #1: 3 × 3/6 = 1.5.
		{dom.ByTeamSize, []string{
			"*1. #2 · Self-service replicas* · :new: New\n:ballot_box_with_check: 3 votes × 1.33 (team sizes) = *4.00*",
			"*2. #4 · Preview environments* · :new: New\n:ballot_box_with_check: 2 votes × 1.00 (team sizes) = *2.00*",
			"*3. #1 · Faster CI caches* · :spiral_calendar_pad: Planned\n:ballot_box_with_check: 3 votes × 0.50 (team sizes) = *1.50*",
			"the mean team size (6.0 people)",
		}},
		// #2: 3 × (9+1)/12 = 2.5; #4: 2 × (9+3)/12 = 2; #1: 3 × 3/12 = 0.75.
		{dom.ByEngineerShare, []string{
			"*1. #2 · Self-service replicas* · :new: New\n:ballot_box_with_check: 3 votes × 83% of engineers asking = *2.50*",
			"*2. #4 · Preview environments* · :new: New\n:ballot_box_with_check: 2 votes × 100% of engineers asking = *2.00*",
			"*3. #1 · Faster CI caches* · :spiral_calendar_pad: Planned\n:ballot_box_with_check: 3 votes × 25% of engineers asking = *0.75*",
			"the share of all 12 engineers",
		}},
	} {
		t.Run(string(tc.w), func(t *testing.T) {
			h := boardWithIdeas(t, tc.w)
			got := flat(h.command("UWEB1", "ideas top").Message)
			wantIn(t, "top", got, tc.wants...)
			if strings.Contains(got, "Dark mode") {
				t.Errorf("top lists the declined idea:\n%s", got)
			}
		})
	}
}

func TestUnknownListAnswersWithUsage(t *testing.T) {
	h := newHarness(t, storagetest.SQLite(t), dom.ByVotes)
	wantIn(t, "unknown", h.command("UWEB1", "ideas bogus").Text, "I don't know `/platform ideas bogus`", "`new`, `mine` or `status`")
	wantIn(t, "empty top", flat(h.command("UWEB1", "ideas").Message), "No ideas here yet.")
	wantIn(t, "merge usage", h.command(testAdmin, "ideas merge 3").Text, "Usage: `/platform ideas merge ID INTO`")
	wantIn(t, "merge refused", h.command("UWEB1", "ideas merge 3 1").Text, bot.ErrForbidden.Msg)
}
