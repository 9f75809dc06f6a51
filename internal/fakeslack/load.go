package fakeslack

import (
	"cmp"
	"encoding/json"

	"github.com/slack-go/slack"
)

// Prepared is an envelope payload encoded once, for load generators that
// send many envelopes at a steady rate: SendPrepared only adds a fresh
// envelope id. Unlike SendSlashCommand and SendInteraction, nothing is
// filled in per send (no trigger_id is issued, no response_url made up).
type Prepared struct {
	typ     string
	accepts bool
	payload []byte
}

// PrepareSlashCommand encodes cmd as a slash_commands envelope payload.
// Empty TeamID and APIAppID are filled in as SendSlashCommand does.
func PrepareSlashCommand(cmd slack.SlashCommand) (Prepared, error) {
	cmd.TeamID = cmp.Or(cmd.TeamID, TeamID)
	cmd.APIAppID = cmp.Or(cmd.APIAppID, AppID)
	payload, err := slashPayload(cmd)
	if err != nil {
		return Prepared{}, err
	}
	return Prepared{typ: "slash_commands", accepts: true, payload: payload}, nil
}

// PrepareInteraction encodes cb as an "interactive" envelope payload, marked
// accepts_response_payload as SendInteraction does.
func PrepareInteraction(cb slack.InteractionCallback) (Prepared, error) {
	cb.APIAppID = cmp.Or(cb.APIAppID, AppID)
	payload, err := json.Marshal(&cb) // pointer: see SendInteraction
	if err != nil {
		return Prepared{}, err
	}
	accepts := cb.Type == slack.InteractionTypeViewSubmission || cb.Type == slack.InteractionTypeBlockSuggestion
	return Prepared{typ: "interactive", accepts: accepts, payload: payload}, nil
}

// SendPrepared delivers p to one open socket (round-robin) under a fresh
// envelope id, which it returns. It returns ErrNoConnection while no socket
// is open (e.g. during a reconnect): nothing was sent, and the caller may
// wait with WaitConnections and send again, as Slack holds envelopes while
// an app has no connection.
func (s *Server) SendPrepared(p Prepared) (envelopeID string, err error) {
	id := s.newEnvelopeID()
	return id, s.sendFrame(envelope(id, p.typ, p.accepts, p.payload, 0))
}
