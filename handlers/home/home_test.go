package home

import (
	"context"
	"errors"
	"testing"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/handlers/internal/handlertest"
	"github.com/platformbot/platformbot/i18n"
)

// TestTabInViewersLanguage: the tab's own words (the intro naming the
// command as registered, the note of a failing section) are in the viewing
// user's language; the sections come in order, each after a divider.
func TestTabInViewersLanguage(t *testing.T) {
	langs := handlertest.NewLanguages(map[string]string{"UGERMAN001": "de-DE", "UENGLISH01": "en-GB"})
	fs := handlertest.NewSlack()
	tab := &Tab{Slack: fs, Log: zerolog.Nop(), Languages: langs.Chooser(), Command: "/plattform"}
	ok := func(text string) func(context.Context, string) ([]slack.Block, error) {
		return func(context.Context, string) ([]slack.Block, error) {
			return []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil)}, nil
		}
	}
	broken := func(context.Context, string) ([]slack.Block, error) { return nil, errors.New("db down") }
	tab.Add(Section{Name: "Second", Order: 20, Render: ok("second")})
	tab.Add(Section{Name: "Office hours", NameID: i18n.OfficeHoursHomeTitle, Order: 30, Render: broken})
	tab.Add(Section{Name: "Empty", Order: 25, Render: func(context.Context, string) ([]slack.Block, error) { return nil, nil }})
	tab.Add(Section{Name: "First", Order: 10, Render: ok("first")})

	for _, tc := range []struct {
		user string
		want []string
	}{
		{"UGERMAN001", []string{
			"platformbot",
			"Der Eingang zum Plattform-Team: Anfragen, Sprechstunden, Pulse-Umfragen und Kennzahlen. Tippe `/plattform help`, wo immer du bist.",
			"first", "second",
			":warning: Sprechstunden ist gerade nicht verfügbar.",
		}},
		{"UENGLISH01", []string{
			"platformbot",
			"The platform team's front door: requests, office hours, pulse surveys and metrics. Type `/plattform help` anywhere.",
			"first", "second",
			":warning: Office hours is unavailable right now.",
		}},
	} {
		t.Run(tc.user, func(t *testing.T) {
			if err := tab.Publish(context.Background(), tc.user); err != nil {
				t.Fatal(err)
			}
			blocks := fs.Homes[tc.user].Blocks.BlockSet
			var texts []string
			dividers := 0
			for _, b := range blocks {
				switch b := b.(type) {
				case *slack.HeaderBlock:
					texts = append(texts, b.Text.Text)
				case *slack.ContextBlock:
					texts = append(texts, b.ContextElements.Elements[0].(*slack.TextBlockObject).Text)
				case *slack.SectionBlock:
					texts = append(texts, b.Text.Text)
				case *slack.DividerBlock:
					dividers++
				}
			}
			if len(texts) != len(tc.want) {
				t.Fatalf("texts = %q, want %q", texts, tc.want)
			}
			for i := range texts {
				if texts[i] != tc.want[i] {
					t.Errorf("block %d = %q, want %q", i, texts[i], tc.want[i])
				}
			}
			if dividers != 3 {
				t.Errorf("%d dividers, want 3 (one before each section that shows)", dividers)
			}
		})
	}
}

// TestTabEnglishWithoutChooser: without a chooser the tab is English and
// names /platform.
func TestTabEnglishWithoutChooser(t *testing.T) {
	fs := handlertest.NewSlack()
	tab := &Tab{Slack: fs, Log: zerolog.Nop()}
	if err := tab.Publish(context.Background(), "U1"); err != nil {
		t.Fatal(err)
	}
	got := handlertest.BlocksText(fs.Homes["U1"].Blocks.BlockSet)
	handlertest.WantContains(t, got, "Type `/platform help` anywhere.")
}
