// Package language is the Slack side of the choice of language:
// `/platform language [CODE|auto]` shows or sets the language the bot
// writes to someone in.
package language

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/i18n"
)

// Handler serves `/platform language`. Set every field before Register.
type Handler struct {
	Chooser *i18n.Chooser
	Command string // e.g. "/platform"
	Now     func() time.Time
}

// Register adds `language` to the command's table.
func (h *Handler) Register(r *bot.Router) {
	r.Command(h.Command, "").Add(bot.Subcommand{
		Name: "language", Aliases: []string{"lang", "sprache"}, Usage: "[" + strings.Join(h.Chooser.Catalog().Codes(), "|") + "|auto]",
		Help: "the language I write to you in", HelpID: i18n.LanguageHelp, HelpData: i18n.Data{"Codes": h.codes()},
		Run: h.run,
	})
}

// codes lists the languages with a catalog as mrkdwn: "`de`, `en`".
func (h *Handler) codes() string {
	codes := h.Chooser.Catalog().Codes()
	for i, c := range codes {
		codes[i] = "`" + c + "`"
	}
	return strings.Join(codes, ", ")
}

func (h *Handler) run(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	cmd := h.Command + " language"
	if len(req.Args) == 0 {
		l, from := h.Chooser.Explain(ctx, req.UserID)
		id := map[i18n.Source]i18n.ID{
			i18n.FromChoice: i18n.LanguageCurrentChoice, i18n.FromLocale: i18n.LanguageCurrentLocale, i18n.FromDefault: i18n.LanguageCurrentDefault,
		}[from]
		return bot.Say(l.T(id, i18n.Data{"Name": l.Name(), "Command": cmd, "Codes": h.codes()})), nil
	}
	code := strings.ToLower(strings.Join(req.Args, " "))
	l, err := h.Chooser.Choose(ctx, req.UserID, code, h.Now())
	if errors.Is(err, i18n.ErrUnknownLanguage) || (err == nil && l == nil) {
		return nil, bot.Refuse(i18n.LanguageUnknown, i18n.Data{"Code": bot.Escape(bot.Truncate(code, 40)), "Codes": h.codes()})
	}
	if err != nil {
		return nil, err
	}
	// The answer is in the language now chosen: it shows the choice works.
	if code == i18n.Auto {
		return bot.Say(l.T(i18n.LanguageAuto, i18n.Data{"Name": l.Name()})), nil
	}
	return bot.Say(l.T(i18n.LanguageSet, i18n.Data{"Name": l.Name()})), nil
}
