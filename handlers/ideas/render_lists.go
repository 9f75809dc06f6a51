package ideas

import (
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/i18n"
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

// hint says, in l, how to submit an idea and where to vote.
func (c listContext) hint(l *i18n.Lang) string {
	if c.Channel != "" {
		return l.T(i18n.IdeasListHintChannel, i18n.Data{"Command": c.Command, "Channel": "<#" + c.Channel + ">"})
	}
	return l.T(i18n.IdeasListHint, i18n.Data{"Command": c.Command})
}

// rankedBlocks renders a ranked list in l: each idea with its score and
// the inputs of the score, then how the score is computed.
func rankedBlocks(l *i18n.Lang, heading string, r dom.Ranking, c listContext) []slack.Block {
	if len(r.Ideas) == 0 {
		return []slack.Block{section(heading + "\n" + l.T(i18n.IdeasListEmpty) + " " + c.hint(l))}
	}
	blocks := []slack.Block{section(heading)}
	for k, i := range r.Ideas {
		line := fmt.Sprintf("*%d. %s* · %s\n%s", k+1, title(i.Idea), statusText(l, i.Status), scoreText(l, i, r))
		if teams := teamsText(l, i); teams != "" {
			line += " · " + teams
		}
		if i.YouVoted {
			line += " · _" + l.T(i18n.IdeasListYouVoted) + "_"
		}
		blocks = append(blocks, section(bot.TruncateMrkdwn(line, listTextLimit)))
	}
	return append(blocks, contextBlock(weightingNote(l, r)+" "+c.hint(l)))
}

// scoreText is "5 votes × 1.60 = 8.00", the weight said in the
// weighting's terms; plain votes for ByVotes.
func scoreText(l *i18n.Lang, i dom.Ranked, r dom.Ranking) string {
	votes := votesText(l, i.Votes)
	switch r.Weighting {
	case dom.ByTeamSize:
		return ":ballot_box_with_check: " + l.T(i18n.IdeasListScoreTeamSize,
			i18n.Data{"Votes": votes, "Weight": fixed(l, i.Weight, 2), "Score": fixed(l, i.Score, 2)})
	case dom.ByEngineerShare:
		return ":ballot_box_with_check: " + l.T(i18n.IdeasListScoreShare,
			i18n.Data{"Votes": votes, "Share": l.Percent(100*i.Weight, 0), "Score": fixed(l, i.Score, 2)})
	}
	return ":ballot_box_with_check: *" + votes + "*"
}

// teamsText names the asking teams with their votes and sizes.
func teamsText(l *i18n.Lang, i dom.Ranked) string {
	var parts []string
	for k, t := range i.Teams {
		if k == shownTeams {
			parts = append(parts, l.T(i18n.IdeasListTeamsMore, i18n.Data{"Count": len(i.Teams) - shownTeams}))
			break
		}
		size := l.T(i18n.IdeasListSizeUnknown)
		if t.Size > 0 {
			size = l.N(i18n.IdeasListSize, t.Size)
		}
		if t.Author {
			size += ", " + l.T(i18n.IdeasListAuthorsTeam)
		}
		parts = append(parts, fmt.Sprintf("*%s* %d (%s)", bot.Escape(t.Name), t.Votes, size))
	}
	if i.NoTeam > 0 {
		parts = append(parts, l.T(i18n.IdeasListNoTeam, i18n.Data{"Count": i.NoTeam}))
	}
	if len(parts) == 0 {
		return ""
	}
	return l.T(i18n.IdeasListTeams, i18n.Data{"Teams": strings.Join(parts, ", ")})
}

// weightingNote says how the score is computed, with the figures it used.
func weightingNote(l *i18n.Lang, r dom.Ranking) string {
	switch r.Weighting {
	case dom.ByTeamSize:
		return l.T(i18n.IdeasListWeightTeamSize, i18n.Data{"Mean": fixed(l, r.MeanTeamSize, 1)})
	case dom.ByEngineerShare:
		return l.T(i18n.IdeasListWeightShare, i18n.Data{"Engineers": l.Int(r.Engineers)})
	}
	return l.T(i18n.IdeasListWeightVotes)
}

// briefLine is one idea in the unranked lists.
func briefLine(l *i18n.Lang, i dom.Ranked, viewer string) string {
	line := fmt.Sprintf("*%s* · %s · %s · %s", title(i.Idea), statusText(l, i.Status), votesText(l, i.Votes),
		l.T(i18n.IdeasListBy, i18n.Data{"Author": "<@" + i.Author + ">", "Date": dateIn(l, i.CreatedAt)}))
	if note := viewerNote(l, i, viewer); note != "" {
		line += " · _" + note + "_"
	}
	return line
}

// viewerNote is "yours", "you voted", both or "".
func viewerNote(l *i18n.Lang, i dom.Ranked, viewer string) string {
	mine := viewer != "" && i.Author == viewer
	switch {
	case mine && i.YouVoted:
		return l.T(i18n.IdeasListYoursVoted)
	case mine:
		return l.T(i18n.IdeasListYours)
	case i.YouVoted:
		return l.T(i18n.IdeasListYouVoted)
	}
	return ""
}

// briefBlocks renders a list of ideas one line each.
func briefBlocks(l *i18n.Lang, heading, empty string, r dom.Ranking, viewer string, c listContext) []slack.Block {
	if len(r.Ideas) == 0 {
		return []slack.Block{section(heading + "\n" + empty + " " + c.hint(l))}
	}
	blocks := []slack.Block{section(heading)}
	for _, i := range r.Ideas {
		blocks = append(blocks, section(bot.TruncateMrkdwn(briefLine(l, i, viewer), listTextLimit)))
	}
	return append(blocks, contextBlock(c.hint(l)))
}

// roadmapStatuses are the groups of `ideas status`, in order.
var roadmapStatuses = []dom.Status{dom.UnderReview, dom.Planned, dom.InProgress, dom.Shipped, dom.Declined}

// roadmapBlocks groups ideas by status: what the platform team is looking
// at, has planned, is building, shipped and declined (with the reason).
func roadmapBlocks(l *i18n.Lang, groups map[dom.Status][]dom.Ranked, c listContext) []slack.Block {
	blocks := []slack.Block{section(l.T(i18n.IdeasListRoadmap))}
	for _, st := range roadmapStatuses {
		list := groups[st]
		if len(list) == 0 {
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "*%s* (%d)", statusText(l, st), len(list))
		for k, i := range list {
			if k == roadmapSize {
				b.WriteString("\n" + l.T(i18n.IdeasListRoadmapMore, i18n.Data{"Count": len(list) - roadmapSize, "Command": c.Command, "Status": st}))
				break
			}
			fmt.Fprintf(&b, "\n• %s — %s", title(i.Idea), votesText(l, i.Votes))
			if st == dom.Declined && i.Reason != "" {
				fmt.Fprintf(&b, ": _%s_", bot.TruncateMrkdwn(bot.Escape(i.Reason), 150))
			}
		}
		blocks = append(blocks, section(bot.TruncateMrkdwn(b.String(), listTextLimit)))
	}
	if len(blocks) == 1 {
		blocks = append(blocks, section(l.T(i18n.IdeasListRoadmapNone)))
	}
	return append(blocks, contextBlock(l.T(i18n.IdeasListRoadmapHint, i18n.Data{"Command": c.Command})))
}

// homeBlocks is the App Home section in the viewer's language l: their
// ideas and votes, the top ideas, and a button to submit one.
func homeBlocks(l *i18n.Lang, mine, top dom.Ranking, viewer string) []slack.Block {
	submit := slack.NewButtonBlockElement(actNew, "home", plain(l.T(i18n.IdeasFormTitle)))
	head := slack.NewSectionBlock(mrkdwn(l.T(i18n.IdeasHomeHead)), nil, slack.NewAccessory(submit))
	lines := func(r dom.Ranking, empty string) string {
		if len(r.Ideas) == 0 {
			return "_" + empty + "_"
		}
		var out []string
		for _, i := range r.Ideas {
			line := fmt.Sprintf("• %s — %s · %s", title(i.Idea), statusText(l, i.Status), votesText(l, i.Votes))
			if i.Author == viewer {
				line += " · _" + l.T(i18n.IdeasListYours) + "_"
			} else if i.YouVoted {
				line += " · _" + l.T(i18n.IdeasListYouVoted) + "_"
			}
			out = append(out, line)
		}
		return strings.Join(out, "\n")
	}
	return []slack.Block{
		head,
		section(bot.TruncateMrkdwn(l.T(i18n.IdeasListMine)+"\n"+lines(mine, l.T(i18n.IdeasHomeNone)), listTextLimit)),
		section(bot.TruncateMrkdwn("*"+l.T(i18n.IdeasListTopText)+"*\n"+lines(top, l.T(i18n.IdeasHomeNoTop)), listTextLimit)),
	}
}
