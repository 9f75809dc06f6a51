package handlers

import (
	"context"
	"errors"
	"fmt"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/officehours"
)

// HomeSection renders the office-hours part of userID's App Home: their
// upcoming bookings (with Cancel buttons) and the next free slots (with
// Book buttons). It renders nothing when no hosts are configured.
func (h *OfficeHours) HomeSection(ctx context.Context, userID string) ([]slack.Block, error) {
	free, err := h.Service.FreeSlots(ctx, ohHomeSlots)
	if errors.Is(err, officehours.ErrNoHosts) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	mine, err := h.Service.Upcoming(ctx, userID)
	if err != nil {
		return nil, err
	}
	if len(mine) > ohHomeSlots {
		mine = mine[:ohHomeSlots]
	}
	loc := h.people.location(ctx, userID)
	blocks := []slack.Block{slack.NewHeaderBlock(ohPlain("Office hours"))}
	if len(mine) > 0 {
		blocks = append(blocks, ohSection("*Your upcoming office hours*"))
		blocks = append(blocks, ohBookingBlocks(mine, userID, loc, h.Service.Now())...)
	}
	if len(free) == 0 {
		blocks = append(blocks, ohSection("No free slots right now; new ones open up every day."))
	} else {
		blocks = append(blocks, ohSection("*Next free slots*"))
		blocks = append(blocks, ohSlotBlocks(free, userID, loc)...)
	}
	blocks = append(blocks, ohContext(fmt.Sprintf("Times in your time zone (%s). `/officehours list` shows more.", ohZone(loc))))
	return blocks, nil
}
