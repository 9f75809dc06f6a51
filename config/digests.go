package config

// Digests configures metric digests and metric computation. Owned by the
// metrics feature; see README "Metrics".
type Digests struct{}

func (d *Digests) validate(v *validator, path string) {}
