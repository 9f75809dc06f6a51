package metrics

import "github.com/platformbot/platformbot/handlers/internal/handlertest"

// The shared test helpers under their short names.
type fakeSlack = handlertest.Slack

var (
	newFakeSlack = handlertest.NewSlack
	golden       = handlertest.Golden
	msgText      = handlertest.MsgText
	blocksText   = handlertest.BlocksText
)
