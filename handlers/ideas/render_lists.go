package ideas

import (
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	dom "github.com/platformbot/platformbot/ideas"
)

// Sizes of the lists.
const (
	listSize      = 10 // ideas in top, new, mine and a status's list
	roadmapSize   = 8  // ideas per status in the roadmap
	homeMineSize  = 5
	homeTopSize   = 3
	shownTeams    = 4 // asking teams named per idea; the rest are counted
	listTextLimit = 2900
)

// listContext is what the lists say around the ideas.
type listContext struct {
	Command string // e.g. "/platform", for hints
	Channel string // the board channel, "" if none
}

func (c listContext) hint() string {
	h := fmt.Sprintf("`%s idea` submits an idea", c.Command)
	if c.Channel != "" {
		h += fmt.Sprintf("; vote in <#%s>", c.Channel)
	}
	return h + "."
}

// rankedBlocks renders a ranked list: each idea with its score and the
// inputs of the score, then how the score is computed.
func rankedBlocks(heading string, r dom.Ranking, c listContext) []slack.Block {
	if len(r.Ideas) == 0 {
		return []slack.Block{section(heading + "\nNo ideas here yet. " + c.hint())}
	}
	blocks := []slack.Block{section(heading)}
	for k, i := range r.Ideas {
		line := fmt.Sprintf("*%d. %s* · %s\n%s", k+1, title(i.Idea), statusText(i.Status), scoreText(i, r))
		if teams := teamsText(i); teams != "" {
			line += " · " + teams
		}
		if i.YouVoted {
			line += " · _you voted_"
		}
		blocks = append(blocks, section(bot.TruncateMrkdwn(line, listTextLimit)))
	}
	return append(blocks, contextBlock(weightingNote(r)+" "+c.hint()))
}

// scoreText is "5 votes × 1.60 = 8.00", the weight said in the
// weighting's terms; plain votes for ByVotes.
func scoreText(i dom.Ranked, r dom.Ranking) string {
	switch r.Weighting {
	case dom.ByTeamSize:
		return fmt.Sprintf(":ballot_box_with_check: %s × %.2f (team sizes) = *%.2f*", votesText(i.Votes), i.Weight, i.Score)
	case dom.ByEngineerShare:
		return fmt.Sprintf(":ballot_box_with_check: %s × %.0f%% of engineers asking = *%.2f*", votesText(i.Votes), 100*i.Weight, i.Score)
	}
	return ":ballot_box_with_check: *" + votesText(i.Votes) + "*"
}

// teamsText names the asking teams with their votes and sizes.
func teamsText(i dom.Ranked) string {
	var parts []string
	for k, t := range i.Teams {
		if k == shownTeams {
			parts = append(parts, fmt.Sprintf("+%d more", len(i.Teams)-shownTeams))
			break
		}
		size := "size unknown"
		switch {
		case t.Size == 1:
			size = "1 person"
		case t.Size > 1:
			size = fmt.Sprintf("%d people", t.Size)
		}
		if t.Author {
			size += ", author's team"
		}
		parts = append(parts, fmt.Sprintf("*%s* %d (%s)", bot.Escape(t.Name), t.Votes, size))
	}
	if i.NoTeam > 0 {
		parts = append(parts, fmt.Sprintf("no team %d", i.NoTeam))
	}
	if len(parts) == 0 {
		return ""
	}
	return "teams: " + strings.Join(parts, ", ")
}

// weightingNote says how the score is computed, with the figures it used.
func weightingNote(r dom.Ranking) string {
	switch r.Weighting {
	case dom.ByTeamSize:
		return fmt.Sprintf("Ranked by votes weighted by team size: a vote weighs its team's size ÷ the mean team size (%.1f people); votes of people in no team weigh 1.", r.MeanTeamSize)
	case dom.ByEngineerShare:
		return fmt.Sprintf("Ranked by votes × the share of all %d engineers in the asking teams (the author's and the voters'; each voter in no team adds 1).", r.Engineers)
	}
	return "Ranked by votes; the teams are the author's and the voters'."
}

// briefLine is one idea in the unranked lists.
func briefLine(i dom.Ranked, viewer string) string {
	line := fmt.Sprintf("*%s* · %s · %s · by <@%s> %s", title(i.Idea), statusText(i.Status), votesText(i.Votes), i.Author, date(i.CreatedAt))
	switch {
	case viewer != "" && i.Author == viewer && i.YouVoted:
		line += " · _yours, you voted_"
	case viewer != "" && i.Author == viewer:
		line += " · _yours_"
	case i.YouVoted:
		line += " · _you voted_"
	}
	return line
}

// briefBlocks renders a list of ideas one line each.
func briefBlocks(heading, empty string, r dom.Ranking, viewer string, c listContext) []slack.Block {
	if len(r.Ideas) == 0 {
		return []slack.Block{section(heading + "\n" + empty + " " + c.hint())}
	}
	blocks := []slack.Block{section(heading)}
	for _, i := range r.Ideas {
		blocks = append(blocks, section(bot.TruncateMrkdwn(briefLine(i, viewer), listTextLimit)))
	}
	return append(blocks, contextBlock(c.hint()))
}

// roadmapStatuses are the groups of `ideas status`, in order.
var roadmapStatuses = []dom.Status{dom.UnderReview, dom.Planned, dom.InProgress, dom.Shipped, dom.Declined}

// roadmapBlocks groups ideas by status: what the platform team is looking
// at, has planned, is building, shipped and declined (with the reason).
func roadmapBlocks(groups map[dom.Status][]dom.Ranked, c listContext) []slack.Block {
	blocks := []slack.Block{section("*Ideas by status* (the newest first in each)")}
	for _, st := range roadmapStatuses {
		list := groups[st]
		if len(list) == 0 {
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "*%s* (%d)", statusText(st), len(list))
		for k, i := range list {
			if k == roadmapSize {
				fmt.Fprintf(&b, "\n… and %d more: `%s ideas status %s`", len(list)-roadmapSize, c.Command, st)
				break
			}
			fmt.Fprintf(&b, "\n• %s — %s", title(i.Idea), votesText(i.Votes))
			if st == dom.Declined && i.Reason != "" {
				fmt.Fprintf(&b, ": _%s_", bot.TruncateMrkdwn(bot.Escape(i.Reason), 150))
			}
		}
		blocks = append(blocks, section(bot.TruncateMrkdwn(b.String(), listTextLimit)))
	}
	if len(blocks) == 1 {
		blocks = append(blocks, section("No idea has a status yet: the platform team has not reviewed any."))
	}
	return append(blocks, contextBlock(fmt.Sprintf("New ideas: `%s ideas new`; the ranking: `%s ideas top`.", c.Command, c.Command)))
}

// homeBlocks is the App Home section: the viewer's ideas and votes, the
// top ideas, and a button to submit one.
func homeBlocks(mine, top dom.Ranking, viewer string) []slack.Block {
	submit := slack.NewButtonBlockElement(actNew, "home", plain("Submit an idea"))
	head := slack.NewSectionBlock(mrkdwn("*Ideas* — ask the platform team for something, vote for what matters to you"), nil,
		slack.NewAccessory(submit))
	lines := func(r dom.Ranking, empty string) string {
		if len(r.Ideas) == 0 {
			return empty
		}
		var out []string
		for _, i := range r.Ideas {
			l := fmt.Sprintf("• %s — %s · %s", title(i.Idea), statusText(i.Status), votesText(i.Votes))
			if i.Author == viewer {
				l += " · _yours_"
			} else if i.YouVoted {
				l += " · _you voted_"
			}
			out = append(out, l)
		}
		return strings.Join(out, "\n")
	}
	return []slack.Block{
		head,
		section(bot.TruncateMrkdwn("*Your ideas and votes*\n"+lines(mine, "_None yet._"), listTextLimit)),
		section(bot.TruncateMrkdwn("*Top ideas*\n"+lines(top, "_No open ideas yet._"), listTextLimit)),
	}
}
