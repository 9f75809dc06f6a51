// Package home composes the App Home tab from the features' sections:
// each feature renders its own part (a Section), the tab puts them in
// order and publishes the view.
package home

import (
	"context"
	"sort"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
)

// Section is one feature's part of the App Home tab.
type Section struct {
	Name   string
	Order  int // lower first
	Render func(ctx context.Context, userID string) ([]slack.Block, error)
}

// Tab composes and publishes the App Home tab from the features' sections.
type Tab struct {
	Slack    bot.Slack
	Log      zerolog.Logger
	sections []Section
}

// Add adds a section.
func (h *Tab) Add(s Section) {
	h.sections = append(h.sections, s)
	sort.SliceStable(h.sections, func(i, j int) bool { return h.sections[i].Order < h.sections[j].Order })
}

// Register publishes the home view whenever a user opens the Home tab.
func (h *Tab) Register(r *bot.Router) {
	r.Event("app_home_opened", func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		return nil, h.Publish(ctx, req.UserID)
	})
}

// Publish renders and publishes userID's home view. A failing section shows
// a short note instead of hiding the whole tab.
func (h *Tab) Publish(ctx context.Context, userID string) error {
	blocks := []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, "platformbot", false, false)),
		slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType,
			"The platform team's front door: requests, office hours, pulse surveys and metrics. Type `/platform help` anywhere.", false, false)),
	}
	for _, s := range h.sections {
		bs, err := s.Render(ctx, userID)
		if err != nil {
			h.Log.Error().Err(err).Str("section", s.Name).Str("user", userID).Msg("home section failed")
			bs = []slack.Block{slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType,
				":warning: "+s.Name+" is unavailable right now.", false, false))}
		}
		if len(bs) == 0 {
			continue
		}
		blocks = append(blocks, slack.NewDividerBlock())
		blocks = append(blocks, bs...)
	}
	if len(blocks) > 100 { // Slack's limit for a home view
		blocks = blocks[:100]
	}
	return h.Slack.PublishHome(ctx, userID, slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}})
}
