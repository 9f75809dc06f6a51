package console_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/console"
)

// The console is built first, so that handlers can be given its Slack port;
// the Router is set once the handlers are registered. Typing a number clicks
// the element shown with it.
func Example() {
	script := "/hello\n1\n"
	c := console.New(console.Options{In: strings.NewReader(script), Out: os.Stdout})
	sl := c.Slack()

	r := bot.NewRouter(nil)
	r.Command("/hello", "say hello").Default = func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		wave := slack.NewButtonBlockElement("hello:wave", "👋", slack.NewTextBlockObject(slack.PlainTextType, "Wave back", false, false))
		return bot.SayBlocks("Hello!", slack.NewSectionBlock(
			slack.NewTextBlockObject(slack.MarkdownType, "Hello, <@"+req.UserID+">!", false, false), nil, slack.NewAccessory(wave))), nil
	}
	r.Action("hello:wave", func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		_, err := sl.PostMessage(ctx, req.UserID, bot.Text("<@"+req.UserID+"> waved "+req.Value))
		return nil, err
	})
	c.SetRouter(r)

	if err := c.Run(context.Background()); err != nil {
		fmt.Println(err)
	}
	// Output:
	// platformbot console — you are UCONSOLE in #CCONSOLE. Type help for usage.
	// > /hello
	// ── reply (only visible to you) ──
	// Hello, @UCONSOLE!  [1] Wave back
	// > 1
	// ── message to @UCONSOLE (DM) ──
	// @UCONSOLE waved 👋
	// >
}
