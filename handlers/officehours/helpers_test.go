package officehours

import "github.com/platformbot/platformbot/handlers/internal/handlertest"

// The shared test helpers under their short names.
type (
	fakeSlack    = handlertest.Slack
	routerDriver = handlertest.Driver
)

var (
	newFakeSlack = handlertest.NewSlack
	golden       = handlertest.Golden
	msgText      = handlertest.MsgText
	blocksText   = handlertest.BlocksText
	wantContains = handlertest.WantContains
)
