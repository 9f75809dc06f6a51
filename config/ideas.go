package config

import "slices"

// Ideas configures the request board (`/platform idea`, `/platform ideas`).
type Ideas struct {
	// Channel is where each idea is posted with its Vote buttons; the
	// discussion happens in the message's thread. Empty: ideas are kept
	// and listed, but not posted.
	Channel string `yaml:"channel"`
	// Weighting ranks the lists: votes (default), team_size (a vote weighs
	// its team's size ÷ the mean team size) or engineer_share (votes ×
	// the asking teams' share of all engineers). Teams come from teams:.
	Weighting string `yaml:"weighting"`
}

// IdeaWeightings are the valid values of ideas.weighting.
var IdeaWeightings = []string{"votes", "team_size", "engineer_share"}

func (i *Ideas) validate(v *validator, path string) {
	v.channelID(path+".channel", i.Channel, false)
	if i.Weighting != "" && !slices.Contains(IdeaWeightings, i.Weighting) {
		v.add(path+".weighting", "unknown weighting %q: use one of %v", i.Weighting, IdeaWeightings)
	}
}
