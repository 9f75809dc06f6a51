package officehours

import (
	"context"
	"errors"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/i18n"
	oh "github.com/platformbot/platformbot/officehours"
)

// HomeSection renders the office-hours part of userID's App Home: their
// upcoming bookings (with Cancel buttons) and the next free slots (with
// Book buttons), in their language. It renders nothing when no hosts are
// configured.
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
	loc, w := h.people.location(ctx, userID), h.words(h.Languages.User(ctx, userID))
	blocks := []slack.Block{slack.NewHeaderBlock(plain(w.l.T(i18n.OfficeHoursHomeTitle)))}
	if len(mine) > 0 {
		blocks = append(blocks, section("*"+w.l.T(i18n.OfficeHoursMineTitle)+"*"))
		blocks = append(blocks, w.bookingBlocks(mine, userID, loc, h.Service.Now())...)
	}
	if len(free) == 0 {
		blocks = append(blocks, section(w.l.T(i18n.OfficeHoursHomeNoSlots)))
	} else {
		blocks = append(blocks, section(w.l.T(i18n.OfficeHoursHomeNext)))
		blocks = append(blocks, w.slotBlocks(free, userID, loc)...)
	}
	blocks = append(blocks, w.footer(i18n.OfficeHoursHomeFooter, loc))
	return blocks, nil
}
