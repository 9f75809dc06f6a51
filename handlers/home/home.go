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
	"github.com/platformbot/platformbot/i18n"
)

// Section is one feature's part of the App Home tab. Render writes it in
// the language of userID (each feature picks it: see i18n.Chooser).
type Section struct {
	Name   string // in logs, and in the note when it fails unless NameID is set
	NameID i18n.ID
	Order  int // lower first
	Render func(ctx context.Context, userID string) ([]slack.Block, error)
}

// Tab composes and publishes the App Home tab from the features' sections.
type Tab struct {
	Slack bot.Slack
	Log   zerolog.Logger
	// Languages picks the language of the tab's own words for the
	// viewing user; nil means English.
	Languages *i18n.Chooser
	// Command is the platform command as registered, for the hint;
	// "" means /platform.
	Command  string
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
	l := h.Languages.User(ctx, userID)
	command := h.Command
	if command == "" {
		command = "/platform"
	}
	blocks := []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, "platformbot", false, false)),
		slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType,
			l.T(i18n.HomeIntro, i18n.Data{"Command": command}), false, false)),
	}
	for _, s := range h.sections {
		bs, err := s.Render(ctx, userID)
		if err != nil {
			h.Log.Error().Err(err).Str("section", s.Name).Str("user", userID).Msg("home section failed")
			name := s.Name
			if s.NameID != "" {
				name = l.T(s.NameID)
			}
			bs = []slack.Block{slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType,
				l.T(i18n.HomeUnavailable, i18n.Data{"Section": name}), false, false))}
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
