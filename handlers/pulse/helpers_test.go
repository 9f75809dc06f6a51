package pulse

import "github.com/platformbot/platformbot/handlers/internal/handlertest"

// The shared test helpers under their short names.
type (
	fakeSlack    = handlertest.Slack
	routerDriver = handlertest.Driver
)

var (
	newFakeSlack = handlertest.NewSlack
	goldenText   = handlertest.GoldenText
)
