package officehours

import (
	"context"
	"errors"
	"fmt"

	"github.com/slack-go/slack"

	oh "github.com/platformbot/platformbot/officehours"
)

// HomeSection renders the office-hours part of userID's App Home: their
// upcoming bookings (with Cancel buttons) and the next free slots (with
// Book buttons). It renders nothing when no hosts are configured.
func (h *Handler) HomeSection(ctx context.Context, userID string) ([]slack.Block, error) {
	free, err := h.Service.FreeSlots(ctx, homeSlots)
	if errors.Is(err, oh.ErrNoHosts) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	mine, err := h.Service.Upcoming(ctx, userID)
	if err != nil {
		return nil, err
	}
	if len(mine) > homeSlots {
		mine = mine[:homeSlots]
	}
	loc := h.people.location(ctx, userID)
	blocks := []slack.Block{slack.NewHeaderBlock(plain("Office hours"))}
	if len(mine) > 0 {
		blocks = append(blocks, section("*Your upcoming office hours*"))
		blocks = append(blocks, bookingBlocks(mine, userID, loc, h.Service.Now())...)
	}
	if len(free) == 0 {
		blocks = append(blocks, section("No free slots right now; new ones open up every day."))
	} else {
		blocks = append(blocks, section("*Next free slots*"))
		blocks = append(blocks, slotBlocks(free, userID, loc)...)
	}
	blocks = append(blocks, contextBlock(fmt.Sprintf("Times in your time zone (%s). `/officehours list` shows more.", zone(loc))))
	return blocks, nil
}
